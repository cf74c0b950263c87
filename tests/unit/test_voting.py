"""Objectives and dot-voting: every vote rule, accepted and refused with its error code."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.model import Objective, Tally, Workshop
from sessions.protocol import (
    MAX_OBJECTIVES,
    MAX_PARTICIPANTS,
    AddNote,
    AddObjective,
    AddProxy,
    Command,
    DotsSet,
    EditObjective,
    ObjectivesSet,
    ParticipantSaved,
    RemoveObjective,
    RoundChanged,
    RoundStarted,
    StartRound,
)
from sessions.rules import Actor, Join, decide
from sessions.voting import current_round, tallies
from tests.unit.ballots import (
    NOW,
    cast,
    items,
    people,
    play,
    proxy,
    refused,
    set_round,
    start,
    take,
    vote_of,
    with_objectives,
)
from tests.unit.workshops import FACILITATOR, cell, enter, fresh

# -- objectives -------------------------------------------------------------------------


def test_objective_add_gives_new_ids_in_order():
    """objective.add appends an objective with the next id from the workshop's counter."""
    workshop = fresh()
    events = play(workshop, FACILITATOR, AddObjective(op_id="o", title="Grow", kpis="NPS"))
    assert isinstance(events[0], ObjectivesSet)
    first = workshop.objectives[0]
    assert (first.title, first.kpis, first.description, first.votes) == ("Grow", "NPS", "", None)
    play(workshop, FACILITATOR, AddObjective(op_id="o", title="Keep"))
    second = workshop.objectives[1]
    assert second.id != first.id
    assert workshop.counter == int(second.id[1:])


def test_objective_add_refused_past_the_limit():
    """The objective past MAX_OBJECTIVES is refused with code limit."""
    workshop = with_objectives(MAX_OBJECTIVES)
    refusal = refused(workshop, FACILITATOR, AddObjective(op_id="o", title="One more"))
    assert refusal.code == "limit"


def test_objective_edit_changes_only_the_fields_given():
    """objective.edit replaces the fields it carries and keeps the others."""
    workshop = with_objectives(1)
    goal = workshop.objectives[0].id
    play(workshop, FACILITATOR, EditObjective(op_id="e", objective=goal, kpis="Churn < 5%"))
    assert workshop.objectives[0] == Objective(id=goal, title="A", kpis="Churn < 5%")


def test_objective_edit_that_changes_nothing_causes_no_event():
    """An edit repeating the current values is accepted and causes no event."""
    workshop = with_objectives(1)
    goal = workshop.objectives[0].id
    assert decide(workshop, FACILITATOR, EditObjective(op_id="e", objective=goal, title="A")) == []


@pytest.mark.parametrize("kind", [EditObjective, RemoveObjective])
def test_objective_edit_or_remove_of_a_missing_one_is_not_found(kind: type[Command]):
    """Editing or removing an objective that does not exist is refused with not_found."""
    workshop = with_objectives(1)
    assert refused(workshop, FACILITATOR, kind(op_id="e", objective="o999")).code == "not_found"  # type: ignore[call-arg]


def test_objective_in_a_running_round_is_removed_only_after_the_round_closes():
    """An objective voted on in an open or paused round cannot go; once closed it can."""
    workshop = with_objectives(2)
    goal = workshop.objectives[0].id
    vote = start(workshop)
    remove = RemoveObjective(op_id="x", objective=goal)
    assert refused(workshop, FACILITATOR, remove).code == "conflict"
    play(workshop, FACILITATOR, set_round(vote, "pause"))
    assert refused(workshop, FACILITATOR, remove).code == "conflict"
    play(workshop, FACILITATOR, set_round(vote, "close"))
    play(workshop, FACILITATOR, remove)
    assert [o.id for o in workshop.objectives] == [workshop.objectives[0].id]
    assert goal not in {o.id for o in workshop.objectives}


# -- rounds -----------------------------------------------------------------------------


def test_round_starts_on_every_objective_with_its_options():
    """round.start with no items votes on every objective, with the options it was given."""
    workshop = with_objectives(3)
    vote = vote_of(workshop, start(workshop, budget=5, per_item=2, anonymous=True, seconds=60))
    assert vote.items == [o.id for o in workshop.objectives]
    assert (vote.budget, vote.per_item, vote.anonymous, vote.hidden) == (5, 2, True, True)
    assert (vote.status, vote.ends_at, vote.voters, vote.spent, vote.dots) == (
        "open",
        NOW + 60,
        0,
        {},
        {},
    )


