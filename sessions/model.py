"""The workshop and everything on it, as plain msgspec Structs.

Invariants (kept by ``rules.decide``; ``rules.apply`` trusts its events):

- every id is unique within its workshop and never reused: ids are ``<prefix><n>`` where ``n``
  comes from ``Workshop.counter``, which only grows;
- every note's ``persona``, ``stage`` and ``lane`` name existing items;
- inside one cell (persona, stage, lane) notes are ordered by ``pos`` (a float), ties broken by id;
- ``version`` of a note grows by one with every change of that note.

The structs are mutable on purpose: ``apply`` updates one workshop in place, which keeps the
server's per-room replica cheap. Copy with :func:`clone` where an old state must survive.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Role = Literal["facilitator", "participant"]

CHANNELS: tuple[str, ...] = (
    "web",
    "email",
    "chatbot",
    "app",
    "vr",
    "social",
    "phone",
    "crc",
    "onsite",
)
"""Channels a note can carry, in legend order (web, email, chatbot or virtual assistant, mobile
app, virtual reality, social media, phone, customer-relation centre, on-site or reception)."""

LANE_KINDS: tuple[str, ...] = ("enchantments", "irritants", "expectations", "solutions", "custom")
"""The four lanes of the method, plus ``custom`` for lanes a facilitator adds with a title."""

Channel = Literal["web", "email", "chatbot", "app", "vr", "social", "phone", "crc", "onsite"]
LaneKind = Literal["enchantments", "irritants", "expectations", "solutions", "custom"]


class Stage(msgspec.Struct, kw_only=True):
    id: str
    title: str


class Lane(msgspec.Struct, kw_only=True):
    id: str
    kind: LaneKind
    title: str = ""


class Persona(msgspec.Struct, kw_only=True):
    id: str
    name: str
    emoji: str = ""


class Note(msgspec.Struct, kw_only=True):
    id: str
    persona: str
    stage: str
    lane: str
    text: str
    channel: Channel = "web"
    pos: float = 0.0
    author: str = ""
    version: int = 1


class Participant(msgspec.Struct, kw_only=True):
    id: str
    name: str
    role: Role = "participant"


class Workshop(msgspec.Struct, kw_only=True):
    id: str
    title: str
    lang: Literal["en", "fr"] = "en"
    template: str = "blank"
    counter: int = 0
    stages: list[Stage] = msgspec.field(default_factory=list)
    lanes: list[Lane] = msgspec.field(default_factory=list)
    personas: list[Persona] = msgspec.field(default_factory=list)
    notes: dict[str, Note] = msgspec.field(default_factory=dict)
    participants: dict[str, Participant] = msgspec.field(default_factory=dict)
    locked: bool = False


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Workshop)


def clone(workshop: Workshop) -> Workshop:
    """A deep copy, through the wire format (fast with msgspec, and always complete)."""
    return _decoder.decode(_encoder.encode(workshop))


def id_number(item_id: str) -> int:
    """The counter value inside an id such as ``n42`` (0 when it has none)."""
    digits = item_id.lstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


def cell_notes(workshop: Workshop, persona: str, stage: str, lane: str) -> list[Note]:
    """The notes of one cell, in display order."""
    found = [
        n
        for n in workshop.notes.values()
        if n.persona == persona and n.stage == stage and n.lane == lane
    ]
    found.sort(key=lambda n: (n.pos, id_number(n.id)))
    return found
