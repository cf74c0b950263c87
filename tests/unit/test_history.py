"""Per-person undo and redo, and the trash: decided by the domain against the current state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions import errors, history, keeping, trash, versions, views
from sessions.keeping import Draft
from sessions.model import Workshop, clone, working_copy
from sessions.protocol import (
    AddMoment,
    AddNote,
    AddObjective,
    AddPersona,
    AddPlanRow,
    AddRoadmapItem,
    AddScenario,
    AdjustRoadmapItem,
    AnswerScenario,
    ClassifyRoadmapItem,
    Command,
    DeleteNote,
    DraftPlan,
    EditMoment,
    EditNote,
    EditObjective,
    EditPersona,
    EditPlanRow,
    EditRoadmapItem,
    EditScenario,
    Entry,
    Event,
    FixEmotion,
    HistoryShown,
    HistoryUndone,
    MoveNote,
    PlaceRoadmapItem,
    RateStage,
    Redo,
    RemoveCampaign,
    RemoveMoment,
    RemoveObjective,
    RemovePersona,
    RemovePlanRow,
    RemoveRoadmapItem,
    RemoveScenario,
    RemoveStage,
    RestoreTrashed,
    ScoreRoadmapItem,
    ScoreScenario,
    SetCampaign,
    SetLock,
    SetPrivate,
    TagNote,
    TargetNote,
    TrashPut,
    Undo,
    encoder,
)
from sessions.rules import Actor, apply_all
from tests.unit.test_replicas import check_invariants, draw_command
from tests.unit.workshops import FACILITATOR, enter, fresh

NOW = 1_000.0


def play(workshop: Workshop, actor: Actor, command: Command, now: float = NOW) -> list[Event]:
    """Decide with the trash and history, as the server does, and apply."""
    events = keeping.decide(workshop, actor, command, now)
    apply_all(workshop, events)
    return events


def board(workshop: Workshop) -> dict[str, Any]:
    """What people see of the board (no versions, no history, no trash): to compare states."""
    raw = msgspec.to_builtins(workshop)
    for note in raw["notes"].values():
        note.pop("version")
    for key in ("history", "writers", "trash", "counter"):
        raw.pop(key)
    return raw


class Room:
    """A workshop with Ann and Bob, a solution note of Ann's, a roadmap item, a scenario, an
    objective and a plan row for the first persona serving that objective."""

    def __init__(self) -> None:
        self.workshop = fresh("blank")
        self.ann = enter(self.workshop, "Ann")
        self.bob = enter(self.workshop, "Bob")
        w = self.workshop
        self.cell = {"persona": w.personas[0].id, "stage": w.stages[0].id, "lane": w.lanes[0].id}
        solutions = next(lane.id for lane in w.lanes if lane.kind == "solutions")
        self.note = self.add(self.ann, "first idea")
        made = play(w, self.ann, AddNote(op_id="s", **{**self.cell, "lane": solutions}, text="fix"))
        self.solution = made[0].note.id  # type: ignore[union-attr]
        item = play(w, FACILITATOR, AddRoadmapItem(op_id="r", notes=[self.solution]))
        self.item = item[0].item.id  # type: ignore[union-attr]
        scenario = play(w, FACILITATOR, AddScenario(op_id="c", title="Welcome mail"))
        self.scenario = scenario[0].scenario.id  # type: ignore[union-attr]
        irritants = next(lane.id for lane in w.lanes if lane.kind == "irritants")
        made = play(w, self.ann, AddNote(op_id="i", **{**self.cell, "lane": irritants}, text="x"))
        self.irritant = made[0].note.id  # type: ignore[union-attr]
        moment = play(w, self.ann, AddMoment(op_id="m", title="Quote", note=self.irritant))
        self.moment = moment[0].moment.id  # type: ignore[union-attr]
        play(w, FACILITATOR, SetCampaign(op_id="g", scenario=self.scenario, channel="email"))
        self.campaign = w.scenarios[self.scenario].campaigns[0].id
        objective = play(w, FACILITATOR, AddObjective(op_id="o", title="Grow"))
        self.objective = objective[0].objectives[-1].id  # type: ignore[union-attr]
        play(w, FACILITATOR, AddPersona(op_id="p2", name="Lou"))
        row = AddPlanRow(
            op_id="m", title="Welcome", persona=self.cell["persona"], objective=self.objective
        )
        self.row = play(w, FACILITATOR, row)[0].row.id  # type: ignore[union-attr]

    def add(self, actor: Actor, text: str) -> str:
        events = play(self.workshop, actor, AddNote(op_id="n", **self.cell, text=text))
        return events[0].note.id  # type: ignore[union-attr]


Make = Callable[[Room], tuple[Actor, Command]]


def _stage(room: Room) -> dict[str, str]:
    return {"persona": room.cell["persona"], "stage": room.cell["stage"]}


KINDS: dict[str, Make] = {
    "note.add": lambda r: (r.ann, AddNote(op_id="x", **r.cell, text="new")),
    "note.edit": lambda r: (r.ann, EditNote(op_id="x", note=r.note, text="changed")),
    "note.edit channel": lambda r: (r.ann, EditNote(op_id="x", note=r.note, channel="email")),
    "note.move": lambda r: (
        r.ann,
        MoveNote(
            op_id="x", note=r.note, stage=r.workshop.stages[1].id, lane=r.cell["lane"], index=0
        ),
    ),
    "note.delete": lambda r: (r.ann, DeleteNote(op_id="x", note=r.solution)),
    "note.tag": lambda r: (r.ann, TagNote(op_id="x", note=r.solution, tags=["customer"])),
    "note.target": lambda r: (r.ann, TargetNote(op_id="x", note=r.solution, target=True)),
    "persona.add": lambda r: (r.ann, AddPersona(op_id="x", name="Lou")),
    "persona.edit": lambda r: (
        r.ann,
        EditPersona(op_id="x", persona=r.cell["persona"], field="motivations", value="speed"),
    ),
    "persona.remove": lambda r: (
        FACILITATOR,
        RemovePersona(op_id="x", persona=r.cell["persona"], with_notes=True),
    ),
    "emotion.rate": lambda r: (
        r.ann,
        RateStage(op_id="x", persona=r.cell["persona"], stage=r.cell["stage"], value=-2),
    ),
    "emotion.rate target": lambda r: (
        r.ann,
        RateStage(op_id="x", **_stage(r), value=2, target=True),
    ),
    "emotion.fix": lambda r: (
        FACILITATOR,
        FixEmotion(op_id="x", persona=r.cell["persona"], stage=r.cell["stage"], value=1),
    ),
    "emotion.fix target": lambda r: (
        FACILITATOR,
        FixEmotion(op_id="x", **_stage(r), value=-1, target=True),
    ),
    "roadmap.add": lambda r: (r.ann, AddRoadmapItem(op_id="x", title="From scratch")),
    "roadmap.edit": lambda r: (r.ann, EditRoadmapItem(op_id="x", item=r.item, owner="IT")),
    "roadmap.score": lambda r: (
        r.ann,
        ScoreRoadmapItem(op_id="x", item=r.item, criterion="impact", value=5),
    ),
    "roadmap.classify": lambda r: (
        FACILITATOR,
        ClassifyRoadmapItem(op_id="x", item=r.item, klass="waow"),
    ),
    "roadmap.place": lambda r: (r.ann, PlaceRoadmapItem(op_id="x", item=r.item, quarter=3)),
    "roadmap.adjust": lambda r: (
        FACILITATOR,
        AdjustRoadmapItem(op_id="x", item=r.item, impact=4.5, effort=2),
    ),
    "roadmap.remove": lambda r: (FACILITATOR, RemoveRoadmapItem(op_id="x", item=r.item)),
    "scenario.add": lambda r: (r.ann, AddScenario(op_id="x", title="Reminder")),
    "scenario.edit": lambda r: (
        r.ann,
        EditScenario(op_id="x", scenario=r.scenario, field="trigger", value="cart left"),
    ),
    "scenario.remove": lambda r: (FACILITATOR, RemoveScenario(op_id="x", scenario=r.scenario)),
    "scenario.edit key_moment": lambda r: (
        r.ann,
        EditScenario(op_id="x", scenario=r.scenario, field="key_moment", value=r.moment),
    ),
    "scenario.answer": lambda r: (
        r.ann,
        AnswerScenario(op_id="x", scenario=r.scenario, note=r.irritant),
    ),
    "scenario.campaign": lambda r: (
        r.ann,
        SetCampaign(op_id="x", scenario=r.scenario, timing="D-1", content="See you"),
    ),
    "scenario.campaign edit": lambda r: (
        r.bob,
        SetCampaign(op_id="x", scenario=r.scenario, campaign=r.campaign, channel="app"),
    ),
    "scenario.uncampaign": lambda r: (
        r.ann,
        RemoveCampaign(op_id="x", scenario=r.scenario, campaign=r.campaign),
    ),
    "scenario.score": lambda r: (
        r.bob,
        ScoreScenario(op_id="x", scenario=r.scenario, criterion="roi", value=4),
    ),
    "moment.add": lambda r: (
        r.bob,
        AddMoment(op_id="x", title="Sales", kind="commercial", stage=r.cell["stage"]),
    ),
    "moment.edit": lambda r: (
        r.bob,
        EditMoment(op_id="x", moment=r.moment, title="Changed", objective="loyalty"),
    ),
    "moment.remove": lambda r: (FACILITATOR, RemoveMoment(op_id="x", moment=r.moment)),
    "objective.add": lambda r: (FACILITATOR, AddObjective(op_id="x", title="Keep")),
    "objective.edit": lambda r: (
        FACILITATOR,
        EditObjective(op_id="x", objective=r.objective, kpis="NPS"),
    ),
    "objective.remove": lambda r: (
        FACILITATOR,
        RemoveObjective(op_id="x", objective=r.objective),
    ),
    "plan.add": lambda r: (r.bob, AddPlanRow(op_id="x", title="Reminder", months=[3, 1])),
    "plan.edit": lambda r: (r.bob, EditPlanRow(op_id="x", row=r.row, content="Tips")),
    "plan.edit months": lambda r: (
        r.ann,
        EditPlanRow(op_id="x", row=r.row, months=[6, 7], channels=["email"]),
    ),
    "plan.remove": lambda r: (FACILITATOR, RemovePlanRow(op_id="x", row=r.row)),
    "plan.draft": lambda r: (FACILITATOR, DraftPlan(op_id="x")),
}


def test_every_tracked_command_kind_is_covered():
    """The table below names a case for every command kind that has an inverse."""
    tags = {t.split(" ")[0] for t in KINDS} | {"trash.restore"}
    tracked = {kind.__struct_config__.tag for kind in keeping.TRACKED}
    assert tracked == tags


@pytest.mark.parametrize("kind", list(KINDS))
def test_undo_reverts_and_redo_does_again(kind: str):
    """Undo gives back the board as it was before the command; redo the board after it."""
    room = Room()
    actor, command = KINDS[kind](room)
    before = board(room.workshop)
    assert play(room.workshop, actor, command), "the command changes something"
    after = board(room.workshop)
    assert after != before
    undone = play(room.workshop, actor, Undo(op_id="u"))
    assert board(room.workshop) == before
    [done] = [e for e in undone if isinstance(e, HistoryUndone)]
    assert done.skipped == [] and done.undo == len(room.workshop.history[actor.id].undo)
    play(room.workshop, actor, Redo(op_id="r"))
    assert board(room.workshop) == after


def test_undo_leaves_a_field_someone_changed_since_and_says_who():
    """Bob rewrote Ann's note after her: her undo keeps his text and names him."""
    room = Room()
    w = room.workshop
    play(w, room.ann, EditNote(op_id="1", note=room.note, text="Ann's words"))
    play(w, room.bob, EditNote(op_id="2", note=room.note, text="Bob's words"), now=NOW + 60)
    events = play(w, room.ann, Undo(op_id="3"))
    assert w.notes[room.note].text == "Bob's words"
    [done] = [e for e in events if isinstance(e, HistoryUndone)]
    assert [(s.facet, s.by, s.reason) for s in done.skipped] == [("text", room.bob.id, "changed")]
    assert done.step is None, "nothing was reverted: nothing to redo"


