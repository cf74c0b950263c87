"""The trash: what was deleted, kept so that it can come back where it was.

Invariants (kept here):

- every deletion of a note, persona, roadmap item, scenario, objective, key moment or plan row,
  whatever command
  caused it, puts the item in ``Workshop.trash`` in the same entry (:func:`put`), with who
  deleted it and when; a persona keeps its notes, its emotion ratings and its place in the list
  (an objective and a plan row their place too; a persona or an objective, the items naming it);
  a note keeps the roadmap items that named it (:class:`~sessions.model.Link`);
- the trash is keyed by the item's id (ids are never reused, so one item has one entry at most)
  and holds at most ``TRASH_MAX`` entries: the oldest leave first (:class:`TrashTaken`);
- a restore (:func:`restore`) is allowed to the facilitator, to whoever deleted the item and to
  a note's author; it puts the item back in its cell or at its index, with its links to items
  that still exist; it is refused (Conflict) when its place is gone (a removed stage or lane).
"""

from __future__ import annotations

import msgspec

from sessions import errors
from sessions.events import (
    EmotionSaved,
    Event,
    MomentDeleted,
    MomentSaved,
    NoteDeleted,
    NoteSaved,
    ObjectivesSet,
    PersonaDeleted,
    PersonaSaved,
    PlanRowDeleted,
    PlanRowSaved,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    ScenarioDeleted,
    ScenarioSaved,
    TrashPut,
    TrashTaken,
)
from sessions.facets import placed
from sessions.limits import (
    MAX_MOMENTS,
    MAX_NOTES,
    MAX_OBJECTIVES,
    MAX_PERSONAS,
    MAX_PLAN_ROWS,
    MAX_ROADMAP_ITEMS,
    MAX_SCENARIOS,
)
from sessions.model import Link, Note, RoadmapItem, Trashed, Workshop, free_pos

TRASH_MAX = 300

_GONE = "It cannot go back where it was: its persona, stage or lane was removed."


def links_of(workshop: Workshop, note_id: str) -> tuple[Link, ...]:
    """The roadmap items, key moments and scenarios naming ``note_id``, and where."""
    found: list[Link] = []
    for moment in workshop.moments.values():
        if moment.note == note_id:
            found.append(Link(item=moment.id))
    for scenario in workshop.scenarios.values():
        if note_id in scenario.answers:
            found.append(
                Link(item=scenario.id, answers=True, index=scenario.answers.index(note_id))
            )
    for item in workshop.roadmap.values():
        if note_id in item.notes:
            found.append(Link(item=item.id, index=item.notes.index(note_id)))
        if note_id in item.answers:
            found.append(Link(item=item.id, answers=True, index=item.answers.index(note_id)))
    return tuple(found)


def put(workshop: Workshop, actor_id: str, events: list[Event], now: float) -> list[Event]:
    """The trash events for the deletions among ``events`` (decided against ``workshop``)."""
    notes: list[str] = []
    entries: list[Trashed] = []
    for event in events:
        match event:
            case NoteDeleted(note=note_id) if note_id in workshop.notes:
                notes.append(note_id)
            case PersonaDeleted(persona=persona_id):
                entries += _persona_entry(workshop, actor_id, persona_id, now)
            case RoadmapItemDeleted(item=item_id) if item_id in workshop.roadmap:
                item = workshop.roadmap[item_id]
                entries.append(
                    Trashed(id=item_id, kind="roadmap", by=actor_id, at=now, roadmap=item)
                )
            case ScenarioDeleted(scenario=scenario_id) if scenario_id in workshop.scenarios:
                scenario = workshop.scenarios[scenario_id]
                entries.append(
                    Trashed(id=scenario_id, kind="scenario", by=actor_id, at=now, scenario=scenario)
                )
            case MomentDeleted(moment=moment_id) if moment_id in workshop.moments:
                named = [c.id for c in workshop.scenarios.values() if c.key_moment == moment_id]
                moment = workshop.moments[moment_id]
                entries.append(
                    Trashed(
                        id=moment_id,
                        kind="moment",
                        by=actor_id,
                        at=now,
                        moment=moment,
                        named_by=tuple(named),
                    )
                )
            case ObjectivesSet(objectives=objectives):
                kept = {o.id for o in objectives}
                for index, objective in enumerate(workshop.objectives):
                    if objective.id not in kept:
                        entries.append(
                            Trashed(
                                id=objective.id,
                                kind="objective",
                                by=actor_id,
                                at=now,
                                objective=objective,
                                index=index,
                                named_by=tuple(
                                    r.id for r in workshop.plan if r.objective == objective.id
                                ),
                            )
                        )
            case PlanRowDeleted(row=row_id):
                for index, row in enumerate(workshop.plan):
                    if row.id == row_id:
                        entries.append(
                            Trashed(
                                id=row_id, kind="plan", by=actor_id, at=now, plan=row, index=index
                            )
                        )
    with_persona = {n.id for e in entries for n in e.notes}
    for note_id in notes:
        if note_id not in with_persona:
            note = workshop.notes[note_id]
            links = links_of(workshop, note_id)
            entries.append(
                Trashed(id=note_id, kind="note", by=actor_id, at=now, note=note, links=links)
            )
    if not entries:
        return []
    return [TrashPut(entries=entries), *_bounded(workshop, entries)]


