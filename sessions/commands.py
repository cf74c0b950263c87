"""Commands: what a client asks for, each with its ``op_id``, bounded by its types.

``rules.decide`` turns a command into events or refuses it. Commands in
``FACILITATOR_COMMANDS`` are refused for participants whatever the interface shows.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sessions.limits import (
    MAX_GROUPS,
    MAX_ITEM_NOTES,
    MAX_PARTICIPANTS,
    MAX_ROUND_ITEMS,
    MAX_ROW_SOURCES,
    MAX_STEPS,
    NAME_MAX,
    NOTE_TEXT_MAX,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
    Emoji,
    Index,
    ItemId,
    Month,
    Name,
    NoteText,
    OpId,
    PlanText,
    Quarter,
    Rating,
    Scale,
    Score,
    SheetText,
    Title,
)
from sessions.model import Channel, MacroObjective, MomentKind, StepKind


class Command(msgspec.Struct, kw_only=True):
    op_id: OpId


SolutionTag = Literal["customer", "internal", "external"]
NoteTags = Annotated[list[SolutionTag], Meta(max_length=3)]


class AddNote(Command, tag="note.add"):
    """A note in one cell of a persona's grid (hidden from others in private writing), with
    the tags ticked in the new-note dialog."""

    persona: ItemId
    stage: ItemId
    lane: ItemId
    text: NoteText = ""
    channel: Channel = "web"
    index: Index | None = None
    tags: NoteTags = []


class EditNote(Command, tag="note.edit"):
    note: ItemId
    text: NoteText | None = None
    channel: Channel | None = None


class MoveNote(Command, tag="note.move"):
    """Move a note to another cell of its persona's grid (or within its cell)."""

    note: ItemId
    stage: ItemId
    lane: ItemId
    index: Index
    """Place in the target cell (beyond the end: last)."""


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
    """Refused (conflict) while the stage holds notes, unless true: then they go too."""


class RenameWorkshop(Command, tag="workshop.rename"):
    title: Annotated[str, Meta(min_length=1, max_length=WORKSHOP_TITLE_MAX)]


class RenameSelf(Command, tag="participant.rename"):
    """The sender's own display name (allowed while the board is locked)."""

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
    """Open a voting round on objectives, notes or plan rows (an empty ``items`` means every
    objective)."""

    items: Annotated[list[ItemId], Meta(max_length=MAX_ROUND_ITEMS)] = []
    title: Annotated[str, Meta(max_length=TITLE_MAX)] = ""
    budget: Annotated[int, Meta(ge=1, le=20)] = 3
    per_item: Annotated[int, Meta(ge=1, le=20)] = 1
    anonymous: bool = False
    hidden: bool = True
    facilitator_votes: bool = False
    seconds: Annotated[int, Meta(ge=10, le=3600)] | None = None
    by_group: bool = False
    """Count each group's dots apart too: the reveal shows the groups' results side by side."""


class SetRound(Command, tag="round.set"):
    """Pause, resume, close, reveal or restart (clear every dot of) a round."""

    round: ItemId
    action: Literal["pause", "resume", "close", "reveal", "restart"]


class CastDot(Command, tag="dot.add"):
    """One more dot of the sender's budget on an item of an open round."""

    round: ItemId
    item: ItemId
    proxy: ItemId | None = None
    """Facilitator only: cast for this participant (someone in the room without a phone)."""


class TakeDot(Command, tag="dot.remove"):
    """Take one of the sender's dots back from an item."""

    round: ItemId
    item: ItemId
    proxy: ItemId | None = None


class AddProxy(Command, tag="participant.add"):
    """Facilitator only: someone in the room without a device, who votes by proxy."""

    name: Name


# -- the workshop method: personas, emotions, lanes, tags -----------------------------------

PersonaField = Literal[
    "name",
    "emoji",
    "tagline",
    "age",
    "family",
    "job",
    "city",
    "profile",
    "process",
    "purchases",
    "motivations",
    "expectations",
    "frictions",
    "verbatims",
    "insight",
    "promise",
    "levers",
    "sources",
    "photo",
]


class AddPersona(Command, tag="persona.add"):
    name: Name
    emoji: Emoji = ""


class EditPersona(Command, tag="persona.edit"):
    """One field of a persona's sheet: people editing different fields never clash.

    ``photo`` is the facilitator's: a reference the photo upload route made (``POST
    /api/workshops/{w}/personas/{p}/photo`` sends this command itself), or "" to remove it."""

    persona: ItemId
    field: PersonaField
    value: SheetText


class MovePersona(Command, tag="persona.move"):
    persona: ItemId
    index: Index


class RemovePersona(Command, tag="persona.remove"):
    persona: ItemId
    with_notes: bool = False


