"""Workshop templates, kept as JSON data files beside this module.

A template names its stages, personas and starting notes in every language it supports;
:func:`build` turns one into a fresh :class:`~sessions.model.Workshop`. Reading a file shipped
inside the package is the only thing here that touches the disk, and it is deterministic.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Literal

import msgspec

from sessions import errors
from sessions.agenda import default_agenda
from sessions.model import (
    PERSONA_FIELDS,
    SCENARIO_FIELDS,
    Campaign,
    Channel,
    Emotion,
    KeyMoment,
    Lane,
    LaneKind,
    MacroObjective,
    MomentKind,
    Note,
    Objective,
    Participant,
    Persona,
    PlanRow,
    Scenario,
    Stage,
    Workshop,
)

Lang = Literal["en", "fr"]


class _Text(msgspec.Struct):
    en: str
    fr: str

    def pick(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class _Persona(msgspec.Struct):
    name: _Text
    emoji: str = ""
    sheet: dict[str, _Text] = {}
    """Persona fields (``model.PERSONA_FIELDS``) in both languages."""
    curve: list[int | None] = []
    """The facilitator's emotion value per stage (-2..2, or null where none is fixed), when the
    template sets one."""
    target_curve: list[int | None] = []
    """The same for the target journey's curve."""


class _Objective(msgspec.Struct):
    title: _Text
    kpis: _Text | None = None
    description: _Text | None = None


class _Moment(msgspec.Struct):
    """A key moment; ``persona``, ``stage`` and ``note`` are indexes into the template's lists."""

    title: _Text
    kind: MomentKind = "customer"
    persona: int | None = None
    stage: int | None = None
    note: int | None = None
    objective: MacroObjective | None = None


class _Campaign(msgspec.Struct):
    channel: Channel | None = None
    timing: _Text | None = None
    content: _Text | None = None


class _Scenario(msgspec.Struct):
    title: _Text
    moment: Literal["commercial", "brand", "customer"] = "customer"
    persona: int | None = None
    stage: int | None = None
    fields: dict[str, _Text] = {}
    key_moment: int | None = None
    answers: list[int] = []
    """Indexes of the irritant and expectation notes it answers."""
    campaigns: list[_Campaign] = []
    scores: dict[Literal["objective", "roi", "expected"], int] = {}
    """The facilitator's score of each priority, so that a new workshop shows a ranking."""


class _PlanRow(msgspec.Struct):
    title: _Text
    persona: int | None = None
    segment: _Text | None = None
    channels: list[Channel] = []
    content: _Text | None = None
    frequency: _Text | None = None
    months: list[int] = []
    trigger: _Text | None = None
    owner: _Text | None = None
    objective: int | None = None
    kpis: _Text | None = None
    scenario: int | None = None
    """The scenario it answers (by index), its source."""


class _Note(msgspec.Struct):
    persona: int
    stage: int
    lane: str
    text: _Text
    channel: str = "web"
    target: bool = False
    """A solution chosen for the target journey."""


class Template(msgspec.Struct):
    name: str
    label: _Text
    stages: list[_Text]
    personas: list[_Persona]
    notes: list[_Note] = []
    objectives: list[_Objective] = []
    scenarios: list[_Scenario] = []
    stage_objectives: list[MacroObjective | None] = []
    """The macro-objective of each stage, in stage order."""
    moments: list[_Moment] = []
    plan: list[_PlanRow] = []


NAMES: tuple[str, ...] = ("blank", "travel", "aarrr", "loop")


@functools.cache
def load(name: str) -> Template:
    """The template called ``name``; raises NotFound for any other name."""
    if name not in NAMES:
        raise errors.NotFound(f"There is no template called {name!r}.")
    raw = importlib.resources.files(__name__).joinpath(f"{name}.json").read_bytes()
    return msgspec.json.decode(raw, type=Template)


def catalog(lang: Lang) -> list[dict[str, str]]:
    """Names and labels of every template, for the home page."""
    return [{"name": n, "label": load(n).label.pick(lang)} for n in NAMES]


def build(name: str, lang: Lang, workshop_id: str, title: str, facilitator: str) -> Workshop:
    """A new workshop from template ``name``, with its facilitator as participant ``p1``."""
    return build_from(load(name), lang, workshop_id, title, facilitator)


def capture(workshop: Workshop, label: str) -> Template:
    """The workshop's structure and content as a template (its words in both languages).

    Kept: stages, personas with their sheets and the facilitator's curves (today's and the
    target's), notes with their target marks, objectives.
    Left out: participants, ratings, votes, roadmap and everything that belongs to one session.
    """

    def same(text: str) -> _Text:
        return _Text(en=text, fr=text)

    stage_at = {s.id: i for i, s in enumerate(workshop.stages)}
    persona_at = {p.id: i for i, p in enumerate(workshop.personas)}
    kind_of = {lane.id: lane.kind for lane in workshop.lanes}
    personas = []
    for persona in workshop.personas:
        cells = [workshop.emotions.get(f"{persona.id}:{s.id}") for s in workshop.stages]
        curve = [e.fixed if e else None for e in cells]
        target = [e.target_fixed if e else None for e in cells]
        personas.append(
            _Persona(
                name=same(persona.name),
                emoji=persona.emoji,
                sheet={f: same(getattr(persona, f)) for f in PERSONA_FIELDS if getattr(persona, f)},
                curve=curve if any(v is not None for v in curve) else [],
                target_curve=target if any(v is not None for v in target) else [],
            )
        )
    notes = [
        _Note(
            persona=persona_at[n.persona],
            stage=stage_at[n.stage],
            lane=kind_of[n.lane],
            text=same(n.text),
            channel=n.channel,
            target=n.target,
        )
        for n in sorted(workshop.notes.values(), key=lambda n: (n.pos, n.id))
        if not n.hidden and kind_of.get(n.lane, "custom") != "custom"
    ]
    return Template(
        name="custom",
        label=same(label),
        stages=[same(s.title) for s in workshop.stages],
        personas=personas,
        notes=notes,
        objectives=[
            _Objective(title=same(o.title), kpis=same(o.kpis), description=same(o.description))
            for o in workshop.objectives
        ],
    )


