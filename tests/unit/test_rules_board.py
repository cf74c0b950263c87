"""Stages, the workshop's title and the people in it: accepted and refused commands."""

from __future__ import annotations

import pytest

from sessions import errors
from sessions.model import Stage
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    MAX_PARTICIPANTS,
    MAX_STAGES,
    NAME_MAX,
    AddNote,
    AddStage,
    Command,
    MoveStage,
    NoteDeleted,
    RemoveStage,
    RenameSelf,
    RenameStage,
    RenameWorkshop,
    StagesSet,
)
from sessions.rules import Actor, Join, decide
from tests.unit.workshops import FACILITATOR, cell, enter, fresh, run


def titles(stages: list[Stage]) -> list[str]:
    return [s.title for s in stages]


def facilitator_commands(stage: str) -> list[Command]:
    """One of each facilitator-only command, valid for a fresh workshop."""
    return [
        AddStage(op_id="o", title="New"),
        RenameStage(op_id="o", stage=stage, title="Renamed"),
        MoveStage(op_id="o", stage=stage, index=2),
        RemoveStage(op_id="o", stage=stage),
        RenameWorkshop(op_id="o", title="Renamed workshop"),
    ]


def test_facilitator_commands_are_listed_completely():
    """Every stage command and the workshop rename are facilitator-only."""
    assert {type(c) for c in facilitator_commands("s1")} <= FACILITATOR_COMMANDS


@pytest.mark.parametrize(
    "index", range(5), ids=lambda i: ["add", "rename", "move", "remove", "ws"][i]
)
def test_participant_is_forbidden_every_facilitator_command(index: int):
    """A participant sending any facilitator-only command is refused with forbidden."""
    workshop = fresh()
    pat = enter(workshop)
    command = facilitator_commands(workshop.stages[0].id)[index]
    assert decide(workshop, FACILITATOR, command), "the facilitator may do it"
    with pytest.raises(errors.Forbidden) as refused:
        decide(workshop, pat, command)
    assert refused.value.code == "forbidden"


def test_forbidden_comes_before_not_found():
    """A participant naming a missing stage learns only that the command is forbidden."""
    workshop = fresh()
    pat = enter(workshop)
    with pytest.raises(errors.Forbidden):
        decide(workshop, pat, RenameStage(op_id="o", stage="s999", title="x"))


def test_facilitator_commands_work_on_a_locked_board():
    """Locking binds participants only: the facilitator still edits stages and the title."""
    workshop = fresh()
    workshop.locked = True
    for command in facilitator_commands(workshop.stages[0].id):
        assert decide(workshop, FACILITATOR, command)


# -- stages -----------------------------------------------------------------------------


def test_add_stage_at_the_end_or_at_an_index():
    """A new stage gets a fresh id and goes last, or at the index given (clamped)."""
    workshop = fresh()
    start = titles(workshop.stages)
    run(workshop, FACILITATOR, AddStage(op_id="o", title="Last"))
    run(workshop, FACILITATOR, AddStage(op_id="o", title="First", index=0))
    run(workshop, FACILITATOR, AddStage(op_id="o", title="Far", index=999))
    assert titles(workshop.stages) == ["First", *start, "Last", "Far"]
    ids = [s.id for s in workshop.stages]
    assert len(set(ids)) == len(ids)
    assert workshop.counter >= max(int(i[1:]) for i in ids)


def test_add_stage_past_the_limit_is_refused():
    """The stage after MAX_STAGES is refused with the limit code."""
    workshop = fresh()
    while len(workshop.stages) < MAX_STAGES:
        run(workshop, FACILITATOR, AddStage(op_id="o", title="More"))
    with pytest.raises(errors.LimitReached) as refused:
        decide(workshop, FACILITATOR, AddStage(op_id="o", title="Too many"))
    assert refused.value.code == "limit"