def _persona_entry(workshop: Workshop, by: str, persona_id: str, now: float) -> list[Trashed]:
    for index, persona in enumerate(workshop.personas):
        if persona.id == persona_id:
            notes = tuple(n for n in workshop.notes.values() if n.persona == persona_id)
            entry = Trashed(
                id=persona_id,
                kind="persona",
                by=by,
                at=now,
                persona=persona,
                index=index,
                notes=notes,
                note_links={n.id: links for n in notes if (links := links_of(workshop, n.id))},
                emotions=tuple(e for e in workshop.emotions.values() if e.persona == persona_id),
                named_by=(
                    *(i.id for i in workshop.roadmap.values() if i.persona == persona_id),
                    *(c.id for c in workshop.scenarios.values() if c.persona == persona_id),
                    *(m.id for m in workshop.moments.values() if m.persona == persona_id),
                    *(r.id for r in workshop.plan if r.persona == persona_id),
                ),
            )
            return [entry]
    return []


def _bounded(workshop: Workshop, added: list[Trashed]) -> list[Event]:
    over = len(workshop.trash) + len(added) - TRASH_MAX
    if over <= 0:
        return []
    return [TrashTaken(items=list(workshop.trash)[:over])]


def entry_of(workshop: Workshop, item_id: str) -> Trashed:
    entry = workshop.trash.get(item_id)
    if entry is None:
        raise errors.NotFound("This is no longer in the trash: someone may have restored it.")
    return entry


def may_restore(entry: Trashed, actor_id: str, role: str) -> bool:
    author = entry.note.author if entry.note is not None else ""
    return role == "facilitator" or actor_id in (entry.by, author)