def test_undo_reverts_my_field_and_keeps_the_other_field_someone_changed():
    """Ann moved a note, Bob then changed its channel: her undo moves it back, his channel stays."""
    room = Room()
    w = room.workshop
    target = {"stage": w.stages[2].id, "lane": room.cell["lane"]}
    play(w, room.ann, MoveNote(op_id="1", note=room.note, **target, index=0))
    play(w, room.bob, EditNote(op_id="2", note=room.note, channel="phone"))
    play(w, room.ann, Undo(op_id="3"))
    note = w.notes[room.note]
    assert (note.stage, note.channel) == (room.cell["stage"], "phone")


def test_my_undo_never_undoes_someone_elses_step():
    """Each person's stack holds only their own changes: Bob's undo leaves Ann's edit."""
    room = Room()
    w = room.workshop
    play(w, room.ann, EditNote(op_id="1", note=room.note, text="Ann's words"))
    assert play(w, room.bob, Undo(op_id="2")) == [], "Bob has nothing to undo"
    assert w.notes[room.note].text == "Ann's words"


def test_typing_in_one_field_undoes_as_one_step():
    """Edits of one note's text sent while typing merge; a pause or another field starts anew."""
    room = Room()
    w = room.workshop
    for i, text in enumerate(["f", "fi", "fir", "firs"]):
        play(w, room.ann, EditNote(op_id=f"t{i}", note=room.note, text=text), now=NOW + i)
    play(w, room.ann, EditNote(op_id="late", note=room.note, text="first"), now=NOW + 100)
    assert (
        len(w.history[room.ann.id].undo) == 6
    )  # three notes, a key moment, the typing, the last edit
    play(w, room.ann, Undo(op_id="u1"))
    assert w.notes[room.note].text == "firs"
    play(w, room.ann, Undo(op_id="u2"))
    assert w.notes[room.note].text == "first idea"


