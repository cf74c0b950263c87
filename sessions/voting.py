"""Objectives and dot-voting: deciding and applying every vote command.

Invariants (checked here, against the state the commit's compare-and-set protects):

- a voter never holds more than ``round.budget`` dots in a round, nor more than
  ``round.per_item`` on one item;
- dots are only cast or taken back while the round is ``open`` and its countdown has not run out;
- a round's items are objectives, notes or plan rows that existed when it started;
- ``round.spent[voter] == sum(round.dots[voter].values())`` and ``round.voters`` counts the voters
  with at least one dot;
- at most one round is open or paused at a time;
- a revealed round's ``result`` ranks every item; equal dots share a rank (1, 1, 3...);
- only the facilitator casts for someone else, and only for a proxy (a participant without a
  device, ``Participant.proxy``);
- the reveal carries the ranked result only; who put which dot where stays as ``sessions.views``
  shows it.

``now`` is the server's clock (seconds since the epoch), passed in so that this module stays pure.
"""

from __future__ import annotations

import msgspec

from sessions import errors, summary
from sessions.model import (
    GroupResult,
    Objective,
    Participant,
    Tally,
    VoteRound,
    Workshop,
    id_number,
)
from sessions.protocol import (
    MAX_OBJECTIVES,
    MAX_PARTICIPANTS,
    AddObjective,
    AddProxy,
    CastDot,
    DotsSet,
    EditObjective,
    Event,
    ObjectivesSet,
    ParticipantSaved,
    RemoveObjective,
    RoundChanged,
    RoundStarted,
    SetRound,
    StartRound,
    TakeDot,
)


def find_round(workshop: Workshop, round_id: str) -> VoteRound:
    for found in workshop.rounds:
        if found.id == round_id:
            return found
    raise errors.NotFound("This vote does not exist.")


def current_round(workshop: Workshop) -> VoteRound | None:
    """The round that is open or paused, if any."""
    for found in workshop.rounds:
        if found.status in ("open", "paused"):
            return found
    return None


def tallies(vote: VoteRound) -> list[Tally]:
    """Dots per item, most first (ties keep the round's order and share a rank)."""
    return summary.ranked(vote)


ANONYMOUS_GROUP_MIN = 3
"""In an anonymous round a group's result is shown from this many voters on."""


def group_results(workshop: Workshop, vote: VoteRound) -> list[GroupResult]:
    """Each group's tallies, counted from its members' dots as the groups stand now."""
    found = []
    for number, group in enumerate(workshop.groups, start=1):
        members = set(group.members)
        voters = sum(1 for v, cast in vote.dots.items() if v in members and any(cast.values()))
        withheld = vote.anonymous and 0 < voters < ANONYMOUS_GROUP_MIN
        result = [] if withheld else summary.ranked(vote, members)
        found.append(
            GroupResult(
                group=group.id,
                name=group.name,
                number=number,
                voters=voters,
                result=result,
                withheld=withheld,
            )
        )
    return found


def guard_notes(workshop: Workshop, note_ids: list[str]) -> None:
    """Refuse to delete notes that the vote under way is about (closed votes keep history)."""
    running = current_round(workshop)
    if running is not None and any(n in running.items for n in note_ids):
        raise errors.Conflict("A note here is in the vote under way: close the vote first.")


# -- objectives -------------------------------------------------------------------------


def add_objective(workshop: Workshop, command: AddObjective) -> list[Event]:
    if len(workshop.objectives) >= MAX_OBJECTIVES:
        raise errors.LimitReached(f"A workshop has at most {MAX_OBJECTIVES} objectives.")
    objective = Objective(
        id=f"o{workshop.counter + 1}",
        title=command.title,
        description=command.description,
        kpis=command.kpis,
    )
    return [ObjectivesSet(objectives=[*workshop.objectives, objective])]


def edit_objective(workshop: Workshop, command: EditObjective) -> list[Event]:
    objectives = list(workshop.objectives)
    for i, objective in enumerate(objectives):
        if objective.id == command.objective:
            changes = {
                name: value
                for name in ("title", "description", "kpis")
                if (value := getattr(command, name)) is not None
                and value != getattr(objective, name)
            }
            if not changes:
                return []
            objectives[i] = msgspec.structs.replace(objective, **changes)
            return [ObjectivesSet(objectives=objectives)]
    raise errors.NotFound("This objective no longer exists.")


