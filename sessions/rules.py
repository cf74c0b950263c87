"""The two verbs of the domain: ``decide`` and ``apply``.

``decide(workshop, actor, command) -> list[Event]`` checks a command against the current state
and returns the events it causes, or raises a :class:`~sessions.errors.DomainError`. It never
changes ``workshop``. An empty list means the command changes nothing (it is acknowledged, not
stored).

``apply(workshop, event) -> workshop`` performs one event, in place, and returns the workshop.
It trusts the event: events only come out of ``decide`` (or the op log, which only holds what
``decide`` produced), so two replicas that apply the same events in the same order are equal.

Both are pure: no randomness, no I/O, and the only clock is the ``now`` the caller passes.
New ids come from ``Workshop.counter``. The rules of notes, stages and people live here; the
method's other parts have their own modules (``personas``, ``voting``, ``facilitation``,
``roadmap``,
``moments``, ``plan``).
"""

from __future__ import annotations

import msgspec

from sessions import (
    agenda,
    errors,
    facilitation,
    groups,
    history,
    moments,
    personas,
    plan,
    roadmap,
    trash,
    voting,
)
from sessions.limits import tidy_title
from sessions.model import Note, Participant, Role, Stage, Workshop, cell_notes, id_number, moved
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    MAX_NOTES,
    MAX_PARTICIPANTS,
    MAX_STAGES,
    NAME_MAX,
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
    AgendaSet,
    AnswerScenario,
    AskHelp,
    CastDot,
    ClassifyRoadmapItem,
    ClearGroups,
    Command,
    DeleteNote,
    DoneSet,
    DraftPlan,
    EditGroup,
    EditMoment,
    EditNote,
    EditObjective,
    EditPersona,
    EditPlanRow,
    EditRoadmapItem,
    EditScenario,
    EmotionSaved,
    Event,
    FacilitationSet,
    FixEmotion,
    GoToStep,
    GroupsSet,
    HistoryPushed,
    HistoryRedone,
    HistoryShown,
    HistoryUndone,
    JoinGroup,
    LanesSet,
    MarkDone,
    MomentDeleted,
    MomentSaved,
    MoveLane,
    MoveNote,
    MovePersona,
    MovePlanRow,
    MoveStage,
    MoveToGroup,
    NoteDeleted,
    NoteSaved,
    NotesRevealed,
    ObjectivesSet,
    ParticipantSaved,
    PersonaDeleted,
    PersonaSaved,
    PersonasOrdered,
    PlaceRoadmapItem,
    PlanOrdered,
    PlanRowDeleted,
    PlanRowSaved,
    PresentGroup,
    RateStage,
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
    RevealNotes,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    RulesSet,
    ScenarioDeleted,
    ScenarioSaved,
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
    SplitGroups,
    StagesSet,
    StartRound,
    StepSet,
    TagNote,
    TakeDot,
    TargetNote,
    TourSet,
    TrashPut,
    TrashTaken,
    WorkshopRenamed,
)

_MIN_GAP = 1e-6


class Actor(msgspec.Struct, frozen=True):
    """Who sends a command: a participant id and the role its token grants."""

    id: str
    role: Role


class Join(Command, tag="participant.join"):
    """Internal command (never accepted from a socket): someone joins with a display name."""

    name: str
    role: Role = "participant"


