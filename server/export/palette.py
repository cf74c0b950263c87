"""Colours shared by every export: one per channel (a sticky note's colour), one per class."""

from __future__ import annotations

CHANNEL_COLOURS: dict[str, str] = {
    "web": "#BFDBFE",
    "email": "#FDE68A",
    "chatbot": "#DDD6FE",
    "app": "#BBF7D0",
    "vr": "#FBCFE8",
    "social": "#FED7AA",
    "phone": "#A5F3FC",
    "crc": "#E5E7EB",
    "onsite": "#D9F99D",
}
"""Light tints, so that dark text on them stays readable (contrast above 10:1) in print too."""

CLASS_COLOURS: dict[str, str] = {
    "quick_win": "#16A34A",
    "must_have": "#2563EB",
    "nice_to_have": "#D97706",
    "waow": "#9333EA",
}
INK = "#1B1F24"
MUTED = "#57606A"
LINE = "#D0D7DE"
HEADER = "#F3F4F6"
CURVE = "#DC2626"
UNCLASSED = "#6B7280"


def channel_colour(channel: str) -> str:
    return CHANNEL_COLOURS.get(channel, "#FFFFFF")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as an (r, g, b) triple."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
