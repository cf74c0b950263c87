"""The bundled DejaVu Sans fonts (see LICENSE), for the PDF and PNG exports.

DejaVu covers Latin, Greek, Cyrillic and many symbols, not emoji: :func:`drawable` drops the
characters it has no glyph for, so that a PDF or PNG never shows an empty box.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fontTools.ttLib import TTFont

FOLDER = Path(__file__).resolve().parent
REGULAR = FOLDER / "DejaVuSans.ttf"
BOLD = FOLDER / "DejaVuSans-Bold.ttf"


@functools.cache
def glyphs() -> frozenset[int]:
    """Code points the regular font draws (the bold one covers the same set)."""
    with TTFont(REGULAR, lazy=True) as font:
        return frozenset(font.getBestCmap())


_SEPARATORS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))
"""Line and paragraph separators other than ``\n``: Raqm's layout fails on some (U+2029,
U+0085), and a label's lines are already split."""


def drawable(text: str) -> str:
    """``text`` without the characters the font cannot draw (line breaks stay; other line and
    paragraph separators become spaces)."""
    known = glyphs()
    kept = "".join(c for c in text.translate(_SEPARATORS) if ord(c) in known or c == "\n")
    return kept.replace("\u200d", "")
