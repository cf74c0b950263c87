"""The layout of one persona's journey: the grid of notes, the emotion curve as its last row, a
legend.

Columns are stages, rows are lanes, each note a box of its channel's colour with its author and
tags under the text (a private note not yet revealed, when asked for, is framed in red and
says so). The curve is a row of the same grid: -2 (bottom) to +2 (top), one point per stage at
the column's centre, the room's spread drawn as a bar behind each point, the value written in
a strip at the bottom of its column (where no line crosses it); a filled dot is a value set by
the facilitator, a hollow one the room's median.

``Scene.breaks`` lists where a page may be cut: between lanes, and inside a lane between notes
(where no note of any column is cut), so that a lane taller than a page continues on the next
one; ``Scene.head`` is the band of stage titles to repeat on each page, ``Scene.bands`` the lane
names to repeat when a page starts inside a lane.
"""

from __future__ import annotations

from server.export import palette
from server.export.scene import Dot, Label, Line, Rect, Scene, font, wrap
from server.export.words import Words
from sessions import summary
from sessions.model import CHANNELS, Note, Persona, Workshop, cell_notes

MARGIN = 24
LABEL_WIDTH = 160
COLUMN_WIDTH = 220
MIN_COLUMN = 92
PAD = 8
GAP = 6
HEAD_SIZE = 13
NOTE_SIZE = 12
SMALL_SIZE = 12
"""The smallest text of a journey: the PDF draws it at 7 pt or more (``pdf.JOURNEY_WIDTH``)."""
CURVE_HEIGHT = 170
STRIP = 26
"""The band at the bottom of the curve row where each stage's value is written."""


def scene(
    workshop: Workshop,
    persona: Persona,
    words: Words,
    width: float | None = None,
    authors: bool = True,
) -> Scene:
    """The journey of ``persona`` laid out as shapes and text; ``width`` fits the columns to a
    given total width (the PDF's page) instead of ``COLUMN_WIDTH`` each."""
    columns = max(1, len(workshop.stages))
    column: float = COLUMN_WIDTH
    if width is not None:
        column = max(MIN_COLUMN, (width - 2 * MARGIN - LABEL_WIDTH) / columns)
    total = 2 * MARGIN + LABEL_WIDTH + columns * column
    left = MARGIN + LABEL_WIDTH
    drawn = Scene(width=total, height=0, title=words("journey", persona=persona.name))
    items = drawn.items
    title = f"{persona.emoji} {persona.name}".strip()
    items.append(Label(MARGIN, MARGIN + 20, [title], 20, bold=True))
    items.append(Label(MARGIN, MARGIN + 44, [workshop.title], SMALL_SIZE, colour=palette.MUTED))
    top = MARGIN + 60
    drawn.breaks.append(top)

    heads = [wrap(s.title, column - 2 * PAD, HEAD_SIZE, bold=True) for s in workshop.stages]
    head_height = max([1, *(len(h) for h in heads)]) * 18 + 2 * PAD
    items.append(Rect(MARGIN, top, total - 2 * MARGIN, head_height, palette.HEADER))
    for index, lines in enumerate(heads):
        x = left + index * column + PAD
        items.append(Label(x, top + PAD + HEAD_SIZE, lines, HEAD_SIZE, bold=True))
    _separators(drawn, top, top + head_height, left, columns, column)
    y: float = top + head_height
    drawn.head = (top, y)
    drawn.breaks.append(y)
    people = {p.id: p.name for p in workshop.participants.values()}

    for lane in workshop.lanes:
        label = wrap(words.lane(lane), LABEL_WIDTH - 2 * PAD, HEAD_SIZE, bold=True)
        cells = [
            [
                _note(n, column, words, people if authors else {})
                for n in cell_notes(workshop, persona.id, stage.id, lane.id)
            ]
            for stage in workshop.stages
        ]
        fullest = max([0.0, *(sum(_height(t, m) + GAP for t, m, _ in cell) for cell in cells)])
        label_height = len(label) * 18 + 2 * PAD
        lane_height = max(48.0, label_height, fullest + 2 * PAD - GAP)
        name = Label(MARGIN + PAD, y + PAD + HEAD_SIZE, label, HEAD_SIZE, bold=True)
        items.append(name)
        spans: list[tuple[float, float]] = []
        for index, cell in enumerate(cells):
            x = left + index * column + PAD
            note_y = y + PAD
            for lines, meta, note in cell:
                height = _height(lines, meta)
                colour = palette.channel_colour(note.channel)
                stroke = palette.PRIVATE if note.hidden else None
                items.append(Rect(x, note_y, column - 2 * PAD, height, colour, stroke, radius=4))
                items.append(Label(x + PAD, note_y + PAD + NOTE_SIZE, lines, NOTE_SIZE))
                if meta:
                    below = note_y + PAD + NOTE_SIZE + len(lines) * round(NOTE_SIZE * 1.35)
                    tint = palette.PRIVATE if note.hidden else palette.MUTED
                    items.append(Label(x + PAD, below, meta, SMALL_SIZE, colour=tint))
                spans.append((note_y, note_y + height))
                note_y += height + GAP
        bottom = y + lane_height
        inside = sorted(
            {
                b + GAP / 2
                for _, b in spans
                if y + label_height < b + GAP / 2 < bottom - PAD
                and not any(t < b + GAP / 2 < e for t, e in spans)
            }
        )
        drawn.breaks.extend(inside)
        if inside:
            drawn.bands.append((y, bottom, name))
        _separators(drawn, y, bottom, left, columns, column)
        y = bottom
        drawn.breaks.append(y)

    y = curve(drawn, workshop, persona, words, y, left, column)
    right = left + columns * column
    items.append(Line([(MARGIN, y), (right, y)], palette.LINE))
    drawn.breaks.append(y)
    y = _legend(drawn, workshop, persona, words, y + 14)
    drawn.height = y + MARGIN
    drawn.breaks.append(drawn.height)
    return drawn


