"""The message contract between browsers and servers (documented in ``docs/protocol.md``).

JSON text frames, each one object tagged by ``type``. Limits live in the types, so a frame
that decodes is already within bounds; the decoder is built once, here.

Client -> server: ``hello`` first, then commands, each with a client-made ``op_id`` (a retried
command carries the same ``op_id`` and is answered with the first result, never applied twice).
Server -> client: ``welcome`` (a snapshot, or the events missed since ``last_seq``), ``event``
(one accepted command: its sequence number and the events it caused), ``ack``, ``error`` and
``presence`` (volatile: who is online, never stored).

Every field added later must have a default; a change that breaks old clients bumps
``PROTOCOL_VERSION``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sessions.model import (
    Channel,
    Note,
    Objective,
    Participant,
    Role,
    RoundStatus,
    Stage,
    Tally,
    VoteRound,
    Workshop,
)

PROTOCOL_VERSION = 1

FRAME_MAX = 64 * 1024
NOTE_TEXT_MAX = 500
NAME_MAX = 60
TITLE_MAX = 80
WORKSHOP_TITLE_MAX = 120
MAX_NOTES = 2000
MAX_STAGES = 12
MIN_STAGES = 1
MAX_PARTICIPANTS = 1000
MAX_OBJECTIVES = 50
MAX_ROUND_ITEMS = 100

# Anchored with \Z: msgspec matches with Python's re, where $ also matches before a final "\n".
OpId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.:-]{1,64}\Z")]
ItemId = Annotated[str, Meta(pattern=r"^[a-z][0-9]{1,9}\Z")]
WorkshopId = Annotated[str, Meta(pattern=r"^[a-z0-9]{6,32}\Z")]
Token = Annotated[str, Meta(min_length=1, max_length=128)]
NoteText = Annotated[str, Meta(max_length=NOTE_TEXT_MAX)]
Title = Annotated[str, Meta(min_length=1, max_length=TITLE_MAX)]
Name = Annotated[str, Meta(min_length=1, max_length=NAME_MAX)]
Index = Annotated[int, Meta(ge=0, le=100_000)]
Seq = Annotated[int, Meta(ge=0)]


# -- client -> server -------------------------------------------------------------------


class Hello(msgspec.Struct, tag="hello", kw_only=True):
    protocol: int
    workshop: WorkshopId
    token: Token
    last_seq: Seq | None = None
    epoch: Annotated[str, Meta(max_length=64)] | None = None


class Command(msgspec.Struct, kw_only=True):
    op_id: OpId


class AddNote(Command, tag="note.add"):
    persona: ItemId
    stage: ItemId
    lane: ItemId
    text: NoteText = ""
    channel: Channel = "web"
    index: Index | None = None


class EditNote(Command, tag="note.edit"):
    note: ItemId
    text: NoteText | None = None
    channel: Channel | None = None


class MoveNote(Command, tag="note.move"):
    note: ItemId
    stage: ItemId
    lane: ItemId
    index: Index


class DeleteNote(Command, tag="note.delete"):
    note: ItemId


class AddStage(Command, tag="stage.add"):
    title: Title
    index: Index | None = None


class RenameStage(Command, tag="stage.rename"):
    stage: ItemId
    title: Title


class MoveStage(Command, tag="stage.move"):
    stage: ItemId
    index: Index


class RemoveStage(Command, tag="stage.remove"):
    stage: ItemId
    with_notes: bool = False


class RenameWorkshop(Command, tag="workshop.rename"):
    title: Annotated[str, Meta(min_length=1, max_length=WORKSHOP_TITLE_MAX)]


class RenameSelf(Command, tag="participant.rename"):
    name: Name


# -- objectives and dot-voting ------------------------------------------------------------

ObjectiveText = Annotated[str, Meta(max_length=NOTE_TEXT_MAX)]


class AddObjective(Command, tag="objective.add"):
    title: Title
    description: ObjectiveText = ""
    kpis: ObjectiveText = ""


class EditObjective(Command, tag="objective.edit"):
    objective: ItemId
    title: Title | None = None
    description: ObjectiveText | None = None
    kpis: ObjectiveText | None = None


class RemoveObjective(Command, tag="objective.remove"):
    objective: ItemId


class StartRound(Command, tag="round.start"):
    """Open a voting round on objectives or notes (an empty ``items`` means every objective)."""

    items: Annotated[list[ItemId], Meta(max_length=MAX_ROUND_ITEMS)] = []
    title: Annotated[str, Meta(max_length=TITLE_MAX)] = ""
    budget: Annotated[int, Meta(ge=1, le=20)] = 3
    per_item: Annotated[int, Meta(ge=1, le=20)] = 1
    anonymous: bool = False
    hidden: bool = True
    facilitator_votes: bool = False
    seconds: Annotated[int, Meta(ge=10, le=3600)] | None = None


class SetRound(Command, tag="round.set"):
    """Pause, resume, close, reveal or restart (clear every dot of) a round."""

    round: ItemId
    action: Literal["pause", "resume", "close", "reveal", "restart"]


class CastDot(Command, tag="dot.add"):
    round: ItemId
    item: ItemId
    proxy: ItemId | None = None
    """Facilitator only: cast for this participant (someone in the room without a phone)."""


class TakeDot(Command, tag="dot.remove"):
    round: ItemId
    item: ItemId
    proxy: ItemId | None = None


class AddProxy(Command, tag="participant.add"):
    """Facilitator only: someone in the room without a device, who votes by proxy."""

    name: Name


AnyCommand = (
    AddObjective
    | EditObjective
    | RemoveObjective
    | StartRound
    | SetRound
    | CastDot
    | TakeDot
    | AddProxy
    | AddNote
    | EditNote
    | MoveNote
    | DeleteNote
    | AddStage
    | RenameStage
    | MoveStage
    | RemoveStage
    | RenameWorkshop
    | RenameSelf
)
ClientMessage = Hello | AnyCommand

FACILITATOR_COMMANDS: frozenset[type] = frozenset(
    {
        AddStage,
        RenameStage,
        MoveStage,
        RemoveStage,
        RenameWorkshop,
        AddObjective,
        EditObjective,
        RemoveObjective,
        StartRound,
        SetRound,
        AddProxy,
    }
)
"""Commands a participant's token may never issue (refused in ``rules.decide``)."""


