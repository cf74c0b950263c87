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
    AddMoment,
    AddNote,
    AddObjective,
    AddPersona,
    AddPlanRow,
    AddProxy,
    AddRoadmapItem,
    AddScenario,
    AddStage,
    AdjustRoadmapItem,
    AnswerScenario,
    AnyCommand,
    AskHelp,
    CastDot,
    ClassifyRoadmapItem,
    ClearGroups,
    Command,
    Criterion,
    DeleteNote,
    DraftPlan,
    EditGroup,
    EditMoment,
    EditNote,
    EditObjective,
    EditPersona,
    EditPlanRow,
    EditRoadmapItem,
    EditScenario,
    FixEmotion,
    GoToStep,
    JoinGroup,
    MarkDone,
    MoveLane,
    MoveNote,
    MovePersona,
    MovePlanRow,
    MoveStage,
    MoveToGroup,
    ObjectiveText,
    PersonaField,
    Phase,
    PlaceRoadmapItem,
    PresentGroup,
    Priority,
    RateStage,
    Redo,
    RemoveCampaign,
    RemoveLane,
    RemoveMoment,
    RemoveObjective,
    RemovePersona,
    RemovePlanRow,
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
    ScoreScenario,
    SetAgenda,
    SetCampaign,
    SetFollow,
    SetGroupWork,
    SetLock,
    SetPhase,
    SetPrivate,
    SetRound,
    SetRules,
    SetStageObjective,
    SetTimer,
    SolutionTag,
    SplitGroups,
    StartRound,
    StepDraft,
    TagNote,
    TakeDot,
    TargetNote,
    Undo,
)
from sessions.events import (
    AgendaSet,
    DoneSet,
    DotsSet,
    EmotionSaved,
    Entry,
    Event,
    FacilitationSet,
    GroupsSet,
    HistoryPushed,
    HistoryRedone,
    HistoryShown,
    HistoryUndone,
    LanesSet,
    MomentDeleted,
    MomentSaved,
    NoteDeleted,
    NoteSaved,
    NotesRevealed,
    ObjectivesSet,
    ParticipantSaved,
    PersonaDeleted,
    PersonaSaved,
    PersonasOrdered,
    PlanOrdered,
    PlanRowDeleted,
    PlanRowSaved,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    RoundChanged,
    RoundStarted,
    RulesSet,
    ScenarioDeleted,
    ScenarioSaved,
    Skip,
    StagesSet,
    StepSet,
    TourSet,
    TrashPut,
    TrashTaken,
    WorkshopRenamed,
)
from sessions.limits import (
    FACT_MAX,
    FRAME_MAX,
    MAX_CAMPAIGNS,
    MAX_GROUPS,
    MAX_ITEM_NOTES,
    MAX_LANES,
    MAX_MOMENTS,
    MAX_NOTES,
    MAX_OBJECTIVES,
    MAX_PARTICIPANTS,
    MAX_PERSONAS,
    MAX_PLAN_ROWS,
    MAX_ROADMAP_ITEMS,
    MAX_ROUND_ITEMS,
    MAX_SCENARIOS,
    MAX_STAGES,
    MAX_STEPS,
    MIN_STAGES,
    NAME_MAX,
    NOTE_TEXT_MAX,
    PLAN_FIELD_MAX,
    SHEET_TEXT_MAX,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
    Emoji,
    Index,
    ItemId,
    Month,
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
    """The first frame of every socket (within 15 s); ``last_seq`` and ``epoch`` to resume."""

    protocol: int
    workshop: WorkshopId
    token: Token
    last_seq: Seq | None = None
    epoch: Annotated[str, Meta(max_length=64)] | None = None


class Ping(msgspec.Struct, tag="ping", kw_only=True):
    """A heartbeat: the server answers ``pong`` at once, so a browser knows its link is alive."""


ClientMessage = Hello | Ping | AnyCommand


# -- server -> client -------------------------------------------------------------------


class You(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role


class Welcome(msgspec.Struct, tag="welcome", kw_only=True):
    """The answer to the hello: the entries after ``last_seq``, or the whole (redacted) workshop."""

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
    """One accepted command: its entry, as the viewer may see it."""

    entry: Entry


class EventsMessage(msgspec.Struct, tag="events", kw_only=True):
    """Several entries committed in the same turn of the server's loop, in one frame."""

    entries: list[Entry]


class Ack(msgspec.Struct, tag="ack", kw_only=True):
    """The command is durable: ``seq`` is its entry's, or the room's when it changed nothing."""

    op_id: str
    seq: int


ERROR_CODES: dict[str, str] = {
    "invalid": "the command is malformed, out of bounds or makes no sense here",
    "limit": "a size limit of the workshop would be exceeded",
    "not_found": "an item it names does not exist (or is hidden from the sender)",
    "forbidden": "the sender's role may not do this",
    "locked": "the board is read-only for participants right now",
    "conflict": "the command contradicts the current state",
    "vote_refused": "a dot cannot be cast or taken back now (a kind of conflict)",
    "rate": "too many messages, or the server is busy: not saved, retry later",
    "unavailable": "Redis cannot be reached: not saved, retry later",
    "protocol": "the client speaks another protocol version: reload the page",
}
"""Every ``code`` an ``error`` frame of the socket can carry. The domain's codes are those of
``sessions.errors``; ``rate``, ``unavailable`` and ``protocol`` come from the server. A test
fails when code raises a code that is not here (or not in ``docs/protocol.md``)."""

CLOSE_CODES: dict[int, str] = {
    1003: "a binary frame instead of the hello",
    1008: "policy: no hello in time, a bad hello, flooding, too many connections per address",
    1009: "a frame over 64 KiB",
    1011: "an internal error of the server",
    1012: "the server is restarting: reconnect and resume (another instance takes over)",
    1013: "try again later: the client reads too slowly, or Redis is unreachable (reconnect "
    "and resume)",
    4001: "resync: reconnect without last_seq (the log no longer reaches, or the data was "
    "restored)",
    4400: "another protocol version: reload the page",
    4403: "the token's participant no longer exists in the workshop (after a restore)",
    4404: "no such workshop, or the token is not valid for it (the same answer, on purpose)",
    4410: "the facilitator deleted the workshop: it is gone for good",
}
"""Every close code the server uses, with what the client should do."""


class Error(msgspec.Struct, tag="error", kw_only=True):
    """The command was refused and changed nothing (``op_id`` names it, when it had one)."""

    code: Annotated[str, Meta(extra_json_schema={"enum": list(ERROR_CODES)})]
    message: str
    op_id: str | None = None
    retry_ms: int | None = None
    """With ``rate`` and ``unavailable``: hold every change at least this long, then send them
    again in the order they were made (the server refuses this socket's commands meanwhile)."""


class Online(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role


class Presence(msgspec.Struct, tag="presence", kw_only=True):
    """Who is connected (volatile, never stored); sent again when someone comes or goes."""

    online: list[Online]


class Pong(msgspec.Struct, tag="pong", kw_only=True):
    pass


ServerMessage = Welcome | EventMessage | EventsMessage | Ack | Error | Presence | Pong

client_decoder = msgspec.json.Decoder(ClientMessage)
entry_decoder = msgspec.json.Decoder(Entry)
encoder = msgspec.json.Encoder()


def tags(union: object) -> list[str]:
    """The ``type`` tags of a union of tagged Structs, in declaration order."""
    members: tuple[type[msgspec.Struct], ...] = getattr(union, "__args__", None) or (union,)  # type: ignore[assignment]
    return [str(m.__struct_config__.tag) for m in members]


# The whole contract is importable from here, wherever each part is defined.
__all__ = [
    "CLOSE_CODES",
    "ERROR_CODES",
    "FACILITATOR_COMMANDS",
    "FACT_MAX",
    "FRAME_MAX",
    "MAX_CAMPAIGNS",
    "MAX_GROUPS",
    "MAX_ITEM_NOTES",
    "MAX_LANES",
    "MAX_MOMENTS",
    "MAX_NOTES",
    "MAX_OBJECTIVES",
    "MAX_PARTICIPANTS",
    "MAX_PERSONAS",
    "MAX_PLAN_ROWS",
    "MAX_ROADMAP_ITEMS",
    "MAX_ROUND_ITEMS",
    "MAX_SCENARIOS",
    "MAX_STAGES",
    "MAX_STEPS",
    "MIN_STAGES",
    "NAME_MAX",
    "NOTE_TEXT_MAX",
    "PLAN_FIELD_MAX",
    "PROTOCOL_VERSION",
    "SHEET_TEXT_MAX",
    "TITLE_MAX",
    "WORKSHOP_TITLE_MAX",
    "Ack",
    "AddLane",
    "AddMoment",
    "AddNote",
    "AddObjective",
    "AddPersona",
    "AddPlanRow",
    "AddProxy",
    "AddRoadmapItem",
    "AddScenario",
    "AddStage",
    "AdjustRoadmapItem",
    "AgendaSet",
    "AnswerScenario",
    "AnyCommand",
    "AskHelp",
    "CastDot",
    "ClassifyRoadmapItem",
    "ClearGroups",
    "ClientMessage",
    "Command",
    "Criterion",
    "DeleteNote",
    "DoneSet",
    "DotsSet",
    "DraftPlan",
    "EditGroup",
    "EditMoment",
    "EditNote",
    "EditObjective",
    "EditPersona",
    "EditPlanRow",
    "EditRoadmapItem",
    "EditScenario",
    "Emoji",
    "EmotionSaved",
    "Entry",
    "Error",
    "Event",
    "EventMessage",
    "EventsMessage",
    "FacilitationSet",
    "FixEmotion",
    "GoToStep",
    "GroupsSet",
    "Hello",
    "HistoryPushed",
    "HistoryRedone",
    "HistoryShown",
    "HistoryUndone",
    "Index",
    "ItemId",
    "JoinGroup",
    "LanesSet",
    "MarkDone",
    "MomentDeleted",
    "MomentSaved",
    "Month",
    "MoveLane",
    "MoveNote",
    "MovePersona",
    "MovePlanRow",
    "MoveStage",
    "MoveToGroup",
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
    "Ping",
    "PlaceRoadmapItem",
    "PlanOrdered",
    "PlanRowDeleted",
    "PlanRowSaved",
    "Pong",
    "Presence",
    "PresentGroup",
    "Priority",
    "Quarter",
    "RateStage",
    "Rating",
    "Redo",
    "RemoveCampaign",
    "RemoveLane",
    "RemoveMoment",
    "RemoveObjective",
    "RemovePersona",
    "RemovePlanRow",
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
    "ScoreScenario",
    "Seq",
    "ServerMessage",
    "SetAgenda",
    "SetCampaign",
    "SetFollow",
    "SetGroupWork",
    "SetLock",
    "SetPhase",
    "SetPrivate",
    "SetRound",
    "SetRules",
    "SetStageObjective",
    "SetTimer",
    "SheetText",
    "Skip",
    "SolutionTag",
    "SplitGroups",
    "StagesSet",
    "StartRound",
    "StepDraft",
    "StepSet",
    "TagNote",
    "TakeDot",
    "TargetNote",
    "Title",
    "Token",
    "TourSet",
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
