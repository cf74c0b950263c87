"""Events: what an accepted command changed, each carrying the full new state of what changed.

An :class:`Entry` is one accepted command as the op log stores it and clients receive it: its
seq, its op id, who sent it and its events. Browsers only upsert these states; they never
re-implement a rule.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from sessions.model import (
    ClassRules,
    Emotion,
    Group,
    GroupResult,
    ItemKind,
    KeyMoment,
    Lane,
    Note,
    Objective,
    Participant,
    Persona,
    PlanRow,
    RoadmapItem,
    RoundStatus,
    Scenario,
    Stage,
    Step,
    Tally,
    Trashed,
    UndoStep,
    VoteRound,
)


class NoteSaved(msgspec.Struct, tag="note.saved", kw_only=True):
    """A note's whole new state: added, edited, moved, tagged or renumbered in its cell."""

    note: Note


class NoteDeleted(msgspec.Struct, tag="note.deleted", kw_only=True):
    note: str
    """The id of the note that is gone."""


class StagesSet(msgspec.Struct, tag="stages.set", kw_only=True):
    """Every stage, in order (added, renamed, moved or removed: the emotions of a removed
    stage go, and items stop naming it)."""

    stages: list[Stage]


class WorkshopRenamed(msgspec.Struct, tag="workshop.renamed", kw_only=True):
    title: str


class ParticipantSaved(msgspec.Struct, tag="participant.saved", kw_only=True):
    participant: Participant


class ObjectivesSet(msgspec.Struct, tag="objectives.set", kw_only=True):
    """Every objective, in order."""

    objectives: list[Objective]


class RoundStarted(msgspec.Struct, tag="round.started", kw_only=True):
    """A new round, or a restarted one (same id, every dot cleared)."""

    round: VoteRound


class RoundChanged(msgspec.Struct, tag="round.changed", kw_only=True):
    """A round's new status; on reveal, its ranked result, also written back on the items."""

    round: str
    status: RoundStatus
    result: list[Tally] | None = None
    groups: list[GroupResult] | None = None
    """On reveal of a round counted per group, each group's result."""


class DotsSet(msgspec.Struct, tag="dots.set", kw_only=True):
    """One voter's whole new allocation in a round (``spent`` = the sum of ``dots``).

    Before the reveal of a hidden round, only the voter sees ``dots``: everyone else gets the
    event with ``dots`` empty (``sessions.views``), and in an anonymous round ``voter`` masked.
    """

    round: str
    voter: str
    """The voter's participant id; "" for the others in an anonymous round."""
    dots: dict[str, int]
    """item id -> this voter's dots on it (empty for the others in a hidden or anonymous
    round)."""
    spent: int
    voters: int = 0
    """Voters with at least one dot in the round, after this change."""


class PersonaSaved(msgspec.Struct, tag="persona.saved", kw_only=True):
    """A persona's whole new sheet; ``index`` places a new one (None: at the end)."""

    persona: Persona
    index: int | None = None


class PersonasOrdered(msgspec.Struct, tag="personas.ordered", kw_only=True):
    order: list[str]
    """Every persona id, in the new order."""


class PersonaDeleted(msgspec.Struct, tag="persona.deleted", kw_only=True):
    """The persona and its emotion ratings are gone (its notes go by their own events)."""

    persona: str


class EmotionSaved(msgspec.Struct, tag="emotion.saved", kw_only=True):
    emotion: Emotion


class LanesSet(msgspec.Struct, tag="lanes.set", kw_only=True):
    """Every lane, in order."""

    lanes: list[Lane]


class FacilitationSet(msgspec.Struct, tag="facilitation.set", kw_only=True):
    """The facilitator's controls, whole: phase, timer, lock, private writing, follow-me."""

    phase: str
    timer_ends_at: float | None
    """When the countdown ends, in seconds since the epoch (the server's clock)."""
    locked: bool
    private: bool
    follow: str | None


class AgendaSet(msgspec.Struct, tag="agenda.saved", kw_only=True):
    """The agenda, whole, and the step the room is on after the change."""

    agenda: list[Step]
    step: str | None


class StepSet(msgspec.Struct, tag="step.set", kw_only=True):
    """The room moved to another step: nobody is done with it yet."""

    step: str | None


class DoneSet(msgspec.Struct, tag="done.set", kw_only=True):
    """Who is done with the current step, whole."""

    done: list[str]


class GroupsSet(msgspec.Struct, tag="groups.saved", kw_only=True):
    """The groups, whole, and whether group work is on and people may pick."""

    groups: list[Group]
    grouped: bool
    pick: bool
    walls: bool = False
    """Each group sees only its own persona's work (while group work is on)."""


class TourSet(msgspec.Struct, tag="tour.set", kw_only=True):
    """The group whose work the presenter view shows, for its turn of the tour ("" none)."""

    group: str