def build_from(
    template: Template, lang: Lang, workshop_id: str, title: str, facilitator: str
) -> Workshop:
    """A new workshop from a template object (a shipped one, or one a facilitator saved)."""
    counter = 0

    def new_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}{counter}"

    participant = Participant(id=new_id("p"), name=facilitator, role="facilitator")
    kinds: list[LaneKind] = ["enchantments", "irritants", "expectations", "solutions"]
    lanes = [Lane(id=new_id("l"), kind=kind) for kind in kinds]
    aims = [*template.stage_objectives, *[None] * len(template.stages)]
    stages = [
        Stage(id=new_id("s"), title=t.pick(lang), objective=aim)
        for t, aim in zip(template.stages, aims, strict=False)
    ]
    personas = [
        Persona(
            id=new_id("a"),
            name=p.name.pick(lang),
            emoji=p.emoji,
            **{f: text.pick(lang) for f, text in p.sheet.items() if f in PERSONA_FIELDS},
        )
        for p in template.personas
    ]
    emotions: dict[str, Emotion] = {}
    for persona, source in zip(personas, template.personas, strict=True):
        for i, stage in enumerate(stages):
            fixed, target = (
                c[i] if i < len(c) else None for c in (source.curve, source.target_curve)
            )
            if fixed is not None or target is not None:
                emotions[f"{persona.id}:{stage.id}"] = Emotion(
                    persona=persona.id, stage=stage.id, fixed=fixed, target_fixed=target
                )
    objectives = [
        Objective(
            id=new_id("o"),
            title=o.title.pick(lang),
            kpis=o.kpis.pick(lang) if o.kpis else "",
            description=o.description.pick(lang) if o.description else "",
        )
        for o in template.objectives
    ]
    lane_by_kind: dict[str, str] = {lane.kind: lane.id for lane in lanes}
    notes: dict[str, Note] = {}
    for item in template.notes:
        note_id = new_id("n")
        notes[note_id] = msgspec.convert(
            {
                "id": note_id,
                "persona": personas[item.persona].id,
                "stage": stages[item.stage].id,
                "lane": lane_by_kind[item.lane],
                "text": item.text.pick(lang),
                "channel": item.channel,
                "target": item.target and item.lane == "solutions",
                "pos": float(len(notes) + 1),
                "author": participant.id,
            },
            Note,
        )
    note_ids = list(notes)
    moments: dict[str, KeyMoment] = {}
    for m in template.moments:
        moment_id = new_id("m")
        moments[moment_id] = KeyMoment(
            id=moment_id,
            title=m.title.pick(lang),
            kind=m.kind,
            persona=personas[m.persona].id if m.persona is not None else "",
            stage=stages[m.stage].id if m.stage is not None else "",
            note=note_ids[m.note] if m.note is not None else "",
            objective=m.objective,
        )
    moment_ids = list(moments)
    scenarios: dict[str, Scenario] = {}
    for sc in template.scenarios:
        scenario_id = new_id("c")
        campaigns = [
            Campaign(
                id=new_id("e"),
                channel=c.channel,
                timing=c.timing.pick(lang) if c.timing else "",
                content=c.content.pick(lang) if c.content else "",
            )
            for c in sc.campaigns
        ]
        scenarios[scenario_id] = Scenario(
            id=scenario_id,
            title=sc.title.pick(lang),
            moment=sc.moment,
            persona=personas[sc.persona].id if sc.persona is not None else "",
            stage=stages[sc.stage].id if sc.stage is not None else "",
            fields={f: v.pick(lang) for f, v in sc.fields.items() if f in SCENARIO_FIELDS},
            key_moment=moment_ids[sc.key_moment] if sc.key_moment is not None else "",
            answers=[note_ids[i] for i in sc.answers],
            campaigns=campaigns,
            scores={c: {participant.id: v} for c, v in sc.scores.items()},
        )
    agenda = default_agenda(counter + 1)
    counter += len(agenda)
    scenario_ids = list(scenarios)
    plan: list[PlanRow] = []

    def text(value: _Text | None) -> str:
        return value.pick(lang) if value else ""

    for row in template.plan:
        plan.append(
            PlanRow(
                id=new_id("y"),
                title=row.title.pick(lang),
                persona=personas[row.persona].id if row.persona is not None else "",
                segment=text(row.segment),
                channels=list(row.channels),
                content=text(row.content),
                frequency=text(row.frequency),
                months=sorted(set(row.months)),
                trigger=text(row.trigger),
                owner=text(row.owner),
                objective=objectives[row.objective].id if row.objective is not None else "",
                kpis=text(row.kpis),
                sources=[scenario_ids[row.scenario]] if row.scenario is not None else [],
            )
        )
    return Workshop(
        id=workshop_id,
        title=title,
        lang=lang,
        template=template.name,
        counter=counter,
        agenda=agenda,
        stages=stages,
        lanes=lanes,
        personas=personas,
        notes=notes,
        emotions=emotions,
        objectives=objectives,
        scenarios=scenarios,
        moments=moments,
        plan=plan,
        participants={participant.id: participant},
    )