def _note(
    note: Note, column: float, words: Words, people: dict[str, str]
) -> tuple[list[str], list[str], Note]:
    """A note's wrapped text and the wrapped line under it (author, tags, private mark)."""
    inner = column - 4 * PAD
    details = words.details(note, people)
    meta = wrap(" · ".join(details), inner, SMALL_SIZE) if details else []
    return wrap(note.text, inner, NOTE_SIZE), meta, note


def curve_scene(workshop: Workshop, persona: Persona, words: Words) -> Scene:
    """The emotion curve alone, one column per stage and nothing on the left (to sit under a
    table's stage columns)."""
    width = max(1, len(workshop.stages)) * COLUMN_WIDTH
    drawn = Scene(width=width, height=CURVE_HEIGHT, title=words("curve"))
    curve(drawn, workshop, persona, words, 0, 0, COLUMN_WIDTH, labelled=False)
    return drawn


def _height(lines: list[str], meta: list[str]) -> float:
    return (len(lines) + len(meta)) * round(NOTE_SIZE * 1.35) + 2 * PAD - 2


def _separators(
    drawn: Scene, top: float, bottom: float, left: float, columns: int, column: float
) -> None:
    """The grid's lines of one band (vertical lines are cut with the page when it ends
    inside the band)."""
    right = left + columns * column
    drawn.items.append(Line([(MARGIN, top), (right, top)], palette.LINE))
    for index in range(columns + 1):
        x = left + index * column
        drawn.items.append(Line([(x, top), (x, bottom)], palette.LINE))


