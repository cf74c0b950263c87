"""Personas, their emotion curves, lanes and solution tags: deciding and applying.

Invariants (kept here):

- a workshop keeps at least one persona and one lane; every note names an existing persona
  and lane, so removing one that holds notes needs ``with_notes`` and deletes them too;
- ``Workshop.emotions`` is keyed ``persona:stage`` and only names existing personas and stages
  (``apply`` drops the ratings of a deleted persona or stage);
- a rating is an int from -2 to +2, one per participant and cell; ``fixed`` is the
  facilitator's override of the curve's value at that cell; ``target`` and ``target_fixed`` are
  the same for the target journey's curve (how the persona should feel there tomorrow), rated
  beside today's by the same commands with ``target`` set;
- only a note of a ``solutions`` lane can be put in the target journey (``Note.target``); a
  marked note moved to another lane keeps its mark but is no solution there, so the target
  journey leaves it out (``sessions.summary.target_solutions``);
- the four lanes of the method (enchantments, irritants, expectations, solutions) are named by
  the interface, in each language; only ``custom`` lanes carry a title, and only they can be
  renamed or removed;
- a persona's four facts (age, family, job, city) are one line of at most ``FACT_MAX``
  characters; its ``photo`` is "" or a reference (``PHOTO_PATTERN``) that only the
  facilitator sets or removes (the image is everyone's screen: nobody else changes it).
"""

from __future__ import annotations

import re

import msgspec

from sessions import errors, roadmap, voting
from sessions.commands import (
    AddLane,
    AddPersona,
    EditPersona,
    FixEmotion,
    MoveLane,
    MovePersona,
    RateStage,
    RemoveLane,
    RemovePersona,
    RenameLane,
    TagNote,
    TargetNote,
)
from sessions.events import (
    EmotionSaved,
    Event,
    LanesSet,
    NoteDeleted,
    NoteSaved,
    PersonaDeleted,
    PersonaSaved,
    PersonasOrdered,
)
from sessions.limits import (
    FACT_MAX,
    MAX_LANES,
    MAX_PERSONAS,
    NAME_MAX,
    PHOTO_PATTERN,
    tidy_title,
)
from sessions.model import (
    PERSONA_FACTS,
    Emotion,
    Lane,
    Persona,
    Role,
    Workshop,
    id_number,
    moved,
)

_PHOTO = re.compile(PHOTO_PATTERN)


def emotion_key(persona: str, stage: str) -> str:
    return f"{persona}:{stage}"


def _persona(workshop: Workshop, persona_id: str) -> Persona:
    for persona in workshop.personas:
        if persona.id == persona_id:
            return persona
    raise errors.NotFound("This persona no longer exists: someone may have removed it.")


# -- personas -----------------------------------------------------------------------------


def add_persona(workshop: Workshop, command: AddPersona) -> list[Event]:
    if len(workshop.personas) >= MAX_PERSONAS:
        raise errors.LimitReached(f"A workshop has at most {MAX_PERSONAS} personas.")
    name = " ".join(command.name.split())
    if not name:
        raise errors.InvalidCommand("Please give the persona a name.")
    persona = Persona(id=f"a{workshop.counter + 1}", name=name, emoji=command.emoji)
    return [PersonaSaved(persona=persona)]


def edit_persona(workshop: Workshop, role: Role, command: EditPersona) -> list[Event]:
    persona = _persona(workshop, command.persona)
    value = command.value
    if command.field in ("name", *PERSONA_FACTS):
        value = " ".join(value.split())
    if command.field == "name":
        if not value:
            raise errors.InvalidCommand("A persona needs a name.")
        if len(value) > NAME_MAX:
            raise errors.InvalidCommand(f"A persona's name has at most {NAME_MAX} characters.")
    if command.field in PERSONA_FACTS and len(value) > FACT_MAX:
        raise errors.InvalidCommand(
            f"A persona's age, family situation, job or city is one line of at most "
            f"{FACT_MAX} characters: write the rest in the story."
        )
    if command.field == "emoji" and len(value) > 16:
        raise errors.InvalidCommand("An avatar is one emoji or up to a few initials.")
    if command.field == "photo":
        if role != "facilitator":
            raise errors.Forbidden("Only the facilitator can change a persona's photo.")
        if value and not _PHOTO.match(value):
            raise errors.InvalidCommand("Upload a photo from the persona's sheet to set it.")
    if getattr(persona, command.field) == value:
        return []
    changed = msgspec.structs.replace(persona, **{command.field: value})
    return [PersonaSaved(persona=changed)]