def test_a_new_change_after_an_undo_empties_redo():
    """Redo only follows undo: a fresh change in between drops what could be redone."""
    room = Room()
    w = room.workshop
    play(w, room.ann, EditNote(op_id="1", note=room.note, text="one"))
    play(w, room.ann, Undo(op_id="2"))
    play(w, room.ann, EditNote(op_id="3", note=room.solution, channel="app"))
    assert play(w, room.ann, Redo(op_id="4")) == []
    assert w.notes[room.note].text == "first idea"


def test_a_deleted_note_goes_to_the_trash_and_comes_back_with_its_links():
    """The trash keeps who deleted a note; a restore puts it in its cell and its item again."""
    room = Room()
    w = room.workshop
    place = (w.notes[room.solution].stage, w.notes[room.solution].lane, w.notes[room.solution].pos)
    play(w, room.ann, DeleteNote(op_id="1", note=room.solution), now=NOW + 5)
    assert room.solution not in w.notes and w.roadmap[room.item].notes == []
    kept = w.trash[room.solution]
    assert (kept.kind, kept.by, kept.at) == ("note", room.ann.id, NOW + 5)
    with pytest.raises(errors.Forbidden):
        keeping.decide(w, room.bob, RestoreTrashed(op_id="2", item=room.solution))
    play(w, room.ann, RestoreTrashed(op_id="3", item=room.solution))
    note = w.notes[room.solution]
    assert (note.stage, note.lane, note.pos) == place
    assert w.roadmap[room.item].notes == [room.solution]
    assert room.solution not in w.trash