def decide(workshop: Workshop, actor: Actor, command: Command, now: float = 0.0) -> list[Event]:
    """Events caused by ``command`` from ``actor``; raises a DomainError when refused.

    ``now`` is the server's clock (seconds since the epoch) for countdowns; nothing else reads it.
    """
    if type(command) in FACILITATOR_COMMANDS and actor.role != "facilitator":
        raise errors.Forbidden("Only the facilitator can do this.")
    if (
        workshop.locked
        and actor.role != "facilitator"
        and not isinstance(command, (Join, CastDot, TakeDot, RenameSelf, MarkDone))
    ):
        raise errors.Locked("The facilitator has locked the board: it is read-only for now.")
    _check_can_see_note(workshop, actor, getattr(command, "note", None))
    if actor.role != "facilitator" and workshop.grouped:
        _check_own_group(workshop, actor, command)
    match command:
        case AddNote():
            return _add_note(workshop, actor, command)
        case EditNote():
            return _edit_note(workshop, command)
        case MoveNote():
            return _move_note(workshop, command)
        case DeleteNote():
            _note(workshop, command.note)
            voting.guard_notes(workshop, [command.note])
            return [NoteDeleted(note=command.note), *roadmap.unlinked(workshop, [command.note])]
        case AddStage():
            return _add_stage(workshop, command)
        case RenameStage():
            return _rename_stage(workshop, command)
        case MoveStage():
            return _move_stage(workshop, command)
        case RemoveStage():
            return _remove_stage(workshop, command)
        case RenameWorkshop():
            title = tidy_title(command.title)
            if title == workshop.title:
                return []
            return [WorkshopRenamed(title=title)]
        case RenameSelf():
            return _rename_self(workshop, actor, command.name)
        case Join():
            return _join(workshop, command)
        case AddObjective():
            return voting.add_objective(workshop, command)
        case EditObjective():
            return voting.edit_objective(workshop, command)
        case RemoveObjective():
            return voting.remove_objective(workshop, command)
        case StartRound():
            return voting.start_round(workshop, command, now)
        case SetRound():
            return voting.set_round(workshop, command, now)
        case CastDot():
            return voting.cast_dot(workshop, actor.id, actor.role, command, now)
        case TakeDot():
            return voting.take_dot(workshop, actor.id, actor.role, command, now)
        case AddProxy():
            return voting.add_proxy(workshop, command)
        case AddPersona():
            return personas.add_persona(workshop, command)
        case EditPersona():
            return personas.edit_persona(workshop, actor.role, command)
        case MovePersona():
            return personas.move_persona(workshop, command)
        case RemovePersona():
            return personas.remove_persona(workshop, command)
        case RateStage():
            return personas.rate_stage(workshop, actor.id, command)
        case FixEmotion():
            return personas.fix_emotion(workshop, command)
        case AddLane():
            return personas.add_lane(workshop, command)
        case RenameLane():
            return personas.rename_lane(workshop, command)
        case MoveLane():
            return personas.move_lane(workshop, command)
        case RemoveLane():
            return personas.remove_lane(workshop, command)
        case TagNote():
            return personas.tag_note(workshop, command)
        case TargetNote():
            return personas.target_note(workshop, command)
        case SetPhase():
            return facilitation.set_phase(workshop, command)
        case SetTimer():
            return facilitation.set_timer(workshop, command, now)
        case SetLock():
            return facilitation.set_lock(workshop, command)
        case SetPrivate():
            return facilitation.set_private(workshop, command)
        case RevealNotes():
            return facilitation.reveal_notes(workshop, command)
        case SetFollow():
            return facilitation.set_follow(workshop, command)
        case SetAgenda():
            return agenda.set_agenda(workshop, command)
        case GoToStep():
            return agenda.go_to_step(workshop, command, now)
        case MarkDone():
            return agenda.mark_done(workshop, actor.id, command)
        case SplitGroups():
            return groups.split(workshop, command)
        case EditGroup():
            return groups.edit(workshop, command)
        case MoveToGroup():
            return groups.move(workshop, command)
        case SetGroupWork():
            return groups.set_work(workshop, command)
        case ClearGroups():
            return groups.clear(workshop, command)
        case PresentGroup():
            return groups.present(workshop, command)
        case JoinGroup():
            return groups.join(workshop, actor.id, command)
        case AskHelp():
            return groups.ask_help(workshop, actor.id, command)
        case AddRoadmapItem():
            return roadmap.add_item(workshop, command)
        case EditRoadmapItem():
            return roadmap.edit_item(workshop, command)
        case ScoreRoadmapItem():
            return roadmap.score_item(workshop, actor.id, command)
        case ClassifyRoadmapItem():
            return roadmap.classify_item(workshop, command)
        case PlaceRoadmapItem():
            return roadmap.place_item(workshop, command)
        case AdjustRoadmapItem():
            return roadmap.adjust_item(workshop, command)
        case RemoveRoadmapItem():
            return roadmap.remove_item(workshop, command)
        case SetRules():
            return roadmap.set_rules(workshop, command)
        case AddScenario():
            return roadmap.add_scenario(workshop, command)
        case EditScenario():
            return roadmap.edit_scenario(workshop, command)
        case RemoveScenario():
            return roadmap.remove_scenario(workshop, command)
        case AnswerScenario():
            return moments.answer(workshop, command)
        case SetCampaign():
            return moments.set_campaign(workshop, command)
        case RemoveCampaign():
            return moments.remove_campaign(workshop, command)
        case ScoreScenario():
            return moments.score(workshop, actor.id, command)
        case AddMoment():
            return moments.add_moment(workshop, command)
        case EditMoment():
            return moments.edit_moment(workshop, command)
        case RemoveMoment():
            return moments.remove_moment(workshop, command)
        case SetStageObjective():
            return moments.set_stage_objective(workshop, command)
        case AddPlanRow():
            return plan.add_row(workshop, command)
        case EditPlanRow():
            return plan.edit_row(workshop, command)
        case MovePlanRow():
            return plan.move_row(workshop, command)
        case RemovePlanRow():
            return plan.remove_row(workshop, command)
        case DraftPlan():
            return plan.draft_plan(workshop, command)
    raise errors.InvalidCommand(f"Unknown command {type(command).__name__}.")


