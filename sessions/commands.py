"""Commands: what a client asks for, each with its ``op_id``, bounded by its types.

``rules.decide`` turns a command into events or refuses it. Commands in
``FACILITATOR_COMMANDS`` are refused for participants whatever the interface shows.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sessions.limits import (
    MAX_ROUND_ITEMS,
    NOTE_TEXT_MAX,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
    Index,
    ItemId,
    Name,
    NoteText,
    OpId,
    Title,
)
from sessions.model import Channel


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
