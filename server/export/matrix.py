"""The roadmap's impact x effort matrix: each scored item a numbered dot coloured by its class.

Effort runs left (light) to right (heavy), impact bottom (weak) to top (strong), both 1 to 5
with half a point of room on each side (so that no dot sits on the frame); dashed lines mark
the workshop's own classification thresholds (``Workshop.rules``, which the facilitator can
move): the quick-win corner, and the real-impact line below which an item has no class. A waow
is told by its buzz score, not by its place, so it has no zone. Items at the same
place are spread around it so that every number stays readable. The numbers are the items'
order in ``numbered`` (the order of the roadmap), which the reports list beside the chart.
"""

from __future__ import annotations

import math

from server.export import palette
from server.export.scene import Dot, Label, Line, Rect, Scene
from server.export.words import Words
from sessions import summary
from sessions.model import RoadmapItem, Workshop

WIDTH = 560
HEIGHT = 420
LEFT = 56
TOP = 24
PLOT_W = WIDTH - LEFT - 24
PLOT_H = HEIGHT - TOP - 56
LOW, HIGH = 0.5, 5.5
SPAN = HIGH - LOW


def numbered(workshop: Workshop) -> list[tuple[int, RoadmapItem]]:
    return list(enumerate(workshop.roadmap.values(), start=1))


def scene(workshop: Workshop, words: Words) -> Scene:
    drawn = Scene(width=WIDTH, height=HEIGHT, title=words("matrix"))
    items = drawn.items

    def at(effort: float, impact: float) -> tuple[float, float]:
        return LEFT + (effort - LOW) / SPAN * PLOT_W, TOP + (HIGH - impact) / SPAN * PLOT_H

    items.append(Rect(LEFT, TOP, PLOT_W, PLOT_H, "#FFFFFF", palette.LINE))
    for value in range(1, 6):
        x, y = at(value, value)
        items.append(
            Label(x, TOP + PLOT_H + 16, [str(value)], 11, colour=palette.MUTED, anchor="middle")
        )
        items.append(Label(LEFT - 8, y + 4, [str(value)], 11, colour=palette.MUTED, anchor="end"))
    thresholds = workshop.rules
    x_cut, y_cut = at(thresholds.light, thresholds.strong)
    y_real = at(thresholds.light, thresholds.real)[1]
    items.append(Line([(x_cut, TOP), (x_cut, y_cut)], palette.MUTED, dashed=True))
    items.append(Line([(LEFT, y_cut), (x_cut, y_cut)], palette.MUTED, dashed=True))
    items.append(Line([(LEFT, y_real), (LEFT + PLOT_W, y_real)], palette.MUTED, dashed=True))
    for kind, x, y in (
        ("quick_win", LEFT + 6, TOP + 16),
        ("nice_to_have", x_cut + 6, TOP + 16),
    ):
        colour = palette.CLASS_COLOURS[kind]
        items.append(Label(x, y, [words(f"class.{kind}")], 11, bold=True, colour=colour))
    weak = words("class.weak")
    items.append(Label(LEFT + 6, TOP + PLOT_H - 8, [weak], 11, bold=True, colour=palette.MUTED))
    effort_label = f"{words('effort')} →"
    impact_label = f"↑ {words('criterion.impact')}"
    items.append(Label(LEFT + PLOT_W / 2 - 30, HEIGHT - 14, [effort_label], 12, bold=True))
    items.append(Label(4, TOP - 8, [impact_label], 12, bold=True))

    crowd: dict[tuple[float, float], int] = {}
    for number, item in numbered(workshop):
        placed = summary.position(item)
        if placed is None:
            continue
        x, y = at(*placed)
        seen = crowd.get(placed, 0)
        crowd[placed] = seen + 1
        if seen:
            angle = seen * 2 * math.pi / 6
            ring = 16 * (1 + (seen - 1) // 6)
            x, y = x + ring * math.cos(angle), y + ring * math.sin(angle)
        kind = summary.roadmap_class(item, workshop.rules) or ""
        colour = palette.class_colour(kind)
        items.append(Dot(x, y, 10, colour, "#FFFFFF"))
        items.append(
            Label(x, y + 4, [str(number)], 11, bold=True, colour="#FFFFFF", anchor="middle")
        )
    return drawn
