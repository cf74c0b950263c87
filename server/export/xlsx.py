"""The Excel workbook (openpyxl): an overview, a sheet per persona's journey, then the notes,
votes, roadmap and scenarios as filterable tables.

A journey sheet is the board's grid: stages as columns, lanes as rows, one note per cell filled
with its channel's colour (a lane takes as many rows as its fullest cell), then the emotion
curve as figures and as a line chart, then the persona's sheet. Every text cell is neutralised
against formula injection.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.export import palette, tables
from server.export.options import Options
from server.export.text import cell
from server.export.words import Words
from sessions import summary
from sessions.model import CHANNELS, PERSONA_FIELDS, Persona, Workshop, cell_notes

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=16)
_WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="FFD0D7DE")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_NAME_MAX = 31


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
        tables.scenarios(workshop, words),
    ):
        _table(book.create_sheet(names.take(table.name)), table)
    book.properties.title = cell(workshop.title)
    book.properties.creator = "Parcours"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _SheetNames:
    """Sheet names Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, wanted: str) -> str:
        base = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", wanted).strip(" '") or "Sheet"
        base = base[:_SHEET_NAME_MAX]
        name, number = base, 1
        while name.casefold() in self._taken:
            number += 1
            suffix = f" ({number})"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        self._taken.add(name.casefold())
        return name


def _put(sheet: Worksheet, row: int, column: int, value: tables.Value) -> None:
    target = sheet.cell(row=row, column=column)
    target.value = cell(value) if isinstance(value, str) else value


def _overview(sheet: Worksheet, workshop: Workshop, options: Options, words: Words) -> None:
    _put(sheet, 1, 1, workshop.title)
    sheet.cell(row=1, column=1).font = _TITLE
    _put(sheet, 2, 1, words("report") + (f" · {options.date}" if options.date else ""))
    _put(
        sheet,
        3,
        1,
        words(
            "summary",
            personas=len(workshop.personas),
            stages=len(workshop.stages),
            notes=len(workshop.notes),
            people=len(workshop.participants),
        ),
    )
    row = 4
    if options.anonymise:
        _put(sheet, row, 1, words("anonymised"))
        row += 1
    row += 1
    _put(sheet, row, 1, words("channels"))
    sheet.cell(row=row, column=1).font = _BOLD
    for channel in CHANNELS:
        row += 1
        _put(sheet, row, 1, words(f"channel.{channel}"))
        sheet.cell(row=row, column=1).fill = fill(palette.channel_colour(channel))
    row += 2
    _put(sheet, row, 1, words("participants"))
    _put(sheet, row, 2, words("role"))
    sheet.cell(row=row, column=1).font = _BOLD
    sheet.cell(row=row, column=2).font = _BOLD
    for person in workshop.participants.values():
        row += 1
        _put(sheet, row, 1, person.name)
        _put(sheet, row, 2, words(f"role.{person.role}"))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 16


def _journey(sheet: Worksheet, workshop: Workshop, persona: Persona, words: Words) -> None:
    last = len(workshop.stages) + 1
    _put(sheet, 1, 1, f"{persona.emoji} {persona.name}".strip())
    sheet.cell(row=1, column=1).font = _TITLE
    if persona.tagline:
        _put(sheet, 2, 1, persona.tagline)
    _put(sheet, 3, 1, words("lane"))
    for column, stage in enumerate(workshop.stages, start=2):
        _put(sheet, 3, column, stage.title)
    for column in range(1, last + 1):
        head = sheet.cell(row=3, column=column)
        head.font = _BOLD
        head.fill = fill(palette.HEADER)
        head.alignment = _WRAP
        head.border = _BOX
    row = 4
    for lane in workshop.lanes:
        cells = [cell_notes(workshop, persona.id, s.id, lane.id) for s in workshop.stages]
        height = max([1, *(len(c) for c in cells)])
        _put(sheet, row, 1, words.lane(lane))
        sheet.cell(row=row, column=1).font = _BOLD
        sheet.cell(row=row, column=1).alignment = _WRAP
        if height > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row + height - 1, end_column=1)
        for column, found in enumerate(cells, start=2):
            for offset, note in enumerate(found):
                _put(sheet, row + offset, column, note.text)
                target = sheet.cell(row=row + offset, column=column)
                target.fill = fill(palette.channel_colour(note.channel))
                target.alignment = _WRAP
                target.border = _BOX
        row += height
    row += 1
    _curve(sheet, workshop, persona, words, row)
    row += 5
    for field in PERSONA_FIELDS:
        text = getattr(persona, field)
        if not text:
            continue
        _put(sheet, row, 1, words(f"field.{field}"))
        sheet.cell(row=row, column=1).font = _BOLD
        _put(sheet, row, 2, text)
        sheet.cell(row=row, column=2).alignment = _WRAP
        if last > 2:
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        row += 1
    sheet.column_dimensions["A"].width = 18
    for column in range(2, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 30
    sheet.freeze_panes = "B4"


def _curve(sheet: Worksheet, workshop: Workshop, persona: Persona, words: Words, row: int) -> None:
    """The curve's median, min and max per stage, and a line chart of the median."""
    points = summary.curve(workshop, persona.id)
    _put(sheet, row, 1, words("curve"))
    sheet.cell(row=row, column=1).font = _BOLD
    for offset, key in enumerate(("median", "min", "max"), start=1):
        _put(sheet, row + offset, 1, words(key))
    for column, point in enumerate(points, start=2):
        _put(sheet, row, column, workshop.stages[column - 2].title)
        sheet.cell(row=row + 1, column=column).value = point.value
        sheet.cell(row=row + 2, column=column).value = point.low
        sheet.cell(row=row + 3, column=column).value = point.high
    if not any(p.value is not None for p in points):
        return
    chart = LineChart()
    chart.title = words("curve")
    chart.y_axis.scaling.min = -2
    chart.y_axis.scaling.max = 2
    chart.y_axis.majorUnit = 1
    chart.legend = None
    chart.height = 6
    chart.width = max(12, 4 * len(points))
    data = Reference(sheet, min_col=1, max_col=len(points) + 1, min_row=row + 1, max_row=row + 1)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, max_col=len(points) + 1, min_row=row))
    chart.series[0].graphicalProperties.line.solidFill = palette.CURVE.lstrip("#")
    anchor_row = row + 5 + sum(1 for f in PERSONA_FIELDS if getattr(persona, f)) + 1
    sheet.add_chart(chart, f"B{anchor_row}")


def _table(sheet: Worksheet, table: tables.Table) -> None:
    for column, title in enumerate(table.header, start=1):
        _put(sheet, 1, column, title)
        head = sheet.cell(row=1, column=column)
        head.font = _BOLD
        head.fill = fill(palette.HEADER)
    for row, values in enumerate(table.rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)
            sheet.cell(row=row, column=column).alignment = _WRAP
    _colour_rows(sheet, table)
    for column, title in enumerate(table.header, start=1):
        longest = max([len(title), *(len(str(r[column - 1] or "")) for r in table.rows[:200])])
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _colour_rows(sheet: Worksheet, table: tables.Table) -> None:
    for row, colour in enumerate(table.fills, start=2):
        if colour is not None:
            sheet.cell(row=row, column=table.fill_column + 1).fill = fill(colour)