def apply(workshop: Workshop, event: Event) -> Workshop:
    """Perform ``event`` on ``workshop`` in place and return it."""
    match event:
        case NoteSaved(note=note):
            workshop.notes[note.id] = note
            workshop.counter = max(workshop.counter, id_number(note.id))
        case NoteDeleted(note=note_id):
            workshop.notes.pop(note_id, None)
        case StagesSet(stages=stages):
            workshop.stages = list(stages)
            top = max((id_number(s.id) for s in stages), default=0)
            workshop.counter = max(workshop.counter, top)
            personas.drop_emotions_of_removed_stages(workshop)
            roadmap.forget_links(workshop)
        case PersonaSaved():
            personas.apply_persona_saved(workshop, event)
        case PersonasOrdered():
            personas.apply_personas_ordered(workshop, event)
        case PersonaDeleted():
            personas.apply_persona_deleted(workshop, event)
            roadmap.forget_links(workshop)
            plan.forget_links(workshop)
            groups.forget_persona(workshop)
        case RoadmapItemSaved() | RoadmapItemDeleted() | RulesSet() | ScenarioSaved():
            roadmap.apply_roadmap(workshop, event)
        case ScenarioDeleted():
            roadmap.apply_roadmap(workshop, event)
        case MomentSaved() | MomentDeleted():
            moments.apply_moment(workshop, event)
        case PlanRowSaved() | PlanOrdered() | PlanRowDeleted():
            plan.apply_plan(workshop, event)
        case ObjectivesSet():
            voting.apply_vote(workshop, event)
            plan.forget_links(workshop)
        case EmotionSaved():
            personas.apply_emotion_saved(workshop, event)
        case LanesSet():
            personas.apply_lanes_set(workshop, event)
        case FacilitationSet():
            facilitation.apply_facilitation(workshop, event)
        case NotesRevealed():
            facilitation.apply_notes_revealed(workshop, event)
        case AgendaSet() | StepSet() | DoneSet():
            agenda.apply_agenda(workshop, event)
        case GroupsSet():
            groups.apply_groups(workshop, event)
        case TourSet(group=group):
            workshop.presenting = group
        case WorkshopRenamed(title=title):
            workshop.title = title
        case ParticipantSaved(participant=participant):
            workshop.participants[participant.id] = participant
            workshop.counter = max(workshop.counter, id_number(participant.id))
        case HistoryPushed() | HistoryUndone() | HistoryRedone():
            history.apply_history(workshop, event)
        case TrashPut() | TrashTaken():
            trash.apply_trash(workshop, event)
        case HistoryShown():
            pass  # what a browser is told of its own history: nothing on the board
        case _:
            voting.apply_vote(workshop, event)
    return workshop