class RateStage(Command, tag="emotion.rate"):
    """A participant's feeling at a stage, -2 (very negative) to +2; None takes it back.
    ``target`` rates the target journey's curve (how it should feel) instead of today's."""

    persona: ItemId
    stage: ItemId
    value: Rating | None
    target: bool = False


class FixEmotion(Command, tag="emotion.fix"):
    """The facilitator sets the curve's value at a stage (None returns to the median), of the
    target curve when ``target``."""

    persona: ItemId
    stage: ItemId
    value: Rating | None
    target: bool = False


class AddLane(Command, tag="lane.add"):
    """A lane of the facilitator's own (kind `custom`) beside the method's four."""

    title: Title
    index: Index | None = None


class RenameLane(Command, tag="lane.rename"):
    """Only a lane added by the facilitator (`custom`): the method's four keep their names."""

    lane: ItemId
    title: Title


class MoveLane(Command, tag="lane.move"):
    lane: ItemId
    index: Index


class RemoveLane(Command, tag="lane.remove"):
    """Only a lane added by the facilitator (`custom`); refused while it holds notes unless
    ``with_notes``."""

    lane: ItemId
    with_notes: bool = False


class TagNote(Command, tag="note.tag"):
    note: ItemId
    tags: NoteTags


class TargetNote(Command, tag="note.target"):
    """Puts a solution note in the target journey (``target``) or takes it out."""

    note: ItemId
    target: bool


# -- facilitation -------------------------------------------------------------------------

Phase = Literal["personas", "journeys", "vote", "roadmap", "scenarios", "restitution"]


class SetPhase(Command, tag="phase.set"):
    phase: Phase


class SetTimer(Command, tag="timer.set"):
    """A countdown everyone sees; None stops it."""

    seconds: Annotated[int, Meta(ge=1, le=7200)] | None


class SetLock(Command, tag="board.lock"):
    locked: bool


class SetPrivate(Command, tag="private.set"):
    """Private writing: participants' new notes stay hidden until revealed (off reveals them)."""

    private: bool


class RevealNotes(Command, tag="notes.reveal"):
    pass


class SetFollow(Command, tag="follow.set"):
    """Participants' screens follow this persona tab (None lets them roam)."""

    persona: ItemId | None


StepTitle = Annotated[str, Meta(max_length=TITLE_MAX)]
StepMinutes = Annotated[int, Meta(ge=1, le=240)]


