"""The restitution report as a PDF (fpdf2), A4 landscape, drawn from the same content as the
HTML report (``server.export.document``), with the bundled DejaVu font embedded (subset), so
that every accent prints and every word can be searched and copied.

- a cover with the contents (page numbers, links), an outline (bookmarks) of every section
  and part, the title and page number at the foot of every other page;
- no text below 7 pt: tables are set at 8 or 9 pt and wrap, journeys are laid out at the
  page's width (``JOURNEY_WIDTH`` pixels, their smallest text, 12 px, prints at 7.1 pt);
- a heading never ends a page (it moves to the next one with what follows); a table continues
  on the next page with its header repeated; a journey continues between lanes or, inside a
  lane taller than a page, between notes, with the stage titles and the lane's name repeated.
"""

from __future__ import annotations

import io
import logging
import math
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.outline import OutlineSection

from server.export import document, fonts, journey, palette
from server.export.document import Figure, Heading, Journey, Para, Photo, Report, Table
from server.export.options import Options
from server.export.scene import Dot, Label, Line, Rect, Scene, Shape, top_of
from server.export.text import printable
from sessions.model import Workshop

FAMILY = "DejaVu"
MARGIN = 12.0
PT = 25.4 / 72
"""Millimetres in a typographic point."""
MIN_PT = 7.0
JOURNEY_WIDTH = 1300
"""Pixels a journey is laid out in, to fill the page's 273 mm: 0.21 mm a pixel."""
KEEP = 32.0
"""Millimetres a heading needs below it (else it starts the next page)."""

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter narrates at INFO


