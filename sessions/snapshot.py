"""The JSON snapshot of a workshop: a versioned envelope, its upgrades, and its checks.

A snapshot is one JSON object (documented in ``docs/export.md``)::

    {"schema": 2, "app": "parcours", "exported_at": "2026-11-26T10:00:00Z", "workshop": {...}}

``workshop`` is the :class:`~sessions.model.Workshop` exactly as the model encodes it, so a
snapshot is lossless: :func:`dump` then :func:`read` gives an equal workshop, and dumping that
again gives the same bytes (dict order is kept, floats round-trip). A snapshot holds no secret:
tokens and join codes live beside the workshop in the store, never inside it. When personas
show photos, a ``photos`` key beside ``workshop`` carries each JPEG in base64 by its reference,
so that an imported workshop shows them too (and exports again to the same bytes).

Schemas
    1. the first release's board: stages, lanes, personas (name and emoji), notes, participants.
    2. the whole workshop: persona sheets, note tags, emotions, objectives, vote rounds, the
       roadmap, scenarios and the facilitation state.

:func:`read` upgrades an older schema step by step (``_UPGRADES[n]`` turns schema ``n`` into
``n + 1``), then checks the result: types and bounds, then that every reference names an
existing item. Anything wrong raises :class:`InvalidSnapshot` with a sentence that names the
place (``workshop.notes["n3"].persona``) and the problem; nothing is half-read.

Pure: no clock (the caller passes ``exported_at``), no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

import msgspec

from sessions import errors
from sessions.limits import PHOTO_PATTERN
from sessions.model import (
    CRITERIA,
    PERSONA_FIELDS,
    PRIORITIES,
    ROADMAP_CLASSES,
    SCENARIO_FIELDS,
    Emotion,
    KeyMoment,
    Note,
    Participant,
    RoadmapItem,
    Scenario,
    Workshop,
    id_number,
)
from sessions.protocol import (
    MAX_NOTES,
    MAX_PARTICIPANTS,
    MAX_STAGES,
    NAME_MAX,
    NOTE_TEXT_MAX,
    WORKSHOP_TITLE_MAX,
)

SCHEMA = 2
APP = "parcours"
SNAPSHOT_MAX = 32 * 1024 * 1024
"""Largest snapshot file read, in bytes (a full workshop of 2000 notes is well under 2 MB)."""
TEXT_MAX = 10_000
"""Longest free text accepted in a persona sheet, scenario field or description."""


class InvalidSnapshot(errors.InvalidCommand):
    """The file is not a snapshot this version can read; ``message`` says what is wrong."""

    code = "invalid_snapshot"


class Envelope(msgspec.Struct, kw_only=True):
    schema: int
    app: str = APP
    exported_at: str = ""
    workshop: Workshop


class PhotoEnvelope(Envelope, kw_only=True):
    """A snapshot of a workshop whose personas show photos: each JPEG, in base64, by its
    reference (the key is there only when there are photos, so other snapshots stay as they
    were)."""

    photos: dict[str, str]


PHOTO_MAX = 1024 * 1024
"""Largest photo a snapshot carries, in bytes (the server makes them far smaller)."""

_encoder = msgspec.json.Encoder()


def dump(workshop: Workshop, exported_at: str, photos: dict[str, bytes] | None = None) -> bytes:
    """The snapshot of ``workshop`` as UTF-8 JSON, indented, ending with a newline; with the
    photos (reference -> JPEG) its personas show, when ``photos`` has them."""
    shown = sorted({p.photo for p in workshop.personas if p.photo} & set(photos or {}))
    envelope: Envelope = Envelope(schema=SCHEMA, exported_at=exported_at, workshop=workshop)
    if photos and shown:
        carried = {ref: base64.b64encode(photos[ref]).decode() for ref in shown}
        envelope = PhotoEnvelope(
            schema=SCHEMA, exported_at=exported_at, workshop=workshop, photos=carried
        )
    return msgspec.json.format(_encoder.encode(envelope), indent=1) + b"\n"


def read(raw: bytes) -> Workshop:
    """The workshop inside a snapshot, upgraded to the current schema and checked.

    Raises InvalidSnapshot, with a message naming what is wrong, for anything else.
    """
    return read_all(raw)[0]


def read_all(raw: bytes) -> tuple[Workshop, dict[str, bytes]]:
    """The workshop inside a snapshot, and the photos it carries (reference -> JPEG, each the
    bytes its reference is the hash of; what they hold is for the server to check).

    Raises InvalidSnapshot, with a message naming what is wrong, for anything else.
    """
    if len(raw) > SNAPSHOT_MAX:
        raise InvalidSnapshot(f"This file is larger than {SNAPSHOT_MAX // 2**20} MB.")
    try:
        document = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise InvalidSnapshot(f"This file is not JSON: {exc}.") from None
    document = upgrade(document)
    try:
        workshop = msgspec.convert(document["workshop"], Workshop)
    except msgspec.ValidationError as exc:
        raise InvalidSnapshot(_locate(document["workshop"], exc)) from None
    problems = check(workshop)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise InvalidSnapshot(f"This snapshot is not consistent: {problems[0]}{more}.")
    return workshop, _photos(document.get("photos", {}))


def _photos(carried: object) -> dict[str, bytes]:
    if not isinstance(carried, dict):
        raise InvalidSnapshot("`photos` must be an object: photo reference -> base64 JPEG.")
    found: dict[str, bytes] = {}
    for ref, text in carried.items():
        if not re.match(PHOTO_PATTERN, ref) or not isinstance(text, str):
            raise InvalidSnapshot(f"photos[{ref!r}] is not a photo reference and its base64.")
        try:
            jpeg = base64.b64decode(text, validate=True)
        except ValueError:
            raise InvalidSnapshot(f"photos[{ref!r}] is not valid base64.") from None
        if len(jpeg) > PHOTO_MAX or hashlib.sha256(jpeg).hexdigest()[:32] != ref:
            raise InvalidSnapshot(f"photos[{ref!r}] does not hold the photo of that reference.")
        found[ref] = jpeg
    return found


def upgrade(document: Any) -> dict[str, Any]:
    """The envelope ``document`` (decoded JSON) brought to the current schema."""
    if not isinstance(document, dict) or "workshop" not in document:
        raise InvalidSnapshot(
            "This is not a Parcours snapshot: it has no `workshop` (export one from a board's "
            "menu, or with `parcours export --format json`)."
        )
    schema = document.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise InvalidSnapshot("This snapshot has no valid `schema` number.")
    if schema > SCHEMA:
        raise InvalidSnapshot(
            f"This snapshot was made by a newer Parcours (schema {schema}); this one reads "
            f"schemas up to {SCHEMA}: update Parcours to import it."
        )
    if not isinstance(document["workshop"], dict):
        raise InvalidSnapshot("`workshop` must be an object.")
    upgraded: dict[str, Any] = document
    while schema < SCHEMA:
        upgraded = _UPGRADES[schema](upgraded)
        schema += 1
        upgraded["schema"] = schema
    return upgraded


def _from_1(document: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 to 2: the workshop gains every field of the full method, empty."""
    workshop = dict(document["workshop"])
    workshop["personas"] = [
        {**dict.fromkeys(PERSONA_FIELDS, ""), **p} if isinstance(p, dict) else p
        for p in workshop.get("personas", [])
    ]
    notes = workshop.get("notes", {})
    if isinstance(notes, dict):
        workshop["notes"] = {
            key: {"tags": [], "hidden": False, "votes": None, **n} if isinstance(n, dict) else n
            for key, n in notes.items()
        }
    for field, empty in (
        ("emotions", {}),
        ("objectives", []),
        ("rounds", []),
        ("roadmap", {}),
        ("scenarios", {}),
    ):
        workshop.setdefault(field, empty)
    return {**document, "workshop": workshop}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_1}


