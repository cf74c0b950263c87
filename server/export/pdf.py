"""The restitution report as a PDF (fpdf2), A4 landscape, with the bundled DejaVu font embedded
(subset), so that every accent prints and every word can be searched and copied.

Same sections as the HTML report. Journeys and the roadmap matrix are the very scenes of the
SVG pictures, drawn as vectors; a journey taller than a page continues on the next one, cut
between lanes, with the stage titles repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from server.export import fonts, journey, matrix, palette, tables
from server.export.options import Options
from server.export.scene import Dot, Label, Line, Rect, Scene, Shape, top_of
from server.export.text import printable
from server.export.words import Words, persona_names, stage_titles
from sessions import summary
from sessions.model import CRITERIA, PERSONA_FIELDS, SCENARIO_FIELDS, Workshop

FAMILY = "DejaVu"
MARGIN = 12.0
PT = 25.4 / 72
"""Millimetres in a typographic point."""

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter narrates at INFO


class _Document(FPDF):
    def __init__(self, words: Words, title: str) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.words = words
        self.running_title = title
        self.add_font(FAMILY, "", fonts.REGULAR)
        self.add_font(FAMILY, "B", fonts.BOLD)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN + 4)
        self.set_title(_t(title))
        self.set_creator("Parcours")
        self.set_lang(words.lang)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*palette.rgb(palette.MUTED))
        self.cell(0, 5, _t(f"{self.running_title} · {self.page_no()}"), align="R")

    def heading(self, text: str, size: float = 18) -> None:
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*palette.rgb(palette.INK))
        self.multi_cell(0, size * PT * 1.3, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: float = 10, muted: bool = False) -> None:
        self.set_font(FAMILY, "", size)
        self.set_text_color(*palette.rgb(palette.MUTED if muted else palette.INK))
        self.multi_cell(0, size * PT * 1.4, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    @property
    def usable_width(self) -> float:
        return float(self.w - 2 * MARGIN)

    @property
    def usable_bottom(self) -> float:
        return float(self.h - MARGIN - 4)


def _t(text: str) -> str:
    """Text the embedded font can draw."""
    return fonts.drawable(printable(text))


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    words = Words(options.lang)
    doc = _Document(words, workshop.title)
    _cover(doc, workshop, options)
    _personas(doc, workshop)
    for persona in workshop.personas:
        doc.add_page()
        _scene(doc, journey.scene(workshop, persona, words))
    _votes(doc, workshop)
    _roadmap(doc, workshop)
    _scenarios(doc, workshop)
    return bytes(doc.output())


def _cover(doc: _Document, workshop: Workshop, options: Options) -> None:
    words = doc.words
    doc.add_page()
    doc.set_y(60)
    doc.paragraph(words("report"), 14, muted=True)
    doc.heading(workshop.title, 30)
    if options.date:
        doc.paragraph(words("exported", date=options.date), 12)
    doc.paragraph(
        words(
            "summary",
            personas=len(workshop.personas),
            stages=len(workshop.stages),
            notes=len(workshop.notes),
            people=len(workshop.participants),
        ),
        12,
    )
    if options.anonymise:
        doc.paragraph(words("anonymised"), 10, muted=True)


def _table(
    doc: _Document,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    size: float = 9,
    fills: Sequence[str | None] | None = None,
    fill_column: int = 1,
) -> None:
    """A table that wraps its cells and continues on the next page, header repeated; ``fills``
    colours the cell of ``fill_column`` in each row (white text)."""
    doc.set_font(FAMILY, "", size)
    doc.set_text_color(*palette.rgb(palette.INK))
    doc.set_draw_color(*palette.rgb(palette.LINE))
    doc.set_fill_color(255, 255, 255)
    doc.set_line_width(0.2)
    with doc.table(
        col_widths=tuple(widths),
        width=doc.usable_width,
        text_align="LEFT",
        line_height=size * PT * 1.45,
        first_row_as_headings=header is not None,
        headings_style=FontFace(emphasis="BOLD", fill_color=palette.rgb(palette.HEADER)),
        padding=1.2,
    ) as table:
        if header is not None:
            line = table.row()
            for title in header:
                line.cell(_t(title))
        for index, values in enumerate(rows):
            line = table.row()
            for column, value in enumerate(values):
                fill = fills[index] if fills and column == fill_column else None
                style = (
                    FontFace(color=(255, 255, 255), fill_color=palette.rgb(fill)) if fill else None
                )
                line.cell(_t(value), style=style)
    doc.ln(3)


def _personas(doc: _Document, workshop: Workshop) -> None:
    words = doc.words
    doc.add_page()
    doc.heading(words("personas"))
    for persona in workshop.personas:
        doc.heading(f"{persona.emoji} {persona.name}".strip(), 14)
        rows = [
            (words(f"field.{f}"), getattr(persona, f))
            for f in PERSONA_FIELDS
            if getattr(persona, f).strip()
        ]
        if rows:
            _table(doc, None, rows, (1, 3))


def _scene(doc: _Document, drawn: Scene) -> None:
    """Draw ``drawn`` at the page's width from the current position, over as many pages as it
    takes (cut at ``drawn.breaks``, the ``drawn.head`` band repeated on each new page)."""
    scale = min(doc.usable_width / drawn.width, 0.3)
    breaks = sorted({0.0, *drawn.breaks, drawn.height})
    start, first = 0.0, True
    while start < drawn.height - 0.5:
        head = drawn.head if not first and drawn.head else None
        head_height = (head[1] - head[0]) if head else 0.0
        room = (doc.usable_bottom - doc.get_y()) / scale - head_height
        fitting = [b for b in breaks if start < b <= start + room]
        cut = fitting[-1] if fitting else next(b for b in breaks if b > start)
        shrink = min(1.0, room / (cut - start)) if cut - start > room else 1.0
        y0 = doc.get_y()
        if head:
            _draw(doc, drawn.items, head[0], head[1], MARGIN, y0, scale * shrink, head[0])
            y0 += head_height * scale * shrink
        _draw(doc, drawn.items, start, cut, MARGIN, y0, scale * shrink, start)
        doc.set_y(y0 + (cut - start) * scale * shrink)
        start, first = cut, False
        if start < drawn.height - 0.5:
            doc.add_page()


def _draw(
    doc: _Document,
    items: list[Shape],
    start: float,
    stop: float,
    x0: float,
    y0: float,
    scale: float,
    origin: float,
) -> None:
    """Draw the shapes whose top lies in ``[start, stop)``, scene y ``origin`` at page ``y0``."""

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + x * scale, y0 + (y - origin) * scale

    for item in items:
        if not start <= top_of(item) < stop:
            continue
        match item:
            case Rect():
                x, y = at(item.x, item.y)
                doc.set_fill_color(*palette.rgb(item.fill))
                style = "F"
                if item.stroke:
                    doc.set_draw_color(*palette.rgb(item.stroke))
                    doc.set_line_width(0.2)
                    style = "DF"
                doc.rect(
                    x,
                    y,
                    item.w * scale,
                    item.h * scale,
                    style=style,
                    round_corners=item.radius > 0,
                    corner_radius=item.radius * scale,
                )
            case Line():
                doc.set_draw_color(*palette.rgb(item.colour))
                doc.set_line_width(max(0.15, item.width * scale))
                if item.dashed:
                    doc.set_dash_pattern(dash=1, gap=1)
                doc.polyline([at(x, y) for x, y in item.points])
                if item.dashed:
                    doc.set_dash_pattern()
            case Dot():
                x, y = at(item.x, item.y)
                doc.set_fill_color(*palette.rgb(item.fill))
                doc.set_draw_color(*palette.rgb(item.stroke))
                doc.set_line_width(0.4)
                doc.circle(x, y, item.r * scale, style="DF")
            case Label():
                doc.set_font(FAMILY, "B" if item.bold else "", item.size * scale / PT)
                doc.set_text_color(*palette.rgb(item.colour))
                for index, line in enumerate(item.lines):
                    text = _t(line).strip()
                    x, y = at(item.x, item.y + index * item.leading)
                    if item.anchor != "start":
                        width = doc.get_string_width(text)
                        x -= width / 2 if item.anchor == "middle" else width
                    doc.text(x, y, text)


def _votes(doc: _Document, workshop: Workshop) -> None:
    words = doc.words
    doc.add_page()
    doc.heading(words("votes"))
    if not workshop.rounds:
        doc.paragraph(words("votes.none"), muted=True)
    objectives = {o.id: o for o in workshop.objectives}
    for index, vote in enumerate(workshop.rounds, start=1):
        title = tables.round_title(vote, index, words)
        doc.heading(f"{title} ({words(f'status.{vote.status}')})", 13)
        if not summary.shown(vote):
            doc.paragraph(words("votes.hidden"), muted=True)
            continue
        tallies = summary.result(vote)
        total = sum(t.dots for t in tallies)
        doc.paragraph(words("votes.voters", n=summary.voters(vote), dots=total), 9, muted=True)
        rows = []
        for tally in tallies:
            objective = objectives.get(tally.item)
            rows.append(
                (
                    str(tally.rank),
                    tables.item_label(workshop, tally.item),
                    str(tally.dots),
                    objective.kpis if objective else "",
                )
            )
        header = [words("rank"), words("item"), words("dots"), words("kpis")]
        _table(doc, header, rows, (1, 8, 1.5, 5))


def _roadmap(doc: _Document, workshop: Workshop) -> None:
    words = doc.words
    doc.add_page()
    doc.heading(words("roadmap"))
    if not workshop.roadmap:
        doc.paragraph(words("roadmap.none"), muted=True)
        return
    doc.heading(words("matrix"), 13)
    drawn = matrix.scene(workshop, words)
    top = doc.get_y()
    _draw(doc, drawn.items, -1e9, 1e9, MARGIN, top, 0.27, 0)
    doc.set_y(top + drawn.height * 0.27 + 4)
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    rows, fills = [], []
    for number, item in matrix.numbered(workshop):
        medians = summary.criteria(item)
        effort = summary.effort(item)
        kind = summary.roadmap_class(item, workshop.rules)
        where = " · ".join(x for x in (personas.get(item.persona), stages.get(item.stage)) if x)
        scores = ", ".join(
            f"{words(f'criterion.{c}')} {medians[c]:g}" for c in CRITERIA if c in medians
        )
        label = words(f"class.{kind}") if kind else words("unscored")
        if item.override:
            label += f" ({words('class.manual')})"
        rows.append(
            (
                f"{number}. {item.title}",
                label,
                "\n".join(x for x in (where, item.description, scores) if x),
                f"{effort:.1f}" if effort is not None else "",
                item.owner,
                words.quarter(item.quarter) if item.quarter is not None else "",
            )
        )
        fills.append(palette.CLASS_COLOURS.get(kind or "", palette.HEADER))
    header = [
        words("title"),
        words("class"),
        words("description"),
        words("effort"),
        words("owner"),
        words("quarter"),
    ]
    _table(doc, header, rows, (5, 3, 9, 1.6, 3, 2), fills=fills)
    doc.heading(words("timeline"), 13)
    columns: list[list[str]] = [[] for _ in range(summary.QUARTERS)]
    unplanned: list[str] = []
    for number, item in matrix.numbered(workshop):
        entry = f"{number}. {item.title}"
        (columns[item.quarter] if item.quarter is not None else unplanned).append(entry)
    header = [words.quarter(q) for q in range(summary.QUARTERS)]
    _table(doc, header, [["\n".join(c) for c in columns]], [1] * summary.QUARTERS, size=8)
    if unplanned:
        doc.paragraph(f"{words('unplanned')}: " + "; ".join(unplanned), 9)


def _scenarios(doc: _Document, workshop: Workshop) -> None:
    words = doc.words
    doc.add_page()
    doc.heading(words("scenarios"))
    if not workshop.scenarios:
        doc.paragraph(words("scenarios.none"), muted=True)
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    for scenario in workshop.scenarios.values():
        doc.heading(scenario.title, 13)
        where = [words(f"moment.{scenario.moment}")]
        where += [x for x in (personas.get(scenario.persona), stages.get(scenario.stage)) if x]
        doc.paragraph(" · ".join(where), 9, muted=True)
        rows = [(words(f"scenario.{f}"), scenario.fields.get(f, "")) for f in SCENARIO_FIELDS]
        _table(doc, None, rows, (1, 3))