def test_a_removed_persona_comes_back_with_its_notes_and_ratings():
    """Restoring a persona brings back its place in the tabs, its notes and its curve."""
    room = Room()
    w = room.workshop
    second = w.personas[1].id
    persona = room.cell["persona"]
    play(w, room.ann, RateStage(op_id="e", persona=persona, stage=room.cell["stage"], value=2))
    before = board(w)
    play(w, FACILITATOR, RemovePersona(op_id="1", persona=persona, with_notes=True))
    assert [p.id for p in w.personas] == [second] and not w.notes
    play(w, FACILITATOR, RestoreTrashed(op_id="2", item=persona))
    assert board(w) == before


def test_a_note_whose_stage_is_gone_cannot_go_back():
    """A restore into a removed stage is refused with a sentence; the note stays in the trash."""
    room = Room()
    w = room.workshop
    stage = room.cell["stage"]
    play(w, FACILITATOR, RemoveStage(op_id="1", stage=stage, with_notes=True))
    assert room.note in w.trash, "notes removed with their stage go to the trash too"
    with pytest.raises(errors.Conflict):
        keeping.decide(w, room.ann, RestoreTrashed(op_id="2", item=room.note))
    assert room.note in w.trash


def test_undo_of_a_delete_restores_from_the_trash():
    """Undoing a deletion is the trash restore: the note is back and out of the trash."""
    room = Room()
    w = room.workshop
    play(w, room.ann, DeleteNote(op_id="1", note=room.note))
    play(w, room.ann, Undo(op_id="2"))
    assert room.note in w.notes and room.note not in w.trash


