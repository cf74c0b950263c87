"""Notes: add, edit, move, delete, accepted and refused, and their order inside a cell."""

from __future__ import annotations

import itertools

import msgspec
import pytest

from sessions import errors
from sessions.model import Workshop, cell_notes, clone
from sessions.protocol import MAX_NOTES, AddNote, DeleteNote, EditNote, MoveNote, NoteSaved
from sessions.rules import _MIN_GAP, Actor, decide
from tests.unit.workshops import FACILITATOR, cell, enter, fresh, run, texts


def add(workshop: Workshop, actor: Actor, text: str, index: int | None = None, **where: str) -> str:
    """Add a note to the first cell (or ``where``); its id."""
    fields = {**cell(workshop), **where}
    events = run(workshop, actor, AddNote(op_id="add", text=text, index=index, **fields))
    saved = [e.note for e in events if isinstance(e, NoteSaved) and e.note.text == text]
    return saved[0].id


# -- add --------------------------------------------------------------------------------


def test_add_note_saves_it_with_a_new_id_and_its_author():
    """A participant's note gets the next id, the author, version 1 and the channel asked for."""
    workshop = fresh()
    pat = enter(workshop)
    before = workshop.counter
    events = decide(workshop, pat, AddNote(op_id="o", text="Hi", channel="email", **cell(workshop)))
    assert len(events) == 1 and isinstance(events[0], NoteSaved)
    note = events[0].note
    assert note.id == f"n{before + 1}"
    assert (note.text, note.channel, note.author, note.version) == ("Hi", "email", pat.id, 1)
    assert note.id not in workshop.notes, "decide must not change the workshop"


def test_add_note_appends_at_the_end_or_inserts_at_index():
    """Without an index a note goes last; with one it is inserted there (clamped to the end)."""
    workshop = fresh()
    add(workshop, FACILITATOR, "b")
    add(workshop, FACILITATOR, "d")
    add(workshop, FACILITATOR, "a", index=0)
    add(workshop, FACILITATOR, "c", index=2)
    add(workshop, FACILITATOR, "e", index=99)
    assert texts(workshop) == ["a", "b", "c", "d", "e"]


def test_add_note_ids_are_never_reused():
    """A deleted note's id is not given again: the counter only grows."""
    workshop = fresh()
    first = add(workshop, FACILITATOR, "one")
    run(workshop, FACILITATOR, DeleteNote(op_id="d", note=first))
    assert add(workshop, FACILITATOR, "two") != first


@pytest.mark.parametrize("missing", ["persona", "stage", "lane"])
def test_add_note_to_a_missing_cell_is_not_found(missing: str):
    """A note for a persona, stage or lane that does not exist is refused with not_found."""
    workshop = fresh()
    fields = {**cell(workshop), missing: "x999"}
    with pytest.raises(errors.NotFound) as refused:
        decide(workshop, FACILITATOR, AddNote(op_id="o", text="t", **fields))
    assert refused.value.code == "not_found"


def test_add_note_past_the_limit_is_refused():
    """The note after MAX_NOTES is refused with the limit code."""
    workshop = fresh()
    base = workshop.notes.copy()
    for i in range(MAX_NOTES):
        add(workshop, FACILITATOR, f"n{i}")
    assert len(workshop.notes) == MAX_NOTES + len(base)
    with pytest.raises(errors.LimitReached) as refused:
        decide(workshop, FACILITATOR, AddNote(op_id="o", text="one too many", **cell(workshop)))
    assert refused.value.code == "limit"


def test_add_note_on_a_locked_board_is_refused_for_participants_only():
    """A locked board refuses a participant's note (locked) and accepts the facilitator's."""
    workshop = fresh()
    pat = enter(workshop)
    workshop.locked = True
    with pytest.raises(errors.Locked) as refused:
        decide(workshop, pat, AddNote(op_id="o", text="t", **cell(workshop)))
    assert refused.value.code == "locked"
    assert decide(workshop, FACILITATOR, AddNote(op_id="o", text="t", **cell(workshop)))


@pytest.mark.parametrize(
    "command",
    [
        EditNote(op_id="o", note="n1", text="x"),
        MoveNote(op_id="o", note="n1", stage="s2", lane="l1", index=0),
        DeleteNote(op_id="o", note="n1"),
    ],
    ids=["edit", "move", "delete"],
)
def test_every_note_change_on_a_locked_board_is_refused_for_participants(command: object):
    """Edit, move and delete are refused with locked for a participant while the board is locked."""
    workshop = fresh()
    pat = enter(workshop)
    workshop.locked = True
    with pytest.raises(errors.Locked):
        decide(workshop, pat, command)  # type: ignore[arg-type]


