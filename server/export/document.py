"""The restitution report's content, once, for both of its drawings (``report`` writes it as
HTML, ``pdf`` as a PDF): a cover, then sections made of headings, paragraphs, tables, figures
and journeys.

Sections: a one-page synthesis (the top irritants by stage and channel, what the room chose with
its indicators, the quick wins and must-haves, the two years at a glance, the scenarios to
launch first), the personas, each persona's journey, the channel x stage heatmap, objectives and
votes, the roadmap (table, matrix with the workshop's thresholds, timeline), the scenarios
(stage -> key moment -> scenario, then each scenario's checklist), the annual animation plan
(its actions, then the twelve months at a glance).

Everything here is words and figures already formatted for the report's language (decimal
comma, French spacing, plurals): the two drawings only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.export import matrix, palette, tables
from server.export.options import Options
from server.export.scene import Scene
from server.export.words import Words, persona_names, stage_titles
from sessions import moments, summary
from sessions.model import (
    CHANNELS,
    PERSONA_FIELDS,
    PRIORITIES,
    SCENARIO_FIELDS,
    KeyMoment,
    Note,
    Persona,
    RoadmapItem,
    Scenario,
    Workshop,
)

SYNTHESIS_ROWS = 5
"""At most this many lines in each table of the synthesis, so that it holds on one page."""
BAR = 10
"""Characters of the longest dot bar."""


@dataclass(slots=True)
class Cell:
    text: str
    fill: str | None = None
    ink: str | None = None
    bold: bool = False


@dataclass(slots=True)
class Heading:
    text: str
    level: int = 2
    """2: a part of a section (in the PDF's outline); 3: a smaller title."""


@dataclass(slots=True)
class Para:
    text: str
    muted: bool = False
    small: bool = False


@dataclass(slots=True)
class Table:
    header: list[str] | None
    rows: list[list[Cell]]
    widths: list[float]
    """Relative widths of the columns."""
    row_heads: bool = False
    """The first column names its row (a persona's field, a scenario's item)."""
    small: bool = False


@dataclass(slots=True)
class Figure:
    scene: Scene
    width: float
    """Millimetres wide in the PDF; the HTML draws it at most as wide in pixels x 4."""
    css: str = "chart"


@dataclass(slots=True)
class Journey:
    persona: Persona


@dataclass(slots=True)
class Photo:
    """A persona's photo (a JPEG ``server/photos.py`` made), beside its sheet."""

    jpeg: bytes
    alt: str


Block = Heading | Para | Table | Figure | Journey | Photo


@dataclass(slots=True)
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)
    """Titles of its parts in the PDF's outline (its level-2 headings, or its journeys)."""


@dataclass(slots=True)
class Report:
    title: str
    kicker: str
    lines: list[str]
    notices: list[str]
    sections: list[Section]
    words: Words


def build(workshop: Workshop, options: Options) -> Report:
    words = Words(options.lang)
    lines = []
    if options.date:
        lines.append(words("exported", date=options.date))
    lines.append(
        words(
            "summary",
            personas=len(workshop.personas),
            stages=len(workshop.stages),
            notes=len(workshop.notes),
            people=len(workshop.participants),
        )
    )
    notices = []
    if options.anonymise:
        notices.append(words("anonymised"))
    if options.private and any(n.hidden for n in workshop.notes.values()):
        notices.append(words("private.included"))
    sections = [
        _synthesis(workshop, words),
        _personas(workshop, words, options.photos),
        _journeys(workshop, words),
        _heatmap(workshop, words),
        _objectives(workshop, words),
        _roadmap(workshop, words),
        _scenarios(workshop, words),
        _plan(workshop, words),
    ]
    for section in sections:
        section.outline = section.outline or [
            b.text for b in section.blocks if isinstance(b, Heading) and b.level == 2
        ]
    return Report(workshop.title, words("report"), lines, notices, sections, words)


# -- shared figures ---------------------------------------------------------------------


def irritants(workshop: Workshop) -> list[Note]:
    """Notes of the irritants lanes, in grid order."""
    lanes = {lane.id for lane in workshop.lanes if lane.kind == "irritants"}
    order = {s.id: i for i, s in enumerate(workshop.stages)}
    found = [n for n in workshop.notes.values() if n.lane in lanes]
    return sorted(found, key=lambda n: (order.get(n.stage, 0), n.pos))