def apply_all(workshop: Workshop, events: list[Event]) -> Workshop:
    for event in events:
        apply(workshop, event)
    return workshop


# -- notes ------------------------------------------------------------------------------


def _check_own_group(workshop: Workshop, actor: Actor, command: Command) -> None:
    """During group work, what a participant changes on a journey must be their group's."""
    persona: str | None = None
    if isinstance(command, (AddNote, EditPersona, RateStage, AddMoment)):
        persona = command.persona
    elif isinstance(command, (EditNote, MoveNote, DeleteNote, TagNote, TargetNote)):
        note = workshop.notes.get(command.note)
        persona = note.persona if note is not None else None
    if persona is not None:
        groups.check_own_persona(workshop, actor.id, persona)


def _check_can_see_note(workshop: Workshop, actor: Actor, note_id: object) -> None:
    """A note written in private does not exist for the other participants, even by its id."""
    if not isinstance(note_id, str):
        return
    note = workshop.notes.get(note_id)
    if note is not None and note.hidden and actor.role != "facilitator" and note.author != actor.id:
        raise errors.NotFound("This note no longer exists: someone may have deleted it.")


def _note(workshop: Workshop, note_id: str) -> Note:
    note = workshop.notes.get(note_id)
    if note is None:
        raise errors.NotFound("This note no longer exists: someone may have deleted it.")
    return note


def _check_cell(workshop: Workshop, persona: str, stage: str, lane: str) -> None:
    if not any(p.id == persona for p in workshop.personas):
        raise errors.NotFound("This persona no longer exists.")
    if not any(s.id == stage for s in workshop.stages):
        raise errors.NotFound("This stage no longer exists: someone may have removed it.")
    if not any(lane_.id == lane for lane_ in workshop.lanes):
        raise errors.NotFound("This lane no longer exists.")


def _placed(
    workshop: Workshop, note: Note, persona: str, stage: str, lane: str, index: int | None
) -> list[Event]:
    """Events that put ``note`` (already carrying its other changes) at ``index`` of a cell."""
    others = [n for n in cell_notes(workshop, persona, stage, lane) if n.id != note.id]
    at = len(others) if index is None else min(index, len(others))
    before = others[at - 1].pos if at > 0 else None
    after = others[at].pos if at < len(others) else None
    if before is None and after is None:
        pos = 1.0
    elif before is None:
        assert after is not None
        pos = after - 1.0
    elif after is None:
        pos = before + 1.0
    else:
        pos = (before + after) / 2
    placed = msgspec.structs.replace(note, persona=persona, stage=stage, lane=lane, pos=pos)
    if before is None or after is None or (after - before) > _MIN_GAP:
        return [NoteSaved(note=placed)]
    # The gap is worn out by repeated insertions at one spot: number the whole cell again.
    order = [*others[:at], placed, *others[at:]]
    events: list[Event] = []
    for rank, item in enumerate(order, start=1):
        bump = 0 if item is placed else 1
        events.append(
            NoteSaved(
                note=msgspec.structs.replace(item, pos=float(rank), version=item.version + bump)
            )
        )
    return events


def _add_note(workshop: Workshop, actor: Actor, command: AddNote) -> list[Event]:
    _check_cell(workshop, command.persona, command.stage, command.lane)
    if len(workshop.notes) >= MAX_NOTES:
        raise errors.LimitReached(f"This workshop already holds {MAX_NOTES} notes, the maximum.")
    note = Note(
        id=f"n{workshop.counter + 1}",
        persona=command.persona,
        stage=command.stage,
        lane=command.lane,
        text=command.text,
        channel=command.channel,
        author=actor.id,
        hidden=workshop.private and actor.role != "facilitator",
        tags=tuple(sorted(set(command.tags))),
    )
    return _placed(workshop, note, command.persona, command.stage, command.lane, command.index)