def test_undo_of_an_add_that_someone_edited_since_is_skipped():
    """Ann's new note that Bob completed stays: undo never deletes someone else's work."""
    room = Room()
    w = room.workshop
    fresh_note = room.add(room.ann, "draft")
    play(w, room.bob, EditNote(op_id="1", note=fresh_note, text="draft, completed by Bob"))
    play(w, room.ann, Undo(op_id="2"))
    assert w.notes[fresh_note].text == "draft, completed by Bob"


def test_writers_keep_only_what_a_step_still_names():
    """Hundreds of notes added and deleted: ``writers`` keeps the facets some undo or redo step
    names (and no more than a pruning's slack), and undo still reports who changed one since."""
    room = Room()
    w = room.workshop
    for i in range(history.UNDO_DEPTH * 10):
        note = room.add(room.ann, f"note {i}")
        play(w, room.ann, DeleteNote(op_id=f"d{i}", note=note))
    named = {key for key in w.writers if key.partition(":")[0] in _named_items(w)}
    assert len(w.writers) <= len(named) + history.WRITERS_PRUNE_EVERY
    assert len(w.writers) < history.UNDO_DEPTH * 10, "deleted notes nobody can undo are forgotten"
    fresh_note = room.add(room.ann, "draft")
    play(w, room.bob, EditNote(op_id="b", note=fresh_note, text="draft, completed by Bob"))
    undone = play(w, room.ann, Undo(op_id="u"))
    assert w.notes[fresh_note].text == "draft, completed by Bob"
    skipped = next(e for e in undone if isinstance(e, HistoryUndone)).skipped
    assert [s.by for s in skipped] == [room.bob.id], skipped


def _named_items(w: Workshop) -> set[str]:
    return {
        change.item
        for stack in w.history.values()
        for step in (*stack.undo, *stack.redo)
        for change in step.changes
    }