def lowest(workshop: Workshop, stage: str) -> float | None:
    """The lowest curve value of any persona at ``stage``."""
    values = []
    for persona in workshop.personas:
        for point in summary.curve(workshop, persona.id):
            if point.stage == stage and point.value is not None:
                values.append(point.value)
    return min(values) if values else None


def bar(dots: int, top: int) -> str:
    """A dot bar: ``●●●●○ 4``-like, its length relative to ``top``."""
    filled = round(BAR * dots / top) if top else 0
    if dots and not filled:
        filled = 1
    return "●" * filled + f" {dots}"


def badge(kind: str | None, words: Words, manual: bool = False) -> Cell:
    text = words(f"class.{kind}") if kind else words("unscored")
    if manual:
        text += f" ({words('class.manual')})"
    return Cell(text, fill=palette.class_colour(kind), ink="#FFFFFF", bold=True)


def _shown_round(workshop: Workshop) -> int | None:
    """The index of the last round whose tallies may be shown, if any."""
    for index in range(len(workshop.rounds) - 1, -1, -1):
        if summary.shown(workshop.rounds[index]):
            return index
    return None


def _answers(workshop: Workshop, item: RoadmapItem) -> list[str]:
    return [workshop.notes[n].text for n in item.answers if n in workshop.notes]


def _tags(workshop: Workshop, item: RoadmapItem, words: Words) -> list[str]:
    tags: list[str] = []
    for note_id in item.notes:
        note = workshop.notes.get(note_id)
        for tag in note.tags if note else []:
            if words(f"tag.{tag}") not in tags:
                tags.append(words(f"tag.{tag}"))
    return tags


def _short(text: str, size: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1].rsplit(" ", 1)[0] + "…"


# -- sections -----------------------------------------------------------------------------


