"""The restitution report as one self-contained HTML file (styles and charts inline, no script),
drawn from the same content as the PDF (``server.export.document``), with a print stylesheet:
A4 landscape, each section from a new page, rows allowed to continue on the next page (only a
note is never cut), headings kept with what follows, table headers repeated, colours kept.

A journey is a real table (screen readers, page breaks between notes) with the emotion curve as
its last row, under the stage columns. All user text is escaped.
"""

from __future__ import annotations

import base64
from html import escape

from server.export import document, journey, palette
from server.export.document import Cell, Figure, Heading, Journey, Para, Photo, Report, Table
from server.export.options import Options
from server.export.scene import to_svg
from server.export.text import printable
from server.export.words import Words
from sessions import summary
from sessions.model import CHANNELS, Persona, Workshop, cell_notes

_CSS = """
:root { --ink: %(ink)s; --muted: %(muted)s; --line: %(line)s; --head: %(head)s; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1280px; padding: 24px; }
h1 { font-size: 32px; margin: 0 0 8px; } h2 { font-size: 24px; margin: 0 0 16px; }
h3 { font-size: 18px; margin: 24px 0 8px; } h4 { font-size: 15px; margin: 16px 0 6px; }
section { padding: 24px 0; border-top: 2px solid var(--line); }
.cover { border: 0; padding-top: 96px; } .muted { color: var(--muted); }
.small { font-size: 12px; }
.text, td { white-space: pre-line; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: var(--head); }
table.small { font-size: 12px; } table.small th, table.small td { padding: 3px 6px; }
table.grid { table-layout: fixed; } table.grid th[scope=row] { width: 150px; }
.note { border-radius: 4px; padding: 6px 8px; margin: 0 0 6px; white-space: pre-line;
  overflow-wrap: anywhere; font-size: 13px; }
.note small { display: block; color: var(--muted); font-size: 11px; }
.note.private { outline: 2px solid %(private)s; } .note.private small { color: %(private)s; }
td.curve { padding: 0; } svg.chart { display: block; width: 100%%; height: auto; }
img.photo { display: block; width: 120px; height: 120px; object-fit: cover; border-radius: 50%%; }
svg.matrix { max-width: 600px; }
.legend span { display: inline-block; margin: 0 12px 4px 0; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; border: 1px solid var(--muted);
  border-radius: 3px; margin-right: 4px; vertical-align: -1px; }
%(swatches)s
@page { size: A4 landscape; margin: 12mm 12mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-before: page; border: 0; padding: 0; }
  .journey { break-before: page; } .journey:first-of-type { break-before: auto; }
  h1, h2, h3, h4 { break-after: avoid; } .note, svg, thead, p { break-inside: avoid; }
  thead { display: table-header-group; } nav a { color: inherit; text-decoration: none; }
  .note { font-size: 10px; } .note small { font-size: 9px; } table.small { font-size: 9.5px; }
  .keep { break-inside: avoid; }
  #synthesis h2 { margin-bottom: 6px; } #synthesis h4 { font-size: 12px; margin: 8px 0 3px; }
  #synthesis table { margin: 3px 0 6px; } #synthesis table.small { font-size: 9px; }
  #synthesis table.small th, #synthesis table.small td { padding: 2px 5px; }
  #synthesis p { margin: 2px 0; }
}
"""


def _swatches() -> str:
    rules = [
        f".ch-{c} {{ background: {palette.channel_colour(c)}; border-color: "
        f"{palette.channel_edge(c)}; }}"
        for c in CHANNELS
    ]
    return "\n".join(rules)