def test_undo_is_refused_while_the_board_is_locked():
    """A locked board is read-only for participants: undo and restore included."""
    room = Room()
    w = room.workshop
    play(w, room.ann, EditNote(op_id="1", note=room.note, text="x"))
    play(w, FACILITATOR, SetLock(op_id="2", locked=True))
    with pytest.raises(errors.Locked):
        keeping.decide(w, room.ann, Undo(op_id="3"))


def test_stacks_are_bounded():
    """A person's undo stack keeps the newest UNDO_DEPTH steps."""
    room = Room()
    w = room.workshop
    for i in range(history.UNDO_DEPTH + 5):
        play(
            w, room.ann, EditNote(op_id=f"e{i}", note=room.note, channel="web" if i % 2 else "app")
        )
    assert len(w.history[room.ann.id].undo) == history.UNDO_DEPTH


def test_history_reaches_only_its_owner_and_never_a_snapshot():
    """Others get nothing of Ann's history; she gets the depth of her stacks; snapshots none."""
    room = Room()
    w = room.workshop
    events = keeping.decide(w, room.ann, EditNote(op_id="1", note=room.note, text="x"), NOW)
    entry = Entry(seq=1, op_id="1", actor=room.ann.id, events=events)
    apply_all(w, events)
    assert views.insiders(entry, w) == {room.ann.id}
    mine = views.redact(entry, w, room.ann.id).events
    theirs = views.redact(entry, w, room.bob.id).events
    assert isinstance(mine[-1], HistoryShown) and mine[-1].undo == 5
    assert all(not isinstance(e, HistoryShown) for e in theirs) and len(theirs) == 1
    seen = views.redact_workshop(w, room.bob.id)
    assert seen.history == {} and seen.writers == {}


def test_replicas_applying_undo_entries_stay_equal():
    """A replica fed the events through JSON ends equal to the one that decided them."""
    room = Room()
    w = room.workshop
    replica = clone(w)
    decoder = msgspec.json.Decoder(list[Event])
    for actor, command in [
        (room.ann, EditNote(op_id="1", note=room.note, text="a")),
        (room.bob, DeleteNote(op_id="2", note=room.solution)),
        (room.ann, Undo(op_id="3")),
        (room.bob, Undo(op_id="4")),
        (room.ann, Redo(op_id="5")),
    ]:
        events = play(w, actor, command)
        apply_all(replica, decoder.decode(msgspec.json.encode(events)))
    assert replica == w


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_work_with_undo_and_redo_keeps_replicas_equal_and_the_board_sound(
    data: st.DataObject,
):
    """Random work, undos and redos of three people: JSON-fed replicas agree, invariants hold."""
    start = fresh("travel")
    people = [FACILITATOR, enter(start, "Ann"), enter(start, "Bo")]
    here, there = clone(start), clone(start)
    decoder = msgspec.json.Decoder(list[Event])
    for op in range(data.draw(st.integers(1, 50))):
        actor: Actor = data.draw(st.sampled_from(people))
        kind = data.draw(st.sampled_from(["command", "command", "undo", "redo"]))
        command: Command
        if kind == "undo":
            command = Undo(op_id=f"u{op}")
        elif kind == "redo":
            command = Redo(op_id=f"r{op}")
        else:
            command = draw_command(data, here, op)
        try:
            events = keeping.decide(here, actor, command, NOW + op)
        except errors.DomainError:
            continue
        apply_all(here, events)
        apply_all(there, decoder.decode(msgspec.json.encode(events)))
        assert here == there
        check_invariants(here)
        assert not set(here.notes) & set(here.trash), "an item is on the board or in the trash"


def test_the_trash_keeps_the_newest_entries():
    """Beyond TRASH_MAX entries, the oldest deletion leaves the trash first."""
    room = Room()
    w = room.workshop
    first = room.note
    play(w, room.ann, DeleteNote(op_id="d0", note=first))
    for i in range(trash.TRASH_MAX):
        play(w, room.ann, DeleteNote(op_id=f"d{i + 1}", note=room.add(room.ann, f"n{i}")))
    assert len(w.trash) == trash.TRASH_MAX and first not in w.trash