def _synthesis(workshop: Workshop, words: Words) -> Section:
    section = Section("synthesis", words("synthesis"))
    blocks = section.blocks
    blocks.append(Heading(level=3, text=words("synthesis.irritants")))
    found = irritants(workshop)
    if not found:
        blocks.append(Para(words("synthesis.irritants.none"), muted=True))
    else:
        rows = []
        for stage in workshop.stages:
            here = [n for n in found if n.stage == stage.id]
            if not here:
                continue
            counts = {c: sum(1 for n in here if n.channel == c) for c in CHANNELS}
            channel = max(CHANNELS, key=lambda c: counts[c])
            voted = max(here, key=lambda n: n.votes or 0)
            rows.append(
                [
                    Cell(stage.title, bold=True),
                    Cell(words("irritants.count", n=len(here))),
                    Cell(words(f"channel.{channel}"), fill=palette.channel_colour(channel)),
                    Cell(words.number(lowest(workshop, stage.id), signed=True)),
                    Cell(_short(voted.text)),
                ]
            )
        header = [
            words("stage"),
            words("lane.irritants"),
            words("main.channel"),
            words("low.point"),
            words("top.irritant"),
        ]
        blocks.append(Table(header, rows[: SYNTHESIS_ROWS + 3], [3, 1.6, 2.4, 1.6, 9], small=True))

    blocks.append(Heading(level=3, text=words("synthesis.vote")))
    shown = _shown_round(workshop)
    if shown is None:
        if workshop.objectives:
            rows = [[Cell(o.title, bold=True), Cell(o.kpis)] for o in workshop.objectives]
            blocks.append(
                Table(
                    [words("objective"), words("kpis")], rows[:SYNTHESIS_ROWS], [6, 6], small=True
                )
            )
        else:
            blocks.append(Para(words("votes.none"), muted=True))
    else:
        vote = workshop.rounds[shown]
        tallies = summary.result(vote)
        top = max([1, *(t.dots for t in tallies)])
        kpis = {o.id: o.kpis for o in workshop.objectives}
        rows = [
            [
                Cell(str(t.rank)),
                Cell(_short(tables.item_label(workshop, t.item)), bold=t.rank == 1),
                Cell(bar(t.dots, top), ink=palette.CURVE),
                Cell(kpis.get(t.item, "")),
            ]
            for t in tallies[:SYNTHESIS_ROWS]
        ]
        title = tables.round_title(vote, shown + 1, words)
        cast = words("votes.voters", n=summary.voters(vote), dots=sum(t.dots for t in tallies))
        blocks.append(Para(f"{title} · {cast}", muted=True, small=True))
        header = [words("rank"), words("item"), words("dots"), words("kpis")]
        blocks.append(Table(header, rows, [1, 7, 2.4, 6], small=True))

    blocks.append(Heading(level=3, text=words("synthesis.priorities")))
    chosen = [
        (number, item, kind)
        for number, item in matrix.numbered(workshop)
        if (kind := summary.roadmap_class(item, workshop.rules)) in ("quick_win", "must_have")
    ]
    chosen.sort(key=lambda x: (x[2] != "must_have", x[0]))
    if not chosen:
        blocks.append(Para(words("synthesis.priorities.none"), muted=True))
    else:
        rows = [
            [
                Cell(f"{number}. {item.title}", bold=True),
                badge(kind, words),
                Cell(words.quarter(item.quarter) if item.quarter is not None else ""),
                Cell(_short("; ".join(_answers(workshop, item)), 80)),
            ]
            for number, item, kind in chosen[:SYNTHESIS_ROWS]
        ]
        header = [words("title"), words("class"), words("quarter"), words("answers")]
        blocks.append(Table(header, rows, [6, 2.4, 1.6, 8], small=True))

    blocks.append(Heading(level=3, text=words("synthesis.timeline")))
    blocks.append(_timeline(workshop, words, short=True))

    blocks.append(Heading(level=3, text=words("synthesis.scenarios")))
    if not workshop.scenarios:
        blocks.append(Para(words("scenarios.none"), muted=True))
    else:
        personas = persona_names(workshop)
        stages = stage_titles(workshop)

        def pain(scenario_id: str) -> float:
            scenario = workshop.scenarios[scenario_id]
            for point in summary.curve(workshop, scenario.persona) if scenario.persona else []:
                if point.stage == scenario.stage and point.value is not None:
                    return point.value
            return 3.0

        # The room's scores say which to launch first; without scores, the most painful stages.
        first = [r.scenario for r in moments.first_three(workshop)]
        order = first or sorted(workshop.scenarios, key=pain)
        rows = []
        for scenario_id in order[: max(3, len(first))]:
            scenario = workshop.scenarios[scenario_id]
            where = " · ".join(
                x for x in (personas.get(scenario.persona), stages.get(scenario.stage)) if x
            )
            rows.append(
                [
                    Cell(scenario.title, bold=True),
                    Cell(words(f"moment.{scenario.moment}")),
                    Cell(where),
                    Cell(_short(scenario.fields.get("trigger", ""), 70)),
                ]
            )
        header = [words("title"), words("moment"), words("persona"), words("scenario.trigger")]
        blocks.append(Table(header, rows, [5, 3, 5, 6], small=True))
    return section


def _timeline(workshop: Workshop, words: Words, short: bool = False) -> Table:
    columns: list[list[str]] = [[] for _ in range(summary.QUARTERS)]
    for number, item in matrix.numbered(workshop):
        if item.quarter is not None and 0 <= item.quarter < summary.QUARTERS:
            columns[item.quarter].append(
                f"{number}. {_short(item.title, 40) if short else item.title}"
            )
    header = [words.quarter(q) for q in range(summary.QUARTERS)]
    return Table(
        header, [[Cell("\n".join(c)) for c in columns]], [1] * summary.QUARTERS, small=True
    )


def _group_of(workshop: Workshop, persona: str, words: Words) -> str | None:
    """Which group worked on a persona, with its members (None when no group had it)."""
    for i, group in enumerate(workshop.groups):
        if group.persona == persona:
            name = group.name or words("group.default", n=i + 1)
            people = [
                workshop.participants[m].name for m in group.members if m in workshop.participants
            ]
            return f"{name}: {', '.join(people)}" if people else name
    return None


