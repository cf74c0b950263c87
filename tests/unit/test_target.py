"""The target journey: target ratings and value beside today's, solutions chosen for it."""

from __future__ import annotations

import json

import msgspec
import pytest

from sessions import keeping, snapshot, summary, templates
from sessions.model import Workshop
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    Command,
    EmotionSaved,
    FixEmotion,
    MoveNote,
    NoteSaved,
    RateStage,
    SetGroupWork,
    SetLock,
    SplitGroups,
    TargetNote,
    Undo,
    client_decoder,
)
from sessions.rules import Actor, apply_all
from sessions.templates import build
from tests.unit.ballots import NOW, play, refused
from tests.unit.method import lane_of, note, room
from tests.unit.workshops import FACILITATOR, enter


def _rate(workshop: Workshop, stage: int, value: int | None, at: int = 0) -> RateStage:
    persona, stage_id = workshop.personas[at].id, workshop.stages[stage].id
    return RateStage(op_id="r", persona=persona, stage=stage_id, value=value, target=True)


def _target(note_id: str, target: bool = True) -> TargetNote:
    return TargetNote(op_id="t", note=note_id, target=target)


def test_target_ratings_sit_beside_todays_and_make_their_own_curve() -> None:
    """Rating the target curve leaves today's alone; its median and the facilitator's value
    follow the same rules as today's curve."""
    workshop, pat, bob = room()
    play(workshop, pat, RateStage(op_id="r", persona=workshop.personas[0].id,
                                  stage=workshop.stages[1].id, value=-2))  # fmt: skip
    events = play(workshop, pat, _rate(workshop, 1, 2))
    play(workshop, bob, _rate(workshop, 1, 1))
    [saved] = events
    assert isinstance(saved, EmotionSaved) and saved.emotion.target == {pat.id: 2}
    persona = workshop.personas[0].id
    today, goal = summary.curve(workshop, persona)[1], summary.curve(workshop, persona, True)[1]
    assert (today.value, today.count) == (-2.0, 1)
    assert (goal.value, goal.low, goal.high, goal.count, goal.fixed) == (1.5, 1, 2, 2, False)
    fixing = FixEmotion(op_id="f", persona=persona, stage=workshop.stages[1].id, value=-1,
                        target=True)  # fmt: skip
    play(workshop, FACILITATOR, fixing)
    assert summary.curve(workshop, persona, True)[1].value == -1.0
    assert summary.curve(workshop, persona)[1].fixed is False
    assert play(workshop, FACILITATOR, fixing) == [], "the same value again changes nothing"


def test_taking_back_every_target_rating_empties_the_cell() -> None:
    """A cell with no rating nor value left on either curve is dropped from the workshop."""
    workshop, pat, _ = room()
    play(workshop, pat, _rate(workshop, 0, 1))
    assert workshop.emotions
    assert play(workshop, pat, _rate(workshop, 2, None)) == []
    play(workshop, pat, _rate(workshop, 0, None))
    assert workshop.emotions == {}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"persona": "a999"}, "not_found"),
        ({"stage": "s999"}, "not_found"),
    ],
)
def test_target_rating_of_a_missing_persona_or_stage_is_refused(
    fields: dict[str, str], code: str
) -> None:
    """A target rating names an existing persona and stage; refusals change nothing."""
    workshop, pat, _ = room()
    command = msgspec.structs.replace(_rate(workshop, 0, 1), **fields)
    assert refused(workshop, pat, command).code == code


def test_a_target_rating_out_of_range_is_invalid_on_the_wire() -> None:
    """-2..+2 only: the protocol's types refuse 3 before any rule runs."""
    raw = {"type": "emotion.rate", "op_id": "r", "persona": "a1", "stage": "s1", "value": 3,
           "target": True}  # fmt: skip
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps(raw))
    old = {"type": "emotion.rate", "op_id": "r", "persona": "a1", "stage": "s1", "value": 1}
    assert client_decoder.decode(json.dumps(old)).target is False  # type: ignore[union-attr]


def test_only_the_facilitator_fixes_the_target_curve_and_anyone_chooses_solutions() -> None:
    """FixEmotion stays facilitator-only whatever curve; TargetNote is everyone's."""
    workshop, pat, _ = room()
    fixing = FixEmotion(op_id="f", persona=workshop.personas[0].id, stage=workshop.stages[0].id,
                        value=2, target=True)  # fmt: skip
    assert refused(workshop, pat, fixing).code == "forbidden"
    assert TargetNote not in FACILITATOR_COMMANDS


def test_a_solution_joins_the_target_journey_and_leaves_it() -> None:
    """Marking a solution bumps its version; the same mark again changes nothing."""
    workshop, pat, _ = room()
    idea = note(workshop, pat, "An app", lane="solutions")
    [saved] = play(workshop, pat, _target(idea.id))
    assert isinstance(saved, NoteSaved) and saved.note.target and saved.note.version == 2
    assert play(workshop, pat, _target(idea.id)) == []
    assert summary.target_solutions(workshop, workshop.personas[0].id) == [workshop.notes[idea.id]]
    play(workshop, pat, _target(idea.id, False))
    assert not workshop.notes[idea.id].target


def test_only_a_solution_can_join_and_a_missing_note_is_not_found() -> None:
    """An irritant cannot be chosen for the target journey (taking a mark off always can)."""
    workshop, pat, _ = room()
    sore = note(workshop, pat, "Too slow", lane="irritants")
    assert refused(workshop, pat, _target(sore.id)).code == "invalid"
    assert play(workshop, pat, _target(sore.id, False)) == []
    assert refused(workshop, pat, _target("n999")).code == "not_found"


