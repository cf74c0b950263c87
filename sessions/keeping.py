"""``decide`` as the server runs it: the rules, then what keeps work from being lost.

:func:`decide` is :func:`sessions.rules.decide` plus, in the same entry:

- the trash (``sessions.trash``): whatever the command deletes is kept, with who and when;
- the sender's history (``sessions.history``): a step for each command of ``TRACKED`` that
  changed something, so that the sender can undo it;
- the three commands of this layer: ``history.undo``, ``history.redo`` and ``trash.restore``.

The commands of ``TRACKED`` are every change a person makes to the board's content: notes, persona
sheets, emotion ratings, roadmap items, scenarios (their links, campaigns and scores), key
moments, objectives and plan rows (a draft of the plan is one step: undo takes its rows
away). The structure of the board (stages, lanes, the persona and plan orders), the
facilitation controls, votes and people are not: see
``docs/decisions.md`` for why.
"""

from __future__ import annotations

from sessions import errors, history, trash
from sessions.commands import (
    AddMoment,
    AddNote,
    AddObjective,
    AddPersona,
    AddPlanRow,
    AddRoadmapItem,
    AddScenario,
    AdjustRoadmapItem,
    AnswerScenario,
    ClassifyRoadmapItem,
    Command,
    DeleteNote,
    DraftPlan,
    EditMoment,
    EditNote,
    EditObjective,
    EditPersona,
    EditPlanRow,
    EditRoadmapItem,
    EditScenario,
    FixEmotion,
    MoveNote,
    PlaceRoadmapItem,
    RateStage,
    Redo,
    RemoveCampaign,
    RemoveMoment,
    RemoveObjective,
    RemovePersona,
    RemovePlanRow,
    RemoveRoadmapItem,
    RemoveScenario,
    RestoreTrashed,
    ScoreRoadmapItem,
    ScoreScenario,
    SetCampaign,
    TagNote,
    TargetNote,
    Undo,
)
from sessions.events import (
    Event,
    HistoryPushed,
    HistoryRedone,
    HistoryUndone,
    NoteDeleted,
    NoteSaved,
    TrashPut,
    TrashTaken,
)
from sessions.model import Workshop, notes_copy, working_copy
from sessions.rules import Actor, apply_all
from sessions.rules import decide as decide_rules

TRACKED: frozenset[type] = frozenset(
    {
        AddNote,
        EditNote,
        MoveNote,
        DeleteNote,
        TagNote,
        TargetNote,
        AddPersona,
        EditPersona,
        RemovePersona,
        RateStage,
        FixEmotion,
        AddRoadmapItem,
        EditRoadmapItem,
        ScoreRoadmapItem,
        ClassifyRoadmapItem,
        PlaceRoadmapItem,
        AdjustRoadmapItem,
        RemoveRoadmapItem,
        AddScenario,
        EditScenario,
        RemoveScenario,
        AnswerScenario,
        SetCampaign,
        RemoveCampaign,
        ScoreScenario,
        AddMoment,
        EditMoment,
        RemoveMoment,
        AddObjective,
        EditObjective,
        RemoveObjective,
        AddPlanRow,
        EditPlanRow,
        RemovePlanRow,
        DraftPlan,
        RestoreTrashed,
    }
)
"""Commands whose changes go on their sender's undo stack."""


def decide(workshop: Workshop, actor: Actor, command: Command, now: float = 0.0) -> list[Event]:
    """The events of ``command``, with its trash and history events; raises a DomainError."""
    match command:
        case Undo() | Redo() | RestoreTrashed():
            if workshop.locked and actor.role != "facilitator":
                raise errors.Locked(
                    "The facilitator has locked the board: it is read-only for now."
                )
            if isinstance(command, Undo):
                events = history.undo(workshop, actor.id, actor.role, now)
            elif isinstance(command, Redo):
                events = history.redo(workshop, actor.id, actor.role, now)
            else:
                events = trash.restore(workshop, actor.id, actor.role, command.item)
        case _:
            events = decide_rules(workshop, actor, command, now)
    if not events:
        return events
    events = [*events, *trash.put(workshop, actor.id, events, now)]
    if type(command) in TRACKED:
        events += history.pushed(workshop, actor.id, command, events, now)
    return events


_NOTES_ONLY = (
    NoteSaved,
    NoteDeleted,
    TrashPut,
    TrashTaken,
    HistoryPushed,
    HistoryUndone,
    HistoryRedone,
)
"""Events whose ``apply`` only sets or removes entries of the notes, trash, ``writers`` and
history maps (and the id counter): a :func:`sessions.model.notes_copy` takes them."""


class Draft:
    """The board a batch of commands is decided on, one after the other, without changing the
    board it starts from: copied at the first events applied, and only as deep as they need.

    ``board`` is the original until then (``decide`` never changes it). Note events (most of a
    workshop's traffic) get a :func:`~sessions.model.notes_copy`; the first other event, a
    :func:`~sessions.model.working_copy` of what the draft holds by then."""

    __slots__ = ("_depth", "board")

    def __init__(self, board: Workshop) -> None:
        self.board = board
        self._depth = 0
        """0: the original board; 1: a notes copy; 2: a working copy."""

    def apply(self, events: list[Event]) -> None:
        if self._depth < 2:
            if all(isinstance(e, _NOTES_ONLY) for e in events):
                if self._depth == 0:
                    self.board, self._depth = notes_copy(self.board), 1
            else:
                self.board, self._depth = working_copy(self.board), 2
        apply_all(self.board, events)
