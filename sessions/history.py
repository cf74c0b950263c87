"""Per-person undo and redo, decided against the current state like any command.

The model is tldraw's history manager and Yjs's UndoManager: each person has their own stacks
(``Workshop.history``), and an undo only ever reverts that person's own changes.

A step is read from the state, not written by hand per command: :func:`changes_of` compares
the items a command's events save or delete with the same items before, as facets (the fields
a person edits, ``sessions.facets``: a note's text, channel, tags and place; one person's score
or rating; a scenario's field...). Undoing a step (:func:`revert`) puts back, facet by facet,
the values from before, **only where the facet still holds the value the step gave it**. Where
someone changed it since, that facet is left alone and reported (:class:`~sessions.events.Skip`,
with who changed it last, from ``Workshop.writers``): nothing of theirs is ever overwritten. An
item the step created is deleted (to the trash) only if nobody changed it since; one it deleted
is brought back from the trash (``sessions.trash``).

What an undo changed is itself a step, which goes on the redo stack, and redo is the same
revert of it. Steps of consecutive edits of one text field within ``MERGE_SECONDS`` are one step
(typing is sent in pieces). Stacks hold at most ``UNDO_DEPTH`` steps, all of a workshop's stacks
together ``HISTORY_MAX`` (so a crowd cannot grow the state without bound); ``writers`` keeps only
the facets some step still names (nobody can undo the others, so nobody asks who wrote them),
pruned each time it passes another ``WRITERS_PRUNE_EVERY`` keys, and at most ``WRITERS_MAX``.

Pure: the only clock is the ``now`` the caller passes.
"""

from __future__ import annotations

from sessions import errors, moments, plan, roadmap, trash, voting
from sessions.commands import (
    Command,
    EditMoment,
    EditNote,
    EditObjective,
    EditPersona,
    EditPlanRow,
    EditRoadmapItem,
    EditScenario,
)
from sessions.events import (
    EmotionSaved,
    Event,
    HistoryPushed,
    HistoryRedone,
    HistoryUndone,
    MomentDeleted,
    MomentSaved,
    NoteDeleted,
    NoteSaved,
    NotesRevealed,
    ObjectivesSet,
    PersonaDeleted,
    PersonaSaved,
    PlanRowDeleted,
    PlanRowSaved,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    ScenarioDeleted,
    ScenarioSaved,
    Skip,
)
from sessions.facets import Facets, Item, current, facets, saved, with_facets
from sessions.model import (
    PLAN_FIELDS,
    Change,
    ItemKind,
    Note,
    Persona,
    Stack,
    UndoStep,
    Workshop,
    free_pos,
)

UNDO_DEPTH = 30
HISTORY_MAX = 600
"""Steps kept for everyone together: beyond, whoever holds the most loses their oldest."""
MERGE_SECONDS = 15.0
WRITERS_MAX = 20_000
WRITERS_PRUNE_EVERY = 256
"""The server copies the whole board for a batch of commands: a ``writers`` map kept for every
note ever written (a room of 600 notes added and deleted) made that copy cost a millisecond."""


# -- reading a step from events --------------------------------------------------------------


def _after(workshop: Workshop, events: list[Event]) -> dict[tuple[ItemKind, str], Item | None]:
    """Each item the events save or delete, and its state after them (None: deleted)."""
    found: dict[tuple[ItemKind, str], Item | None] = {}
    for event in events:
        match event:
            case NoteSaved(note=note):
                found["note", note.id] = note
            case NotesRevealed(notes=notes):
                for note in notes:
                    found["note", note.id] = note
            case NoteDeleted(note=note_id):
                found["note", note_id] = None
            case PersonaSaved(persona=persona):
                found["persona", persona.id] = persona
            case PersonaDeleted(persona=persona_id):
                found["persona", persona_id] = None
            case RoadmapItemSaved(item=item):
                found["roadmap", item.id] = item
            case RoadmapItemDeleted(item=item_id):
                found["roadmap", item_id] = None
            case ScenarioSaved(scenario=scenario):
                found["scenario", scenario.id] = scenario
            case ScenarioDeleted(scenario=scenario_id):
                found["scenario", scenario_id] = None
            case MomentSaved(moment=moment):
                found["moment", moment.id] = moment
            case MomentDeleted(moment=moment_id):
                found["moment", moment_id] = None
            case EmotionSaved(emotion=emotion):
                found["emotion", f"{emotion.persona}:{emotion.stage}"] = emotion
            case PlanRowSaved(row=row):
                found["plan", row.id] = row
            case PlanRowDeleted(row=row_id):
                found["plan", row_id] = None
            case ObjectivesSet(objectives=objectives):
                kept = {o.id: o for o in objectives}
                for objective in [*workshop.objectives, *objectives]:
                    found["objective", objective.id] = kept.get(objective.id)
    return found


