"""The agenda: steps of the method, Next and Previous, "I'm done", and what a step change sets."""

from __future__ import annotations

import pytest

from sessions import agenda
from sessions.model import clone
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    AgendaSet,
    DoneSet,
    FacilitationSet,
    GoToStep,
    MarkDone,
    SetAgenda,
    SetLock,
    StepDraft,
    StepSet,
    client_decoder,
)
from sessions.rules import apply_all
from tests.unit.ballots import NOW, play, refused
from tests.unit.method import room
from tests.unit.workshops import FACILITATOR, fresh


def test_new_workshops_carry_the_method_agenda() -> None:
    """Every template starts with the method's steps in order, each timed, none current."""
    for template in ("blank", "travel", "aarrr", "loop"):
        workshop = fresh(template)
        assert [s.kind for s in workshop.agenda] == list(agenda.METHOD_STEPS)
        assert all(s.minutes for s in workshop.agenda)
        assert workshop.step is None and workshop.done == []
        ids = [s.id for s in workshop.agenda]
        assert len(set(ids)) == len(ids)


def test_step_ids_never_collide_with_later_ids() -> None:
    """The counter has moved past the agenda's ids, so the next note gets a fresh number."""
    workshop = fresh()
    numbers = [int(s.id[1:]) for s in workshop.agenda]
    assert workshop.counter >= max(numbers)


def test_going_to_a_step_starts_its_countdown_and_phase() -> None:
    """Moving to the vote step sets the phase to vote and a countdown of the step's minutes."""
    workshop = fresh()
    vote = next(s for s in workshop.agenda if s.kind == "vote")
    events = play(workshop, FACILITATOR, GoToStep(op_id="g", step=vote.id))
    assert isinstance(events[0], StepSet)
    assert isinstance(events[1], FacilitationSet)
    assert workshop.step == vote.id
    assert workshop.phase == "vote"
    assert vote.minutes is not None
    assert workshop.timer_ends_at == NOW + vote.minutes * 60


def test_a_step_without_duration_stops_the_countdown() -> None:
    """A step with no minutes clears the countdown the previous step started."""
    workshop = fresh()
    first, second = workshop.agenda[0], workshop.agenda[1]
    drafts = [StepDraft(id=s.id, kind=s.kind, minutes=s.minutes) for s in workshop.agenda]
    drafts[1] = StepDraft(id=second.id, kind=second.kind, minutes=None)
    play(workshop, FACILITATOR, SetAgenda(op_id="a", steps=drafts))
    play(workshop, FACILITATOR, GoToStep(op_id="g1", step=first.id))
    assert workshop.timer_ends_at is not None
    play(workshop, FACILITATOR, GoToStep(op_id="g2", step=second.id))
    assert workshop.timer_ends_at is None


def test_the_framing_step_keeps_the_phase() -> None:
    """The kick-off has no phase of its own: the phase stays what it was."""
    workshop = fresh()
    workshop.phase = "roadmap"
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=workshop.agenda[0].id))
    assert workshop.phase == "roadmap"


def test_going_to_the_current_step_changes_nothing() -> None:
    """A second Next sent for the same target (two taps, a retry) is a no-op."""
    workshop = fresh()
    step = workshop.agenda[2].id
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=step))
    assert play(workshop, FACILITATOR, GoToStep(op_id="g2", step=step)) == []


def test_unknown_step_is_refused() -> None:
    """A step that is not in the agenda is not_found and changes nothing."""
    workshop = fresh()
    error = refused(workshop, FACILITATOR, GoToStep(op_id="g", step="g999"))
    assert error.code == "not_found"


def test_back_to_the_join_screen() -> None:
    """step None leaves the agenda and resets who is done."""
    workshop, pat, _bob = room()
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=workshop.agenda[0].id))
    play(workshop, pat, MarkDone(op_id="d"))
    play(workshop, FACILITATOR, GoToStep(op_id="g2", step=None))
    assert workshop.step is None and workshop.done == []


def test_agenda_and_steps_are_the_facilitators() -> None:
    """Participants cannot edit the agenda or move the room."""
    assert {SetAgenda, GoToStep} <= FACILITATOR_COMMANDS
    assert MarkDone not in FACILITATOR_COMMANDS
    workshop, pat, _bob = room()
    assert refused(workshop, pat, GoToStep(op_id="g", step=workshop.agenda[0].id)).code == (
        "forbidden"
    )
    assert refused(workshop, pat, SetAgenda(op_id="a")).code == "forbidden"


def test_done_counts_each_participant_once_and_can_be_taken_back() -> None:
    """I'm done twice is one; undoing it removes only me; order is the order people said it."""
    workshop, pat, bob = room()
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=workshop.agenda[1].id))
    play(workshop, bob, MarkDone(op_id="d1"))
    play(workshop, pat, MarkDone(op_id="d2"))
    assert play(workshop, pat, MarkDone(op_id="d3")) == []
    assert workshop.done == [bob.id, pat.id]
    events = play(workshop, bob, MarkDone(op_id="d4", done=False))
    assert events == [DoneSet(done=[pat.id])]
    assert play(workshop, bob, MarkDone(op_id="d5", done=False)) == []