def move_persona(workshop: Workshop, command: MovePersona) -> list[Event]:
    _persona(workshop, command.persona)
    ids = [p.id for p in workshop.personas]
    order = moved(ids, ids.index(command.persona), command.index)
    return [] if order is None else [PersonasOrdered(order=order)]


def remove_persona(workshop: Workshop, command: RemovePersona) -> list[Event]:
    _persona(workshop, command.persona)
    if len(workshop.personas) <= 1:
        raise errors.Conflict("A workshop needs at least one persona.")
    inside = sorted(
        (n.id for n in workshop.notes.values() if n.persona == command.persona), key=id_number
    )
    if inside and not command.with_notes:
        raise errors.Conflict(
            f"This persona's journey holds {len(inside)} note(s): confirm removing them too."
        )
    voting.guard_notes(workshop, inside)
    events: list[Event] = [NoteDeleted(note=n) for n in inside]
    events += roadmap.unlinked(workshop, inside)
    events.append(PersonaDeleted(persona=command.persona))
    return events


# -- emotions -----------------------------------------------------------------------------


def _emotion(workshop: Workshop, persona: str, stage: str) -> Emotion:
    _persona(workshop, persona)
    if not any(s.id == stage for s in workshop.stages):
        raise errors.NotFound("This stage no longer exists: someone may have removed it.")
    found = workshop.emotions.get(emotion_key(persona, stage))
    return found if found is not None else Emotion(persona=persona, stage=stage)


def rate_stage(workshop: Workshop, actor_id: str, command: RateStage) -> list[Event]:
    emotion = _emotion(workshop, command.persona, command.stage)
    field = "target" if command.target else "ratings"
    ratings = dict(getattr(emotion, field))
    if command.value is None:
        if actor_id not in ratings:
            return []
        del ratings[actor_id]
    elif ratings.get(actor_id) == command.value:
        return []
    else:
        ratings[actor_id] = command.value
    return [EmotionSaved(emotion=msgspec.structs.replace(emotion, **{field: ratings}))]


def fix_emotion(workshop: Workshop, command: FixEmotion) -> list[Event]:
    emotion = _emotion(workshop, command.persona, command.stage)
    field = "target_fixed" if command.target else "fixed"
    if getattr(emotion, field) == command.value:
        return []
    return [EmotionSaved(emotion=msgspec.structs.replace(emotion, **{field: command.value}))]


# -- lanes and tags -----------------------------------------------------------------------


def _lane_index(workshop: Workshop, lane_id: str) -> int:
    for i, lane in enumerate(workshop.lanes):
        if lane.id == lane_id:
            return i
    raise errors.NotFound("This lane no longer exists.")


def add_lane(workshop: Workshop, command: AddLane) -> list[Event]:
    if len(workshop.lanes) >= MAX_LANES:
        raise errors.LimitReached(f"A journey has at most {MAX_LANES} lanes.")
    lanes = list(workshop.lanes)
    at = len(lanes) if command.index is None else min(command.index, len(lanes))
    lane = Lane(id=f"l{workshop.counter + 1}", kind="custom", title=tidy_title(command.title))
    lanes.insert(at, lane)
    return [LanesSet(lanes=lanes)]


def rename_lane(workshop: Workshop, command: RenameLane) -> list[Event]:
    at = _lane_index(workshop, command.lane)
    lane = workshop.lanes[at]
    if lane.kind != "custom":
        raise errors.Conflict("The method's four lanes keep their names; add a lane of your own.")
    title = tidy_title(command.title)
    if lane.title == title:
        return []
    lanes = list(workshop.lanes)
    lanes[at] = msgspec.structs.replace(lane, title=title)
    return [LanesSet(lanes=lanes)]


