"""The layout of one persona's journey: the grid of notes, the emotion curve under it, a legend.

Columns are stages, rows are lanes, each note a box of its channel's colour. The curve runs from
-2 (bottom) to +2 (top), one point per stage at the column's centre, the room's spread drawn as
a bar behind each point; a filled dot is a value set by the facilitator, a hollow one the
room's median. ``Scene.breaks`` lists where a page may be cut (between lanes) and ``Scene.head``
the band of stage titles to repeat on each page.
"""

from __future__ import annotations

from server.export import palette
from server.export.scene import Dot, Label, Line, Rect, Scene, font, wrap
from server.export.words import Words
from sessions import summary
from sessions.model import CHANNELS, Persona, Workshop, cell_notes

MARGIN = 24
LABEL_WIDTH = 160
COLUMN_WIDTH = 220
PAD = 8
GAP = 6
HEAD_SIZE = 13
NOTE_SIZE = 12
CURVE_HEIGHT = 150


def scene(workshop: Workshop, persona: Persona, words: Words) -> Scene:
    """The journey of ``persona`` laid out as shapes and text."""
    columns = max(1, len(workshop.stages))
    width = 2 * MARGIN + LABEL_WIDTH + columns * COLUMN_WIDTH
    left = MARGIN + LABEL_WIDTH
    drawn = Scene(width=width, height=0, title=words("journey", persona=persona.name))
    items = drawn.items
    title = f"{persona.emoji} {persona.name}".strip()
    items.append(Label(MARGIN, MARGIN + 20, [title], 20, bold=True))
    items.append(Label(MARGIN, MARGIN + 44, [workshop.title], 12, colour=palette.MUTED))
    top = MARGIN + 60
    drawn.breaks.append(top)

    heads = [wrap(s.title, COLUMN_WIDTH - 2 * PAD, HEAD_SIZE, bold=True) for s in workshop.stages]
    head_height = max([1, *(len(h) for h in heads)]) * 18 + 2 * PAD
    items.append(Rect(MARGIN, top, width - 2 * MARGIN, head_height, palette.HEADER))
    for index, lines in enumerate(heads):
        x = left + index * COLUMN_WIDTH + PAD
        items.append(Label(x, top + PAD + HEAD_SIZE, lines, HEAD_SIZE, bold=True))
    _separators(drawn, top, top + head_height, left, columns)
    y: float = top + head_height
    drawn.head = (top, y)
    drawn.breaks.append(y)

    for lane in workshop.lanes:
        label = wrap(words.lane(lane), LABEL_WIDTH - 2 * PAD, HEAD_SIZE, bold=True)
        cells = [
            [
                (wrap(n.text, COLUMN_WIDTH - 4 * PAD, NOTE_SIZE), n.channel)
                for n in cell_notes(workshop, persona.id, stage.id, lane.id)
            ]
            for stage in workshop.stages
        ]
        fullest = max([0.0, *(sum(_note_height(t) + GAP for t, _ in cell) for cell in cells)])
        lane_height = max(48.0, len(label) * 18 + 2 * PAD, fullest + 2 * PAD - GAP)
        items.append(Label(MARGIN + PAD, y + PAD + HEAD_SIZE, label, HEAD_SIZE, bold=True))
        for index, cell in enumerate(cells):
            x = left + index * COLUMN_WIDTH + PAD
            note_y = y + PAD
            for lines, channel in cell:
                height = _note_height(lines)
                colour = palette.channel_colour(channel)
                items.append(Rect(x, note_y, COLUMN_WIDTH - 2 * PAD, height, colour, radius=4))
                items.append(Label(x + PAD, note_y + PAD + NOTE_SIZE, lines, NOTE_SIZE))
                note_y += height + GAP
        _separators(drawn, y, y + lane_height, left, columns)
        y += lane_height
        drawn.breaks.append(y)

    right = left + columns * COLUMN_WIDTH
    items.append(Line([(MARGIN, y), (right, y)], palette.LINE))
    y = curve(drawn, workshop, persona, words, y + 12, left)
    drawn.breaks.append(y)
    y = _legend(drawn, workshop, persona, words, y + 12)
    drawn.height = y + MARGIN
    drawn.breaks.append(drawn.height)
    return drawn