def test_round_without_countdown_never_times_out():
    """A round started without seconds has no end time."""
    workshop = with_objectives(1)
    assert vote_of(workshop, start(workshop)).ends_at is None


def test_round_on_notes_keeps_the_order_given_once():
    """A round on chosen notes keeps them in the order given, each once."""
    workshop = fresh()
    notes = [play(workshop, FACILITATOR, AddNote(op_id="n", **cell(workshop))) for _ in range(2)]
    first, second = (events[0].note.id for events in notes)  # type: ignore[union-attr]
    vote = start(workshop, items=[second, first, second])
    assert items(workshop, vote) == [second, first]


def test_round_needs_something_to_vote_on():
    """round.start without objectives nor items is refused with invalid."""
    workshop = fresh()
    assert refused(workshop, FACILITATOR, StartRound(op_id="r")).code == "invalid"


def test_round_on_an_unknown_item_is_not_found():
    """round.start naming an item that does not exist is refused with not_found."""
    workshop = with_objectives(1)
    command = StartRound(op_id="r", items=[workshop.objectives[0].id, "n999"])
    assert refused(workshop, FACILITATOR, command).code == "not_found"


@pytest.mark.parametrize("status", ["open", "paused"])
def test_only_one_round_runs_at_a_time(status: str):
    """A second round.start while one is open or paused is refused with conflict."""
    workshop = with_objectives(2)
    vote = start(workshop)
    if status == "paused":
        play(workshop, FACILITATOR, set_round(vote, "pause"))
    assert refused(workshop, FACILITATOR, StartRound(op_id="r")).code == "conflict"
    play(workshop, FACILITATOR, set_round(vote, "close"))
    assert current_round(workshop) is None
    assert start(workshop) != vote


TRANSITIONS = {
    ("pause", "open"): "paused",
    ("resume", "paused"): "open",
    ("close", "open"): "closed",
    ("close", "paused"): "closed",
    ("reveal", "open"): "revealed",
    ("reveal", "paused"): "revealed",
    ("reveal", "closed"): "revealed",
    ("restart", "open"): "open",
    ("restart", "paused"): "open",
    ("restart", "closed"): "open",
    ("restart", "revealed"): "open",
}

_REACH = {
    "open": [],
    "paused": ["pause"],
    "closed": ["close"],
    "revealed": ["reveal"],
}


@pytest.mark.parametrize("status", ["open", "paused", "closed", "revealed"])
@pytest.mark.parametrize("action", ["pause", "resume", "close", "reveal", "restart"])
def test_round_set_moves_between_statuses_or_is_refused(action: str, status: str):
    """round.set follows the status table; any other move is refused with conflict."""
    workshop = with_objectives(2)
    vote = start(workshop)
    for step in _REACH[status]:
        play(workshop, FACILITATOR, set_round(vote, step))
    assert vote_of(workshop, vote).status == status
    expected = TRANSITIONS.get((action, status))
    if expected is None:
        assert refused(workshop, FACILITATOR, set_round(vote, action)).code == "conflict"
    else:
        play(workshop, FACILITATOR, set_round(vote, action))
        assert vote_of(workshop, vote).status == expected


def test_round_set_on_a_missing_round_is_not_found():
    """round.set naming a round that does not exist is refused with not_found."""
    workshop = with_objectives(1)
    assert refused(workshop, FACILITATOR, set_round("r999", "close")).code == "not_found"


def test_restart_clears_every_dot_and_the_result_and_restarts_the_countdown():
    """Restarting a revealed round empties it, reopens it and starts its countdown again."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop, seconds=30)
    play(workshop, pat, cast(vote, items(workshop, vote)[0]))
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    events = play(workshop, FACILITATOR, set_round(vote, "restart"), NOW + 100)
    assert isinstance(events[0], RoundStarted)
    again = vote_of(workshop, vote)
    assert (again.status, again.dots, again.spent, again.voters, again.result) == (
        "open",
        {},
        {},
        0,
        None,
    )
    assert again.ends_at == NOW + 130
    assert [r.id for r in workshop.rounds] == [vote]
    play(workshop, pat, cast(vote, items(workshop, vote)[0]), NOW + 120)


def test_restart_is_refused_while_another_round_runs():
    """Restarting an old round while another is open is refused with conflict."""
    workshop = with_objectives(2)
    old = start(workshop)
    play(workshop, FACILITATOR, set_round(old, "close"))
    start(workshop)
    assert refused(workshop, FACILITATOR, set_round(old, "restart")).code == "conflict"


# -- dots -------------------------------------------------------------------------------


def test_dot_cast_and_taken_back_sends_the_whole_allocation():
    """dot.add and dot.remove each send the voter's whole new allocation and spent count."""
    workshop = with_objectives(3)
    pat = enter(workshop)
    vote = start(workshop, budget=3, per_item=2)
    a, b, _ = items(workshop, vote)
    play(workshop, pat, cast(vote, a))
    play(workshop, pat, cast(vote, a))
    events = play(workshop, pat, cast(vote, b))
    assert events == [DotsSet(round=vote, voter=pat.id, dots={a: 2, b: 1}, spent=3, voters=1)]
    events = play(workshop, pat, take(vote, a))
    assert events == [DotsSet(round=vote, voter=pat.id, dots={a: 1, b: 1}, spent=2, voters=1)]