def _personas(workshop: Workshop, words: Words, photos: dict[str, bytes]) -> Section:
    section = Section("personas", words("personas"))
    for persona in workshop.personas:
        section.blocks.append(Heading(f"{persona.emoji} {persona.name}".strip()))
        if persona.photo in photos:
            section.blocks.append(Photo(photos[persona.photo], persona.name))
        rows = [
            [Cell(words(f"field.{f}"), bold=True), Cell(getattr(persona, f))]
            for f in PERSONA_FIELDS
            if getattr(persona, f).strip()
        ]
        group = _group_of(workshop, persona.id, words)
        if group:
            rows.insert(0, [Cell(words("field.group"), bold=True), Cell(group)])
        if rows:
            section.blocks.append(Table(None, rows, [1, 3], row_heads=True))
    return section


def _journeys(workshop: Workshop, words: Words) -> Section:
    section = Section("journeys", words("journeys"))
    for persona in workshop.personas:
        section.blocks.append(Journey(persona))
        section.outline.append(f"{persona.emoji} {persona.name}".strip())
        if summary.has_target(workshop, persona.id):
            section.blocks += _target(workshop, persona, words)
    return section


def _listed(notes: list[Note], most: int = 4) -> str:
    """Notes as a short dashed list (a table row must fit on a page)."""
    lines = [f"– {_short(n.text, 70)}" for n in notes[:most]]
    if len(notes) > most:
        lines.append(f"+{len(notes) - most}")
    return "\n".join(lines)


def _target(workshop: Workshop, persona: Persona, words: Words) -> list[Block]:
    """The target journey of ``persona``: per stage, today's and the target's emotion, the
    solutions chosen for it and the irritants they answer."""
    today = summary.curve(workshop, persona.id)
    goal = summary.curve(workshop, persona.id, target=True)
    chosen = summary.target_solutions(workshop, persona.id)
    answered = summary.answered_irritants(workshop, persona.id)
    rows = []
    for stage, now, aim in zip(workshop.stages, today, goal, strict=True):
        solved = [n for n in irritants(workshop) if n.id in answered and n.stage == stage.id]
        rows.append(
            [
                Cell(stage.title, bold=True),
                Cell(words.number(now.value, signed=True), ink=palette.CURVE, bold=True),
                Cell(words.number(aim.value, signed=True), ink=palette.TARGET, bold=True),
                Cell(_listed([n for n in chosen if n.stage == stage.id])),
                Cell(_listed(solved)),
            ]
        )
    header = [
        words("stage"),
        words("target.today"),
        words("target.value"),
        words("target.solutions"),
        words("target.answered"),
    ]
    title = words("target", persona=persona.name)
    return [Heading(level=3, text=title), Table(header, rows, [3, 1.4, 1.4, 6, 6], small=True)]


def _heatmap(workshop: Workshop, words: Words) -> Section:
    section = Section("heatmap", words("heatmap"))
    if not workshop.notes:
        section.blocks.append(Para(words("heatmap.none"), muted=True))
        return section
    section.blocks.append(Para(words("heatmap.help"), muted=True, small=True))
    sore = {n.id for n in irritants(workshop)}
    counts: dict[tuple[str, str], list[int]] = {}
    for note in workshop.notes.values():
        tally = counts.setdefault((note.channel, note.stage), [0, 0])
        tally[0] += 1
        tally[1] += note.id in sore
    top = max(c[0] for c in counts.values())
    used = [c for c in CHANNELS if any(k[0] == c for k in counts)]
    rows = []
    for channel in used:
        row = [Cell(words(f"channel.{channel}"), fill=palette.channel_colour(channel), bold=True)]
        for stage in workshop.stages:
            notes, sore_here = counts.get((channel, stage.id), [0, 0])
            if not notes:
                row.append(Cell(""))
                continue
            weight = 0.12 + 0.78 * notes / top
            ink = "#FFFFFF" if weight > 0.5 else palette.INK
            text = f"{notes} ({sore_here})" if sore_here else str(notes)
            row.append(Cell(text, fill=palette.mix(palette.HEAT, weight), ink=ink, bold=True))
        total = sum(counts.get((channel, s.id), [0, 0])[0] for s in workshop.stages)
        row.append(Cell(str(total), bold=True))
        rows.append(row)
    header = [words("channel"), *(s.title for s in workshop.stages), words("total")]
    widths = [2.6, *([1.4] * len(workshop.stages)), 1]
    section.blocks.append(Table(header, rows, widths, row_heads=True))
    return section


