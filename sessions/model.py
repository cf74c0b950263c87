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


MacroObjective = Literal[
    "lead",
    "conversion",
    "welcome",
    "cross_sell",
    "up_sell",
    "satisfaction",
    "loyalty",
    "engagement",
]
MACRO_OBJECTIVES: tuple[str, ...] = get_args(MacroObjective)
"""What the relationship programme aims at in a macro-stage of the journey: lead generation,
conversion, welcoming the new customer, cross-sell, up-sell, satisfaction, loyalty, engagement."""
MomentKind = Literal["commercial", "brand", "customer"]
MOMENT_KINDS: tuple[str, ...] = get_args(MomentKind)
"""Key moments: commercial (sales, market events), brand (the brand's own news), customer (a
moment of the customer's journey or life: the ones the journeys reveal)."""


class Stage(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str
    objective: MacroObjective | None = None
    """The macro-objective the programme pursues at this stage (set by the facilitator)."""


class Lane(msgspec.Struct, kw_only=True, gc=False):
    id: str
    kind: LaneKind
    title: str = ""


PERSONA_FACTS: tuple[str, ...] = ("age", "family", "job", "city")
"""The short facts of a persona's profile, one line each (at most ``limits.FACT_MAX``)."""

PERSONA_FIELDS: tuple[str, ...] = (
    "tagline",
    *PERSONA_FACTS,
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
)
"""The method's persona sheet, beside ``name``, ``emoji`` and ``photo``, in reading order:
tagline; age, family situation, job, city; ``profile``, the story (before the four facts had
fields of their own it held the whole profile, which is why it keeps that name: an old
workshop's free text reads on as the story); research and purchase process, purchases,
motivations, expectations, frictions or irritants, verbatims (quotes), customer insight,
promise; the brand's strengths and differentiating levers; the sources the portrait rests on
(interviews, mystery visits, data)."""

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
    age: str = ""
    family: str = ""
    job: str = ""
    city: str = ""
    levers: str = ""
    sources: str = ""
    photo: str = ""
    """The content hash of its photo (``server/photos.py`` keeps the image), or "" for none: the
    avatar is then ``emoji``."""


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
    # Tuples, here and in UndoStep and Trashed: the collector stops walking a tuple of strings
    # or untracked structs, never a list (docs/decisions.md, "What a room keeps is tuples").
    tags: tuple[str, ...] = ()
    """Of a solution note: customer, internal, external."""
    hidden: bool = False
    """Written in private mode: shown to its author and the facilitator until revealed."""
    votes: int | None = None
    """Dots this note received in the last revealed round that included it."""
    target: bool = False
    """Of a solution note: chosen for the target journey (the journey of tomorrow)."""


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
    target: dict[str, int] = msgspec.field(default_factory=dict)
    """participant id -> how the persona should feel there in the target journey (-2..+2)."""
    target_fixed: int | None = None
    """The facilitator's value of the target curve at this stage."""


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


class GroupResult(msgspec.Struct, kw_only=True, gc=False):
    """One group's tallies in a round counted per group, as they stood at the reveal."""

    group: str
    name: str = ""
    """The group's name at the reveal ("" when it had none: shown as "Group <number>")."""
    number: int = 1
    """Its place among the groups, from 1."""
    voters: int = 0
    result: list[Tally] = msgspec.field(default_factory=list)
    withheld: bool = False
    """An anonymous round shows no result for a group of fewer than 3 voters: it would tell
    who voted what."""


class VoteRound(msgspec.Struct, kw_only=True, gc=False):
    id: str
    title: str = ""
    items: list[str] = msgspec.field(default_factory=list)
    """Objective, note or plan row ids this round votes on."""
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
    by_group: bool = False
    """Counted per group as well: the reveal gives each group's result, side by side."""
    groups: list[GroupResult] | None = None
    """Each group's result, from the reveal on (rounds counted per group only)."""


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


class KeyMoment(msgspec.Struct, kw_only=True, gc=False):
    """A moment to speak to the customer, marked on a journey (``persona``), on one of its
    stages (``stage`` too) or on a note (``note``, whose persona and stage it takes); a
    commercial or brand moment may name no persona at all."""

    id: str
    title: str
    kind: MomentKind = "customer"
    persona: str = ""
    stage: str = ""
    note: str = ""
    objective: MacroObjective | None = None
    """None: the stage's macro-objective."""


PRIORITIES: tuple[str, ...] = ("objective", "roi", "expected")
"""What makes a scenario one to launch first, each scored 1 (low) to 5 (high): it serves the
objectives, its expected return on investment, the personas expect it."""


class Campaign(msgspec.Struct, kw_only=True, gc=False):
    """One send of a scenario: its channel, when it goes (``timing``), and what it says."""

    id: str
    channel: Channel | None = None
    timing: str = ""
    content: str = ""


class Scenario(msgspec.Struct, kw_only=True, gc=False):
    """A marketing-automation scenario for a key moment: a checklist of SCENARIO_FIELDS."""

    id: str
    title: str
    moment: MomentKind = "customer"
    persona: str = ""
    stage: str = ""
    fields: dict[str, str] = msgspec.field(default_factory=dict)
    key_moment: str = ""
    """The key moment it serves ("" while none)."""
    answers: list[str] = msgspec.field(default_factory=list)
    """Irritant and expectation notes it answers."""
    campaigns: list[Campaign] = msgspec.field(default_factory=list)
    scores: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    """priority (``PRIORITIES``) -> participant id -> score (1..5)."""


PLAN_FIELDS: tuple[str, ...] = (
    "title",
    "persona",
    "segment",
    "channels",
    "content",
    "frequency",
    "months",
    "trigger",
    "owner",
    "objective",
    "kpis",
)
"""What the room edits on a row (its facets, for undo)."""


class PlanRow(msgspec.Struct, kw_only=True, gc=False):
    """One marketing action of the annual animation plan: what, for whom, where, when."""

    id: str
    title: str
    persona: str = ""
    """The target, when it is a persona (an existing id, or empty)."""
    segment: str = ""
    """The target in free words, when it is not (or not only) a persona: "opt-in members"."""
    channels: list[Channel] = msgspec.field(default_factory=list)
    content: str = ""
    frequency: str = ""
    months: list[int] = msgspec.field(default_factory=list)
    """Months of the year (1..12, sorted, each once) when it runs; empty: on its trigger."""
    trigger: str = ""
    owner: str = ""
    objective: str = ""
    """The objective it serves (an existing objective id, or empty)."""
    kpis: str = ""
    sources: list[str] = msgspec.field(default_factory=list)
    """What it answers: scenario, roadmap item or solution note ids (kept when they go, so
    that a new draft does not propose them again)."""
    votes: int | None = None
    """Dots it received in the last revealed round that included it."""


StepKind = Literal[
    "framing",
    "personas",
    "journeys",
    "tour",
    "emotions",
    "channels",
    "vote",
    "roadmap",
    "scenarios",
    "plan",
    "restitution",
]

STEP_KINDS: tuple[str, ...] = get_args(StepKind)
"""The method's steps, in their usual order: kick-off with the stakes, personas, journeys, the
groups' tour (each group presents its journey, after group work: not in the default agenda), the
emotion curve, the channel review, the objectives vote, the roadmap, the scenarios, the annual
animation plan, and the restitution."""


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


ItemKind = Literal[
    "note", "persona", "roadmap", "scenario", "emotion", "objective", "moment", "plan"
]


_NOTE_SEQUENCES = ("tags", "place")


class Change(msgspec.Struct, kw_only=True, gc=False):
    """What one command did to one item, as ``sessions.history.facets`` of it: ``before`` and
    ``after`` hold the facets that changed; None means the item did not exist (it was created,
    or deleted)."""

    kind: ItemKind
    item: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # A note's tags and place are tuples, as ``facets`` gives them, also when read back
        # from JSON: undo compares them with the note's, and a dict of strings and tuples
        # leaves the collector's walks at its first (see docs/decisions.md, issue 16).
        if self.kind == "note":
            for values in (self.before, self.after):
                if values:
                    for key in _NOTE_SEQUENCES:
                        if type(values.get(key)) is list:
                            values[key] = tuple(values[key])


class UndoStep(msgspec.Struct, kw_only=True, gc=False):
    """One gesture on someone's undo (or redo) stack: the changes of one command."""

    changes: tuple[Change, ...]
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
    was: exactly one of ``note``, ``persona``, ``roadmap``, ``scenario``, ``objective``,
    ``moment``, ``plan`` is set."""

    id: str
    kind: ItemKind
    by: str
    at: float
    note: Note | None = None
    persona: Persona | None = None
    roadmap: RoadmapItem | None = None
    scenario: Scenario | None = None
    objective: Objective | None = None
    moment: KeyMoment | None = None
    plan: PlanRow | None = None
    index: int = 0
    """Where a persona, an objective or a plan row stood in its list."""
    links: tuple[Link, ...] = ()
    notes: tuple[Note, ...] = ()
    """A persona's notes, deleted with it."""
    note_links: dict[str, tuple[Link, ...]] = msgspec.field(default_factory=dict)
    emotions: tuple[Emotion, ...] = ()
    named_by: tuple[str, ...] = ()
    """Roadmap items, scenarios and key moments that named a persona, or scenarios that named a
    key moment (they stop naming it while it is gone)."""


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
    moments: dict[str, KeyMoment] = msgspec.field(default_factory=dict)
    """Key moments, in the order they were marked."""
    rules: ClassRules = msgspec.field(default_factory=ClassRules)
    plan: list[PlanRow] = msgspec.field(default_factory=list)
    """The annual animation plan: its marketing actions, in the room's order."""
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
    presenting: str = ""
    """The group whose work the presenter view shows during the tour ("" none)."""
    group_walls: bool = False
    """During group work each group sees only its own persona's notes and curve (the
    facilitator sees everything): see ``sessions.views``."""
    trash: dict[str, Trashed] = msgspec.field(default_factory=dict)
    """Deleted notes, personas, roadmap items, scenarios, objectives, key moments and plan rows,
    oldest first."""
    history: dict[str, Stack] = msgspec.field(default_factory=dict)
    """participant id -> their undo and redo stacks (never sent to browsers)."""
    writers: dict[str, str] = msgspec.field(default_factory=dict)
    """``item:facet`` -> who changed it last (to say who changed it since, never sent)."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Workshop)


def clone(workshop: Workshop) -> Workshop:
    """A deep copy, through the wire format (fast with msgspec, and always complete)."""
    return _decoder.decode(_encoder.encode(workshop))


def working_copy(workshop: Workshop) -> Workshop:
    """A copy to decide a batch of commands on, one after the other, without touching the board.

    The board is copied deep; the trash, the undo stacks and ``writers`` one level only, sharing
    their entries: those are never changed in place, only added, replaced or removed
    (``sessions.trash.apply_trash``, ``sessions.history.apply_history``). They are most of a
    busy room's state (500 trashed notes, 600 steps), and a full copy of them per batch took a
    quarter of the write path's CPU."""
    light = msgspec.structs.replace(workshop, trash={}, history={}, writers={})
    return msgspec.structs.replace(_decoder.decode(_encoder.encode(light)), **_keeping_of(workshop))


def notes_copy(workshop: Workshop) -> Workshop:
    """A copy to apply events on that change only notes, the trash and undo stacks: the notes,
    trash, ``writers`` and history maps are its own (the stacks copied one level, as in
    :func:`working_copy`), everything else is shared with ``workshop``. Those events replace or
    remove a note, never change one in place; any other event needs a :func:`working_copy`
    (``sessions.keeping.Draft`` chooses). A quarter of the cost of a working copy of a board of
    60 notes (14 against 51 us)."""
    return msgspec.structs.replace(workshop, notes=dict(workshop.notes), **_keeping_of(workshop))


def _keeping_of(workshop: Workshop) -> dict[str, Any]:
    """The trash, the undo stacks and ``writers``, copied one level: a copy's own to change."""
    return {
        "trash": dict(workshop.trash),
        "history": {
            person: Stack(undo=list(stack.undo), redo=list(stack.redo))
            for person, stack in workshop.history.items()
        },
        "writers": dict(workshop.writers),
    }


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


def free_pos(workshop: Workshop, note: Note) -> float:
    """``note.pos``, or a place just after it when another note of its cell holds it (a note
    put back by undo or from the trash, where someone has written since)."""
    taken = sorted(
        n.pos
        for n in workshop.notes.values()
        if n.id != note.id and (n.persona, n.stage, n.lane) == (note.persona, note.stage, note.lane)
    )
    if note.pos not in taken:
        return note.pos
    later = [pos for pos in taken if pos > note.pos]
    return (note.pos + later[0]) / 2 if later else note.pos + 1.0