def move_lane(workshop: Workshop, command: MoveLane) -> list[Event]:
    lanes = moved(workshop.lanes, _lane_index(workshop, command.lane), command.index)
    return [] if lanes is None else [LanesSet(lanes=lanes)]


def remove_lane(workshop: Workshop, command: RemoveLane) -> list[Event]:
    at = _lane_index(workshop, command.lane)
    if workshop.lanes[at].kind != "custom":
        raise errors.Conflict("The method's four lanes stay; only added lanes can be removed.")
    inside = sorted(
        (n.id for n in workshop.notes.values() if n.lane == command.lane), key=id_number
    )
    if inside and not command.with_notes:
        raise errors.Conflict(f"This lane holds {len(inside)} note(s): confirm removing them too.")
    voting.guard_notes(workshop, inside)
    events: list[Event] = [NoteDeleted(note=n) for n in inside]
    events += roadmap.unlinked(workshop, inside)
    events.append(LanesSet(lanes=[lane for i, lane in enumerate(workshop.lanes) if i != at]))
    return events


def tag_note(workshop: Workshop, command: TagNote) -> list[Event]:
    note = workshop.notes.get(command.note)
    if note is None:
        raise errors.NotFound("This note no longer exists: someone may have deleted it.")
    tags = tuple(sorted(set(command.tags)))
    if tags == note.tags:
        return []
    changed = msgspec.structs.replace(note, tags=tags, version=note.version + 1)
    return [NoteSaved(note=changed)]


def target_note(workshop: Workshop, command: TargetNote) -> list[Event]:
    note = workshop.notes.get(command.note)
    if note is None:
        raise errors.NotFound("This note no longer exists: someone may have deleted it.")
    if command.target and not any(
        lane.id == note.lane and lane.kind == "solutions" for lane in workshop.lanes
    ):
        raise errors.InvalidCommand("Only a solution can be part of the target journey.")
    if note.target == command.target:
        return []
    changed = msgspec.structs.replace(note, target=command.target, version=note.version + 1)
    return [NoteSaved(note=changed)]


# -- apply --------------------------------------------------------------------------------


def apply_persona_saved(workshop: Workshop, event: PersonaSaved) -> None:
    persona = event.persona
    for i, existing in enumerate(workshop.personas):
        if existing.id == persona.id:
            workshop.personas[i] = persona
            return
    at = len(workshop.personas) if event.index is None else event.index
    workshop.personas.insert(at, persona)
    workshop.counter = max(workshop.counter, id_number(persona.id))


def apply_personas_ordered(workshop: Workshop, event: PersonasOrdered) -> None:
    by_id = {p.id: p for p in workshop.personas}
    workshop.personas = [by_id[i] for i in event.order if i in by_id]


def apply_persona_deleted(workshop: Workshop, event: PersonaDeleted) -> None:
    workshop.personas = [p for p in workshop.personas if p.id != event.persona]
    workshop.emotions = {k: e for k, e in workshop.emotions.items() if e.persona != event.persona}
    if workshop.follow == event.persona:
        workshop.follow = None


def apply_emotion_saved(workshop: Workshop, event: EmotionSaved) -> None:
    emotion = event.emotion
    key = emotion_key(emotion.persona, emotion.stage)
    empty = not (emotion.ratings or emotion.target)
    if empty and emotion.fixed is None and emotion.target_fixed is None:
        workshop.emotions.pop(key, None)
    else:
        workshop.emotions[key] = emotion


def apply_lanes_set(workshop: Workshop, event: LanesSet) -> None:
    workshop.lanes = list(event.lanes)
    top = max((id_number(lane.id) for lane in event.lanes), default=0)
    workshop.counter = max(workshop.counter, top)


def drop_emotions_of_removed_stages(workshop: Workshop) -> None:
    """After a change of stages: ratings of a stage that is gone go with it."""
    stages = {s.id for s in workshop.stages}
    workshop.emotions = {k: e for k, e in workshop.emotions.items() if e.stage in stages}