def restore(workshop: Workshop, actor_id: str, role: str, item_id: str) -> list[Event]:
    """The events that bring ``item_id`` back from the trash; raises a DomainError if refused."""
    entry = entry_of(workshop, item_id)
    if not may_restore(entry, actor_id, role):
        raise errors.Forbidden("Only who deleted it, its author or the facilitator can restore it.")
    events: list[Event] = []
    if entry.note is not None:
        if not _has_cell(workshop, entry.note):
            raise errors.Conflict(_GONE)
        if len(workshop.notes) >= MAX_NOTES:
            raise errors.LimitReached(f"This workshop already holds {MAX_NOTES} notes.")
        again = _again(entry.note)
        again.pos = free_pos(workshop, again)
        events += [NoteSaved(note=again), *relinked(workshop, {entry.id: entry.links})]
    elif entry.persona is not None:
        events += _restore_persona(workshop, entry)
    elif entry.roadmap is not None:
        if len(workshop.roadmap) >= MAX_ROADMAP_ITEMS:
            raise errors.LimitReached(f"A roadmap has at most {MAX_ROADMAP_ITEMS} items.")
        item = entry.roadmap
        item = msgspec.structs.replace(
            item,
            notes=[n for n in item.notes if n in workshop.notes],
            answers=[n for n in item.answers if n in workshop.notes],
            persona=item.persona if _persona_exists(workshop, item.persona) else "",
            stage=item.stage if _stage_exists(workshop, item.stage) else "",
        )
        events.append(RoadmapItemSaved(item=item))
    elif entry.scenario is not None:
        if len(workshop.scenarios) >= MAX_SCENARIOS:
            raise errors.LimitReached(f"A workshop has at most {MAX_SCENARIOS} scenarios.")
        scenario = entry.scenario
        scenario = msgspec.structs.replace(
            scenario,
            persona=scenario.persona if _persona_exists(workshop, scenario.persona) else "",
            stage=scenario.stage if _stage_exists(workshop, scenario.stage) else "",
        )
        events.append(ScenarioSaved(scenario=scenario))
    elif entry.moment is not None:
        events += _restore_moment(workshop, entry)
    elif entry.objective is not None:
        if len(workshop.objectives) >= MAX_OBJECTIVES:
            raise errors.LimitReached(f"A workshop has at most {MAX_OBJECTIVES} objectives.")
        objectives = list(workshop.objectives)
        objectives.insert(min(entry.index, len(objectives)), entry.objective)
        events.append(ObjectivesSet(objectives=objectives))
        events += _relinked_rows(workshop, entry.named_by, objective=entry.objective.id)
    elif entry.plan is not None:
        if len(workshop.plan) >= MAX_PLAN_ROWS:
            raise errors.LimitReached(f"An animation plan has at most {MAX_PLAN_ROWS} rows.")
        row = msgspec.structs.replace(
            entry.plan,
            persona=entry.plan.persona if _persona_exists(workshop, entry.plan.persona) else "",
            objective=entry.plan.objective
            if any(o.id == entry.plan.objective for o in workshop.objectives)
            else "",
        )
        events.append(PlanRowSaved(row=row, index=entry.index))
    return [*events, TrashTaken(items=[item_id])]


def _restore_persona(workshop: Workshop, entry: Trashed) -> list[Event]:
    assert entry.persona is not None
    if len(workshop.personas) >= MAX_PERSONAS:
        raise errors.LimitReached(f"A workshop has at most {MAX_PERSONAS} personas.")
    if len(workshop.notes) + len(entry.notes) > MAX_NOTES:
        raise errors.LimitReached(f"This workshop would hold more than {MAX_NOTES} notes.")
    at = min(entry.index, len(workshop.personas))
    events: list[Event] = [PersonaSaved(persona=entry.persona, index=at)]
    stages = {s.id for s in workshop.stages}
    lanes = {lane.id for lane in workshop.lanes}
    back = [n for n in entry.notes if n.stage in stages and n.lane in lanes]
    events += [NoteSaved(note=_again(n)) for n in back]
    linked = relinked(workshop, {n.id: entry.note_links.get(n.id, ()) for n in back})
    items = {e.item.id: e.item for e in linked if isinstance(e, RoadmapItemSaved)}
    scenarios = {e.scenario.id: e.scenario for e in linked if isinstance(e, ScenarioSaved)}
    moments = {e.moment.id: e.moment for e in linked if isinstance(e, MomentSaved)}
    persona = entry.persona.id
    for named in entry.named_by:
        item = items.get(named) or workshop.roadmap.get(named)
        if item is not None and not item.persona:
            items[named] = msgspec.structs.replace(item, persona=persona)
        scenario = scenarios.get(named) or workshop.scenarios.get(named)
        if scenario is not None and not scenario.persona:
            scenarios[named] = msgspec.structs.replace(scenario, persona=persona)
        moment = moments.get(named) or workshop.moments.get(named)
        if moment is not None and not moment.persona:
            moments[named] = msgspec.structs.replace(moment, persona=persona)
    events += [RoadmapItemSaved(item=item) for item in items.values()]
    events += [ScenarioSaved(scenario=scenario) for scenario in scenarios.values()]
    events += [MomentSaved(moment=moment) for moment in moments.values()]
    events += _relinked_rows(workshop, entry.named_by, persona=entry.persona.id)
    events += [EmotionSaved(emotion=e) for e in entry.emotions if e.stage in stages]
    # Notes whose stage or lane went meanwhile stay in the trash, each on its own.
    left = [
        Trashed(
            id=n.id,
            kind="note",
            by=entry.by,
            at=entry.at,
            note=n,
            links=entry.note_links.get(n.id, ()),
        )
        for n in entry.notes
        if n not in back
    ]
    if left:
        events.append(TrashPut(entries=left))
    return events


