"""Colours shared by every export: one per channel (a sticky note's colour), one per class.

The channel colours are read from the board's own stylesheet, ``board/static/css/channels.css``:
one source of truth, so a note has the same colour on the board, in its legend and in every
file made from it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sessions.model import CHANNELS

CHANNELS_CSS = Path(__file__).resolve().parents[2] / "board" / "static" / "css" / "channels.css"


@functools.cache
def _channels() -> dict[str, tuple[str, str]]:
    """channel -> (fill, edge), as written in ``channels.css``."""
    css = CHANNELS_CSS.read_text(encoding="utf-8")
    found = dict(re.findall(r"--ch-([a-z]+(?:-edge)?):\s*(#[0-9a-fA-F]{6})", css))
    return {c: (found[c].upper(), found[f"{c}-edge"].upper()) for c in CHANNELS}


CLASS_COLOURS: dict[str, str] = {
    "quick_win": "#15803D",
    "must_have": "#1D4ED8",
    "nice_to_have": "#6D28D9",
    "waow": "#BE185D",
}
"""Solid class colours, the board's (``board.css``, ``.class-badge``): white text on each is
above 4.5:1 (WCAG AA), in print too."""

CLASS_TINTS: dict[str, str] = {
    "quick_win": "#DCFCE7",
    "must_have": "#DBEAFE",
    "nice_to_have": "#EDE9FE",
    "waow": "#FCE7F3",
}
"""Light tints of the class colours, for filled cells with dark text (spreadsheets)."""

INK = "#1B1F24"
MUTED = "#57606A"
LINE = "#D0D7DE"
HEADER = "#F3F4F6"
CURVE = "#DC2626"
TARGET = "#6D28D9"
"""The target journey's curve, drawn dashed over today's."""
SPREAD = "#FECACA"
UNCLASSED = "#4B5563"
UNCLASSED_TINT = "#F3F4F6"
PRIVATE = "#B91C1C"
HEAT = "#9A3412"
"""The heatmap's darkest shade (many notes)."""


def channel_colour(channel: str) -> str:
    """The note fill of ``channel`` (white for an unknown one)."""
    pair = _channels().get(channel)
    return pair[0] if pair else "#FFFFFF"


def channel_edge(channel: str) -> str:
    """The darker edge of ``channel``'s notes and legend chip."""
    pair = _channels().get(channel)
    return pair[1] if pair else MUTED


def class_colour(kind: str | None) -> str:
    return CLASS_COLOURS.get(kind or "", UNCLASSED)


def class_tint(kind: str | None) -> str:
    return CLASS_TINTS.get(kind or "", UNCLASSED_TINT)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as an (r, g, b) triple."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(colour: str, weight: float, base: str = "#FFFFFF") -> str:
    """``colour`` mixed into ``base``: 0 gives ``base``, 1 gives ``colour`` (heatmap shades)."""
    a, b = rgb(colour), rgb(base)
    parts = (round(b[i] + (a[i] - b[i]) * weight) for i in range(3))
    return "#" + "".join(f"{p:02X}" for p in parts)