def test_a_persona_comes_back_without_the_notes_of_a_stage_removed_meanwhile():
    """Its notes in a removed stage stay in the trash on their own; the others come back."""
    room = Room()
    w = room.workshop
    persona, gone = room.cell["persona"], w.stages[1].id
    lane = room.cell["lane"]
    late = play(w, room.ann, AddNote(op_id="n", persona=persona, stage=gone, lane=lane, text="x"))
    late_id = late[0].note.id  # type: ignore[union-attr]
    play(w, FACILITATOR, RemovePersona(op_id="1", persona=persona, with_notes=True))
    play(w, FACILITATOR, RemoveStage(op_id="2", stage=gone))
    play(w, FACILITATOR, RestoreTrashed(op_id="3", item=persona))
    assert room.note in w.notes and late_id not in w.notes
    assert w.trash[late_id].kind == "note"


def test_a_version_describes_the_board_it_keeps():
    """A version keeps the board without histories or trash, and counts what is on it."""
    room = Room()
    w = room.workshop
    play(w, room.ann, DeleteNote(op_id="1", note=room.note))
    info = versions.describe(
        w, version_id="v1", at=NOW, seq=9, reason="manual", label="  after\nvote "
    )
    assert (info.label, info.phase, info.counts["notes"], info.counts["participants"]) == (
        "after vote",
        w.phase,
        2,
        2,
    )
    kept = versions.board_of(w)
    assert kept.history == {} and kept.trash == {} and kept.notes == w.notes


