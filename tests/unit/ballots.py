"""Workshops ready for a vote, for the unit tests: objectives, people and rounds made by decide."""

from __future__ import annotations

from typing import Any

import pytest

from sessions import errors
from sessions.model import VoteRound, Workshop, clone
from sessions.protocol import (
    AddObjective,
    AddProxy,
    CastDot,
    Command,
    Event,
    ParticipantSaved,
    SetRound,
    StartRound,
    TakeDot,
)
from sessions.rules import Actor, apply_all, decide
from tests.unit.workshops import FACILITATOR, enter, fresh

NOW = 1_000_000.0
"""The server clock the tests decide at (seconds since the epoch)."""


def with_objectives(count: int = 3) -> Workshop:
    """A blank workshop with ``count`` objectives titled A, B, C..."""
    workshop = fresh()
    for i in range(count):
        play(workshop, FACILITATOR, AddObjective(op_id="o", title=chr(ord("A") + i)))
    return workshop


def play(workshop: Workshop, actor: Actor, command: Command, now: float = NOW) -> list[Event]:
    """Decide ``command`` at ``now`` and apply what it caused; the events."""
    events = decide(workshop, actor, command, now)
    apply_all(workshop, events)
    return events


def refused(
    workshop: Workshop, actor: Actor, command: Command, now: float = NOW
) -> errors.DomainError:
    """The refusal of ``command``, after checking that it changed nothing."""
    before = clone(workshop)
    with pytest.raises(errors.DomainError) as caught:
        decide(workshop, actor, command, now)
    assert workshop == before
    return caught.value


def proxy(workshop: Workshop, name: str = "Zoe") -> str:
    """Add someone without a device; their participant id."""
    events = play(workshop, FACILITATOR, AddProxy(op_id="p", name=name))
    assert isinstance(events[0], ParticipantSaved)
    return events[0].participant.id


def start(workshop: Workshop, now: float = NOW, **options: Any) -> str:
    """Start a round (every objective unless ``items`` is given); its id."""
    play(workshop, FACILITATOR, StartRound(op_id="r", **options), now)
    return workshop.rounds[-1].id


def vote_of(workshop: Workshop, round_id: str) -> VoteRound:
    return next(vote for vote in workshop.rounds if vote.id == round_id)


def items(workshop: Workshop, round_id: str) -> list[str]:
    return vote_of(workshop, round_id).items


def cast(round_id: str, item: str, proxy: str | None = None) -> CastDot:
    return CastDot(op_id="d", round=round_id, item=item, proxy=proxy)


def take(round_id: str, item: str, proxy: str | None = None) -> TakeDot:
    return TakeDot(op_id="d", round=round_id, item=item, proxy=proxy)


def set_round(round_id: str, action: str) -> SetRound:
    return SetRound(op_id="s", round=round_id, action=action)  # type: ignore[arg-type]


def people(workshop: Workshop, count: int) -> list[Actor]:
    """``count`` participants with a device, joined in order."""
    return [enter(workshop, f"Voter {i}") for i in range(count)]