def test_budget_is_never_exceeded():
    """Once a voter's budget is spent, the next dot is refused with vote_refused."""
    workshop = with_objectives(4)
    pat = enter(workshop)
    vote = start(workshop, budget=3)
    for item in items(workshop, vote)[:3]:
        play(workshop, pat, cast(vote, item))
    refusal = refused(workshop, pat, cast(vote, items(workshop, vote)[3]))
    assert refusal.code == "vote_refused"
    assert "3 dots" in refusal.message


def test_per_item_maximum_is_never_exceeded():
    """A dot past per_item on one item is refused with vote_refused, budget left or not."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop, budget=5, per_item=2)
    item = items(workshop, vote)[0]
    play(workshop, pat, cast(vote, item))
    play(workshop, pat, cast(vote, item))
    assert refused(workshop, pat, cast(vote, item)).code == "vote_refused"
    play(workshop, pat, cast(vote, items(workshop, vote)[1]))


def test_taking_back_a_dot_one_does_not_hold_is_refused():
    """dot.remove on an item without a dot of the voter is refused with vote_refused."""
    workshop = with_objectives(2)
    pat, bob = people(workshop, 2)
    vote = start(workshop)
    item = items(workshop, vote)[0]
    play(workshop, bob, cast(vote, item))
    assert refused(workshop, pat, take(vote, item)).code == "vote_refused"


@pytest.mark.parametrize("status", ["paused", "closed", "revealed"])
@pytest.mark.parametrize("kind", ["dot.add", "dot.remove"])
def test_dots_move_only_while_the_round_is_open(status: str, kind: str):
    """A dot cast or taken back in a paused, closed or revealed round is refused."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop)
    item = items(workshop, vote)[0]
    play(workshop, pat, cast(vote, item))
    play(workshop, FACILITATOR, set_round(vote, {"paused": "pause"}.get(status, "close")))
    if status == "revealed":
        play(workshop, FACILITATOR, set_round(vote, "reveal"))
    command = cast(vote, items(workshop, vote)[1]) if kind == "dot.add" else take(vote, item)
    refusal = refused(workshop, pat, command)
    assert refusal.code == "vote_refused"
    assert ("paused" in refusal.message) == (status == "paused")


def test_dots_move_again_once_a_paused_round_resumes():
    """After resume, dots are accepted again."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop)
    play(workshop, FACILITATOR, set_round(vote, "pause"))
    play(workshop, FACILITATOR, set_round(vote, "resume"))
    play(workshop, pat, cast(vote, items(workshop, vote)[0]))


@pytest.mark.parametrize("kind", ["dot.add", "dot.remove"])
def test_time_is_up_at_the_end_of_the_countdown(kind: str):
    """Dots are accepted up to ends_at included, refused with vote_refused after it."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop, seconds=60)
    item = items(workshop, vote)[0]
    play(workshop, pat, cast(vote, item))
    command = cast(vote, items(workshop, vote)[1]) if kind == "dot.add" else take(vote, item)
    refusal = refused(workshop, pat, command, NOW + 60.001)
    assert (refusal.code, refusal.message) == ("vote_refused", "Time is up for this vote.")
    play(workshop, pat, command, NOW + 60)


def test_item_outside_the_round_is_refused():
    """A dot on an objective the round does not include is refused with vote_refused."""
    workshop = with_objectives(3)
    pat = enter(workshop)
    a, b, c = (o.id for o in workshop.objectives)
    vote = start(workshop, items=[a, b])
    assert refused(workshop, pat, cast(vote, c)).code == "vote_refused"
    assert refused(workshop, pat, take(vote, c)).code == "vote_refused"