def changes_of(workshop: Workshop, events: list[Event]) -> list[Change]:
    """What ``events`` (decided against ``workshop``) change, item by item, as facets.

    A deleted item is recorded with ``after`` None (its content is in the trash); the notes of
    a deleted persona are left out: they come back with it.
    """
    after = _after(workshop, events)
    moved = {
        i
        for (kind, i), state in after.items()
        if kind == "persona" and (state is None) != (current(workshop, kind, i) is None)
    }
    gone = {i for (kind, i), state in after.items() if kind == "note" and state is None}
    changes: list[Change] = []
    for (kind, item_id), state in after.items():
        before = current(workshop, kind, item_id)
        if before is None and state is None:
            continue
        either = before or state
        if isinstance(either, Note) and either.persona in moved:
            continue
        if before is None:
            assert state is not None
            created = facets(state)
            if isinstance(state, Persona):
                created["notes"] = sorted(
                    i for (k, i), n in after.items() if isinstance(n, Note) and n.persona == item_id
                )
            changes.append(Change(kind=kind, item=item_id, after=created))
        elif state is None:
            changes.append(Change(kind=kind, item=item_id, before={}))
        else:
            old, new = facets(before), facets(state)
            keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
            keys = [k for k in keys if not _follows_deletion(k, old, new, gone)]
            if keys:
                changes.append(
                    Change(
                        kind=kind,
                        item=item_id,
                        before={k: old.get(k) for k in keys},
                        after={k: new.get(k) for k in keys},
                    )
                )
    return changes


def _follows_deletion(key: str, old: Facets, new: Facets, gone: set[str]) -> bool:
    """A key moment's note, a scenario's answers that change only because notes are deleted:
    the trash keeps those links and brings them back with the notes (``trash.links_of``)."""
    if key == "note" and isinstance(old.get("note"), str):
        return bool(old["note"]) and old["note"] in gone and not new["note"]
    if key == "answers" and isinstance(old.get("answers"), list):
        return bool([n for n in old["answers"] if n not in gone] == new["answers"])
    return False


def merge_key(command: Command) -> str:
    """Edits of one text field, one after the other, merge into one step (typing)."""
    match command:
        case EditNote(channel=None, text=str()):
            return f"note:{command.note}:text"
        case EditPersona() if command.field not in ("emoji", "photo"):
            return f"persona:{command.persona}:{command.field}"
        case EditRoadmapItem():
            fields = [
                f for f in ("title", "description", "owner") if getattr(command, f) is not None
            ]
            return f"roadmap:{command.item}:{','.join(fields)}"
        case EditScenario() if command.field not in ("moment", "persona", "stage", "key_moment"):
            return f"scenario:{command.scenario}:{command.field}"
        case EditMoment(title=str(), kind=None, objective=None):
            return f"moment:{command.moment}:title"
        case EditObjective():
            fields = [
                f for f in ("title", "description", "kpis") if getattr(command, f) is not None
            ]
            return f"objective:{command.objective}:{','.join(fields)}"
        case EditPlanRow():
            fields = [f for f in PLAN_FIELDS if getattr(command, f) is not None]
            if fields and all(isinstance(getattr(command, f), str) for f in fields):
                return f"plan:{command.row}:{','.join(fields)}"
    return ""


def _given(command: Command, name: str) -> bool:
    return getattr(command, name) is not None


def pushed(
    workshop: Workshop, person: str, command: Command, events: list[Event], now: float
) -> list[Event]:
    """The history event for a tracked command's ``events`` (none when they change no facet)."""
    changes = changes_of(workshop, events)
    if not changes:
        return []
    stack = workshop.history.get(person) or Stack()
    key = merge_key(command)
    top = stack.undo[-1] if stack.undo else None
    merge = (
        bool(key)
        and top is not None
        and top.key == key
        and not stack.redo
        and now - top.at <= MERGE_SECONDS
    )
    depth = len(stack.undo) if merge else min(len(stack.undo) + 1, UNDO_DEPTH)
    step = UndoStep(changes=tuple(changes), at=now, key=key)
    return [HistoryPushed(person=person, step=step, merge=merge, undo=depth, redo=0)]