def remove_objective(workshop: Workshop, command: RemoveObjective) -> list[Event]:
    if not any(o.id == command.objective for o in workshop.objectives):
        raise errors.NotFound("This objective no longer exists.")
    running = current_round(workshop)
    if running is not None and command.objective in running.items:
        raise errors.Conflict("This objective is in the vote under way: close the vote first.")
    return [ObjectivesSet(objectives=[o for o in workshop.objectives if o.id != command.objective])]


# -- rounds -----------------------------------------------------------------------------


def start_round(workshop: Workshop, command: StartRound, now: float) -> list[Event]:
    if current_round(workshop) is not None:
        raise errors.Conflict("A vote is already under way: close it before starting another.")
    items = list(dict.fromkeys(command.items)) or [o.id for o in workshop.objectives]
    if not items:
        raise errors.InvalidCommand("Add objectives first, or choose the notes to vote on.")
    known = (
        {o.id for o in workshop.objectives} | set(workshop.notes) | {r.id for r in workshop.plan}
    )
    unknown = [item for item in items if item not in known]
    if unknown:
        raise errors.NotFound(f"These items no longer exist: {', '.join(unknown)}.")
    if command.by_group and not workshop.groups:
        raise errors.Conflict("Split the room into groups first, to count the vote per group.")
    vote = VoteRound(
        id=f"r{workshop.counter + 1}",
        title=command.title,
        items=items,
        budget=command.budget,
        per_item=command.per_item,
        anonymous=command.anonymous,
        hidden=command.hidden,
        facilitator_votes=command.facilitator_votes,
        seconds=command.seconds,
        ends_at=now + command.seconds if command.seconds else None,
        by_group=command.by_group,
    )
    return [RoundStarted(round=vote)]


def set_round(workshop: Workshop, command: SetRound, now: float) -> list[Event]:
    vote = find_round(workshop, command.round)
    match command.action, vote.status:
        case "pause", "open":
            return [RoundChanged(round=vote.id, status="paused")]
        case "resume", "paused":
            if current_round(workshop) not in (None, vote):
                raise errors.Conflict("Another vote is under way.")
            return [RoundChanged(round=vote.id, status="open")]
        case "close", ("open" | "paused"):
            return [RoundChanged(round=vote.id, status="closed")]
        case "reveal", ("open" | "paused" | "closed"):
            per_group = group_results(workshop, vote) if vote.by_group else None
            revealed = RoundChanged(
                round=vote.id, status="revealed", result=tallies(vote), groups=per_group
            )
            return [revealed]
        case "restart", _:
            running = current_round(workshop)
            if running is not None and running.id != vote.id:
                raise errors.Conflict("Another vote is under way: close it first.")
            fresh = msgspec.structs.replace(
                vote,
                status="open",
                dots={},
                spent={},
                voters=0,
                result=None,
                groups=None,
                ends_at=now + vote.seconds if vote.seconds else None,
            )
            return [RoundStarted(round=fresh)]
    raise errors.Conflict(f"This vote is {vote.status}: it cannot {command.action} now.")


def _proxy_allowed(role: str, proxy: str | None) -> None:
    """Refuse a proxy from anyone but the facilitator, before anything else is looked at."""
    if proxy is not None and role != "facilitator":
        raise errors.Forbidden("Only the facilitator can vote for someone else.")


def _voter(workshop: Workshop, actor_id: str, role: str, vote: VoteRound, proxy: str | None) -> str:
    if proxy is not None:
        person = workshop.participants.get(proxy)
        if person is None:
            raise errors.NotFound("This person is not in the workshop.")
        if not person.proxy:
            # Someone with a device votes for themselves: a proxy vote would spend their budget
            # (or, for the facilitator's own id, get round facilitator_votes=False).
            raise errors.Forbidden("This person votes from their own device.")
        return proxy
    if role == "facilitator" and not vote.facilitator_votes:
        raise errors.VoteRefused(
            "You chose not to vote in this round (you can still vote for someone by proxy)."
        )
    return actor_id