def test_dot_in_a_missing_round_is_not_found():
    """A dot naming a round that does not exist is refused with not_found."""
    workshop = with_objectives(1)
    pat = enter(workshop)
    assert refused(workshop, pat, cast("r999", workshop.objectives[0].id)).code == "not_found"


def test_facilitator_votes_only_when_the_round_says_so():
    """A facilitator who opted out is refused with vote_refused; opted in, they vote."""
    workshop = with_objectives(2)
    vote = start(workshop)
    item = items(workshop, vote)[0]
    assert refused(workshop, FACILITATOR, cast(vote, item)).code == "vote_refused"
    play(workshop, FACILITATOR, set_round(vote, "close"))
    vote = start(workshop, facilitator_votes=True)
    play(workshop, FACILITATOR, cast(vote, item))
    assert vote_of(workshop, vote).spent == {FACILITATOR.id: 1}


def test_facilitator_votes_for_a_proxy_with_the_proxy_s_own_budget():
    """A proxy's dots are cast by the facilitator, count for the proxy and use its budget."""
    workshop = with_objectives(3)
    zoe = proxy(workshop)
    vote = start(workshop, budget=2)
    a, b, c = items(workshop, vote)
    play(workshop, FACILITATOR, cast(vote, a, proxy=zoe))
    play(workshop, FACILITATOR, cast(vote, b, proxy=zoe))
    assert refused(workshop, FACILITATOR, cast(vote, c, proxy=zoe)).code == "vote_refused"
    play(workshop, FACILITATOR, take(vote, a, proxy=zoe))
    held = vote_of(workshop, vote)
    assert (held.dots, held.spent, held.voters) == ({zoe: {b: 1}}, {zoe: 1}, 1)


@pytest.mark.parametrize("kind", ["dot.add", "dot.remove"])
@pytest.mark.parametrize("where", ["open", "closed", "missing"])
def test_proxy_votes_are_forbidden_to_participants(kind: str, where: str):
    """A participant casting for someone else is refused with forbidden, whatever the round."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    zoe = proxy(workshop)
    vote = start(workshop)
    if where == "closed":
        play(workshop, FACILITATOR, set_round(vote, "close"))
    round_id = "r999" if where == "missing" else vote
    item = workshop.objectives[0].id
    command = (cast if kind == "dot.add" else take)(round_id, item, proxy=zoe)
    assert refused(workshop, pat, command).code == "forbidden"


def test_proxy_votes_only_for_someone_without_a_device():
    """The facilitator cannot spend a connected participant's dots, nor their own by proxy."""
    workshop = with_objectives(2)
    pat = enter(workshop)
    vote = start(workshop)
    item = items(workshop, vote)[0]
    assert refused(workshop, FACILITATOR, cast(vote, item, proxy=pat.id)).code == "forbidden"
    assert refused(workshop, FACILITATOR, cast(vote, item, proxy=FACILITATOR.id)).code == (
        "forbidden"
    )
    assert refused(workshop, FACILITATOR, cast(vote, item, proxy="p999")).code == "not_found"


def test_dots_are_cast_on_a_locked_board():
    """Locking the board keeps participants' notes read-only, not their votes."""
    workshop = with_objectives(1)
    pat = enter(workshop)
    vote = start(workshop)
    workshop.locked = True
    play(workshop, pat, cast(vote, items(workshop, vote)[0]))


def test_voters_and_spent_follow_every_dot():
    """spent is each voter's dot count; voters counts those holding at least one dot."""
    workshop = with_objectives(2)
    pat, bob = people(workshop, 2)
    vote = start(workshop, budget=3, per_item=3)
    a, b = items(workshop, vote)
    steps = [
        (pat, cast(vote, a), {pat.id: 1}, 1),
        (pat, cast(vote, a), {pat.id: 2}, 1),
        (bob, cast(vote, b), {pat.id: 2, bob.id: 1}, 2),
        (pat, take(vote, a), {pat.id: 1, bob.id: 1}, 2),
        (pat, take(vote, a), {pat.id: 0, bob.id: 1}, 1),
        (bob, take(vote, b), {pat.id: 0, bob.id: 0}, 0),
        (bob, cast(vote, a), {pat.id: 0, bob.id: 1}, 1),
    ]
    for actor, command, spent, voters in steps:
        play(workshop, actor, command)
        held = vote_of(workshop, vote)
        assert (held.spent, held.voters) == (spent, voters)
    assert vote_of(workshop, vote).dots == {pat.id: {}, bob.id: {a: 1}}