def curve_scene(workshop: Workshop, persona: Persona, words: Words) -> Scene:
    """The emotion curve alone, one column per stage and nothing on the left (to sit under a
    table's stage columns)."""
    width = max(1, len(workshop.stages)) * COLUMN_WIDTH
    drawn = Scene(width=width, height=CURVE_HEIGHT, title=words("curve"))
    curve(drawn, workshop, persona, words, 0, 0, labelled=False)
    return drawn


def _note_height(lines: list[str]) -> float:
    return len(lines) * round(NOTE_SIZE * 1.35) + 2 * PAD - 2


def _separators(drawn: Scene, top: float, bottom: float, left: float, columns: int) -> None:
    """The grid's lines of one band, all starting at its top (so that a page can end below)."""
    right = left + columns * COLUMN_WIDTH
    drawn.items.append(Line([(MARGIN, top), (right, top)], palette.LINE))
    for index in range(columns + 1):
        x = left + index * COLUMN_WIDTH
        drawn.items.append(Line([(x, top), (x, bottom)], palette.LINE))


def curve(
    drawn: Scene,
    workshop: Workshop,
    persona: Persona,
    words: Words,
    top: float,
    left: float,
    labelled: bool = True,
) -> float:
    """Draw the emotion curve of ``persona`` from ``top``; returns the bottom of the band."""
    items = drawn.items
    if labelled:
        title = wrap(words("curve"), LABEL_WIDTH - 2 * PAD, HEAD_SIZE, bold=True)
        items.append(Label(MARGIN + PAD, top + 18, title, HEAD_SIZE, bold=True))
    band = CURVE_HEIGHT - 24
    right = left + max(1, len(workshop.stages)) * COLUMN_WIDTH

    def level(value: float) -> float:
        return top + 12 + (2 - value) / 4 * band

    for value in (-2, -1, 0, 1, 2):
        y = level(value)
        items.append(Line([(left, y), (right, y)], palette.LINE, dashed=value != 0))
        label = f"{value:+d}" if value else "0"
        items.append(Label(left + 3, y - 3, [label], 9, colour=palette.MUTED))
    points = summary.curve(workshop, persona.id)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(points):
        x = left + (index + 0.5) * COLUMN_WIDTH
        if point.low is not None and point.high is not None and point.high > point.low:
            spread = level(point.low) - level(point.high)
            items.append(Rect(x - 4, level(point.high), 8, spread, "#FECACA", radius=3))
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append((x, level(point.value)))
    for run in runs:
        if len(run) > 1:
            items.append(Line(run, palette.CURVE, width=3))
    for index, point in enumerate(points):
        if point.value is None:
            continue
        x, y = left + (index + 0.5) * COLUMN_WIDTH, level(point.value)
        items.append(Dot(x, y, 5, palette.CURVE if point.fixed else "#FFFFFF", palette.CURVE))
        text = f"{point.value:+.1f}" if point.value else "0"
        items.append(Label(x + 9, y - 7, [text], 10, colour=palette.CURVE))
    if all(p.value is None for p in points):
        message = [words("curve.none")]
        items.append(Label(left + 3 * PAD, level(0) - 8, message, 12, colour=palette.MUTED))
    return top + CURVE_HEIGHT


def _legend(drawn: Scene, workshop: Workshop, persona: Persona, words: Words, top: float) -> float:
    """The channels this journey uses, with their colours."""
    used = {n.channel for n in workshop.notes.values() if n.persona == persona.id}
    x, y = float(MARGIN), top
    for channel in CHANNELS:
        if channel not in used:
            continue
        text = words(f"channel.{channel}")
        span = 20 + font(11).getlength(text) + 18
        if x + span > drawn.width - MARGIN:
            x, y = MARGIN, y + 22
        drawn.items.append(Rect(x, y, 14, 14, palette.channel_colour(channel), palette.MUTED, 3))
        drawn.items.append(Label(x + 20, y + 11, [text], 11, colour=palette.MUTED))
        x += span
    return y + 14
