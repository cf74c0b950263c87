"""What user text must go through before it lands in a file: control characters, formulas, names."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (formula injection)."""


def printable(text: str) -> str:
    """``text`` without the control characters that XML, xlsx and PDF refuse. Tabs and
    newlines stay; a carriage return becomes a newline."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def neutralise(text: str) -> str:
    """A spreadsheet cell that can never run: a leading ``'`` before a formula-like start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(text: str) -> str:
    """User text as a spreadsheet cell (CSV or xlsx): control characters dropped (tabs, line
    breaks and carriage returns stay), then neutralised."""
    return neutralise(_CONTROL.sub("", text))


def slug(title: str, fallback: str = "workshop") -> str:
    """A file-name-safe, ASCII version of a title: ``Été 2026 !`` -> ``ete-2026``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:60].strip("-") or fallback
