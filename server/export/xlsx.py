"""The Excel workbook (openpyxl): an overview, a sheet per persona's journey, then the notes,
votes, roadmap, scenarios and the animation plan as filterable tables.

A journey sheet is the board's grid: stages as columns, lanes as rows, one note per cell filled
with its channel's colour (a lane takes as many rows as its fullest cell), then the emotion
curve as figures (the value drawn, the room's median, min and max, the facilitator's value) and
as a line chart (straight segments, -2 to +2), then the persona's sheet.

Made to open clean in Excel and LibreOffice: every row is as tall as its wrapped text, every
sheet prints landscape on A4, one page wide, its header rows repeated; sheet names are whole
(shortened at a word) and unique; fonts are named (Arial, which LibreOffice draws with the
metric-compatible Liberation Sans); class colours are light tints under dark text. A text cell
is written as a string, which a spreadsheet never runs as a formula: no quote is added.
"""

from __future__ import annotations

import io
import math
import re
import statistics

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.legend import Legend
from openpyxl.chart.marker import Marker
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from server.export import document, palette, tables
from server.export.options import Options
from server.export.text import printable
from server.export.words import Words
from sessions import summary
from sessions.model import CHANNELS, PERSONA_FIELDS, SCENARIO_FIELDS, Persona, Workshop, cell_notes

FONT = "Arial"
SIZE = 10
_NORMAL = Font(name=FONT, size=SIZE)
_BOLD = Font(name=FONT, size=SIZE, bold=True)
_MUTED = Font(name=FONT, size=SIZE, color="FF" + palette.MUTED.lstrip("#"))
_TITLE = Font(name=FONT, size=16, bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="FFD0D7DE")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_NAME_MAX = 31
LINE_HEIGHT = 12.75
"""Points a line of 10-point Arial takes in a row."""
CHARS_PER_WIDTH = 1.15
"""Characters of 10-point Arial per unit of column width (a unit is one '0' of the default
font): a little more than one, as text is narrower than digits."""