def _restore_moment(workshop: Workshop, entry: Trashed) -> list[Event]:
    assert entry.moment is not None
    if len(workshop.moments) >= MAX_MOMENTS:
        raise errors.LimitReached(f"A workshop has at most {MAX_MOMENTS} key moments.")
    events: list[Event] = [MomentSaved(moment=placed(workshop, entry.moment))]
    for named in entry.named_by:
        scenario = workshop.scenarios.get(named)
        if scenario is not None and not scenario.key_moment:
            scenario = msgspec.structs.replace(scenario, key_moment=entry.id)
            events.append(ScenarioSaved(scenario=scenario))
    return events


def _relinked_rows(workshop: Workshop, named_by: tuple[str, ...], **link: str) -> list[Event]:
    """Plan rows that named a restored persona or objective, naming it again (where they
    name nothing else since)."""
    ((field, value),) = link.items()
    return [
        PlanRowSaved(row=msgspec.structs.replace(row, **{field: value}))
        for row in workshop.plan
        if row.id in named_by and not getattr(row, field)
    ]


def relinked(workshop: Workshop, links: dict[str, tuple[Link, ...]]) -> list[Event]:
    """Roadmap items, key moments and scenarios saved with the restored notes back in place."""
    changed: dict[str, tuple[list[str], list[str]]] = {}
    moments: dict[str, str] = {}
    for note_id, found in links.items():
        for link in found:
            if link.item in workshop.moments:
                moments[link.item] = note_id
                continue
            item = workshop.roadmap.get(link.item) or workshop.scenarios.get(link.item)
            if item is None:
                continue
            notes = item.notes if isinstance(item, RoadmapItem) else []
            notes, answers = changed.setdefault(item.id, (list(notes), list(item.answers)))
            target = answers if link.answers else notes
            if note_id not in target:
                target.insert(min(link.index, len(target)), note_id)
    events: list[Event] = []
    for i, (notes, answers) in changed.items():
        if i in workshop.roadmap:
            item = msgspec.structs.replace(workshop.roadmap[i], notes=notes, answers=answers)
            events.append(RoadmapItemSaved(item=item))
        else:
            scenario = msgspec.structs.replace(workshop.scenarios[i], answers=answers)
            events.append(ScenarioSaved(scenario=scenario))
    for i, note_id in moments.items():
        if not workshop.moments[i].note:
            events.append(
                MomentSaved(moment=msgspec.structs.replace(workshop.moments[i], note=note_id))
            )
    return events


def _again(note: Note) -> Note:
    return msgspec.structs.replace(note, version=note.version + 1)


def _has_cell(workshop: Workshop, note: Note) -> bool:
    return (
        _persona_exists(workshop, note.persona)
        and _stage_exists(workshop, note.stage)
        and any(lane.id == note.lane for lane in workshop.lanes)
    )


def _persona_exists(workshop: Workshop, persona_id: str) -> bool:
    return any(p.id == persona_id for p in workshop.personas)


def _stage_exists(workshop: Workshop, stage_id: str) -> bool:
    return any(s.id == stage_id for s in workshop.stages)


def apply_trash(workshop: Workshop, event: TrashPut | TrashTaken) -> None:
    match event:
        case TrashPut(entries=entries):
            for entry in entries:
                workshop.trash[entry.id] = entry
        case TrashTaken(items=items):
            for item_id in items:
                workshop.trash.pop(item_id, None)