class NotesRevealed(msgspec.Struct, tag="notes.revealed", kw_only=True):
    """Notes written in private, now shown to everyone (full states, ``hidden`` false)."""

    notes: list[Note]


class RoadmapItemSaved(msgspec.Struct, tag="roadmap.saved", kw_only=True):
    item: RoadmapItem


class RoadmapItemDeleted(msgspec.Struct, tag="roadmap.deleted", kw_only=True):
    item: str


class RulesSet(msgspec.Struct, tag="rules.changed", kw_only=True):
    rules: ClassRules


class ScenarioSaved(msgspec.Struct, tag="scenario.saved", kw_only=True):
    scenario: Scenario


class ScenarioDeleted(msgspec.Struct, tag="scenario.deleted", kw_only=True):
    scenario: str


class MomentSaved(msgspec.Struct, tag="moment.saved", kw_only=True):
    moment: KeyMoment


class MomentDeleted(msgspec.Struct, tag="moment.deleted", kw_only=True):
    moment: str


class PlanRowSaved(msgspec.Struct, tag="plan.saved", kw_only=True):
    """A plan row's whole new state; a new one goes at ``index`` (None: at the end), an
    existing one stays where it is."""

    row: PlanRow
    index: int | None = None


class PlanOrdered(msgspec.Struct, tag="plan.ordered", kw_only=True):
    order: list[str]
    """Every plan row id, in the new order."""


class PlanRowDeleted(msgspec.Struct, tag="plan.deleted", kw_only=True):
    row: str


# -- history and trash (sessions.history, sessions.trash) ----------------------------------


class Skip(msgspec.Struct, kw_only=True):
    """A facet an undo or redo left alone: someone else changed it since (``by``), or the item
    is gone (``reason`` "deleted")."""

    kind: ItemKind
    item: str
    facet: str = ""
    by: str = ""
    reason: Literal["changed", "deleted", "refused"] = "changed"


class HistoryPushed(msgspec.Struct, tag="history.pushed", kw_only=True):
    """A new step on ``person``'s undo stack (merged into the top one when ``merge``); the
    redo stack is emptied. Only the server keeps it: browsers get :class:`HistoryShown`."""

    person: str
    step: UndoStep
    merge: bool = False
    undo: int = 0
    redo: int = 0
    """How deep the stacks are after this event (told to the person's browser)."""


class HistoryUndone(msgspec.Struct, tag="history.undone", kw_only=True):
    """``person``'s top undo step was reverted; ``step`` (what the revert changed, if
    anything) goes on the redo stack."""

    person: str
    step: UndoStep | None = None
    skipped: list[Skip] = msgspec.field(default_factory=list)
    undo: int = 0
    redo: int = 0
    """How deep the stacks are after this event (told to the person's browser)."""


class HistoryRedone(msgspec.Struct, tag="history.redone", kw_only=True):
    """The mirror of :class:`HistoryUndone`: from the redo stack back to the undo stack."""

    person: str
    step: UndoStep | None = None
    skipped: list[Skip] = msgspec.field(default_factory=list)
    undo: int = 0
    redo: int = 0
    """How deep the stacks are after this event (told to the person's browser)."""


class HistoryShown(msgspec.Struct, tag="history.shown", kw_only=True):
    """What a person's browser is told of their own history: how deep each stack is now, and
    what an undo or redo had to leave alone. Changes nothing on the board."""

    undo: int
    redo: int
    action: Literal["push", "undo", "redo"] = "push"
    skipped: list[Skip] = msgspec.field(default_factory=list)


class TrashPut(msgspec.Struct, tag="trash.put", kw_only=True):
    entries: list[Trashed]


class TrashTaken(msgspec.Struct, tag="trash.taken", kw_only=True):
    """Entries leaving the trash: restored, or the oldest dropped to keep it bounded."""

    items: list[str]


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
    | PersonaSaved
    | PersonasOrdered
    | PersonaDeleted
    | EmotionSaved
    | LanesSet
    | FacilitationSet
    | AgendaSet
    | StepSet
    | DoneSet
    | GroupsSet
    | TourSet
    | NotesRevealed
    | RoadmapItemSaved
    | RoadmapItemDeleted
    | RulesSet
    | ScenarioSaved
    | ScenarioDeleted
    | MomentSaved
    | MomentDeleted
    | PlanRowSaved
    | PlanOrdered
    | PlanRowDeleted
    | HistoryPushed
    | HistoryUndone
    | HistoryRedone
    | HistoryShown
    | TrashPut
    | TrashTaken
)


class Entry(msgspec.Struct, kw_only=True):
    """One accepted command as stored in the op log and sent to clients."""

    seq: int
    """Position in the workshop's log: 1, 2, 3... with no gap, in every view."""
    op_id: str
    """The command's op id; "" for the others when it answers an anonymous ballot."""
    actor: str
    """Participant id of the sender; "" for the others when it would name an anonymous voter."""
    events: list[Event]