def _objectives(workshop: Workshop, words: Words) -> Section:
    section = Section("objectives", words("objectives"))
    blocks = section.blocks
    blocks.append(Heading(words("objectives.list")))
    if not workshop.objectives:
        blocks.append(Para(words("objectives.none"), muted=True))
    else:
        rows = [
            [Cell(o.title, bold=True), Cell(o.description), Cell(o.kpis)]
            for o in workshop.objectives
        ]
        header = [words("objective"), words("description"), words("kpis")]
        blocks.append(Table(header, rows, [4, 6, 5]))
    if not workshop.rounds:
        blocks.append(Heading(words("votes")))
        blocks.append(Para(words("votes.none"), muted=True))
    objectives = {o.id: o for o in workshop.objectives}
    for index, vote in enumerate(workshop.rounds, start=1):
        title = tables.round_title(vote, index, words)
        blocks.append(Heading(f"{title} ({words(f'status.{vote.status}')})"))
        if not summary.shown(vote):
            blocks.append(Para(words("votes.hidden"), muted=True))
            continue
        tallies = summary.result(vote)
        total = sum(t.dots for t in tallies)
        top = max([1, *(t.dots for t in tallies)])
        blocks.append(Para(words("votes.voters", n=summary.voters(vote), dots=total), muted=True))
        rows = []
        for tally in tallies:
            objective = objectives.get(tally.item)
            label = tables.item_label(workshop, tally.item)
            if objective and objective.description:
                label += "\n" + objective.description
            rows.append(
                [
                    Cell(str(tally.rank), bold=tally.rank == 1),
                    Cell(label),
                    Cell(bar(tally.dots, top), ink=palette.CURVE),
                    Cell(objective.kpis if objective else ""),
                ]
            )
        header = [words("rank"), words("item"), words("dots"), words("kpis")]
        blocks.append(Table(header, rows, [1, 8, 2.6, 5]))
    return section


def _roadmap(workshop: Workshop, words: Words) -> Section:
    section = Section("roadmap", words("roadmap"))
    blocks = section.blocks
    if not workshop.roadmap:
        blocks.append(Para(words("roadmap.none"), muted=True))
        return section
    rules = workshop.rules
    blocks.append(Heading(words("roadmap.items")))
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    rows = []
    for number, item in matrix.numbered(workshop):
        medians = summary.criteria(item)
        kind = summary.roadmap_class(item, rules)
        placed = summary.position(item)
        where = " · ".join(x for x in (personas.get(item.persona), stages.get(item.stage)) if x)
        title = "\n".join(x for x in (f"{number}. {item.title}", where, item.description) if x)
        scores = ", ".join(
            f"{words(f'criterion.{c}')} {words.number(medians[c])}"
            for c in medians
            if c not in ("impact",)
        )
        rows.append(
            [
                Cell(title),
                badge(kind, words, item.override is not None),
                Cell(words.number(placed[1] if placed else medians.get("impact"))),
                Cell(words.number(placed[0] if placed else summary.effort(item))),
                Cell("\n".join(f"– {a}" for a in _answers(workshop, item))),
                Cell(", ".join(_tags(workshop, item, words)) + (f"\n{scores}" if scores else "")),
                Cell(item.owner),
                Cell(words.quarter(item.quarter) if item.quarter is not None else ""),
            ]
        )
    header = [
        words("title"),
        words("class"),
        words("criterion.impact"),
        words("effort"),
        words("answers"),
        words("solution.tags"),
        words("owner"),
        words("quarter"),
    ]
    blocks.append(Table(header, rows, [6, 2.6, 1.6, 1.4, 6, 4, 2.4, 1.6]))
    blocks.append(Heading(words("matrix")))
    blocks.append(
        Para(
            words(
                "thresholds",
                **{name: words.number(getattr(rules, name)) for name in rules.__struct_fields__},
            ),
            muted=True,
            small=True,
        )
    )
    blocks.append(Figure(matrix.scene(workshop, words), 150, "chart matrix"))
    blocks.append(Heading(words("timeline")))
    blocks.append(_timeline(workshop, words))
    unplanned = [
        f"{number}. {item.title}"
        for number, item in matrix.numbered(workshop)
        if item.quarter is None
    ]
    if unplanned:
        blocks.append(Para(words.spaced(f"{words('unplanned')} : ") + "; ".join(unplanned)))
    return section


