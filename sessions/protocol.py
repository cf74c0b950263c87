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

from typing import Annotated

import msgspec
from msgspec import Meta

from sessions.commands import (
    FACILITATOR_COMMANDS,
    AddLane,
    AddNote,
    AddObjective,
    AddPersona,
    AddProxy,
    AddRoadmapItem,
    AddScenario,
    AddStage,
    AdjustRoadmapItem,
    AnyCommand,
    CastDot,
    ClassifyRoadmapItem,
    Command,
    Criterion,
    DeleteNote,
    EditNote,
    EditObjective,
    EditPersona,
    EditRoadmapItem,
    EditScenario,
    FixEmotion,
    MoveLane,
    MoveNote,
    MovePersona,
    MoveStage,
    ObjectiveText,
    PersonaField,
    Phase,
    PlaceRoadmapItem,
    RateStage,
    Redo,
    RemoveLane,
    RemoveObjective,
    RemovePersona,
    RemoveRoadmapItem,
    RemoveScenario,
    RemoveStage,
    RenameLane,
    RenameSelf,
    RenameStage,
    RenameWorkshop,
    RestoreTrashed,
    RevealNotes,
    RoadmapClass,
    ScenarioField,
    ScoreRoadmapItem,
    SetFollow,
    SetLock,
    SetPhase,
    SetPrivate,
    SetRound,
    SetRules,
    SetTimer,
    SolutionTag,
    StartRound,
    TagNote,
    TakeDot,
    Undo,
)
from sessions.events import (
    DotsSet,
    EmotionSaved,
    Entry,
    Event,
    FacilitationSet,
    HistoryPushed,
    HistoryRedone,
    HistoryShown,
    HistoryUndone,
    LanesSet,
    NoteDeleted,
    NoteSaved,
    NotesRevealed,
    ObjectivesSet,
    ParticipantSaved,
    PersonaDeleted,
    PersonaSaved,
    PersonasOrdered,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    RoundChanged,
    RoundStarted,
    RulesSet,
    ScenarioDeleted,
    ScenarioSaved,
    Skip,
    StagesSet,
    TrashPut,
    TrashTaken,
    WorkshopRenamed,
)
from sessions.limits import (
    FRAME_MAX,
    MAX_ITEM_NOTES,
    MAX_LANES,
    MAX_NOTES,
    MAX_OBJECTIVES,
    MAX_PARTICIPANTS,
    MAX_PERSONAS,
    MAX_ROADMAP_ITEMS,
    MAX_ROUND_ITEMS,
    MAX_SCENARIOS,
    MAX_STAGES,
    MIN_STAGES,
    NAME_MAX,
    NOTE_TEXT_MAX,
    SHEET_TEXT_MAX,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
    Emoji,
    Index,
    ItemId,
    Name,
    NoteText,
    OpId,
    Quarter,
    Rating,
    Scale,
    Score,
    Seq,
    SheetText,
    Title,
    Token,
    WorkshopId,
)
from sessions.model import Role, Workshop

PROTOCOL_VERSION = 1


class Hello(msgspec.Struct, tag="hello", kw_only=True):
    protocol: int
    workshop: WorkshopId
    token: Token
    last_seq: Seq | None = None
    epoch: Annotated[str, Meta(max_length=64)] | None = None


ClientMessage = Hello | AnyCommand


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
    history: HistoryShown | None = None
    """How deep this person's undo and redo stacks are (they live on the server)."""


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


# The whole contract is importable from here, wherever each part is defined.
__all__ = [
    "FACILITATOR_COMMANDS",
    "FRAME_MAX",
    "MAX_ITEM_NOTES",
    "MAX_LANES",
    "MAX_NOTES",
    "MAX_OBJECTIVES",
    "MAX_PARTICIPANTS",
    "MAX_PERSONAS",
    "MAX_ROADMAP_ITEMS",
    "MAX_ROUND_ITEMS",
    "MAX_SCENARIOS",
    "MAX_STAGES",
    "MIN_STAGES",
    "NAME_MAX",
    "NOTE_TEXT_MAX",
    "PROTOCOL_VERSION",
    "SHEET_TEXT_MAX",
    "TITLE_MAX",
    "WORKSHOP_TITLE_MAX",
    "Ack",
    "AddLane",
    "AddNote",
    "AddObjective",
    "AddPersona",
    "AddProxy",
    "AddRoadmapItem",
    "AddScenario",
    "AddStage",
    "AdjustRoadmapItem",
    "AnyCommand",
    "CastDot",
    "ClassifyRoadmapItem",
    "ClientMessage",
    "Command",
    "Criterion",
    "DeleteNote",
    "DotsSet",
    "EditNote",
    "EditObjective",
    "EditPersona",
    "EditRoadmapItem",
    "EditScenario",
    "Emoji",
    "EmotionSaved",
    "Entry",
    "Error",
    "Event",
    "EventMessage",
    "FacilitationSet",
    "FixEmotion",
    "Hello",
    "HistoryPushed",
    "HistoryRedone",
    "HistoryShown",
    "HistoryUndone",
    "Index",
    "ItemId",
    "LanesSet",
    "MoveLane",
    "MoveNote",
    "MovePersona",
    "MoveStage",
    "Name",
    "NoteDeleted",
    "NoteSaved",
    "NoteText",
    "NotesRevealed",
    "ObjectiveText",
    "ObjectivesSet",
    "Online",
    "OpId",
    "ParticipantSaved",
    "PersonaDeleted",
    "PersonaField",
    "PersonaSaved",
    "PersonasOrdered",
    "Phase",
    "PlaceRoadmapItem",
    "Presence",
    "Quarter",
    "RateStage",
    "Rating",
    "Redo",
    "RemoveLane",
    "RemoveObjective",
    "RemovePersona",
    "RemoveRoadmapItem",
    "RemoveScenario",
    "RemoveStage",
    "RenameLane",
    "RenameSelf",
    "RenameStage",
    "RenameWorkshop",
    "RestoreTrashed",
    "RevealNotes",
    "RoadmapClass",
    "RoadmapItemDeleted",
    "RoadmapItemSaved",
    "RoundChanged",
    "RoundStarted",
    "RulesSet",
    "Scale",
    "ScenarioDeleted",
    "ScenarioField",
    "ScenarioSaved",
    "Score",
    "ScoreRoadmapItem",
    "Seq",
    "ServerMessage",
    "SetFollow",
    "SetLock",
    "SetPhase",
    "SetPrivate",
    "SetRound",
    "SetRules",
    "SetTimer",
    "SheetText",
    "Skip",
    "SolutionTag",
    "StagesSet",
    "StartRound",
    "TagNote",
    "TakeDot",
    "Title",
    "Token",
    "TrashPut",
    "TrashTaken",
    "Undo",
    "Welcome",
    "WorkshopId",
    "WorkshopRenamed",
    "You",
    "client_decoder",
    "encoder",
    "entry_decoder",
]