# -- edit -------------------------------------------------------------------------------


def test_edit_note_changes_text_and_channel_and_bumps_the_version():
    """An edit carries the full new note, one version up; fields not given stay as they were."""
    workshop = fresh()
    pat = enter(workshop)
    note_id = add(workshop, pat, "before")
    run(workshop, FACILITATOR, EditNote(op_id="e1", note=note_id, text="after"))
    run(workshop, pat, EditNote(op_id="e2", note=note_id, channel="phone"))
    note = workshop.notes[note_id]
    assert (note.text, note.channel, note.version, note.author) == ("after", "phone", 3, pat.id)


def test_edit_note_that_changes_nothing_causes_no_event():
    """An edit to the same text and channel is accepted with no event (nothing is stored)."""
    workshop = fresh()
    note_id = add(workshop, FACILITATOR, "same")
    same = EditNote(op_id="e", note=note_id, text="same", channel="web")
    assert decide(workshop, FACILITATOR, same) == []
    assert decide(workshop, FACILITATOR, EditNote(op_id="e", note=note_id)) == []


def test_edit_missing_note_is_not_found():
    """Editing a note that does not exist is refused with not_found."""
    with pytest.raises(errors.NotFound) as refused:
        decide(fresh(), FACILITATOR, EditNote(op_id="e", note="n999", text="x"))
    assert refused.value.code == "not_found"


# -- delete -----------------------------------------------------------------------------


def test_delete_note_removes_it():
    """A participant may delete a note; it is gone from the workshop."""
    workshop = fresh()
    pat = enter(workshop)
    note_id = add(workshop, FACILITATOR, "bye")
    run(workshop, pat, DeleteNote(op_id="d", note=note_id))
    assert note_id not in workshop.notes


def test_delete_missing_note_is_not_found():
    """Deleting a note twice: the second delete is refused with not_found."""
    workshop = fresh()
    note_id = add(workshop, FACILITATOR, "bye")
    run(workshop, FACILITATOR, DeleteNote(op_id="d", note=note_id))
    with pytest.raises(errors.NotFound):
        decide(workshop, FACILITATOR, DeleteNote(op_id="d", note=note_id))


# -- move and positions -----------------------------------------------------------------


def test_move_note_within_its_cell_reorders():
    """Moving a note to another index of its cell puts it there, one version up."""
    workshop = fresh()
    ids = [add(workshop, FACILITATOR, t) for t in "abcd"]
    run(workshop, FACILITATOR, MoveNote(op_id="m", note=ids[3], index=1, **_to(workshop)))
    assert texts(workshop) == ["a", "d", "b", "c"]
    run(workshop, FACILITATOR, MoveNote(op_id="m", note=ids[0], index=99, **_to(workshop)))
    assert texts(workshop) == ["d", "b", "c", "a"]
    assert workshop.notes[ids[0]].version == 2
    assert workshop.notes[ids[3]].version == 2


def test_move_note_to_another_stage_and_lane():
    """A note moved to another cell keeps its persona, text and author, and sits at the index."""
    workshop = fresh()
    pat = enter(workshop)
    moving = add(workshop, pat, "moving")
    add(workshop, FACILITATOR, "x", **cell(workshop, 2, 1))
    add(workshop, FACILITATOR, "y", **cell(workshop, 2, 1))
    run(workshop, pat, MoveNote(op_id="m", note=moving, index=1, **_to(workshop, 2, 1)))
    assert texts(workshop, 2, 1) == ["x", "moving", "y"]
    assert texts(workshop) == []
    note = workshop.notes[moving]
    assert (note.persona, note.author, note.version) == (workshop.personas[0].id, pat.id, 2)


def test_move_note_to_where_it_already_is_causes_no_event():
    """A move to the note's own place (also an index past the end for the last note) is a no-op."""
    workshop = fresh()
    ids = [add(workshop, FACILITATOR, t) for t in "abc"]
    assert not decide(
        workshop, FACILITATOR, MoveNote(op_id="m", note=ids[1], index=1, **_to(workshop))
    )
    assert not decide(
        workshop, FACILITATOR, MoveNote(op_id="m", note=ids[2], index=50, **_to(workshop))
    )


def test_move_note_alone_into_an_empty_cell():
    """Moving into an empty cell at any index makes the note that cell's only one."""
    workshop = fresh()
    note_id = add(workshop, FACILITATOR, "solo")
    run(workshop, FACILITATOR, MoveNote(op_id="m", note=note_id, index=7, **_to(workshop, 4, 3)))
    assert texts(workshop, 4, 3) == ["solo"]