def _scenarios(workshop: Workshop, words: Words) -> Section:
    section = Section("scenarios", words("scenarios"))
    blocks = section.blocks
    blocks += _key_moments(workshop, words)
    if not workshop.scenarios:
        blocks.append(Para(words("scenarios.none"), muted=True))
        return section
    blocks += _priorities(workshop, words)
    personas = persona_names(workshop)
    blocks.append(Heading(words("overview.moments")))
    rows = []
    for stage in workshop.stages:
        here = [s for s in workshop.scenarios.values() if _stage_of(workshop, s) == stage.id]
        for index, scenario in enumerate(here):
            key = workshop.moments.get(scenario.key_moment)
            rows.append(
                [
                    Cell(stage.title if index == 0 else "", bold=True),
                    Cell(key.title if key else words(f"moment.{scenario.moment}")),
                    Cell(scenario.title, bold=True),
                    Cell(personas.get(scenario.persona, "")),
                ]
            )
    known = stage_titles(workshop)
    for scenario in workshop.scenarios.values():
        if _stage_of(workshop, scenario) not in known:
            key = workshop.moments.get(scenario.key_moment)
            rows.append(
                [
                    Cell("–"),
                    Cell(key.title if key else words(f"moment.{scenario.moment}")),
                    Cell(scenario.title, bold=True),
                    Cell(personas.get(scenario.persona, "")),
                ]
            )
    header = [words("stage"), words("moment.key"), words("scenarios.one"), words("persona")]
    blocks.append(Table(header, rows, [3, 4, 5, 3]))
    stages = stage_titles(workshop)
    ranked = {r.scenario: r for r in moments.priorities(workshop)}
    for scenario in workshop.scenarios.values():
        blocks.append(Heading(scenario.title))
        where = [words(f"moment.{scenario.moment}")]
        where += [x for x in (personas.get(scenario.persona), stages.get(scenario.stage)) if x]
        key = workshop.moments.get(scenario.key_moment)
        if key:
            where.append(key.title)
        blocks.append(Para(" · ".join(where), muted=True))
        rows = [
            [Cell(words(f"scenario.{f}"), bold=True), Cell(scenario.fields.get(f, ""))]
            for f in SCENARIO_FIELDS
        ]
        answers = [workshop.notes[n].text for n in scenario.answers if n in workshop.notes]
        rows.append([Cell(words("answers"), bold=True), Cell("; ".join(answers))])
        place = ranked.get(scenario.id)
        if place is not None:
            figures = " · ".join(
                f"{words(f'priority.{p}')} {words.number(place.means.get(p))}" for p in PRIORITIES
            )
            rows.append([Cell(words("rank"), bold=True), Cell(f"{place.rank} ({figures})")])
        blocks.append(Table(None, rows, [1, 3], row_heads=True))
        if scenario.campaigns:
            campaigns = [
                [
                    Cell(str(number), bold=True),
                    Cell(words(f"channel.{c.channel}") if c.channel else ""),
                    Cell(c.timing),
                    Cell(c.content),
                ]
                for number, c in enumerate(scenario.campaigns, start=1)
            ]
            header = ["#", words("channel"), words("campaign.timing"), words("campaign.content")]
            blocks.append(Table(header, campaigns, [1, 3, 4, 9], small=True))
    return section


def _stage_of(workshop: Workshop, scenario: Scenario) -> str:
    """Where a scenario sits in the overview: its key moment's stage, else its own."""
    key = workshop.moments.get(scenario.key_moment)
    return key.stage if key is not None and key.stage else scenario.stage