def test_added_stage_id_is_never_an_old_one():
    """A stage added after another was removed does not reuse the removed stage's id."""
    workshop = fresh()
    run(workshop, FACILITATOR, AddStage(op_id="o", title="Temp"))
    removed = workshop.stages[-1].id
    run(workshop, FACILITATOR, RemoveStage(op_id="o", stage=removed))
    run(workshop, FACILITATOR, AddStage(op_id="o", title="Again"))
    assert workshop.stages[-1].id != removed


def test_rename_stage():
    """Renaming a stage changes its title only; renaming to the same title changes nothing."""
    workshop = fresh()
    stage = workshop.stages[1]
    run(workshop, FACILITATOR, RenameStage(op_id="o", stage=stage.id, title="Compare"))
    assert workshop.stages[1] == Stage(id=stage.id, title="Compare")
    assert (
        decide(workshop, FACILITATOR, RenameStage(op_id="o", stage=stage.id, title="Compare")) == []
    )


def test_rename_missing_stage_is_not_found():
    """Renaming a stage that does not exist is refused with not_found."""
    with pytest.raises(errors.NotFound) as refused:
        decide(fresh(), FACILITATOR, RenameStage(op_id="o", stage="s999", title="x"))
    assert refused.value.code == "not_found"


def test_move_stage():
    """Moving a stage puts it at the index (clamped); moving it to its own place changes nothing."""
    workshop = fresh()
    a, b, c, d, e = titles(workshop.stages)
    first = workshop.stages[0].id
    run(workshop, FACILITATOR, MoveStage(op_id="o", stage=first, index=2))
    assert titles(workshop.stages) == [b, c, a, d, e]
    run(workshop, FACILITATOR, MoveStage(op_id="o", stage=first, index=99))
    assert titles(workshop.stages) == [b, c, d, e, a]
    assert decide(workshop, FACILITATOR, MoveStage(op_id="o", stage=first, index=4)) == []
    assert decide(workshop, FACILITATOR, MoveStage(op_id="o", stage=first, index=50)) == []


def test_move_missing_stage_is_not_found():
    """Moving a stage that does not exist is refused with not_found."""
    with pytest.raises(errors.NotFound):
        decide(fresh(), FACILITATOR, MoveStage(op_id="o", stage="s999", index=0))


def test_remove_empty_stage():
    """An empty stage is removed with a single stages.set event."""
    workshop = fresh()
    gone = workshop.stages[2].id
    events = run(workshop, FACILITATOR, RemoveStage(op_id="o", stage=gone))
    assert [type(e) for e in events] == [StagesSet]
    assert gone not in [s.id for s in workshop.stages]


def test_remove_stage_with_notes_is_refused_unless_with_notes():
    """A stage holding notes is refused (conflict) unless with_notes, which deletes them too."""
    workshop = fresh()
    where = cell(workshop, 1, 0)
    keep = run(workshop, FACILITATOR, AddNote(op_id="o", text="keep", **cell(workshop, 0)))
    for text in ("one", "two"):
        run(workshop, FACILITATOR, AddNote(op_id="o", text=text, **where))
    command = RemoveStage(op_id="o", stage=where["stage"])
    with pytest.raises(errors.Conflict) as refused:
        decide(workshop, FACILITATOR, command)
    assert refused.value.code == "conflict"
    assert "2 note" in refused.value.message
    events = run(
        workshop, FACILITATOR, RemoveStage(op_id="o", stage=where["stage"], with_notes=True)
    )
    assert [type(e) for e in events] == [NoteDeleted, NoteDeleted, StagesSet]
    assert [n.text for n in workshop.notes.values()] == ["keep"]
    assert keep[0].note.id in workshop.notes  # type: ignore[union-attr]
    assert all(n.stage != where["stage"] for n in workshop.notes.values())


def test_remove_the_last_stage_is_refused():
    """A journey keeps at least one stage: removing the only one is a conflict."""
    workshop = fresh()
    while len(workshop.stages) > 1:
        run(workshop, FACILITATOR, RemoveStage(op_id="o", stage=workshop.stages[0].id))
    with pytest.raises(errors.Conflict):
        decide(workshop, FACILITATOR, RemoveStage(op_id="o", stage=workshop.stages[0].id))