def _e(text: object) -> str:
    return escape(printable(str(text)))


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    report = document.build(workshop, options)
    words = report.words
    css = _CSS % {
        "ink": palette.INK,
        "muted": palette.MUTED,
        "line": palette.LINE,
        "head": palette.HEADER,
        "private": palette.PRIVATE,
        "swatches": _swatches(),
    }
    body = [_cover(report)]
    for section in report.sections:
        out = [f'<section id="{section.key}"><h2>{_e(section.title)}</h2>']
        blocks = section.blocks
        index = 0
        while index < len(blocks):
            # a heading stays on the page of the figure it introduces (with the lines between)
            end = index + 1
            while end < len(blocks) and isinstance(blocks[end], Para):
                end += 1
            heading = isinstance(blocks[index], Heading)
            if heading and end < len(blocks) and isinstance(blocks[end], Figure):
                kept = "".join(_block(b, workshop, words) for b in blocks[index : end + 1])
                out.append(f'<div class="keep">{kept}</div>')
                index = end + 1
                continue
            out.append(_block(blocks[index], workshop, words))
            index += 1
        out.append("</section>")
        body.append("".join(out))
    page = (
        f'<!DOCTYPE html>\n<html lang="{options.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Parcours">\n'
        f"<title>{_e(workshop.title)} · {_e(words('report'))}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
    return page.encode()


def _cover(report: Report) -> str:
    words = report.words
    lines = "".join(f"<p>{_e(line)}</p>" for line in report.lines)
    notices = "".join(f'<p class="muted">{_e(n)}</p>' for n in report.notices)
    entries = []
    for section in report.sections:
        inner = "".join(f"<li>{_e(t)}</li>" for t in section.outline)
        sub = f"<ol>{inner}</ol>" if inner else ""
        entries.append(f'<li><a href="#{section.key}">{_e(section.title)}</a>{sub}</li>')
    return (
        f'<header class="cover"><p class="muted">{_e(report.kicker)}</p>'
        f"<h1>{_e(report.title)}</h1>{lines}{notices}"
        f"<nav><h2>{_e(words('contents'))}</h2><ol>{''.join(entries)}</ol></nav></header>"
    )


def _cell(cell: Cell, tag: str = "td", scope: str = "") -> str:
    style = []
    if cell.fill:
        style.append(f"background:{cell.fill}")
    if cell.ink:
        style.append(f"color:{cell.ink}")
    if cell.bold:
        style.append("font-weight:bold")
    attrs = f' style="{";".join(style)}"' if style else ""
    attrs += f' scope="{scope}"' if scope else ""
    return f"<{tag}{attrs}>{_e(cell.text)}</{tag}>"


def _block(block: document.Block, workshop: Workshop, words: Words) -> str:
    match block:
        case Heading():
            tag = "h3" if block.level == 2 else "h4"
            return f"<{tag}>{_e(block.text)}</{tag}>"
        case Para():
            classes = " ".join(c for c in ("muted" * block.muted, "small" * block.small) if c)
            return (
                f'<p class="{classes}">{_e(block.text)}</p>'
                if classes
                else f"<p>{_e(block.text)}</p>"
            )
        case Table():
            head = ""
            if block.header is not None:
                head = (
                    "<thead><tr>"
                    + "".join(f'<th scope="col">{_e(h)}</th>' for h in block.header)
                    + "</tr></thead>"
                )
            rows = []
            for row in block.rows:
                cells = [
                    _cell(c, "th", "row") if block.row_heads and i == 0 else _cell(c)
                    for i, c in enumerate(row)
                ]
                rows.append("<tr>" + "".join(cells) + "</tr>")
            total = sum(block.widths) or 1
            cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
            css = ' class="small"' if block.small else ""
            body = "".join(rows)
            return f"<table{css}><colgroup>{cols}</colgroup>{head}<tbody>{body}</tbody></table>"
        case Figure():
            return to_svg(block.scene, False, block.css)
        case Photo():
            data = base64.b64encode(block.jpeg).decode()
            return f'<img class="photo" src="data:image/jpeg;base64,{data}" alt="{_e(block.alt)}">'

        case Journey():
            return _journey(workshop, block.persona, words)


def _journey(workshop: Workshop, persona: Persona, words: Words) -> str:
    head = "".join(f'<th scope="col">{_e(s.title)}</th>' for s in workshop.stages)
    rows = []
    people = {p.id: p.name for p in workshop.participants.values()}
    for lane in workshop.lanes:
        cells = []
        for stage in workshop.stages:
            notes = cell_notes(workshop, persona.id, stage.id, lane.id)
            out = []
            for n in notes:
                details = words.details(n, people)
                meta = f"<small>{_e(' · '.join(details))}</small>" if details else ""
                extra = " private" if n.hidden else ""
                out.append(f'<div class="note ch-{n.channel}{extra}">{_e(n.text)}{meta}</div>')
            cells.append("<td>" + "".join(out) + "</td>")
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
    if summary.has_target(workshop, persona.id):
        mark = f'<i style="background:{palette.TARGET}"></i>'
        legend += f"<span>{mark}{_e(words('target.curve'))}</span>"
    title = words("journey", persona=f"{persona.emoji} {persona.name}".strip())
    return (
        f'<div class="journey"><h3>{_e(title)}</h3>'
        f'<table class="grid"><thead><tr><th scope="col">{_e(words("lane"))}</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="legend">{legend}</p></div>'
    )