# -- reveal -----------------------------------------------------------------------------


def test_reveal_ranks_every_item_and_ties_share_a_rank():
    """The result lists every item, most dots first; equal dots share a rank (1, 1, 3, 4)."""
    workshop = with_objectives(4)
    voters = people(workshop, 3)
    vote = start(workshop, budget=2)
    a, b, c, d = items(workshop, vote)
    for actor, item in [(voters[0], b), (voters[1], b), (voters[2], c), (voters[0], c)]:
        play(workshop, actor, cast(vote, item))
    play(workshop, voters[1], cast(vote, a))
    events = play(workshop, FACILITATOR, set_round(vote, "reveal"))
    assert isinstance(events[0], RoundChanged)
    assert events[0].result == [
        Tally(item=b, dots=2, rank=1),
        Tally(item=c, dots=2, rank=1),
        Tally(item=a, dots=1, rank=3),
        Tally(item=d, dots=0, rank=4),
    ]
    assert vote_of(workshop, vote).result == events[0].result


def test_reveal_with_no_dot_ranks_everything_first():
    """With no dot at all every item ties at rank 1, in the round's order."""
    workshop = with_objectives(3)
    vote = start(workshop)
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    result = vote_of(workshop, vote).result
    assert result is not None
    assert [(t.item, t.dots, t.rank) for t in result] == [(i, 0, 1) for i in items(workshop, vote)]


def test_reveal_writes_the_dots_back_on_objectives_and_notes():
    """After the reveal each objective and note voted on carries its dots."""
    workshop = with_objectives(2)
    note = play(workshop, FACILITATOR, AddNote(op_id="n", **cell(workshop)))[0].note.id  # type: ignore[union-attr]
    pat, bob = people(workshop, 2)
    goal, other = (o.id for o in workshop.objectives)
    vote = start(workshop, items=[goal, note])
    play(workshop, pat, cast(vote, note))
    play(workshop, bob, cast(vote, note))
    play(workshop, pat, cast(vote, goal))
    assert workshop.notes[note].votes is None
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    assert workshop.notes[note].votes == 2
    assert [(o.id, o.votes) for o in workshop.objectives] == [(goal, 1), (other, None)]


@pytest.mark.parametrize("kind", ["hidden", "anonymous", "visible"])
def test_reveal_carries_the_result_and_no_ballot(kind: str):
    """Whatever the round, the reveal is one small event: its status and ranked result."""
    workshop = with_objectives(2)
    pat, bob = people(workshop, 2)
    vote = start(workshop, hidden=kind != "visible", anonymous=kind == "anonymous")
    a, b = items(workshop, vote)
    play(workshop, pat, cast(vote, a))
    play(workshop, bob, cast(vote, b))
    play(workshop, bob, cast(vote, a))
    events = play(workshop, FACILITATOR, set_round(vote, "reveal"))
    assert events == [
        RoundChanged(
            round=vote,
            status="revealed",
            result=[Tally(item=a, dots=2, rank=1), Tally(item=b, dots=1, rank=2)],
        )
    ]


def test_a_round_is_revealed_once():
    """Revealing a revealed round is refused with conflict and its result stays."""
    workshop = with_objectives(1)
    vote = start(workshop)
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    assert refused(workshop, FACILITATOR, set_round(vote, "reveal")).code == "conflict"


# -- people and roles -------------------------------------------------------------------


def test_participant_add_makes_a_proxy_with_a_clean_name():
    """participant.add adds someone without a device, their name's spaces tidied."""
    workshop = fresh()
    events = play(workshop, FACILITATOR, AddProxy(op_id="p", name="  Zoe   Martin "))
    assert isinstance(events[0], ParticipantSaved)
    added = events[0].participant
    assert (added.name, added.proxy, added.role) == ("Zoe Martin", True, "participant")
    assert workshop.participants[added.id] == added


def test_participant_add_refuses_a_blank_name_and_a_full_workshop():
    """A blank name is refused with invalid; a workshop at MAX_PARTICIPANTS with limit."""
    workshop = fresh()
    assert refused(workshop, FACILITATOR, AddProxy(op_id="p", name="   ")).code == "invalid"
    while len(workshop.participants) < MAX_PARTICIPANTS:
        play(workshop, FACILITATOR, Join(op_id="j", name="Someone"))
    assert refused(workshop, FACILITATOR, AddProxy(op_id="p", name="Zoe")).code == "limit"