def test_remove_missing_stage_is_not_found():
    """Removing a stage that does not exist is refused with not_found."""
    with pytest.raises(errors.NotFound):
        decide(fresh(), FACILITATOR, RemoveStage(op_id="o", stage="s999"))


# -- workshop and people ----------------------------------------------------------------


def test_rename_workshop():
    """The facilitator renames the workshop; the same title again changes nothing."""
    workshop = fresh()
    run(workshop, FACILITATOR, RenameWorkshop(op_id="o", title="Atelier"))
    assert workshop.title == "Atelier"
    assert decide(workshop, FACILITATOR, RenameWorkshop(op_id="o", title="Atelier")) == []


def test_join_gives_a_new_participant_with_a_clean_name():
    """Joining adds a participant with the next id and the name's spaces collapsed."""
    workshop = fresh()
    actor = enter(workshop, "  Ada   Lovelace ")
    assert actor.role == "participant"
    assert workshop.participants[actor.id].name == "Ada Lovelace"
    assert enter(workshop, "Bob").id != actor.id


def test_join_works_on_a_locked_board():
    """A locked board still lets people join."""
    workshop = fresh()
    workshop.locked = True
    assert enter(workshop).id in workshop.participants


@pytest.mark.parametrize("name", ["", "   ", "x" * (NAME_MAX + 1)], ids=["empty", "blank", "long"])
def test_join_with_a_bad_name_is_invalid(name: str):
    """An empty, blank or too long display name is refused with invalid."""
    with pytest.raises(errors.InvalidCommand) as refused:
        decide(fresh(), FACILITATOR, Join(op_id="j", name=name))
    assert refused.value.code == "invalid"


def test_join_past_the_limit_is_refused():
    """The participant after MAX_PARTICIPANTS is refused with the limit code."""
    workshop = fresh()
    while len(workshop.participants) < MAX_PARTICIPANTS:
        enter(workshop, f"P{len(workshop.participants)}")
    with pytest.raises(errors.LimitReached) as refused:
        decide(workshop, FACILITATOR, Join(op_id="j", name="Late"))
    assert refused.value.code == "limit"


def test_rename_self():
    """A participant renames themself; the same (or same once cleaned) name changes nothing."""
    workshop = fresh()
    pat = enter(workshop)
    run(workshop, pat, RenameSelf(op_id="o", name="Patricia"))
    assert workshop.participants[pat.id].name == "Patricia"
    assert decide(workshop, pat, RenameSelf(op_id="o", name=" Patricia ")) == []


def test_rename_self_refusals():
    """A blank name is invalid and someone who never joined is not_found."""
    workshop = fresh()
    pat = enter(workshop)
    with pytest.raises(errors.InvalidCommand):
        decide(workshop, pat, RenameSelf(op_id="o", name="   "))
    with pytest.raises(errors.NotFound):
        decide(workshop, Actor("p999", "participant"), RenameSelf(op_id="o", name="Ghost"))


def test_rename_self_works_on_a_locked_board():
    """Locking freezes the board's content, not a participant's own display name."""
    workshop = fresh()
    pat = enter(workshop)
    workshop.locked = True
    run(workshop, pat, RenameSelf(op_id="o", name="Later"))
    assert workshop.participants[pat.id].name == "Later"


def test_unknown_command_is_invalid():
    """A command type the rules do not know is refused with invalid, never ignored."""
    with pytest.raises(errors.InvalidCommand) as refused:
        decide(fresh(), FACILITATOR, Command(op_id="o"))
    assert refused.value.code == "invalid"


def test_error_codes_are_stable():
    """Each refusal class carries the code the protocol documents."""
    codes = {
        errors.InvalidCommand: "invalid",
        errors.LimitReached: "limit",
        errors.NotFound: "not_found",
        errors.Forbidden: "forbidden",
        errors.Locked: "locked",
        errors.Conflict: "conflict",
        errors.VoteRefused: "vote_refused",
    }
    for cls, code in codes.items():
        error = cls("A sentence.")
        assert (error.code, error.message, str(error)) == (code, "A sentence.", "A sentence.")