class StepDraft(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A step as the facilitator edits it: ``id`` names an existing step, None a new one."""

    id: ItemId | None = None
    kind: StepKind
    title: StepTitle = ""
    minutes: StepMinutes | None = None
    skipped: bool = False


class SetAgenda(Command, tag="agenda.set"):
    """The whole agenda, in order (reorder, rename, skip, time, add, remove); None: the
    method's default agenda."""

    steps: Annotated[list[StepDraft], Meta(max_length=MAX_STEPS)] | None = None


class GoToStep(Command, tag="step.go"):
    """Move the room to a step of the agenda (None: back to the join screen)."""

    step: ItemId | None


class MarkDone(Command, tag="step.done"):
    """A participant says they are done with the current step (or takes it back)."""

    done: bool = True


GroupCount = Annotated[int, Meta(ge=1, le=MAX_GROUPS)]
GroupSize = Annotated[int, Meta(ge=1, le=MAX_PARTICIPANTS)]


class SplitGroups(Command, tag="groups.split"):
    """Split the room into ``count`` groups, or groups of about ``size`` people (one of the two),
    balanced, each given a persona in turn; replaces the groups there were."""

    count: GroupCount | None = None
    size: GroupSize | None = None


class EditGroup(Command, tag="group.edit"):
    group: ItemId
    name: Title | None = None
    persona: ItemId | None = None
    """A persona id, or "" (the empty string) for none."""


class MoveToGroup(Command, tag="group.move"):
    """The facilitator moves someone to another group (None: out of every group)."""

    participant: ItemId
    group: ItemId | None


class SetGroupWork(Command, tag="groups.set"):
    """Group work on or off (off brings everyone back to the whole room), and whether people
    may pick their group."""

    grouped: bool | None = None
    pick: bool | None = None
    walls: bool | None = None
    """Each group sees only its own persona's notes and curve; the others' are hidden."""


class ClearGroups(Command, tag="groups.clear"):
    pass


class JoinGroup(Command, tag="group.join"):
    """A participant picks a group (when the facilitator lets people pick)."""

    group: ItemId


class PresentGroup(Command, tag="group.present"):
    """Put a group's work on the presenter view, for its turn of the tour ("" ends it)."""

    group: ItemId | None = None
    """A group id, or None to end the tour."""


class AskHelp(Command, tag="group.help"):
    """A member raises (or lowers) their group's "needs help" signal."""

    help: bool = True


# -- roadmap and scenarios ----------------------------------------------------------------

Criterion = Literal[
    "impact", "cost", "delay", "complexity", "customer", "internal", "external", "buzz", "underway"
]
RoadmapClass = Literal["quick_win", "must_have", "nice_to_have", "waow"]
ScenarioField = Literal[
    "title",
    "moment",
    "persona",
    "stage",
    "key_moment",
    "prerequisite",
    "objective",
    "trigger",
    "targeting",
    "channels",
    "channel_priority",
    "frequency",
    "executions",
    "delays",
    "messages",
    "contents",
    "personalisation",
    "variants",
    "cta",
]


class AddRoadmapItem(Command, tag="roadmap.add"):
    """A work item, made from solution notes (grouped) or from scratch (``notes`` empty)."""

    title: Annotated[str, Meta(max_length=TITLE_MAX)] = ""
    notes: Annotated[list[ItemId], Meta(max_length=MAX_ITEM_NOTES)] = []
    description: SheetText = ""


class EditRoadmapItem(Command, tag="roadmap.edit"):
    item: ItemId
    title: Title | None = None
    description: SheetText | None = None
    owner: Annotated[str, Meta(max_length=NAME_MAX)] | None = None


class ScoreRoadmapItem(Command, tag="roadmap.score"):
    """The sender's score of one criterion, 1 (low) to 5 (high); None takes it back."""

    item: ItemId
    criterion: Criterion
    value: Score | None


class ClassifyRoadmapItem(Command, tag="roadmap.classify"):
    """The facilitator sets an item's class by hand (None: back to the rules)."""

    item: ItemId
    klass: RoadmapClass | None = msgspec.field(name="class")


class PlaceRoadmapItem(Command, tag="roadmap.place"):
    """Plan the item in a quarter of the two years (0..7), or take it off the timeline."""

    item: ItemId
    quarter: Quarter | None


class AdjustRoadmapItem(Command, tag="roadmap.adjust"):
    """The facilitator drags the item on the matrix (None: back to the scores)."""

    item: ItemId
    impact: Scale | None
    effort: Scale | None


class RemoveRoadmapItem(Command, tag="roadmap.remove"):
    item: ItemId


class SetRules(Command, tag="rules.set"):
    """Move the classification's thresholds (see ``sessions.model.ClassRules``)."""

    strong: Scale
    light: Scale
    expected: Scale
    real: Scale = 3.0
    buzz: Scale = 4.0


class AddScenario(Command, tag="scenario.add"):
    title: Title
    moment: Literal["commercial", "brand", "customer"] = "customer"
    persona: ItemId | None = None
    stage: ItemId | None = None


class EditScenario(Command, tag="scenario.edit"):
    """One field of a scenario card (the checklist, or its title, moment, persona, stage)."""

    scenario: ItemId
    field: ScenarioField
    value: SheetText


class RemoveScenario(Command, tag="scenario.remove"):
    scenario: ItemId


Priority = Literal["objective", "roi", "expected"]


class AnswerScenario(Command, tag="scenario.answer"):
    """Say that the scenario answers an irritant or expectation note (``on`` False: no more)."""

    scenario: ItemId
    note: ItemId
    on: bool = True


class SetCampaign(Command, tag="scenario.campaign"):
    """Add a campaign to a scenario (``campaign`` None) or change one; None leaves a part."""

    scenario: ItemId
    campaign: ItemId | None = None
    channel: Channel | Literal[""] | None = None
    timing: Annotated[str, Meta(max_length=TITLE_MAX)] | None = None
    content: SheetText | None = None


class RemoveCampaign(Command, tag="scenario.uncampaign"):
    scenario: ItemId
    campaign: ItemId


class ScoreScenario(Command, tag="scenario.score"):
    """The sender's score of one priority, 1 (low) to 5 (high); None takes it back."""

    scenario: ItemId
    criterion: Priority
    value: Score | None


# -- key moments (sessions.moments) -------------------------------------------------------


class AddMoment(Command, tag="moment.add"):
    """Mark a key moment on a journey (``persona``), a stage of it, or a note."""

    title: Title
    kind: MomentKind = "customer"
    persona: ItemId | None = None
    stage: ItemId | None = None
    note: ItemId | None = None
    objective: MacroObjective | None = None


class EditMoment(Command, tag="moment.edit"):
    """Change a key moment; None leaves a part, ``objective`` "" goes back to the stage's."""

    moment: ItemId
    title: Title | None = None
    kind: MomentKind | None = None
    objective: MacroObjective | Literal[""] | None = None


class RemoveMoment(Command, tag="moment.remove"):
    moment: ItemId


class SetStageObjective(Command, tag="stage.objective"):
    """The facilitator sets the macro-objective of a stage (None: none)."""

    stage: ItemId
    objective: MacroObjective | None


# -- the annual animation plan (sessions.plan) ---------------------------------------------

LinkId = Annotated[str, Meta(pattern=r"^([a-z][0-9]{1,9})?\Z")]
"""An item id, or "" for none."""
PlanChannels = Annotated[list[Channel], Meta(max_length=9)]
PlanMonths = Annotated[list[Month], Meta(max_length=12)]
OwnerName = Annotated[str, Meta(max_length=NAME_MAX)]


class AddPlanRow(Command, tag="plan.add"):
    """A marketing action of the annual plan (at ``index``; None: at the end)."""

    title: Title
    persona: LinkId = ""
    segment: PlanText = ""
    channels: PlanChannels = []
    content: SheetText = ""
    frequency: PlanText = ""
    months: PlanMonths = []
    trigger: PlanText = ""
    owner: OwnerName = ""
    objective: LinkId = ""
    kpis: SheetText = ""
    sources: Annotated[list[ItemId], Meta(max_length=MAX_ROW_SOURCES)] = []
    index: Index | None = None


class EditPlanRow(Command, tag="plan.edit"):
    """Some fields of a plan row (None leaves a field as it is; "" or [] empties it)."""

    row: ItemId
    title: Title | None = None
    persona: LinkId | None = None
    segment: PlanText | None = None
    channels: PlanChannels | None = None
    content: SheetText | None = None
    frequency: PlanText | None = None
    months: PlanMonths | None = None
    trigger: PlanText | None = None
    owner: OwnerName | None = None
    objective: LinkId | None = None
    kpis: SheetText | None = None


class MovePlanRow(Command, tag="plan.move"):
    row: ItemId
    index: Index


class RemovePlanRow(Command, tag="plan.remove"):
    row: ItemId


class DraftPlan(Command, tag="plan.draft"):
    """Propose a row for each contact moment of the board no row answers yet (scenarios,
    roadmap items, solution notes); running it again adds nothing new."""


# -- undo, redo and the trash (sessions.history, sessions.trash) ---------------------------


class Undo(Command, tag="history.undo"):
    """Revert the sender's last step, field by field, where nobody else changed it since."""


class Redo(Command, tag="history.redo"):
    """Do again what the sender's last undo reverted (same rule)."""


class RestoreTrashed(Command, tag="trash.restore"):
    """Bring a deleted item back where it was (its deleter, its author or the facilitator)."""

    item: ItemId


AnyCommand = (
    Undo
    | Redo
    | RestoreTrashed
    | AddRoadmapItem
    | EditRoadmapItem
    | ScoreRoadmapItem
    | ClassifyRoadmapItem
    | PlaceRoadmapItem
    | AdjustRoadmapItem
    | RemoveRoadmapItem
    | SetRules
    | AddScenario
    | EditScenario
    | RemoveScenario
    | AnswerScenario
    | SetCampaign
    | RemoveCampaign
    | ScoreScenario
    | AddMoment
    | EditMoment
    | RemoveMoment
    | SetStageObjective
    | AddPlanRow
    | EditPlanRow
    | MovePlanRow
    | RemovePlanRow
    | DraftPlan
    | AddPersona
    | EditPersona
    | MovePersona
    | RemovePersona
    | RateStage
    | FixEmotion
    | AddLane
    | RenameLane
    | MoveLane
    | RemoveLane
    | TagNote
    | TargetNote
    | SetPhase
    | SetTimer
    | SetLock
    | SetPrivate
    | RevealNotes
    | SetFollow
    | SetAgenda
    | GoToStep
    | MarkDone
    | SplitGroups
    | EditGroup
    | MoveToGroup
    | SetGroupWork
    | ClearGroups
    | PresentGroup
    | JoinGroup
    | AskHelp
    | AddObjective
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
        MovePersona,
        RemovePersona,
        FixEmotion,
        AddLane,
        RenameLane,
        MoveLane,
        RemoveLane,
        SetPhase,
        SetTimer,
        SetLock,
        SetPrivate,
        RevealNotes,
        SetFollow,
        SetAgenda,
        GoToStep,
        SplitGroups,
        EditGroup,
        MoveToGroup,
        SetGroupWork,
        ClearGroups,
        PresentGroup,
        ClassifyRoadmapItem,
        AdjustRoadmapItem,
        RemoveRoadmapItem,
        SetRules,
        RemoveScenario,
        RemoveMoment,
        SetStageObjective,
        MovePlanRow,
        RemovePlanRow,
        DraftPlan,
    }
)
"""Commands a participant's token may never issue (refused in ``rules.decide``)."""