def _edit_note(workshop: Workshop, command: EditNote) -> list[Event]:
    note = _note(workshop, command.note)
    text = note.text if command.text is None else command.text
    channel = note.channel if command.channel is None else command.channel
    if text == note.text and channel == note.channel:
        return []
    changed = msgspec.structs.replace(note, text=text, channel=channel, version=note.version + 1)
    return [NoteSaved(note=changed)]


def _move_note(workshop: Workshop, command: MoveNote) -> list[Event]:
    note = _note(workshop, command.note)
    _check_cell(workshop, note.persona, command.stage, command.lane)
    cell = cell_notes(workshop, note.persona, command.stage, command.lane)
    ids = [n.id for n in cell]
    if note.id in ids and ids.index(note.id) == min(command.index, len(ids) - 1):
        return []
    moved = msgspec.structs.replace(note, version=note.version + 1)
    return _placed(workshop, moved, note.persona, command.stage, command.lane, command.index)


# -- stages -----------------------------------------------------------------------------


def _stage_index(workshop: Workshop, stage_id: str) -> int:
    for i, stage in enumerate(workshop.stages):
        if stage.id == stage_id:
            return i
    raise errors.NotFound("This stage no longer exists: someone may have removed it.")


def _add_stage(workshop: Workshop, command: AddStage) -> list[Event]:
    if len(workshop.stages) >= MAX_STAGES:
        raise errors.LimitReached(f"A journey has at most {MAX_STAGES} stages.")
    stages = list(workshop.stages)
    at = len(stages) if command.index is None else min(command.index, len(stages))
    stages.insert(at, Stage(id=f"s{workshop.counter + 1}", title=tidy_title(command.title)))
    return [StagesSet(stages=stages)]


def _rename_stage(workshop: Workshop, command: RenameStage) -> list[Event]:
    at = _stage_index(workshop, command.stage)
    title = tidy_title(command.title)
    if workshop.stages[at].title == title:
        return []
    stages = list(workshop.stages)
    stages[at] = msgspec.structs.replace(stages[at], title=title)
    return [StagesSet(stages=stages)]


def _move_stage(workshop: Workshop, command: MoveStage) -> list[Event]:
    stages = moved(workshop.stages, _stage_index(workshop, command.stage), command.index)
    return [] if stages is None else [StagesSet(stages=stages)]


def _remove_stage(workshop: Workshop, command: RemoveStage) -> list[Event]:
    at = _stage_index(workshop, command.stage)
    if len(workshop.stages) <= 1:
        raise errors.Conflict("A journey needs at least one stage.")
    inside = [n.id for n in workshop.notes.values() if n.stage == command.stage]
    if inside and not command.with_notes:
        raise errors.Conflict(
            f"This stage holds {len(inside)} note(s): move them first, "
            "or confirm removing them too."
        )
    stages = [s for i, s in enumerate(workshop.stages) if i != at]
    voting.guard_notes(workshop, inside)
    events: list[Event] = [NoteDeleted(note=n) for n in sorted(inside, key=id_number)]
    events += roadmap.unlinked(workshop, inside)
    events.append(StagesSet(stages=stages))
    return events


# -- people -----------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise errors.InvalidCommand("Please give a display name.")
    if len(cleaned) > NAME_MAX:
        raise errors.InvalidCommand(f"A display name has at most {NAME_MAX} characters.")
    return cleaned


def _join(workshop: Workshop, command: Join) -> list[Event]:
    if len(workshop.participants) >= MAX_PARTICIPANTS:
        raise errors.LimitReached(
            f"This workshop already has {MAX_PARTICIPANTS} participants, the maximum."
        )
    participant = Participant(
        id=f"p{workshop.counter + 1}", name=_clean_name(command.name), role=command.role
    )
    return [ParticipantSaved(participant=participant), *groups.welcome(workshop, participant)]


def _rename_self(workshop: Workshop, actor: Actor, name: str) -> list[Event]:
    me = workshop.participants.get(actor.id)
    if me is None:
        raise errors.NotFound("You are not a participant of this workshop.")
    cleaned = _clean_name(name)
    if cleaned == me.name:
        return []
    return [ParticipantSaved(participant=msgspec.structs.replace(me, name=cleaned))]