def test_done_resets_on_the_next_step() -> None:
    """Moving on: nobody is done with the new step yet."""
    workshop, pat, _bob = room()
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=workshop.agenda[1].id))
    play(workshop, pat, MarkDone(op_id="d"))
    play(workshop, FACILITATOR, GoToStep(op_id="g2", step=workshop.agenda[2].id))
    assert workshop.done == []


def test_done_before_any_step_is_a_conflict() -> None:
    """Before the first step there is nothing to be done with."""
    workshop, pat, _bob = room()
    assert refused(workshop, pat, MarkDone(op_id="d")).code == "conflict"


def test_done_stays_open_on_a_locked_board() -> None:
    """The lock freezes the board's content, not the participants' own status."""
    workshop, pat, _bob = room()
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=workshop.agenda[1].id))
    play(workshop, FACILITATOR, SetLock(op_id="l", locked=True))
    play(workshop, pat, MarkDone(op_id="d"))
    assert workshop.done == [pat.id]


def test_edit_reorder_rename_skip_add_and_remove() -> None:
    """One agenda.set reorders, renames, times, skips, adds (new id) and removes steps."""
    workshop = fresh()
    a, b, c = workshop.agenda[:3]
    drafts = [
        StepDraft(id=c.id, kind=c.kind, title="  Our   journeys ", minutes=20),
        StepDraft(id=a.id, kind=a.kind, skipped=True),
        StepDraft(kind="vote", title="Vote again"),
    ]
    counter = workshop.counter
    events = play(workshop, FACILITATOR, SetAgenda(op_id="a", steps=drafts))
    assert isinstance(events[0], AgendaSet)
    assert [s.id for s in workshop.agenda][:2] == [c.id, a.id]
    assert workshop.agenda[0].title == "Our journeys"
    assert workshop.agenda[0].minutes == 20
    assert workshop.agenda[1].skipped
    assert workshop.agenda[2].id == f"g{counter + 1}"
    assert workshop.counter == counter + 1
    assert b.id not in {s.id for s in workshop.agenda}


def test_removing_the_current_step_leaves_the_room_on_none() -> None:
    """If the step the room is on is removed, the room goes back to the join screen."""
    workshop, pat, _bob = room()
    current = workshop.agenda[0]
    play(workshop, FACILITATOR, GoToStep(op_id="g", step=current.id))
    play(workshop, pat, MarkDone(op_id="d"))
    rest = [StepDraft(id=s.id, kind=s.kind) for s in workshop.agenda[1:]]
    play(workshop, FACILITATOR, SetAgenda(op_id="a", steps=rest))
    assert workshop.step is None and workshop.done == []


def test_bad_agendas_are_refused() -> None:
    """Unknown ids, a step twice, and too many steps are refused and change nothing."""
    workshop = fresh()
    first = workshop.agenda[0]
    unknown = [StepDraft(id="g999", kind="vote")]
    assert refused(workshop, FACILITATOR, SetAgenda(op_id="a", steps=unknown)).code == "not_found"
    twice = [StepDraft(id=first.id, kind=first.kind)] * 2
    assert refused(workshop, FACILITATOR, SetAgenda(op_id="a", steps=twice)).code == "invalid"
    with pytest.raises(Exception, match="length"):
        client_decoder.decode(
            b'{"type":"agenda.set","op_id":"a","steps":['
            + b",".join([b'{"kind":"vote"}'] * 21)
            + b"]}"
        )
    with pytest.raises(Exception, match="kind"):
        client_decoder.decode(b'{"type":"agenda.set","op_id":"a","steps":[{"kind":"dance"}]}')
    with pytest.raises(Exception, match="minutes"):
        client_decoder.decode(
            b'{"type":"agenda.set","op_id":"a","steps":[{"kind":"vote","minutes":0}]}'
        )


def test_reset_to_the_method_agenda() -> None:
    """steps None brings back the method's agenda with new ids."""
    workshop = fresh()
    play(workshop, FACILITATOR, SetAgenda(op_id="a", steps=[]))
    assert workshop.agenda == []
    play(workshop, FACILITATOR, SetAgenda(op_id="b"))
    assert [s.kind for s in workshop.agenda] == list(agenda.METHOD_STEPS)


def test_same_agenda_is_a_no_op() -> None:
    """Sending the agenda as it is changes nothing."""
    workshop = fresh()
    drafts = [
        StepDraft(id=s.id, kind=s.kind, title=s.title, minutes=s.minutes) for s in workshop.agenda
    ]
    assert play(workshop, FACILITATOR, SetAgenda(op_id="a", steps=drafts)) == []


def test_replicas_agree_after_a_whole_agenda() -> None:
    """Applying the events of a walk through the agenda on a copy gives the same workshop."""
    workshop, pat, bob = room()
    copy = clone(workshop)
    log = []
    for i, step in enumerate(workshop.agenda):
        log += play(workshop, FACILITATOR, GoToStep(op_id=f"g{i}", step=step.id))
        log += play(workshop, pat, MarkDone(op_id=f"p{i}"))
        if i % 2:
            log += play(workshop, bob, MarkDone(op_id=f"b{i}"))
    apply_all(copy, log)
    assert copy == workshop
    assert agenda.current(workshop) == workshop.agenda[-1]
