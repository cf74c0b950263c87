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

from typing import Any, Literal, TypeVar, get_args

import msgspec

_T = TypeVar("_T")

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


class Stage(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str


class Lane(msgspec.Struct, kw_only=True, gc=False):
    id: str
    kind: LaneKind
    title: str = ""


PERSONA_FIELDS: tuple[str, ...] = (
    "tagline",
    "profile",
    "process",
    "purchases",
    "motivations",
    "expectations",
    "frictions",
    "verbatims",
    "insight",
    "promise",
)
"""The method's persona sheet, beside ``name`` and ``emoji``: profile (age, family, job, city,
story), research and purchase process, purchases, motivations, expectations, frictions or
irritants, verbatims (quotes), customer insight, promise."""

SOLUTION_TAGS: tuple[str, ...] = ("customer", "internal", "external")
"""Tags of a solution note: customer expectation, internal expectation, needs external resources."""


class Persona(msgspec.Struct, kw_only=True, gc=False):
    id: str
    name: str
    emoji: str = ""
    tagline: str = ""
    profile: str = ""
    process: str = ""
    purchases: str = ""
    motivations: str = ""
    expectations: str = ""
    frictions: str = ""
    verbatims: str = ""
    insight: str = ""
    promise: str = ""


class Note(msgspec.Struct, kw_only=True, gc=False):
    id: str
    persona: str
    stage: str
    lane: str
    text: str
    channel: Channel = "web"
    pos: float = 0.0
    """Order inside its cell (persona, stage, lane), ties broken by id."""
    author: str = ""
    """Participant id of its writer."""
    version: int = 1
    """Grows by one with every change of this note."""
    tags: list[str] = msgspec.field(default_factory=list)
    """Of a solution note: customer, internal, external."""
    hidden: bool = False
    """Written in private mode: shown to its author and the facilitator until revealed."""
    votes: int | None = None
    """Dots this note received in the last revealed round that included it."""


class Participant(msgspec.Struct, kw_only=True, gc=False):
    id: str
    name: str
    role: Role = "participant"
    proxy: bool = False
    """Someone in the room without a device: the facilitator votes for them."""


class Emotion(msgspec.Struct, kw_only=True, gc=False):
    """How one persona feels at one stage: each participant's rating, and the facilitator's."""

    persona: str
    stage: str
    ratings: dict[str, int] = msgspec.field(default_factory=dict)
    """participant id -> rating from -2 (very negative) to +2 (very positive)."""
    fixed: int | None = None
    """Set by the facilitator: when present it is the curve's value at this stage."""


class Objective(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str
    description: str = ""
    kpis: str = ""
    votes: int | None = None
    """Dots received in the last revealed round that included it."""


RoundStatus = Literal["open", "paused", "closed", "revealed"]


class Tally(msgspec.Struct, kw_only=True, gc=False):
    item: str
    dots: int
    rank: int
    """1 for the most dots; items with equal dots share a rank (ties shown as ties)."""


class VoteRound(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str = ""
    items: list[str] = msgspec.field(default_factory=list)
    """Objective or note ids this round votes on."""
    budget: int = 3
    per_item: int = 1
    anonymous: bool = False
    hidden: bool = True
    facilitator_votes: bool = False
    """Whether the facilitator votes too (they can always cast for a proxy)."""
    seconds: int | None = None
    """Countdown length; ``ends_at`` is when the current run of the round times out."""
    status: RoundStatus = "open"
    ends_at: float | None = None
    voters: int = 0
    """How many participants have at least one dot in the round (always visible)."""
    spent: dict[str, int] = msgspec.field(default_factory=dict)
    """participant id -> dots spent (who has voted; masked in anonymous rounds)."""
    dots: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    """participant id -> item id -> dots cast. Never sent to participants before the reveal
    when ``hidden``: see ``sessions.views``."""
    result: list[Tally] | None = None


ROADMAP_CLASSES: tuple[str, ...] = ("quick_win", "must_have", "nice_to_have", "waow")
CRITERIA: tuple[str, ...] = (
    "impact",
    "cost",
    "delay",
    "complexity",
    "customer",
    "internal",
    "external",
    "buzz",
    "underway",
)
"""Qualification criteria of a roadmap item, each scored 1 (low) to 5 (high): business impact,
cost, delay, technical complexity, expected by customers, expected internally, needs external
resources, will make a buzz, already under way (1 not started .. 5 well under way)."""


class ClassRules(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Where the roadmap's classification draws its lines (scores run from 1 to 5); the
    facilitator can move them. The rules themselves are in ``sessions.summary``."""

    strong: float = 4.0
    """Impact at or above this is strong."""
    light: float = 2.5
    """Effort at or below this is light (fast and cheap to deliver)."""
    expected: float = 4.0
    """Customer or internal expectation at or above this makes a must have."""
    real: float = 3.0
    """Impact at or above this is a real impact (a nice to have at least); below, no class."""
    buzz: float = 4.0
    """A buzz score at or above this makes a waow."""


class RoadmapItem(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str
    description: str = ""
    notes: list[str] = msgspec.field(default_factory=list)
    """Solution notes it comes from (their persona, stage, channel travel with them)."""
    persona: str = ""
    stage: str = ""
    channel: str = ""
    owner: str = ""
    """Department in charge."""
    scores: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    """criterion -> participant id -> score (1..5)."""
    override: str | None = None
    """A class set by hand, shown with a mark; None means classified by the rules."""
    quarter: int | None = None
    """0..7: the quarter over two years where it is planned."""
    answers: list[str] = msgspec.field(default_factory=list)
    """Irritant notes it answers (those of its notes' persona and stage when it was made)."""
    impact: float | None = None
    effort: float | None = None
    """Set by dragging the item on the impact x effort matrix; None follows the scores."""


SCENARIO_FIELDS: tuple[str, ...] = (
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
)


class Scenario(msgspec.Struct, kw_only=True, gc=False):
    """A marketing-automation scenario for a key moment: a checklist of SCENARIO_FIELDS."""

    id: str
    title: str
    moment: Literal["commercial", "brand", "customer"] = "customer"
    persona: str = ""
    stage: str = ""
    fields: dict[str, str] = msgspec.field(default_factory=dict)


StepKind = Literal[
    "framing",
    "personas",
    "journeys",
    "emotions",
    "channels",
    "vote",
    "roadmap",
    "scenarios",
    "restitution",
]

STEP_KINDS: tuple[str, ...] = get_args(StepKind)
"""The method's steps, in their usual order: kick-off with the stakes, personas, journeys, the
emotion curve, the channel review, the objectives vote, the roadmap, the scenarios, and the
restitution."""


class Step(msgspec.Struct, kw_only=True, gc=False):
    """One step of the facilitator's agenda; ``title`` empty means the kind's own name."""

    id: str
    kind: StepKind
    title: str = ""
    minutes: int | None = None
    """Planned duration: moving to the step starts a countdown of that length."""
    skipped: bool = False
    """Kept in the agenda but passed over by Next and Previous."""


class Group(msgspec.Struct, kw_only=True, gc=False):
    """A small group of the room working on its own persona (one group per persona, usually)."""

    id: str
    name: str
    members: list[str] = msgspec.field(default_factory=list)
    """Participant ids, in the order they joined the group."""
    persona: str = ""
    """The persona the group works on ("" while none is assigned)."""
    help: bool = False
    """The group asks the facilitator for help."""


PHASES: tuple[str, ...] = (
    "personas",
    "journeys",
    "vote",
    "roadmap",
    "scenarios",
    "restitution",
)


ItemKind = Literal["note", "persona", "roadmap", "scenario", "emotion", "objective"]


class Change(msgspec.Struct, kw_only=True, gc=False):
    """What one command did to one item, as ``sessions.history.facets`` of it: ``before`` and
    ``after`` hold the facets that changed; None means the item did not exist (it was created,
    or deleted)."""

    kind: ItemKind
    item: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class UndoStep(msgspec.Struct, kw_only=True, gc=False):
    """One gesture on someone's undo (or redo) stack: the changes of one command."""

    changes: list[Change]
    at: float = 0.0
    key: str = ""
    """Steps with the same non-empty key made one after the other are one step (typing)."""


class Stack(msgspec.Struct, kw_only=True, gc=False):
    """One person's history: what Undo and Redo would revert, newest last."""

    undo: list[UndoStep] = msgspec.field(default_factory=list)
    redo: list[UndoStep] = msgspec.field(default_factory=list)


class Link(msgspec.Struct, kw_only=True, gc=False):
    """A roadmap item that named a deleted note: in ``notes`` or ``answers``, at ``index``."""

    item: str
    answers: bool = False
    index: int = 0


class Trashed(msgspec.Struct, kw_only=True, gc=False):
    """Something deleted, kept so that its author or the facilitator can bring it back where it
    was: exactly one of ``note``, ``persona``, ``roadmap``, ``scenario``, ``objective`` is set."""

    id: str
    kind: ItemKind
    by: str
    at: float
    note: Note | None = None
    persona: Persona | None = None
    roadmap: RoadmapItem | None = None
    scenario: Scenario | None = None
    objective: Objective | None = None
    index: int = 0
    """Where a persona or an objective stood in its list."""
    links: list[Link] = msgspec.field(default_factory=list)
    notes: list[Note] = msgspec.field(default_factory=list)
    """A persona's notes, deleted with it."""
    note_links: dict[str, list[Link]] = msgspec.field(default_factory=dict)
    emotions: list[Emotion] = msgspec.field(default_factory=list)
    named_by: list[str] = msgspec.field(default_factory=list)
    """Roadmap items and scenarios that named a persona (they stop naming it while it is gone)."""


class Workshop(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str
    lang: Literal["en", "fr"] = "en"
    template: str = "blank"
    counter: int = 0
    """The last number used in an id: ids are never reused."""
    stages: list[Stage] = msgspec.field(default_factory=list)
    lanes: list[Lane] = msgspec.field(default_factory=list)
    personas: list[Persona] = msgspec.field(default_factory=list)
    notes: dict[str, Note] = msgspec.field(default_factory=dict)
    participants: dict[str, Participant] = msgspec.field(default_factory=dict)
    emotions: dict[str, Emotion] = msgspec.field(default_factory=dict)
    """Keyed ``persona:stage``."""
    objectives: list[Objective] = msgspec.field(default_factory=list)
    rounds: list[VoteRound] = msgspec.field(default_factory=list)
    roadmap: dict[str, RoadmapItem] = msgspec.field(default_factory=dict)
    scenarios: dict[str, Scenario] = msgspec.field(default_factory=dict)
    rules: ClassRules = msgspec.field(default_factory=ClassRules)
    phase: str = "journeys"
    """The stage of the method: personas, journeys, vote, roadmap, scenarios, restitution."""
    timer_ends_at: float | None = None
    locked: bool = False
    private: bool = False
    """Private writing: participants' new notes are hidden from others until revealed."""
    follow: str | None = None
    """Persona tab the facilitator asks everyone to follow, if any."""
    agenda: list[Step] = msgspec.field(default_factory=list)
    step: str | None = None
    """The agenda step the room is on; None before the first one (the join screen)."""
    done: list[str] = msgspec.field(default_factory=list)
    """Participants who said they are done with the current step, in the order they said it."""
    groups: list[Group] = msgspec.field(default_factory=list)
    grouped: bool = False
    """Group work is on: each participant works on their group's persona, the others' read-only."""
    group_pick: bool = False
    """Participants may pick (or change) their group themselves."""
    trash: dict[str, Trashed] = msgspec.field(default_factory=dict)
    """Deleted notes, personas, roadmap items, scenarios and objectives, oldest first."""
    history: dict[str, Stack] = msgspec.field(default_factory=dict)
    """participant id -> their undo and redo stacks (never sent to browsers)."""
    writers: dict[str, str] = msgspec.field(default_factory=dict)
    """``item:facet`` -> who changed it last (to say who changed it since, never sent)."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Workshop)


def clone(workshop: Workshop) -> Workshop:
    """A deep copy, through the wire format (fast with msgspec, and always complete)."""
    return _decoder.decode(_encoder.encode(workshop))


def id_number(item_id: str) -> int:
    """The counter value inside an id such as ``n42`` (0 when it has none)."""
    digits = item_id.lstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


def moved(items: list[_T], at: int, index: int) -> list[_T] | None:
    """A copy of ``items`` with the one at ``at`` moved to ``index`` (clamped), or None when it
    stays where it is. Stages, lanes and personas are reordered this way."""
    reordered = list(items)
    item = reordered.pop(at)
    to = min(index, len(reordered))
    if to == at:
        return None
    reordered.insert(to, item)
    return reordered


def cell_notes(workshop: Workshop, persona: str, stage: str, lane: str) -> list[Note]:
    """The notes of one cell, in display order."""
    found = [
        n
        for n in workshop.notes.values()
        if n.persona == persona and n.stage == stage and n.lane == lane
    ]
    found.sort(key=lambda n: (n.pos, id_number(n.id)))
    return found