def curve(
    drawn: Scene,
    workshop: Workshop,
    persona: Persona,
    words: Words,
    top: float,
    left: float,
    column: float,
    labelled: bool = True,
) -> float:
    """Draw the emotion curve of ``persona`` as a band from ``top``, with its target curve
    dashed over it when there is one; returns its bottom."""
    items = drawn.items
    columns = max(1, len(workshop.stages))
    right = left + columns * column
    bottom = top + CURVE_HEIGHT
    if labelled:
        title = wrap(words("curve"), LABEL_WIDTH - 2 * PAD - 28, HEAD_SIZE, bold=True)
        items.append(Label(MARGIN + PAD, top + PAD + HEAD_SIZE, title, HEAD_SIZE, bold=True))
        _separators(drawn, top, bottom, left, columns, column)
    plot_top, plot_bottom = top + 18, bottom - STRIP - 10

    def level(value: float) -> float:
        return plot_top + (2 - value) / 4 * (plot_bottom - plot_top)

    for value in (-2, -1, 0, 1, 2):
        y = level(value)
        items.append(Line([(left, y), (right, y)], palette.LINE, dashed=value != 0))
        label = [f"{value:+d}" if value else "0"]
        if labelled:
            items.append(
                Label(left - 6, y + 4, label, SMALL_SIZE, colour=palette.MUTED, anchor="end")
            )
        else:
            items.append(Label(left + 3, y - 3, label, SMALL_SIZE, colour=palette.MUTED))
    items.append(Rect(left, bottom - STRIP, right - left, STRIP, palette.HEADER))
    points = summary.curve(workshop, persona.id)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(points):
        x = left + (index + 0.5) * column
        if point.low is not None and point.high is not None and point.high > point.low:
            spread = level(point.low) - level(point.high)
            items.append(Rect(x - 4, level(point.high), 8, spread, palette.SPREAD, radius=3))
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append((x, level(point.value)))
    for run in runs:
        if len(run) > 1:
            items.append(Line(run, palette.CURVE, width=3))
    goal = summary.curve(workshop, persona.id, target=True)
    drawn_goal = [
        (left + (i + 0.5) * column, level(p.value))
        for i, p in enumerate(goal)
        if p.value is not None
    ]
    if len(drawn_goal) > 1:
        items.append(Line(drawn_goal, palette.TARGET, width=2.5, dashed=True))
    for x, y in drawn_goal:
        items.append(Rect(x - 4, y - 4, 8, 8, palette.TARGET, radius=1))
    for index, point in enumerate(points):
        x = left + (index + 0.5) * column
        aim = goal[index].value
        if point.value is not None:
            y = level(point.value)
            items.append(Dot(x, y, 5, palette.CURVE if point.fixed else "#FFFFFF", palette.CURVE))
        if point.value is None and aim is None:
            continue
        text = words.number(point.value, signed=True) if point.value is not None else "–"
        if aim is not None:
            text += f" → {words.number(aim, signed=True)}"
        items.append(
            Label(x, bottom - 9, [text], SMALL_SIZE, bold=True, colour=palette.INK, anchor="middle")
        )
    if all(p.value is None for p in points) and not drawn_goal:
        message = [words("curve.none")]
        items.append(Label(left + 3 * PAD, level(0) - 8, message, SMALL_SIZE, colour=palette.MUTED))
    return bottom


def _legend(drawn: Scene, workshop: Workshop, persona: Persona, words: Words, top: float) -> float:
    """The channels this journey uses, with their colours, and how to read the curve."""
    used = {n.channel for n in workshop.notes.values() if n.persona == persona.id}
    x, y = float(MARGIN), top
    entries: list[tuple[str, Rect | Dot]] = []
    for channel in CHANNELS:
        if channel in used:
            chip = Rect(
                0, 0, 14, 14, palette.channel_colour(channel), palette.channel_edge(channel), 3
            )
            entries.append((words(f"channel.{channel}"), chip))
    entries.append((words("fixed"), Dot(0, 0, 5, palette.CURVE, palette.CURVE)))
    entries.append((words("median.room"), Dot(0, 0, 5, "#FFFFFF", palette.CURVE)))
    if summary.has_target(workshop, persona.id):
        entries.append((words("target.curve"), Rect(0, 0, 14, 14, palette.TARGET, radius=2)))
    for text, mark in entries:
        span = 20 + font(SMALL_SIZE).getlength(text) + 18
        if x + span > drawn.width - MARGIN:
            x, y = MARGIN, y + 22
        if isinstance(mark, Rect):
            mark.x, mark.y = x, y
        else:
            mark.x, mark.y = x + 7, y + 7
        drawn.items.append(mark)
        drawn.items.append(Label(x + 20, y + 11, [text], SMALL_SIZE, colour=palette.MUTED))
        x += span
    return y + 14