# -- undo and redo ---------------------------------------------------------------------------


def undo(workshop: Workshop, person: str, role: str, now: float) -> list[Event]:
    """Revert ``person``'s newest step where nobody changed it since (no-op when none)."""
    stack = workshop.history.get(person)
    if stack is None or not stack.undo:
        return []
    events, skipped = revert(workshop, person, role, stack.undo[-1])
    step = _inverse(workshop, events, now)
    redo = min(len(stack.redo) + (step is not None), UNDO_DEPTH)
    done = HistoryUndone(
        person=person, step=step, skipped=skipped, undo=len(stack.undo) - 1, redo=redo
    )
    return [*events, done]


def redo(workshop: Workshop, person: str, role: str, now: float) -> list[Event]:
    """Do again what ``person``'s last undo reverted (same rule; no-op when nothing to redo)."""
    stack = workshop.history.get(person)
    if stack is None or not stack.redo:
        return []
    events, skipped = revert(workshop, person, role, stack.redo[-1])
    step = _inverse(workshop, events, now)
    depth = min(len(stack.undo) + (step is not None), UNDO_DEPTH)
    done = HistoryRedone(
        person=person, step=step, skipped=skipped, undo=depth, redo=len(stack.redo) - 1
    )
    return [*events, done]


def _inverse(workshop: Workshop, events: list[Event], now: float) -> UndoStep | None:
    changes = changes_of(workshop, events)
    return UndoStep(changes=tuple(changes), at=now) if changes else None


def revert(
    workshop: Workshop, person: str, role: str, step: UndoStep
) -> tuple[list[Event], list[Skip]]:
    """Events that put back the ``before`` of each change, where it still holds its ``after``."""
    events: list[Event] = []
    skipped: list[Skip] = []
    # What the step deleted comes back first, so that links to it can be put back too.
    for change in sorted(reversed(step.changes), key=lambda c: c.after is not None):
        try:
            found = _revert_change(workshop, person, role, change, skipped)
        except errors.DomainError:
            skipped.append(Skip(kind=change.kind, item=change.item, reason="refused"))
            continue
        events += found
    return events, skipped


def _revert_change(
    workshop: Workshop, person: str, role: str, change: Change, skipped: list[Skip]
) -> list[Event]:
    kind, item_id = change.kind, change.item
    now_item = current(workshop, kind, item_id)
    if change.after is None:  # it was deleted: back from the trash
        if now_item is not None:
            return []  # someone restored it already
        if item_id not in workshop.trash:
            skipped.append(Skip(kind=kind, item=item_id, reason="deleted"))
            return []
        return trash.restore(workshop, person, role, item_id)
    if now_item is None:
        skipped.append(Skip(kind=kind, item=item_id, reason="deleted"))
        return []
    now_facets = facets(now_item)
    if change.before is None and isinstance(now_item, Persona):
        now_facets["notes"] = _notes_on(workshop, item_id)
    changed = [k for k, v in change.after.items() if now_facets.get(k) != v]
    for key in changed:
        skipped.append(Skip(kind=kind, item=item_id, facet=key, by=_writer(workshop, item_id, key)))
    if change.before is None:  # it was created: away to the trash, if nobody touched it
        return [] if changed else _deleted(workshop, kind, item_id)
    back: Facets = {k: change.before.get(k) for k in change.after if k not in changed}
    if not back:
        return []
    if kind == "note" and "place" in back:
        stage, lane = back["place"][0], back["place"][1]
        assert isinstance(now_item, Note)
        if not any(s.id == stage for s in workshop.stages) or not any(
            lane_.id == lane for lane_ in workshop.lanes
        ):
            back.pop("place")
            skipped.append(Skip(kind=kind, item=item_id, facet="place", reason="deleted"))
            if not back:
                return []
    again = with_facets(now_item, back)
    if isinstance(again, Note) and "place" in back:
        again.pos = free_pos(workshop, again)
    return [saved(workshop, again)]


def _notes_on(workshop: Workshop, persona_id: str) -> list[str]:
    return sorted(n.id for n in workshop.notes.values() if n.persona == persona_id)


def _writer(workshop: Workshop, item_id: str, facet: str) -> str:
    return workshop.writers.get(f"{item_id}:{facet}", "")