# -- events: what an accepted command changed, each carrying the full new state -------


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


# -- server -> client -------------------------------------------------------------------


class You(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role


class Welcome(msgspec.Struct, tag="welcome", kw_only=True):
    protocol: int
    seq: int
    epoch: str
    you: You
    snapshot: Workshop | None = None
    entries: list[Entry] | None = None
    code: str | None = None
    """The join code, sent to facilitators only (they show it to the room)."""


class EventMessage(msgspec.Struct, tag="event", kw_only=True):
    entry: Entry


class Ack(msgspec.Struct, tag="ack", kw_only=True):
    op_id: str
    seq: int


class Error(msgspec.Struct, tag="error", kw_only=True):
    code: str
    message: str
    op_id: str | None = None


class Online(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role


class Presence(msgspec.Struct, tag="presence", kw_only=True):
    online: list[Online]


ServerMessage = Welcome | EventMessage | Ack | Error | Presence

client_decoder = msgspec.json.Decoder(ClientMessage)
entry_decoder = msgspec.json.Decoder(Entry)
encoder = msgspec.json.Encoder()


def tags(union: object) -> list[str]:
    """The ``type`` tags of a union of tagged Structs, in declaration order."""
    members: tuple[type[msgspec.Struct], ...] = getattr(union, "__args__", None) or (union,)  # type: ignore[assignment]
    return [str(m.__struct_config__.tag) for m in members]