def _open_for_dots(vote: VoteRound, item: str, now: float) -> None:
    if vote.status == "paused":
        raise errors.VoteRefused("The vote is paused: wait for the facilitator to resume it.")
    if vote.status != "open":
        raise errors.VoteRefused("This vote is closed.")
    if vote.ends_at is not None and now > vote.ends_at:
        raise errors.VoteRefused("Time is up for this vote.")
    if item not in vote.items:
        raise errors.VoteRefused("This item is not part of the vote.")


def _dots_set(vote: VoteRound, voter: str, dots: dict[str, int]) -> DotsSet:
    dots = {item: n for item, n in dots.items() if n > 0}
    spent = sum(dots.values())
    had = vote.spent.get(voter, 0) > 0
    voters = vote.voters + (1 if spent and not had else -1 if had and not spent else 0)
    return DotsSet(round=vote.id, voter=voter, dots=dots, spent=spent, voters=voters)


def cast_dot(
    workshop: Workshop, actor_id: str, role: str, command: CastDot, now: float
) -> list[Event]:
    _proxy_allowed(role, command.proxy)
    vote = find_round(workshop, command.round)
    _open_for_dots(vote, command.item, now)
    voter = _voter(workshop, actor_id, role, vote, command.proxy)
    mine = dict(vote.dots.get(voter, {}))
    if sum(mine.values()) >= vote.budget:
        raise errors.VoteRefused(f"All {vote.budget} dots are used: take one back to move it.")
    if mine.get(command.item, 0) >= vote.per_item:
        raise errors.VoteRefused(f"At most {vote.per_item} dot(s) on one item.")
    mine[command.item] = mine.get(command.item, 0) + 1
    return [_dots_set(vote, voter, mine)]


def take_dot(
    workshop: Workshop, actor_id: str, role: str, command: TakeDot, now: float
) -> list[Event]:
    _proxy_allowed(role, command.proxy)
    vote = find_round(workshop, command.round)
    _open_for_dots(vote, command.item, now)
    voter = _voter(workshop, actor_id, role, vote, command.proxy)
    mine = dict(vote.dots.get(voter, {}))
    if mine.get(command.item, 0) <= 0:
        raise errors.VoteRefused("There is no dot of yours on this item.")
    mine[command.item] -= 1
    return [_dots_set(vote, voter, mine)]


def add_proxy(workshop: Workshop, command: AddProxy) -> list[Event]:
    if len(workshop.participants) >= MAX_PARTICIPANTS:
        raise errors.LimitReached("This workshop has the maximum number of participants.")
    name = " ".join(command.name.split())
    if not name:
        raise errors.InvalidCommand("Please give a name.")
    participant = Participant(id=f"p{workshop.counter + 1}", name=name, proxy=True)
    return [ParticipantSaved(participant=participant)]


# -- apply --------------------------------------------------------------------------------


def apply_vote(workshop: Workshop, event: Event) -> None:
    match event:
        case ObjectivesSet(objectives=objectives):
            workshop.objectives = list(objectives)
            top = max((id_number(o.id) for o in objectives), default=0)
            workshop.counter = max(workshop.counter, top)
        case RoundStarted(round=vote):
            workshop.rounds = [r for r in workshop.rounds if r.id != vote.id] + [vote]
            workshop.counter = max(workshop.counter, id_number(vote.id))
        case RoundChanged(round=round_id, status=status, result=result, groups=per_group):
            vote = find_round(workshop, round_id)
            vote.status = status
            if per_group is not None:
                vote.groups = list(per_group)
            if result is not None:
                vote.result = result
                _write_back(workshop, result)
        case DotsSet(round=round_id, voter=voter, dots=dots, spent=spent, voters=voters):
            vote = find_round(workshop, round_id)
            vote.voters = voters
            if voter:
                vote.spent[voter] = spent
                vote.dots[voter] = dict(dots)


def _write_back(workshop: Workshop, result: list[Tally]) -> None:
    by_item = {t.item: t.dots for t in result}
    for objective in workshop.objectives:
        if objective.id in by_item:
            objective.votes = by_item[objective.id]
    for row in workshop.plan:
        if row.id in by_item:
            row.votes = by_item[row.id]
    for item, dots in by_item.items():
        note = workshop.notes.get(item)
        if note is not None:
            note.votes = dots
