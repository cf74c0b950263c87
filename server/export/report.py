"""The restitution report as one self-contained HTML file (styles and charts inline, no script),
with a print stylesheet: A4 landscape, one section per page, colours kept.

Sections: cover (title, date, figures, contents), personas, each journey as a table with its
emotion curve under the stage columns, vote results, the roadmap (matrix, table, timeline over
eight quarters), scenarios. All user text is escaped.
"""

from __future__ import annotations

from html import escape

from server.export import journey, matrix, palette, tables
from server.export.options import Options
from server.export.scene import to_svg
from server.export.text import printable
from server.export.words import Words, persona_names, stage_titles
from sessions import summary
from sessions.model import (
    CHANNELS,
    CRITERIA,
    PERSONA_FIELDS,
    SCENARIO_FIELDS,
    Objective,
    Persona,
    Workshop,
    cell_notes,
)

_CSS = """
:root { --ink: %(ink)s; --muted: %(muted)s; --line: %(line)s; --head: %(head)s; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1280px; padding: 24px; }
h1 { font-size: 32px; margin: 0 0 8px; } h2 { font-size: 24px; margin: 0 0 16px; }
h3 { font-size: 18px; margin: 24px 0 8px; }
section { padding: 24px 0; border-top: 2px solid var(--line); }
.cover { border: 0; padding-top: 96px; } .muted { color: var(--muted); }
.text { white-space: pre-line; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: var(--head); }
table.grid { table-layout: fixed; } table.grid th[scope=row] { width: 150px; }
.note { border-radius: 4px; padding: 6px 8px; margin: 0 0 6px; white-space: pre-line;
  overflow-wrap: anywhere; font-size: 13px; }
.note small { display: block; color: var(--muted); font-size: 11px; }
td.curve { padding: 0; } svg.chart { display: block; width: 100%%; height: auto; }
svg.matrix { max-width: 640px; }
.legend span { display: inline-block; margin: 0 12px 4px 0; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; border: 1px solid var(--muted);
  border-radius: 3px; margin-right: 4px; vertical-align: -1px; }
.persona { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  margin: 0 0 16px; }
.persona dl { display: grid; grid-template-columns: 220px 1fr; gap: 4px 16px; margin: 8px 0 0; }
.persona dt { font-weight: bold; } .persona dd { margin: 0; }
.bar { display: inline-block; height: 10px; background: %(curve)s; border-radius: 2px;
  vertical-align: middle; margin-right: 6px; }
.chip { color: #fff; }
.class { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; white-space: nowrap; }
%(swatches)s
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-before: page; border: 0; padding: 0; } .cover { break-before: avoid; }
  .journey { break-before: page; } tr, .note, .persona { break-inside: avoid; }
  thead { display: table-header-group; } nav { display: none; }
}
"""


def _swatches() -> str:
    rules = [f".ch-{c} {{ background: {palette.channel_colour(c)}; }}" for c in CHANNELS]
    rules += [f".cl-{k} {{ background: {v}; }}" for k, v in palette.CLASS_COLOURS.items()]
    rules.append(f".cl-none {{ background: {palette.UNCLASSED}; }}")
    return "\n".join(rules)