def facilitator_vote_commands(workshop: Workshop, vote: str, zoe: str) -> list[Command]:
    """One of each vote command a participant may not send, valid for the facilitator."""
    goal = workshop.objectives[0].id
    return [
        AddObjective(op_id="f", title="New"),
        EditObjective(op_id="f", objective=goal, title="Renamed"),
        RemoveObjective(op_id="f", objective=workshop.objectives[-1].id),
        StartRound(op_id="f", items=[goal]),
        set_round(vote, "pause"),
        set_round(vote, "close"),
        set_round(vote, "reveal"),
        set_round(vote, "restart"),
        AddProxy(op_id="f", name="Someone"),
        cast(vote, workshop.objectives[1].id, proxy=zoe),
        take(vote, goal, proxy=zoe),
    ]


@pytest.mark.parametrize("index", range(11))
def test_participant_is_forbidden_every_facilitator_vote_command(index: int):
    """A participant sending any facilitator vote command is refused with forbidden."""
    workshop = with_objectives(3)
    pat = enter(workshop)
    zoe = proxy(workshop)
    vote = start(workshop, items=[o.id for o in workshop.objectives[:2]])
    play(workshop, FACILITATOR, cast(vote, workshop.objectives[0].id, proxy=zoe))
    if index == 3:  # round.start needs no round running
        play(workshop, FACILITATOR, set_round(vote, "close"))
    command = facilitator_vote_commands(workshop, vote, zoe)[index]
    assert decide(workshop, FACILITATOR, command, NOW), "the facilitator may do it"
    assert refused(workshop, pat, command).code == "forbidden"


# -- a storm of random dots -------------------------------------------------------------


class _Ballots:
    """What the rules promise, kept by hand: each voter's dots per item."""

    def __init__(self, budget: int, per_item: int, items: list[str]) -> None:
        self.budget, self.per_item, self.items = budget, per_item, items
        self.held: dict[str, Counter[str]] = {}

    def accepts(self, voter: str, adding: bool, item: str) -> bool:
        mine = self.held.get(voter, Counter())
        if item not in self.items:
            return False
        if adding:
            return mine.total() < self.budget and mine[item] < self.per_item
        return mine[item] > 0

    def do(self, voter: str, adding: bool, item: str) -> None:
        self.held.setdefault(voter, Counter())[item] += 1 if adding else -1


@settings(max_examples=150, deadline=None)
@given(
    budget=st.integers(1, 5),
    per_item=st.integers(1, 3),
    steps=st.lists(
        st.tuples(st.integers(0, 4), st.booleans(), st.integers(0, 4)), min_size=1, max_size=80
    ),
)
def test_random_dots_never_exceed_budget_or_per_item_and_tallies_stay_exact(
    budget: int, per_item: int, steps: list[tuple[int, bool, int]]
):
    """Any sequence of dots from several voters (one by proxy) is accepted exactly when the
    rules allow it, never exceeds budget or per_item, and the tallies equal the dots held."""
    workshop = with_objectives(4)
    voters: list[tuple[Actor, str | None]] = [(p, None) for p in people(workshop, 3)]
    zoe = proxy(workshop)
    voters += [(FACILITATOR, zoe), (FACILITATOR, None)]
    outsider = workshop.objectives[3].id
    vote = start(
        workshop,
        items=[o.id for o in workshop.objectives[:3]],
        budget=budget,
        per_item=per_item,
        facilitator_votes=True,
    )
    model = _Ballots(budget, per_item, items(workshop, vote))
    choices = [*model.items, outsider]
    for who, adding, which in steps:
        actor, proxy_id = voters[who]
        voter = proxy_id or actor.id
        item = choices[which % len(choices)]
        command = (cast if adding else take)(vote, item, proxy=proxy_id)
        if model.accepts(voter, adding, item):
            play(workshop, actor, command)
            model.do(voter, adding, item)
        else:
            assert refused(workshop, actor, command).code == "vote_refused"
        held = vote_of(workshop, vote)
        for voter_id, dots in held.dots.items():
            assert all(0 < n <= per_item for n in dots.values())
            assert held.spent[voter_id] == sum(dots.values()) <= budget
            assert Counter(dots) == +model.held[voter_id]
        assert held.voters == sum(1 for n in held.spent.values() if n > 0)
        totals = {t.item: t.dots for t in tallies(held)}
        assert totals == {i: sum(c[i] for c in model.held.values()) for i in model.items}
