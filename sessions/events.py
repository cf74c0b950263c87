"""Events: what an accepted command changed, each carrying the full new state of what changed.

An :class:`Entry` is one accepted command as the op log stores it and clients receive it: its
seq, its op id, who sent it and its events. Browsers only upsert these states; they never
re-implement a rule.
"""

from __future__ import annotations

import msgspec

from sessions.model import (
    Note,
    Objective,
    Participant,
    RoundStatus,
    Stage,
    Tally,
    VoteRound,
)


class NoteSaved(msgspec.Struct, tag="note.saved", kw_only=True):
    note: Note


class NoteDeleted(msgspec.Struct, tag="note.deleted", kw_only=True):
    note: str


class StagesSet(msgspec.Struct, tag="stages.set", kw_only=True):
    stages: list[Stage]


class WorkshopRenamed(msgspec.Struct, tag="workshop.renamed", kw_only=True):
    title: str


class ParticipantSaved(msgspec.Struct, tag="participant.saved", kw_only=True):
    participant: Participant


class ObjectivesSet(msgspec.Struct, tag="objectives.set", kw_only=True):
    objectives: list[Objective]


class RoundStarted(msgspec.Struct, tag="round.started", kw_only=True):
    """A new round, or a restarted one (same id, every dot cleared)."""

    round: VoteRound


class RoundChanged(msgspec.Struct, tag="round.changed", kw_only=True):
    """A round's new status; on reveal, its ranked result, also written back on the items."""

    round: str
    status: RoundStatus
    result: list[Tally] | None = None


class DotsSet(msgspec.Struct, tag="dots.set", kw_only=True):
    """One voter's whole new allocation in a round (``spent`` = the sum of ``dots``).

    Before the reveal of a hidden round, only the voter sees ``dots``: everyone else gets the
    event with ``dots`` empty (``sessions.views``), and in an anonymous round ``voter`` masked.
    """

    round: str
    voter: str
    dots: dict[str, int]
    spent: int
    voters: int = 0
    """Voters with at least one dot in the round, after this change."""


Event = (
    NoteSaved
    | NoteDeleted
    | StagesSet
    | WorkshopRenamed
    | ParticipantSaved
    | ObjectivesSet
    | RoundStarted
    | RoundChanged
    | DotsSet
)


class Entry(msgspec.Struct, kw_only=True):
    """One accepted command as stored in the op log and sent to clients."""

    seq: int
    op_id: str
    actor: str
    events: list[Event]