def test_move_missing_note_is_not_found():
    """Moving a note that does not exist is refused with not_found."""
    workshop = fresh()
    with pytest.raises(errors.NotFound):
        decide(workshop, FACILITATOR, MoveNote(op_id="m", note="n999", index=0, **_to(workshop)))


@pytest.mark.parametrize("missing", ["stage", "lane"])
def test_move_note_to_a_missing_stage_or_lane_is_not_found(missing: str):
    """Moving a note to a stage or lane that does not exist is refused with not_found."""
    workshop = fresh()
    note_id = add(workshop, FACILITATOR, "a")
    target = {**_to(workshop), missing: "x999"}
    with pytest.raises(errors.NotFound):
        decide(workshop, FACILITATOR, MoveNote(op_id="m", note=note_id, index=0, **target))


def test_positions_are_renumbered_when_the_gap_wears_out():
    """Inserting again and again at one spot ends in a renumbering that keeps the order exact."""
    workshop = fresh()
    add(workshop, FACILITATOR, "first")
    add(workshop, FACILITATOR, "last")
    expected = ["first", "last"]
    renumbered = None
    for i in range(60):
        events = run(
            workshop, FACILITATOR, AddNote(op_id="o", text=f"{i}", index=1, **cell(workshop))
        )
        expected.insert(1, f"{i}")
        assert texts(workshop) == expected
        if len(events) > 1 and renumbered is None:
            renumbered = (i, events)
    assert renumbered is not None, "the gap never wore out"
    at, events = renumbered
    # One event per note of the cell, the new note's at version 1, the others one version up.
    assert len(events) == at + 3
    notes = [e.note for e in events if isinstance(e, NoteSaved)]
    assert [n.pos for n in notes] == [float(r) for r in range(1, at + 4)]
    newest = [n for n in notes if n.text == f"{at}"]
    assert newest[0].version == 1
    assert all(n.version == 2 for n in notes if n.text != f"{at}")
    positions = [n.pos for n in cell_notes(workshop, **_cell_args(workshop))]
    assert len(set(positions)) == len(positions)


def test_moving_back_and_forth_renumbers_too():
    """Moving notes repeatedly between two neighbours wears the gap out and renumbers the cell."""
    workshop = fresh()
    ids = [add(workshop, FACILITATOR, t) for t in "abc"]
    renumbered = False
    for i in range(80):
        mover = ids[2] if i % 2 == 0 else ids[1]
        events = run(
            workshop, FACILITATOR, MoveNote(op_id="m", note=mover, index=1, **_to(workshop))
        )
        renumbered = renumbered or len(events) > 1
        notes = cell_notes(workshop, **_cell_args(workshop))
        assert notes[1].id == mover
        assert len({n.pos for n in notes}) == 3
        for a, b in itertools.pairwise(notes):
            assert b.pos - a.pos > _MIN_GAP / 2
    assert renumbered


def test_notes_with_equal_positions_are_ordered_by_id_and_can_be_split():
    """Ties in pos (old data) are shown in id order, and inserting between them still works."""
    workshop = fresh()
    ids = [add(workshop, FACILITATOR, t) for t in "abc"]
    for note_id in ids:
        workshop.notes[note_id] = msgspec.structs.replace(workshop.notes[note_id], pos=0.0)
    assert texts(workshop) == ["a", "b", "c"]
    add(workshop, FACILITATOR, "between", index=1)
    assert texts(workshop) == ["a", "between", "b", "c"]


def test_decide_never_changes_the_workshop():
    """decide on every kind of note command leaves the workshop exactly as it was."""
    workshop = fresh("travel")
    note_id = next(iter(workshop.notes))
    before = clone(workshop)
    for command in [
        AddNote(op_id="o", text="t", index=0, **cell(workshop)),
        EditNote(op_id="o", note=note_id, text="changed"),
        MoveNote(op_id="o", note=note_id, index=0, **_to(workshop, 3, 2)),
        DeleteNote(op_id="o", note=note_id),
    ]:
        assert decide(workshop, FACILITATOR, command)
        assert workshop == before


def _to(workshop: Workshop, stage: int = 0, lane: int = 0) -> dict[str, str]:
    where = cell(workshop, stage, lane)
    return {"stage": where["stage"], "lane": where["lane"]}


def _cell_args(workshop: Workshop) -> dict[str, str]:
    return cell(workshop)