def test_all_stacks_together_are_bounded():
    """Beyond HISTORY_MAX steps in a workshop, the fullest stack loses its oldest step first."""
    workshop = fresh("blank")
    people = [
        enter(workshop, f"P{i}") for i in range(history.HISTORY_MAX // history.UNDO_DEPTH + 5)
    ]
    cell = {"persona": workshop.personas[0].id, "stage": workshop.stages[0].id}
    lane = workshop.lanes[0].id
    for person in people:
        for i in range(history.UNDO_DEPTH):
            play(workshop, person, AddNote(op_id=f"{person.id}-{i}", **cell, lane=lane, text="n"))
    stacks = [len(s.undo) for s in workshop.history.values()]
    assert sum(stacks) == history.HISTORY_MAX and max(stacks) - min(stacks) <= 1


def test_a_private_note_in_the_trash_stays_private():
    """A deleted private note is in the trash of its author and the facilitator only."""
    room = Room()
    w = room.workshop
    play(w, FACILITATOR, SetPrivate(op_id="p", private=True))
    secret = room.add(room.ann, "my secret idea")
    events = keeping.decide(w, room.ann, DeleteNote(op_id="d", note=secret), NOW)
    entry = Entry(seq=1, op_id="d", actor=room.ann.id, events=events)
    apply_all(w, events)

    def trashed(viewer: str) -> list[str]:
        seen = views.redact(entry, w, viewer).events
        return [t.id for e in seen if isinstance(e, TrashPut) for t in e.entries]

    assert trashed(room.ann.id) == [secret] and trashed(FACILITATOR.id) == [secret]
    assert trashed(room.bob.id) == []
    assert secret not in views.redact_workshop(w, room.bob.id).trash
    assert secret in views.redact_workshop(w, FACILITATOR.id, facilitator=True).trash


def _draw_keeping(data: st.DataObject, w: Workshop, op: int) -> Command:
    """A random command, or an undo, a redo or a restore from the trash."""
    match data.draw(st.sampled_from(["command", "command", "undo", "redo", "restore"])):
        case "undo":
            return Undo(op_id=f"op{op}")
        case "redo":
            return Redo(op_id=f"op{op}")
        case "restore" if w.trash:
            return RestoreTrashed(op_id=f"op{op}", item=data.draw(st.sampled_from(sorted(w.trash))))
        case _:
            return draw_command(data, w, op)


def _decided_alike(
    data: st.DataObject, people: list[Actor], on: list[Workshop], command: Command, op: int
) -> list[Event]:
    """``command`` from a drawn person, decided on each board: the same events on all (none when
    it is refused)."""
    actor: Actor = data.draw(st.sampled_from(people))
    try:
        events = keeping.decide(on[0], actor, command, NOW + op)
    except errors.DomainError:
        return []
    for other in on[1:]:
        assert keeping.decide(other, actor, command, NOW + op) == events
    return events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_working_copy_takes_a_batch_and_leaves_the_board_as_it_was(data: st.DataObject):
    """The copy a batch is decided on (server/rooms.py, sharing trash entries and undo steps):
    commands with their history and trash decided and applied on it, undo and restore included,
    never change the board it was taken from, and end as on a deep clone."""
    w = fresh("travel")
    people = [FACILITATOR, enter(w, "Ann"), enter(w, "Bo")]

    def step(on: list[Workshop], op: int) -> None:
        events = _decided_alike(data, people, on, _draw_keeping(data, on[0], op), op)
        for each in on:
            apply_all(each, events)

    for op in range(data.draw(st.integers(0, 25))):  # some history and trash first
        step([w], op)
    before = encoder.encode(w)
    work, deep = working_copy(w), clone(w)
    for op in range(100, 100 + data.draw(st.integers(1, 30))):
        step([work, deep], op)
    assert encoder.encode(w) == before, "the board a copy was taken from never changes"
    assert encoder.encode(work) == encoder.encode(deep)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_draft_takes_a_batch_and_leaves_the_board_as_it_was(data: st.DataObject):
    """A batch decided on a Draft (a notes copy while only notes, trash and undo steps change, a
    working copy from the first other event) never changes the board it was taken from, and
    ends as on a deep clone; with a draw of note commands only, most drafts stay notes copies."""
    w = fresh("travel")
    people = [FACILITATOR, enter(w, "Ann"), enter(w, "Bo")]
    notes_only = data.draw(st.booleans())

    def command_for(on: Workshop, op: int) -> Command:
        if not notes_only:
            return _draw_keeping(data, on, op)
        where = {"persona": on.personas[0].id, "stage": on.stages[0].id, "lane": on.lanes[0].id}
        notes = sorted(on.notes)
        match data.draw(st.sampled_from(["add", "edit", "move", "delete", "undo", "redo"])):
            case "edit" if notes:
                return EditNote(op_id=f"op{op}", note=data.draw(st.sampled_from(notes)), text="e")
            case "move" if notes:
                stage = data.draw(st.sampled_from([s.id for s in on.stages]))
                note = data.draw(st.sampled_from(notes))
                lane = where["lane"]
                return MoveNote(op_id=f"op{op}", note=note, stage=stage, lane=lane, index=0)
            case "delete" if notes:
                return DeleteNote(op_id=f"op{op}", note=data.draw(st.sampled_from(notes)))
            case "undo":
                return Undo(op_id=f"op{op}")
            case "redo":
                return Redo(op_id=f"op{op}")
            case _:
                return AddNote(op_id=f"op{op}", text=f"n{op}", **where)

    def step(draft: Draft | None, on: list[Workshop], op: int) -> None:
        events = _decided_alike(data, people, on, command_for(on[0], op), op)
        if draft is not None:
            draft.apply(events)
            on = on[1:]
        for each in on:
            apply_all(each, events)

    for op in range(data.draw(st.integers(0, 25))):
        step(None, [w], op)
    before = encoder.encode(w)
    draft, deep = Draft(w), clone(w)
    for op in range(100, 100 + data.draw(st.integers(1, 30))):
        step(draft, [draft.board, deep], op)
    assert encoder.encode(w) == before, "the board a draft was taken from never changes"
    assert encoder.encode(draft.board) == encoder.encode(deep)