def _e(text: object) -> str:
    return escape(printable(str(text)))


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    words = Words(options.lang)
    css = _CSS % {
        "ink": palette.INK,
        "muted": palette.MUTED,
        "line": palette.LINE,
        "head": palette.HEADER,
        "curve": palette.CURVE,
        "swatches": _swatches(),
    }
    body = [
        _cover(workshop, options, words),
        _personas(workshop, words),
        *(_journey(workshop, p, words) for p in workshop.personas),
        _votes(workshop, words),
        _roadmap(workshop, words),
        _scenarios(workshop, words),
    ]
    page = (
        f'<!DOCTYPE html>\n<html lang="{options.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Parcours">\n'
        f"<title>{_e(workshop.title)} · {_e(words('report'))}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
    return page.encode()


def _cover(workshop: Workshop, options: Options, words: Words) -> str:
    figures = words(
        "summary",
        personas=len(workshop.personas),
        stages=len(workshop.stages),
        notes=len(workshop.notes),
        people=len(workshop.participants),
    )
    date = f"<p>{_e(words('exported', date=options.date))}</p>" if options.date else ""
    anonymised = f'<p class="muted">{_e(words("anonymised"))}</p>' if options.anonymise else ""
    links = [("personas", words("personas")), ("journeys", words("journeys"))]
    links += [("votes", words("votes")), ("roadmap", words("roadmap"))]
    links.append(("scenarios", words("scenarios")))
    nav = "".join(f'<li><a href="#{key}">{_e(label)}</a></li>' for key, label in links)
    return (
        f'<header class="cover"><p class="muted">{_e(words("report"))}</p>'
        f"<h1>{_e(workshop.title)}</h1>{date}<p>{_e(figures)}</p>{anonymised}"
        f"<nav><h2>{_e(words('contents'))}</h2><ol>{nav}</ol></nav></header>"
    )


def _personas(workshop: Workshop, words: Words) -> str:
    cards = []
    for persona in workshop.personas:
        rows = "".join(
            f"<dt>{_e(words(f'field.{f}'))}</dt><dd class='text'>{_e(getattr(persona, f))}</dd>"
            for f in PERSONA_FIELDS
            if getattr(persona, f).strip()
        )
        name = f"{persona.emoji} {persona.name}".strip()
        cards.append(
            f'<article class="persona"><h3>{_e(name)}</h3>{f"<dl>{rows}</dl>" if rows else ""}'
            "</article>"
        )
    return f'<section id="personas"><h2>{_e(words("personas"))}</h2>{"".join(cards)}</section>'


def _journey(workshop: Workshop, persona: Persona, words: Words) -> str:
    head = "".join(f'<th scope="col">{_e(s.title)}</th>' for s in workshop.stages)
    rows = []
    people = {p.id: p.name for p in workshop.participants.values()}
    for lane in workshop.lanes:
        cells = []
        for stage in workshop.stages:
            notes = cell_notes(workshop, persona.id, stage.id, lane.id)
            cells.append(
                "<td>"
                + "".join(
                    f'<div class="note ch-{n.channel}">{_e(n.text)}'
                    f"<small>{_e(words(f'channel.{n.channel}'))}"
                    f"{' · ' + _e(people[n.author]) if n.author in people else ''}</small></div>"
                    for n in notes
                )
                + "</td>"
            )
        rows.append(f'<tr><th scope="row">{_e(words.lane(lane))}</th>{"".join(cells)}</tr>')
    chart = to_svg(journey.curve_scene(workshop, persona, words), False, "chart")
    span = len(workshop.stages)
    rows.append(
        f'<tr><th scope="row">{_e(words("curve"))}</th>'
        f'<td class="curve" colspan="{span}">{chart}</td></tr>'
    )
    used = {n.channel for n in workshop.notes.values() if n.persona == persona.id}
    legend = "".join(
        f'<span><i class="ch-{c}"></i>{_e(words(f"channel.{c}"))}</span>'
        for c in CHANNELS
        if c in used
    )
    title = words("journey", persona=f"{persona.emoji} {persona.name}".strip())
    anchor = ' id="journeys"' if workshop.personas and persona is workshop.personas[0] else ""
    return (
        f'<section class="journey"{anchor}><h2>{_e(title)}</h2>'
        f'<table class="grid"><thead><tr><th scope="col">{_e(words("lane"))}</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="legend">{legend}</p></section>'
    )


def _votes(workshop: Workshop, words: Words) -> str:
    parts = [f'<section id="votes"><h2>{_e(words("votes"))}</h2>']
    if not workshop.rounds:
        parts.append(f'<p class="muted">{_e(words("votes.none"))}</p>')
    kpis = {o.id: o for o in workshop.objectives}
    for index, vote in enumerate(workshop.rounds, start=1):
        title = tables.round_title(vote, index, words)
        status = _e(words(f"status.{vote.status}"))
        parts.append(f"<h3>{_e(title)} <small class='muted'>({status})</small></h3>")
        if not summary.shown(vote):
            parts.append(f'<p class="muted">{_e(words("votes.hidden"))}</p>')
            continue
        tallies = summary.result(vote)
        total = sum(t.dots for t in tallies)
        top = max([1, *(t.dots for t in tallies)])
        voters = summary.voters(vote)
        parts.append(f'<p class="muted">{_e(words("votes.voters", n=voters, dots=total))}</p>')
        rows = "".join(
            f"<tr><td>{t.rank}</td><td class='text'>{_e(tables.item_label(workshop, t.item))}"
            f"{_objective_detail(kpis.get(t.item), words)}</td>"
            f"<td><span class='bar' style='width:{round(120 * t.dots / top)}px'></span>"
            f"{t.dots}</td></tr>"
            for t in tallies
        )
        parts.append(
            f"<table><thead><tr><th>{_e(words('rank'))}</th><th>{_e(words('item'))}</th>"
            f"<th>{_e(words('dots'))}</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _objective_detail(objective: Objective | None, words: Words) -> str:
    if objective is None:
        return ""
    out = ""
    if objective.description:
        out += f"<br><span class='muted'>{_e(objective.description)}</span>"
    if objective.kpis:
        out += f"<br><small>{_e(words('kpis'))}: {_e(objective.kpis)}</small>"
    return out


def _class_badge(kind: str | None, words: Words, manual: str | None) -> str:
    if kind is None:
        return f"<span class='class cl-none'>{_e(words('unscored'))}</span>"
    mark = " ✎" if manual is not None else ""
    return f"<span class='class cl-{kind}'>{_e(words(f'class.{kind}'))}{mark}</span>"


def _roadmap(workshop: Workshop, words: Words) -> str:
    parts = [f'<section id="roadmap"><h2>{_e(words("roadmap"))}</h2>']
    if not workshop.roadmap:
        parts.append(f'<p class="muted">{_e(words("roadmap.none"))}</p></section>')
        return "".join(parts)
    parts.append(f"<h3>{_e(words('matrix'))}</h3>")
    parts.append(to_svg(matrix.scene(workshop, words), False, "chart matrix"))
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    head = "".join(
        f"<th>{_e(words(k))}</th>"
        for k in ("title", "class", "criterion.impact", "effort", "owner", "quarter")
    )
    rows = []
    for number, item in matrix.numbered(workshop):
        medians = summary.criteria(item)
        effort = summary.effort(item)
        kind = summary.roadmap_class(item, workshop.rules)
        where = " · ".join(x for x in (personas.get(item.persona), stages.get(item.stage)) if x)
        detail = f"<br><small class='muted'>{_e(where)}</small>" if where else ""
        if item.description:
            detail += f"<br><span class='muted text'>{_e(item.description)}</span>"
        scores = ", ".join(
            f"{words(f'criterion.{c}')} {medians[c]:g}" for c in CRITERIA if c in medians
        )
        if scores:
            detail += f"<br><small>{_e(scores)}</small>"
        rows.append(
            f"<tr><td>{number}. {_e(item.title)}{detail}</td>"
            f"<td>{_class_badge(kind, words, item.override)}</td>"
            f"<td>{_fmt(medians.get('impact'))}</td><td>{_fmt(effort)}</td>"
            f"<td>{_e(item.owner)}</td>"
            f"<td>{_e(words.quarter(item.quarter)) if item.quarter is not None else ''}</td></tr>"
        )
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    parts.append(f"<h3>{_e(words('timeline'))}</h3>{_timeline(workshop, words)}</section>")
    return "".join(parts)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def _timeline(workshop: Workshop, words: Words) -> str:
    columns: list[list[str]] = [[] for _ in range(summary.QUARTERS)]
    unplanned: list[str] = []
    for number, item in matrix.numbered(workshop):
        kind = summary.roadmap_class(item, workshop.rules) or "none"
        chip = f"<div class='note chip cl-{kind}'>{number}. {_e(item.title)}</div>"
        (columns[item.quarter] if item.quarter is not None else unplanned).append(chip)
    head = "".join(f"<th>{_e(words.quarter(q))}</th>" for q in range(summary.QUARTERS))
    body = "".join(f"<td>{''.join(c)}</td>" for c in columns)
    rest = (
        f"<p><strong>{_e(words('unplanned'))}</strong></p>{''.join(unplanned)}" if unplanned else ""
    )
    return (
        f"<table class='grid'><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>"
        + rest
    )


def _scenarios(workshop: Workshop, words: Words) -> str:
    parts = [f'<section id="scenarios"><h2>{_e(words("scenarios"))}</h2>']
    if not workshop.scenarios:
        parts.append(f'<p class="muted">{_e(words("scenarios.none"))}</p>')
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    for scenario in workshop.scenarios.values():
        where = [words(f"moment.{scenario.moment}")]
        where += [x for x in (personas.get(scenario.persona), stages.get(scenario.stage)) if x]
        rows = "".join(
            f"<tr><th scope='row'>{_e(words(f'scenario.{f}'))}</th>"
            f"<td class='text'>{_e(scenario.fields.get(f, ''))}</td></tr>"
            for f in SCENARIO_FIELDS
        )
        parts.append(
            f"<article class='persona'><h3>{_e(scenario.title)}</h3>"
            f"<p class='muted'>{_e(' · '.join(where))}</p><table>{rows}</table></article>"
        )
    parts.append("</section>")
    return "".join(parts)