def _key_moments(workshop: Workshop, words: Words) -> list[Block]:
    """Every key moment, journey by journey and stage by stage, then the calendar's."""
    blocks: list[Block] = [Heading(words("moments"))]
    rows = []
    for persona in workshop.personas:
        for stage, here in moments.on_journey(workshop, persona.id):
            for moment in here:
                rows.append(_moment_row(workshop, words, moment, persona.name, stage.title))
    for moment in moments.calendar(workshop):
        rows.append(
            _moment_row(workshop, words, moment, "", stage_titles(workshop).get(moment.stage, ""))
        )
    if not rows:
        blocks.append(Para(words("moments.none"), muted=True))
        return blocks
    header = [
        words("persona"),
        words("stage"),
        words("moment.key"),
        words("macro_objective"),
        words("scenarios.one"),
    ]
    blocks.append(Table(header, rows, [3, 3, 5, 3, 4], small=True))
    return blocks


def _moment_row(
    workshop: Workshop, words: Words, moment: KeyMoment, persona: str, stage: str
) -> list[Cell]:
    aim = moments.stage_objective(workshop, moment)
    kind = words(f"moment.{moment.kind}")
    return [
        Cell(persona),
        Cell(stage),
        Cell(f"{moment.title} ({kind})", bold=True),
        Cell(words(f"objective.{aim}") if aim else ""),
        Cell("; ".join(s.title for s in moments.serving(workshop, moment.id))),
    ]


def _priorities(workshop: Workshop, words: Words) -> list[Block]:
    """The scored scenarios, best first, the first three marked and ties explained."""
    blocks: list[Block] = [Heading(words("priorities"))]
    ranked = moments.priorities(workshop)
    if not ranked:
        blocks.append(Para(words("priorities.none"), muted=True))
        return blocks
    rows = []
    for row in ranked:
        tie = ""
        if row.tie == "tied":
            tie = words("tie.tied")
        elif row.tie:
            tie = words("tie.behind", priority=words(f"priority.{row.tie}"))
        first = f" ({words('launch.first')})" if row.rank <= 3 else ""
        rows.append(
            [
                Cell(f"{row.rank}{first}", bold=row.rank <= 3),
                Cell(workshop.scenarios[row.scenario].title, bold=True),
                Cell(words.number(row.total)),
                *(Cell(words.number(row.means.get(p))) for p in PRIORITIES),
                Cell(tie),
            ]
        )
    header = [
        words("rank"),
        words("scenarios.one"),
        words("score.total"),
        *(words(f"priority.{p}") for p in PRIORITIES),
        "",
    ]
    blocks.append(Table(header, rows, [2.4, 5, 1.6, 2, 2, 2, 4], small=True))
    return blocks


def _plan(workshop: Workshop, words: Words) -> Section:
    """The actions (for whom, where, when, how often, for which objective), then a calendar:
    a mark in each month an action runs, "on its trigger" across the year otherwise."""
    section = Section("plan", words("plan.title"))
    blocks = section.blocks
    if not workshop.plan:
        blocks.append(Para(words("plan.none"), muted=True))
        return section
    table = tables.plan(workshop, words)
    blocks.append(Heading(words("plan.count", n=len(workshop.plan))))
    rows = []
    for row, values in zip(workshop.plan, table.rows, strict=True):
        target = " · ".join(str(v) for v in values[1:3] if v)
        when = str(values[4] or "") or row.trigger
        rows.append(
            [
                Cell(row.title, bold=True),
                Cell(target),
                Cell(str(values[3] or "")),
                Cell(when),
                Cell(row.frequency),
                Cell(str(values[8] or "")),
            ]
        )
    header = [
        words("plan.action"),
        words("plan.target"),
        words("plan.channels"),
        words("plan.when"),
        words("plan.frequency"),
        words("plan.objective"),
    ]
    blocks.append(Table(header, rows, [4, 3, 3, 3, 2.4, 3]))
    blocks.append(Heading(words("plan.calendar")))
    calendar = []
    for row in workshop.plan:
        edge = palette.channel_edge(row.channels[0]) if row.channels else palette.MUTED
        marks = [Cell("●", ink=edge) if m in row.months else Cell("") for m in range(1, 13)]
        title = row.title if row.months else f"{row.title} ({words('plan.on.trigger')})"
        calendar.append([Cell(title, bold=True), *marks])
    months = [words(f"month.{m}") for m in range(1, 13)]
    blocks.append(Table(["", *months], calendar, [5, *([1] * 12)], row_heads=True, small=True))
    return section