def fill(colour: str) -> PatternFill:
    """A solid fill of ``#RRGGBB`` (stored as opaque aRGB ``FFRRGGBB``)."""
    return PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    words = Words(options.lang)
    book = Workbook()
    names = _SheetNames()
    overview = book.active
    assert overview is not None
    overview.title = names.take(words("overview"))
    _overview(overview, workshop, options, words)
    for persona in workshop.personas:
        _journey(book.create_sheet(names.take(persona.name)), workshop, persona, words)
    for table in (
        tables.notes(workshop, words),
        tables.votes(workshop, words),
        tables.roadmap(workshop, words),
        tables.key_moments(workshop, words),
    ):
        _table(book.create_sheet(names.take(table.name)), table)
    _scenarios(book.create_sheet(names.take(words("scenarios"))), workshop, words)
    plan = tables.plan(workshop, words)
    _table(book.create_sheet(names.take(plan.name)), plan)
    for sheet in book.worksheets:
        _fit_rows(sheet)
        _print_setup(sheet)
    book.properties.title = printable(workshop.title)
    book.properties.creator = "Parcours"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _SheetNames:
    """Sheet names Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique;
    a longer name is shortened at a word."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", printable(wanted))
        base = re.sub(r"\s+", " ", base).strip(" '") or "Sheet"
        name, number = _shorten(base, _SHEET_NAME_MAX), 1
        while name.casefold() in self._taken:
            number += 1
            suffix = f" ({number})"
            name = _shorten(base, _SHEET_NAME_MAX - len(suffix)) + suffix
        self._taken.add(name.casefold())
        return name


def _shorten(text: str, size: int) -> str:
    """``text`` in at most ``size`` characters, cut after a whole word when it is longer."""
    if len(text) <= size:
        return text
    cut = text[: size + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > size // 3 else text[:size]
    return kept.rstrip(" ,;:-–·'") or text[:size]


def _put(
    sheet: Worksheet, row: int, column: int, value: tables.Value, font: Font = _NORMAL
) -> Cell:
    """Write ``value``: text as a string cell (never a formula, whatever it starts with)."""
    target = sheet.cell(row=row, column=column)
    assert isinstance(target, Cell), "never written inside a merged range"
    if isinstance(value, str):
        target.value = printable(value)
        target.data_type = "s"
    else:
        target.value = value
    target.font = font
    return target


def _overview(sheet: Worksheet, workshop: Workshop, options: Options, words: Words) -> None:
    _put(sheet, 1, 1, workshop.title, _TITLE)
    _put(sheet, 2, 1, words("report") + (f" · {options.date}" if options.date else ""), _MUTED)
    figures = words(
        "summary",
        personas=len(workshop.personas),
        stages=len(workshop.stages),
        notes=len(workshop.notes),
        people=len(workshop.participants),
    )
    _put(sheet, 3, 1, figures)
    row = 4
    if options.anonymise:
        _put(sheet, row, 1, words("anonymised"), _MUTED)
        row += 1
    if options.private and any(n.hidden for n in workshop.notes.values()):
        _put(sheet, row, 1, words("private.included"), _MUTED)
        row += 1
    row += 1
    _put(sheet, row, 1, words("channels"), _BOLD)
    for channel in CHANNELS:
        row += 1
        _put(sheet, row, 1, words(f"channel.{channel}")).fill = fill(
            palette.channel_colour(channel)
        )
    row += 2
    _put(sheet, row, 1, words("participants"), _BOLD)
    _put(sheet, row, 2, words("role"), _BOLD)
    for person in workshop.participants.values():
        row += 1
        _put(sheet, row, 1, person.name)
        _put(sheet, row, 2, words(f"role.{person.role}"))
    _synthesis(sheet, workshop, options, row + 2)
    for column, width in zip("ABCDEFGH", (36, 24, 22, 22, 40, 22, 22, 22), strict=True):
        sheet.column_dimensions[column].width = width


def _synthesis(sheet: Worksheet, workshop: Workshop, options: Options, row: int) -> None:
    """The report's one-page synthesis, its tables as cells (the same content as the PDF's)."""
    section = document.build(workshop, options).sections[0]
    _put(sheet, row, 1, section.title, _TITLE)
    row += 1
    for block in section.blocks:
        match block:
            case document.Heading():
                row += 1
                _put(sheet, row, 1, block.text, _BOLD)
                row += 1
            case document.Para():
                _put(sheet, row, 1, block.text, _MUTED)
                row += 1
            case document.Table():
                head = [
                    document.Cell(h, bold=True, fill=palette.HEADER) for h in block.header or []
                ]
                for values in [*([head] if head else []), *block.rows]:
                    for column, value in enumerate(values, start=1):
                        font = Font(
                            name=FONT,
                            size=SIZE,
                            bold=value.bold,
                            color="FF" + (value.ink or palette.INK).lstrip("#"),
                        )
                        target = _put(sheet, row, column, value.text, font)
                        target.alignment = _WRAP
                        target.border = _BOX
                        if value.fill:
                            target.fill = fill(value.fill)
                    row += 1


def _journey(sheet: Worksheet, workshop: Workshop, persona: Persona, words: Words) -> None:
    last = len(workshop.stages) + 1
    _put(sheet, 1, 1, f"{persona.emoji} {persona.name}".strip(), _TITLE)
    if persona.tagline:
        _put(sheet, 2, 1, persona.tagline, _MUTED)
    _put(sheet, 3, 1, words("lane"))
    for column, stage in enumerate(workshop.stages, start=2):
        _put(sheet, 3, column, stage.title)
    for column in range(1, last + 1):
        head = sheet.cell(row=3, column=column)
        head.font = _BOLD
        head.fill = fill(palette.HEADER)
        head.alignment = _WRAP
        head.border = _BOX
    people = {p.id: p.name for p in workshop.participants.values()}
    row = 4
    for lane in workshop.lanes:
        cells = [cell_notes(workshop, persona.id, s.id, lane.id) for s in workshop.stages]
        height = max([1, *(len(c) for c in cells)])
        label = _put(sheet, row, 1, words.lane(lane), _BOLD)
        label.alignment = _WRAP
        label.border = _BOX
        if height > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row + height - 1, end_column=1)
        for column, found in enumerate(cells, start=2):
            for offset, note in enumerate(found):
                text = note.text
                details = words.details(note, people)
                if details:
                    text += "\n— " + " · ".join(details)
                target = _put(sheet, row + offset, column, text)
                target.fill = fill(palette.channel_colour(note.channel))
                target.alignment = _WRAP
                target.border = _BOX
        row += height
    row += 1
    row = _curve(sheet, workshop, persona, words, row)
    row += 1
    for field in PERSONA_FIELDS:
        text = getattr(persona, field)
        if not text:
            continue
        _put(sheet, row, 1, words(f"field.{field}"), _BOLD).alignment = _WRAP
        _put(sheet, row, 2, text).alignment = _WRAP
        if last > 2:
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        row += 1
    _chart(sheet, workshop, persona, words, row + 1)
    sheet.column_dimensions["A"].width = 22
    for column in range(2, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 30
    sheet.freeze_panes = "B4"
    sheet.print_title_rows = "3:3"


_CURVE_ROWS = ("curve.value", "median", "min", "max", "fixed", "target.curve")


def _curve(sheet: Worksheet, workshop: Workshop, persona: Persona, words: Words, row: int) -> int:
    """The curve's figures per stage: the value drawn, the room's median, min and max, the
    facilitator's value, the target curve's value; returns the row after them. The chart's data
    is the first row and the last."""
    _put(sheet, row, 1, words("curve"), _BOLD)
    for column, stage in enumerate(workshop.stages, start=2):
        _put(sheet, row, column, stage.title, _BOLD).alignment = _WRAP
    for offset, key in enumerate(_CURVE_ROWS, start=1):
        _put(sheet, row + offset, 1, words(key).capitalize() if key == "fixed" else words(key))
    goal = summary.curve(workshop, persona.id, target=True)
    for column, point in enumerate(summary.curve(workshop, persona.id), start=2):
        emotion = workshop.emotions.get(f"{persona.id}:{point.stage}")
        ratings = list(emotion.ratings.values()) if emotion else []
        room = float(statistics.median(ratings)) if ratings else None
        fixed = emotion.fixed if emotion else None
        figures = (point.value, room, point.low, point.high, fixed, goal[column - 2].value)
        for offset, value in enumerate(figures, start=1):
            _put(sheet, row + offset, column, value)
    return row + len(_CURVE_ROWS) + 1


def _chart(sheet: Worksheet, workshop: Workshop, persona: Persona, words: Words, at: int) -> None:
    """A line chart of the curve (straight segments, no smoothing that would overshoot)."""
    points = summary.curve(workshop, persona.id)
    if not any(p.value is not None for p in points):
        return
    data_row = next(
        r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == words("curve.value")
    )
    chart = LineChart()
    chart.title = words("curve")
    chart.y_axis.scaling.min = -2
    chart.y_axis.scaling.max = 2
    chart.y_axis.majorUnit = 1
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # stage names under the plot, not across it at 0
    chart.y_axis.number_format = "+0;-0;0"
    chart.legend = None
    chart.height = 7
    chart.width = max(14, round(4.5 * len(points)))
    last = len(points) + 1
    target_row = data_row + len(_CURVE_ROWS) - 1
    rows = [data_row]
    if summary.has_target(workshop, persona.id):
        rows.append(target_row)
        chart.legend = Legend()
        chart.legend.position = "b"
    for row in rows:
        data = Reference(sheet, min_col=1, max_col=last, min_row=row, max_row=row)
        chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, max_col=last, min_row=data_row - 1))
    for index, series in enumerate(chart.series):
        series.smooth = False
        series.graphicalProperties.line.solidFill = (palette.CURVE, palette.TARGET)[index][1:]
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.marker = Marker(symbol="square" if index else "circle", size=7)
        series.marker.graphicalProperties = None
        if index:  # the target curve, dashed as on the board
            series.graphicalProperties.line.dashStyle = "dash"
    sheet.add_chart(chart, f"B{at}")


def _table(sheet: Worksheet, table: tables.Table) -> None:
    for column, title in enumerate(table.header, start=1):
        head = _put(sheet, 1, column, title, _BOLD)
        head.fill = fill(palette.HEADER)
        head.alignment = _WRAP
    for row, values in enumerate(table.rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value).alignment = _WRAP
    for row, colour in enumerate(table.fills, start=2):
        if colour is not None:
            sheet.cell(row=row, column=table.fill_column + 1).fill = fill(colour)
    for column, title in enumerate(table.header, start=1):
        longest = max(
            [len(w) for w in title.split()]
            + [min(len(str(r[column - 1] or "")), 50) for r in table.rows[:300]]
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(45, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _scenarios(sheet: Worksheet, workshop: Workshop, words: Words) -> None:
    """One column per scenario, its checklist down the rows (it prints on a page's width)."""
    table = tables.scenarios(workshop, words)
    _put(sheet, 1, 1, words("scenarios.one"), _BOLD).fill = fill(palette.HEADER)
    labels = table.header[1:]
    for row, label in enumerate(labels, start=2):
        _put(sheet, row, 1, label, _BOLD).alignment = _WRAP
    for column, values in enumerate(table.rows, start=2):
        head = _put(sheet, 1, column, values[0], _BOLD)
        head.fill = fill(palette.HEADER)
        head.alignment = _WRAP
        for row, value in enumerate(values[1:], start=2):
            _put(sheet, row, column, value).alignment = _WRAP
    sheet.column_dimensions["A"].width = 28
    for column in range(2, len(table.rows) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 45
    sheet.freeze_panes = "B2"
    sheet.print_title_rows = "1:1"
    if not table.rows:
        _put(sheet, 1, 2, words("scenarios.none"), _MUTED)
    assert len(labels) == 3 + len(SCENARIO_FIELDS) + 7


def _width(sheet: Worksheet, column: int) -> float:
    width = sheet.column_dimensions[get_column_letter(column)].width
    return float(width) if width else 8.43


def _fit_rows(sheet: Worksheet) -> None:
    """Give every row the height of its tallest wrapped text (Excel and LibreOffice do not
    measure rows of a file they open)."""
    spans: dict[tuple[int, int], float] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        width = sum(_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
        if merged.min_row == merged.max_row:
            spans[(merged.min_row, merged.min_col)] = width
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if merged.min_row != merged.max_row or (r, c) != (merged.min_row, merged.min_col):
                    covered.add((r, c))
    for row in sheet.iter_rows():
        lines = 1
        tallest = float(SIZE)
        for target in row:
            if not isinstance(target.value, str) or (target.row, target.column) in covered:
                continue
            size = float(target.font.sz or SIZE) if target.font else SIZE
            tallest = max(tallest, size)
            if not (target.alignment and target.alignment.wrap_text):
                continue
            width = spans.get((target.row, target.column), _width(sheet, target.column))
            per_line = max(1, int((width - 1) * CHARS_PER_WIDTH * SIZE / size))
            count = sum(max(1, math.ceil(len(p) / per_line)) for p in target.value.split("\n"))
            lines = max(lines, count)
        number = row[0].row
        if number is not None and (lines > 1 or tallest > SIZE):
            sheet.row_dimensions[number].height = round(lines * LINE_HEIGHT * tallest / SIZE + 3, 2)


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, one page wide (as many tall as needed), page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    properties = sheet.sheet_properties.pageSetUpPr
    if properties is None:
        properties = sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    properties.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    footer = sheet.oddFooter
    if footer is not None:
        footer.left.text = "&A"
        footer.right.text = "&P / &N"