def _deleted(workshop: Workshop, kind: ItemKind, item_id: str) -> list[Event]:
    """Events deleting an item a step created (refused like the matching command would be)."""
    match kind:
        case "note":
            voting.guard_notes(workshop, [item_id])
            return [NoteDeleted(note=item_id), *roadmap.unlinked(workshop, [item_id])]
        case "persona":
            if len(workshop.personas) <= 1:
                raise errors.Conflict("A workshop needs at least one persona.")
            inside = _notes_on(workshop, item_id)
            voting.guard_notes(workshop, inside)
            deleted: list[Event] = [NoteDeleted(note=n) for n in inside]
            return [*deleted, *roadmap.unlinked(workshop, inside), PersonaDeleted(persona=item_id)]
        case "roadmap":
            return [RoadmapItemDeleted(item=item_id)]
        case "scenario":
            return [ScenarioDeleted(scenario=item_id)]
        case "moment":
            return moments.removed(workshop, item_id)
        case "objective":
            running = voting.current_round(workshop)
            if running is not None and item_id in running.items:
                raise errors.Conflict("This objective is in the vote under way.")
            return [ObjectivesSet(objectives=[o for o in workshop.objectives if o.id != item_id])]
        case "plan":
            plan.guard_rows(workshop, [item_id])
            return [PlanRowDeleted(row=item_id)]
    return []  # an emotion cell is never created by a step


# -- apply -----------------------------------------------------------------------------------


def _merged(top: UndoStep, step: UndoStep) -> UndoStep:
    by_item = {(c.kind, c.item): c for c in top.changes}
    changes = list(top.changes)
    for change in step.changes:
        old = by_item.get((change.kind, change.item))
        if old is None:
            changes.append(change)
            continue
        before = None if old.before is None else {**(change.before or {}), **old.before}
        after = None if change.after is None else {**(old.after or {}), **change.after}
        merged = Change(kind=change.kind, item=change.item, before=before, after=after)
        changes[changes.index(old)] = merged
    return UndoStep(changes=tuple(changes), at=step.at, key=step.key)


def _note_writers(workshop: Workshop, person: str, step: UndoStep | None) -> None:
    if step is None:
        return
    writers = workshop.writers
    had = len(writers)
    for change in step.changes:
        for key in change.after or change.before or {}:
            name = f"{change.item}:{key}"
            writers.pop(name, None)  # re-inserted last: the dict's order is the age
            writers[name] = person
    if len(writers) // WRITERS_PRUNE_EVERY > had // WRITERS_PRUNE_EVERY:
        named = _named_facets(workshop)
        workshop.writers = writers = {k: v for k, v in writers.items() if k in named}
    while len(writers) > WRITERS_MAX:
        del writers[next(iter(writers))]


def _named_facets(workshop: Workshop) -> set[str]:
    """Every ``item:facet`` a step of anyone's undo or redo stack names."""
    return {
        f"{change.item}:{key}"
        for stack in workshop.history.values()
        for step in (*stack.undo, *stack.redo)
        for change in step.changes
        for key in (*(change.before or ()), *(change.after or ()))
    }


def _bound(workshop: Workshop) -> None:
    if len(workshop.history) * UNDO_DEPTH * 2 <= HISTORY_MAX:
        return  # cannot be over: not worth counting
    total = sum(len(s.undo) + len(s.redo) for s in workshop.history.values())
    while total > HISTORY_MAX:
        fullest = max(workshop.history.values(), key=lambda s: len(s.undo) + len(s.redo))
        del (fullest.redo if fullest.redo else fullest.undo)[0]
        total -= 1


def apply_history(workshop: Workshop, event: HistoryPushed | HistoryUndone | HistoryRedone) -> None:
    stack = workshop.history.setdefault(event.person, Stack())
    match event:
        case HistoryPushed(step=step, merge=merge):
            if merge and stack.undo:
                stack.undo[-1] = _merged(stack.undo[-1], step)
            else:
                stack.undo.append(step)
            del stack.undo[:-UNDO_DEPTH]
            stack.redo.clear()
            _note_writers(workshop, event.person, step)
            _bound(workshop)
        case HistoryUndone(step=step):
            if stack.undo:
                stack.undo.pop()
            if step is not None:
                stack.redo.append(step)
                del stack.redo[:-UNDO_DEPTH]
            _note_writers(workshop, event.person, step)
        case HistoryRedone(step=step):
            if stack.redo:
                stack.redo.pop()
            if step is not None:
                stack.undo.append(step)
                del stack.undo[:-UNDO_DEPTH]
            _note_writers(workshop, event.person, step)