class _Document(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.report = report
        self.tight = 0
        """How tight small tables and headings are set (an index of ``TIGHT``)."""
        self.add_font(FAMILY, "", fonts.REGULAR)
        self.add_font(FAMILY, "B", fonts.BOLD)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN + 4)
        self.set_title(_t(report.title))
        self.set_creator("Parcours")
        self.set_lang(report.words.lang)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*palette.rgb(palette.MUTED))
        page = self.report.words("page", n=self.page_no())
        self.cell(0, 5, _t(f"{self.report.title} · {page} / {{nb}}"), align="R")

    def heading(self, text: str, size: float) -> None:
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*palette.rgb(palette.INK))
        self.multi_cell(0, size * PT * 1.3, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 10, muted: bool = False) -> None:
        self.set_font(FAMILY, "", size)
        self.set_text_color(*palette.rgb(palette.MUTED if muted else palette.INK))
        self.multi_cell(0, size * PT * 1.4, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def room(self) -> float:
        """Millimetres left on the page."""
        return float(self.usable_bottom - self.get_y())

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
    report = document.build(workshop, options)
    doc = _Document(report)
    _cover(doc, report)  # its contents end with a page break
    for number, section in enumerate(report.sections):
        if number:
            doc.add_page()
        if section.key == "synthesis":
            _one_page(doc, workshop, section)
        else:
            _section(doc, workshop, section)
    return bytes(doc.output())


TIGHT = ((8.0, 11.0), (7.5, 10.0), (7.0, 9.5))
"""(small table, small heading) sizes in points, tighter and tighter."""


def _one_page(doc: _Document, workshop: Workshop, section: document.Section) -> None:
    """Draw ``section`` on one page: at the first of the ``TIGHT`` sizes that fits."""
    start = doc.page
    if _estimate(doc, section) < 0.9 * doc.room():
        _section(doc, workshop, section)  # clearly fits: no dry run needed
        return
    for level in range(len(TIGHT) - 1):
        doc.tight = level
        with doc.offset_rendering() as trial:
            _section(cast(_Document, trial), workshop, section)
        if not trial.page_break_triggered:
            break
    else:
        doc.tight = len(TIGHT) - 1
    _section(doc, workshop, section)
    doc.tight = 0
    assert doc.page >= start


def _estimate(doc: _Document, section: document.Section) -> float:
    """A generous guess of the millimetres ``section`` takes at the first ``TIGHT`` sizes,
    from the widths of its texts (a tenth more, for the words wrapping leaves at line ends)."""
    size, title = TIGHT[0]
    line = size * PT * 1.45
    total = 18 * PT * 1.3 + 1.5
    doc.set_font(FAMILY, "B", size)
    for block in section.blocks:
        match block:
            case Heading():
                total += title * PT * 1.3 + 1.5
            case Para():
                total += 8 * PT * 1.4 * 2 + 1.5
            case Table():
                widths = [doc.usable_width * w / sum(block.widths) for w in block.widths]
                rows = [[document.Cell(h) for h in block.header]] if block.header else []
                for row in [*rows, *block.rows]:
                    lines = 1
                    for cell, width in zip(row, widths, strict=False):
                        room = max(1.0, width - 2.4)
                        count = sum(
                            max(1, math.ceil(doc.get_string_width(_t(part)) * 1.1 / room))
                            for part in cell.text.split("\n")
                        )
                        lines = max(lines, count)
                    total += lines * line + 1.8
                total += 3
            case _:
                return float("inf")
    return total


def _section(doc: _Document, workshop: Workshop, section: document.Section) -> None:
    report = doc.report
    doc.start_section(_t(section.title).strip(), level=0)
    doc.heading(section.title, 18)
    journeys = 0
    for index, block in enumerate(section.blocks):
        match block:
            case Heading():
                if doc.room() < _needed(section.blocks[index + 1 :]):
                    doc.add_page()
                if block.level == 2:
                    doc.start_section(_t(block.text).strip(), level=1)
                doc.heading(block.text, 13 if block.level == 2 else TIGHT[doc.tight][1])
            case Para():
                doc.paragraph(block.text, 8 if block.small else 10, block.muted)
            case Table():
                _table(doc, block)
            case Figure():
                _figure(doc, block)
            case Photo():
                _photo(doc, block)
            case Journey():
                if journeys:
                    doc.add_page()
                journeys += 1
                name = f"{block.persona.emoji} {block.persona.name}".strip()
                doc.start_section(_t(name).strip(), level=1)
                drawn = journey.scene(workshop, block.persona, report.words, JOURNEY_WIDTH)
                _scene(doc, drawn)


def _needed(following: list[document.Block]) -> float:
    """Millimetres a heading needs below it: room for a few lines of what follows it, or for
    the whole figure it introduces."""
    need = 12.0
    for block in following:
        if isinstance(block, Para):
            need += 8
            continue
        if isinstance(block, Figure):
            need += block.scene.height * block.width / block.scene.width + 4
        elif isinstance(block, Table) and block.small:
            need += 12
        else:
            need += KEEP - 12
        break
    return need


def _cover(doc: _Document, report: Report) -> None:
    doc.add_page()
    doc.set_y(40)
    doc.paragraph(report.kicker, 14, muted=True)
    doc.heading(report.title, 28)
    for line in report.lines:
        doc.paragraph(line, 12)
    for notice in report.notices:
        doc.paragraph(notice, 10, muted=True)
    doc.ln(4)
    doc.insert_toc_placeholder(_contents, pages=1)


def _contents(doc: FPDF, outline: list[OutlineSection]) -> None:
    assert isinstance(doc, _Document)
    doc.set_x(MARGIN)
    doc.heading(doc.report.words("contents"), 14)
    lines = [s for s in outline if s.level == 0]
    if len(outline) * 6 < doc.room():
        lines = list(outline)
    for section in lines:
        size = 11 if section.level == 0 else 9.5
        doc.set_font(FAMILY, "B" if section.level == 0 else "", size)
        doc.set_text_color(*palette.rgb(palette.INK))
        indent = 0 if section.level == 0 else 8
        link = doc.add_link(page=section.page_number)
        doc.set_x(MARGIN + indent)
        width = doc.usable_width * 0.6 - indent
        doc.cell(width, size * PT * 1.6, section.name, link=link)
        doc.cell(20, size * PT * 1.6, str(section.page_number), align="R", link=link)
        doc.ln(size * PT * 1.6)


def _table(doc: _Document, block: Table) -> None:
    """A table that wraps its cells and continues on the next page, header repeated."""
    size = TIGHT[doc.tight][0] if block.small else 9.0
    if doc.room() < (12 if block.small else 18):
        doc.add_page()
    doc.set_font(FAMILY, "", size)
    doc.set_text_color(*palette.rgb(palette.INK))
    doc.set_draw_color(*palette.rgb(palette.LINE))
    doc.set_fill_color(255, 255, 255)
    doc.set_line_width(0.2)
    with doc.table(
        col_widths=tuple(block.widths),
        width=doc.usable_width,
        text_align="LEFT",
        line_height=size * PT * 1.45,
        first_row_as_headings=block.header is not None,
        headings_style=FontFace(emphasis="BOLD", fill_color=palette.rgb(palette.HEADER)),
        padding=0.9 if block.small else 1.2,
    ) as table:
        if block.header is not None:
            line = table.row()
            for title in block.header:
                line.cell(_t(title))
        for values in block.rows:
            line = table.row()
            for cell in values:
                style = FontFace(
                    emphasis="BOLD" if cell.bold else None,
                    color=palette.rgb(cell.ink) if cell.ink else None,
                    fill_color=palette.rgb(cell.fill) if cell.fill else None,
                )
                line.cell(_t(cell.text), style=style)
    doc.ln(3)


PHOTO_SIDE = 30.0
"""Millimetres: a persona's photo is drawn at most this wide and high."""


def _photo(doc: _Document, block: Photo) -> None:
    if doc.room() < PHOTO_SIDE:
        doc.add_page()
    top = doc.get_y()
    shown = doc.image(io.BytesIO(block.jpeg), x=MARGIN, y=top, h=PHOTO_SIDE, alt_text=block.alt)
    doc.set_y(top + shown.rendered_height + 3)


def _figure(doc: _Document, block: Figure) -> None:
    scale = block.width / block.scene.width
    height = block.scene.height * scale
    if doc.room() < height:
        doc.add_page()
    top = doc.get_y()
    _draw(doc, block.scene.items, -1e9, 1e9, MARGIN, top, scale, 0)
    doc.set_y(top + height + 3)


def _scene(doc: _Document, drawn: Scene) -> None:
    """Draw ``drawn`` at the page's width from the current position, over as many pages as it
    takes (cut at ``drawn.breaks``, the ``drawn.head`` band and the name of a lane cut in two
    repeated on each new page)."""
    scale = doc.usable_width / drawn.width
    breaks = sorted({0.0, *drawn.breaks, drawn.height})
    start, first = 0.0, True
    while start < drawn.height - 0.5:
        head = drawn.head if not first and drawn.head else None
        head_height = (head[1] - head[0]) if head else 0.0
        room = (doc.usable_bottom - doc.get_y()) / scale - head_height
        fitting = [b for b in breaks if start < b <= start + room]
        cut = fitting[-1] if fitting else next(b for b in breaks if b > start)
        y0 = doc.get_y()
        if head:
            _draw(doc, drawn.items, head[0], head[1], MARGIN, y0, scale, head[0])
            y0 += head_height * scale
        _draw(doc, drawn.items, start, cut, MARGIN, y0, scale, start)
        for top, bottom, name in drawn.bands:
            if top < start < bottom:
                again = Label(name.x, start + (name.y - top), name.lines, name.size, name.bold)
                _draw(doc, [again], start, cut, MARGIN, y0, scale, start)
        doc.set_y(y0 + (cut - start) * scale)
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
    """Draw the shapes whose top lies in ``[start, stop)``, and the part of each vertical line
    within it; scene y ``origin`` at page ``y0``."""

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + x * scale, y0 + (y - origin) * scale

    for item in items:
        if isinstance(item, Line) and len({x for x, _ in item.points}) == 1:
            low = min(y for _, y in item.points)
            high = max(y for _, y in item.points)
            if high <= start or low >= stop:
                continue
            x = item.points[0][0]
            item = Line([(x, max(low, start)), (x, min(high, stop))], item.colour, item.width)
        elif not start <= top_of(item) < stop:
            continue
        match item:
            case Rect():
                x, y = at(item.x, item.y)
                doc.set_fill_color(*palette.rgb(item.fill))
                style = "F"
                if item.stroke:
                    doc.set_draw_color(*palette.rgb(item.stroke))
                    doc.set_line_width(0.3)
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
                doc.set_font(FAMILY, "B" if item.bold else "", max(MIN_PT, item.size * scale / PT))
                doc.set_text_color(*palette.rgb(item.colour))
                for index, line in enumerate(item.lines):
                    text = _t(line).strip()
                    x, y = at(item.x, item.y + index * item.leading)
                    if item.anchor != "start":
                        width = doc.get_string_width(text)
                        x -= width / 2 if item.anchor == "middle" else width
                    doc.text(x, y, text)