def test_a_chosen_solution_moved_out_of_its_lane_leaves_the_target_journey() -> None:
    """The mark stays on the note but only solutions lanes make the target journey."""
    workshop, pat, _ = room()
    idea = note(workshop, pat, "An app", lane="solutions")
    play(workshop, pat, _target(idea.id))
    away = MoveNote(op_id="m", note=idea.id, stage=workshop.stages[0].id,
                    lane=lane_of(workshop, "expectations"), index=0)  # fmt: skip
    play(workshop, pat, away)
    assert workshop.notes[idea.id].target
    assert summary.target_solutions(workshop, workshop.personas[0].id) == []


def test_irritants_at_a_stage_with_a_chosen_solution_are_answered() -> None:
    """An irritant is answered by a chosen solution at its stage, not by one elsewhere."""
    workshop, pat, _ = room()
    here = note(workshop, pat, "Lost tickets", lane="irritants", stage=2)
    there = note(workshop, pat, "Late bus", lane="irritants", stage=3)
    idea = note(workshop, pat, "A wallet", lane="solutions", stage=2)
    persona = workshop.personas[0].id
    assert summary.answered_irritants(workshop, persona) == set()
    play(workshop, pat, _target(idea.id))
    assert summary.answered_irritants(workshop, persona) == {here.id}
    assert there.id not in summary.answered_irritants(workshop, persona)


def test_group_work_keeps_the_other_groups_target_journeys_read_only() -> None:
    """During group work, target ratings and marks of another group's persona are forbidden."""
    workshop = build("travel", "en", "w1", "Trips", "Ann")
    people = [enter(workshop, f"P{i}") for i in range(2)]
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    play(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True))
    me = people[0]
    mine = next(g for g in workshop.groups if me.id in g.members).persona
    theirs = next(i for i, p in enumerate(workshop.personas) if p.id != mine)
    assert refused(workshop, me, _rate(workshop, 0, 1, at=theirs)).code == "forbidden"
    solutions = lane_of(workshop, "solutions")
    other = next(n for n in workshop.notes.values()
                 if n.lane == solutions and n.persona == workshop.personas[theirs].id)  # fmt: skip
    assert refused(workshop, me, _target(other.id, not other.target)).code == "forbidden"
    ours = next(i for i, p in enumerate(workshop.personas) if p.id == mine)
    play(workshop, me, _rate(workshop, 0, 1, at=ours))


def test_undo_takes_back_ones_own_target_rating_and_mark_only() -> None:
    """Undo reverts the sender's target rating, leaving someone else's rating of the same cell."""
    workshop, pat, bob = room()
    idea = note(workshop, pat, "An app", lane="solutions")

    def step(actor: Actor, command: Command) -> None:
        apply_all(workshop, keeping.decide(workshop, actor, command, NOW))

    step(pat, _rate(workshop, 0, 2))
    step(bob, _rate(workshop, 0, -1))
    step(pat, _target(idea.id))
    step(pat, Undo(op_id="u"))
    assert not workshop.notes[idea.id].target
    step(pat, Undo(op_id="u"))
    cell = workshop.emotions[f"{workshop.personas[0].id}:{workshop.stages[0].id}"]
    assert cell.target == {bob.id: -1}


def test_a_snapshot_from_before_the_target_journey_loads() -> None:
    """A workshop file without any target field reads back with empty target curves and marks."""
    workshop = build("travel", "en", "w1", "Trips", "Ann")
    raw = json.loads(snapshot.dump(workshop, "2026-11-26T10:00:00Z"))
    for key in list(raw["workshop"]["emotions"]):
        cell = raw["workshop"]["emotions"][key]
        cell.pop("target", None)
        cell.pop("target_fixed", None)
        if cell.get("fixed") is None:
            del raw["workshop"]["emotions"][key]
    for item in raw["workshop"]["notes"].values():
        item.pop("target", None)
    old = snapshot.read(json.dumps(raw).encode())
    assert not any(n.target for n in old.notes.values())
    assert all(e.target == {} and e.target_fixed is None for e in old.emotions.values())
    assert summary.has_target(old, old.personas[0].id) is False


def test_the_travel_demo_ships_a_target_curve_and_chosen_solutions() -> None:
    """A new user sees a target journey at once: both personas have one."""
    workshop = build("travel", "fr", "w1", "Voyages", "Ann")
    for persona in workshop.personas:
        goal = summary.curve(workshop, persona.id, target=True)
        assert all(p.value is not None and p.fixed for p in goal)
        assert summary.target_solutions(workshop, persona.id)
        assert summary.answered_irritants(workshop, persona.id)


def test_a_locked_board_refuses_target_ratings_and_marks_of_participants() -> None:
    """The lock covers the target journey like today's: participants read, the facilitator works."""
    workshop, pat, _ = room()
    idea = note(workshop, pat, "An app", lane="solutions")
    play(workshop, FACILITATOR, SetLock(op_id="l", locked=True))
    for command in (_rate(workshop, 0, 1), _target(idea.id)):
        assert refused(workshop, pat, command).code == "locked"
        assert play(workshop, FACILITATOR, command)


def test_a_workshop_saved_as_a_template_keeps_its_target_journey() -> None:
    """Saving as a template keeps the facilitator's target values and the chosen solutions."""
    workshop = build("travel", "en", "w1", "Trips", "Ann")
    again = templates.build_from(templates.capture(workshop, "Mine"), "en", "w2", "Again", "Bo")
    for old, new in zip(workshop.personas, again.personas, strict=True):
        assert summary.curve(again, new.id, True) == summary.curve(workshop, old.id, True)
        chosen = [n.text for n in summary.target_solutions(workshop, old.id)]
        assert [n.text for n in summary.target_solutions(again, new.id)] == chosen