_KEYED: dict[str, type[msgspec.Struct]] = {
    "notes": Note,
    "participants": Participant,
    "emotions": Emotion,
    "roadmap": RoadmapItem,
    "scenarios": Scenario,
    "moments": KeyMoment,
}


def _locate(workshop: Any, exc: msgspec.ValidationError) -> str:
    """msgspec's message, with the key of the faulty entry when it sits in a keyed map."""
    message = str(exc)
    for field, kind in _KEYED.items():
        entries = workshop.get(field) if isinstance(workshop, dict) else None
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            try:
                msgspec.convert(value, kind)
            except msgspec.ValidationError as inner:
                text, _, where = str(inner).partition(" - at `$")
                place = f'workshop.{field}["{key}"]' + where.rstrip("`")
                return f"This snapshot is not valid: {text} at {place}."
    return "This snapshot is not valid: " + message.replace("`$", "`workshop", 1) + "."


def check(workshop: Workshop) -> list[str]:
    """Every broken invariant of ``workshop``, as sentences (empty when it is sound)."""
    problems: list[str] = []
    say = problems.append
    if not workshop.title.strip() or len(workshop.title) > WORKSHOP_TITLE_MAX:
        say(f"the title must have 1 to {WORKSHOP_TITLE_MAX} characters")
    if not 1 <= len(workshop.stages) <= MAX_STAGES:
        say(f"a workshop has 1 to {MAX_STAGES} stages, not {len(workshop.stages)}")
    if len(workshop.notes) > MAX_NOTES:
        say(f"a workshop holds at most {MAX_NOTES} notes, not {len(workshop.notes)}")
    if len(workshop.participants) > MAX_PARTICIPANTS:
        say(f"a workshop has at most {MAX_PARTICIPANTS} participants")

    seen: set[str] = set()
    items = [
        *(("stages", s.id) for s in workshop.stages),
        *(("lanes", lane.id) for lane in workshop.lanes),
        *(("personas", p.id) for p in workshop.personas),
        *(("objectives", o.id) for o in workshop.objectives),
        *(("rounds", r.id) for r in workshop.rounds),
        *(("notes", k) for k in workshop.notes),
        *(("participants", k) for k in workshop.participants),
        *(("roadmap", k) for k in workshop.roadmap),
        *(("scenarios", k) for k in workshop.scenarios),
        *(("moments", k) for k in workshop.moments),
        *(("campaigns", c.id) for sc in workshop.scenarios.values() for c in sc.campaigns),
        *(("plan", r.id) for r in workshop.plan),
    ]
    for field, item_id in items:
        if item_id in seen:
            say(f"the id {item_id!r} is used twice (in workshop.{field})")
        seen.add(item_id)
        if id_number(item_id) > workshop.counter:
            say(f"workshop.counter ({workshop.counter}) is below the id {item_id!r}")

    stages = {s.id for s in workshop.stages}
    lanes = {lane.id for lane in workshop.lanes}
    personas = {p.id for p in workshop.personas}
    people = set(workshop.participants)
    votable = (
        {o.id for o in workshop.objectives} | set(workshop.notes) | {r.id for r in workshop.plan}
    )

    def ref(place: str, value: str, known: set[str], what: str, optional: bool = False) -> None:
        if (value or not optional) and value not in known:
            say(f"{place} names the {what} {value!r}, which does not exist")

    if not any(p.role == "facilitator" for p in workshop.participants.values()):
        say("workshop.participants has no facilitator")
    for key, participant in workshop.participants.items():
        if participant.id != key:
            say(f'workshop.participants["{key}"] has the id {participant.id!r}')
        if not participant.name.strip() or len(participant.name) > NAME_MAX:
            say(f'workshop.participants["{key}"].name must have 1 to {NAME_MAX} characters')
    for persona in workshop.personas:
        for field in PERSONA_FIELDS:
            if len(getattr(persona, field)) > TEXT_MAX:
                say(f"persona {persona.id!r}: {field} is longer than {TEXT_MAX} characters")
        if persona.photo and not re.match(PHOTO_PATTERN, persona.photo):
            say(f"persona {persona.id!r}: photo is not a photo reference")
    for key, note in workshop.notes.items():
        place = f'workshop.notes["{key}"]'
        if note.id != key:
            say(f"{place} has the id {note.id!r}")
        ref(f"{place}.persona", note.persona, personas, "persona")
        ref(f"{place}.stage", note.stage, stages, "stage")
        ref(f"{place}.lane", note.lane, lanes, "lane")
        if len(note.text) > NOTE_TEXT_MAX:
            say(f"{place}.text is longer than {NOTE_TEXT_MAX} characters")
    for key, emotion in workshop.emotions.items():
        place = f'workshop.emotions["{key}"]'
        if key != f"{emotion.persona}:{emotion.stage}":
            say(f"{place} must be keyed persona:stage")
        ref(f"{place}.persona", emotion.persona, personas, "persona")
        ref(f"{place}.stage", emotion.stage, stages, "stage")
        fixed = (emotion.fixed, emotion.target_fixed)
        values = [
            *emotion.ratings.values(),
            *emotion.target.values(),
            *(v for v in fixed if v is not None),
        ]
        if any(not -2 <= v <= 2 for v in values):
            say(f"{place} holds a rating outside -2..2")
    for index, vote in enumerate(workshop.rounds):
        place = f"workshop.rounds[{index}]"
        for voted in vote.items if vote.status in ("open", "paused") else ():
            # A closed round is history: it may name notes deleted since.
            ref(f"{place}.items", voted, votable, "objective, note or plan row")
        for who, cast in vote.dots.items():
            ref(f"{place}.dots", who, people, "participant")
            if any(d < 0 for d in cast.values()):
                say(f"{place}.dots holds a negative count")
    for key, item in workshop.roadmap.items():
        place = f'workshop.roadmap["{key}"]'
        if item.id != key:
            say(f"{place} has the id {item.id!r}")
        for note_id in item.notes:
            ref(f"{place}.notes", note_id, set(workshop.notes), "note")
        ref(f"{place}.persona", item.persona, personas, "persona", optional=True)
        ref(f"{place}.stage", item.stage, stages, "stage", optional=True)
        _check_scores(place, item.scores, CRITERIA, say)
        if item.override is not None and item.override not in ROADMAP_CLASSES:
            say(f"{place}.override is not one of {', '.join(ROADMAP_CLASSES)}")
        if item.quarter is not None and not 0 <= item.quarter <= 7:
            say(f"{place}.quarter must be 0 to 7")
    for key, scenario in workshop.scenarios.items():
        place = f'workshop.scenarios["{key}"]'
        if scenario.id != key:
            say(f"{place} has the id {scenario.id!r}")
        ref(f"{place}.persona", scenario.persona, personas, "persona", optional=True)
        ref(f"{place}.stage", scenario.stage, stages, "stage", optional=True)
        for field, text in scenario.fields.items():
            if field not in SCENARIO_FIELDS:
                say(f"{place}.fields has an unknown field {field!r}")
            if len(text) > TEXT_MAX:
                say(f"{place}.fields.{field} is longer than {TEXT_MAX} characters")
        ref(f"{place}.key_moment", scenario.key_moment, set(workshop.moments), "key moment", True)
        for note_id in scenario.answers:
            ref(f"{place}.answers", note_id, set(workshop.notes), "note")
        _check_scores(place, scenario.scores, PRIORITIES, say)
    for key, moment in workshop.moments.items():
        place = f'workshop.moments["{key}"]'
        if moment.id != key:
            say(f"{place} has the id {moment.id!r}")
        ref(f"{place}.persona", moment.persona, personas, "persona", optional=True)
        ref(f"{place}.stage", moment.stage, stages, "stage", optional=True)
        ref(f"{place}.note", moment.note, set(workshop.notes), "note", optional=True)
    objectives = {o.id for o in workshop.objectives}
    for index, row in enumerate(workshop.plan):
        place = f"workshop.plan[{index}]"
        ref(f"{place}.persona", row.persona, personas, "persona", optional=True)
        ref(f"{place}.objective", row.objective, objectives, "objective", optional=True)
        if any(not 1 <= m <= 12 for m in row.months):
            say(f"{place}.months holds a month outside 1..12")
        if any(len(getattr(row, f)) > TEXT_MAX for f in ("content", "kpis", "segment", "trigger")):
            say(f"{place} holds a text longer than {TEXT_MAX} characters")
    return problems


def _check_scores(
    place: str,
    scores: dict[str, dict[str, int]],
    known: tuple[str, ...],
    say: Callable[[str], None],
) -> None:
    """Scores by criterion and participant: known criteria, each from 1 to 5."""
    for criterion, by in scores.items():
        if criterion not in known:
            say(f"{place}.scores has an unknown criterion {criterion!r}")
        if any(not 1 <= s <= 5 for s in by.values()):
            say(f"{place}.scores.{criterion} holds a score outside 1..5")
