"""CSV of the notes, of the roadmap or of the animation plan: UTF-8 with a BOM, so that Excel
reads the accents.

In French the separator is ``;`` and decimals use a comma, as a French Excel expects; in English
``,`` and a dot. Every text cell is neutralised against formula injection.
"""

from __future__ import annotations

import csv
import io

from server.export import tables
from server.export.options import Options
from server.export.text import cell
from server.export.words import Words
from sessions.model import Workshop

TABLES = ("notes", "roadmap", "plan")


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    words = Words(options.lang)
    table = {"roadmap": tables.roadmap, "plan": tables.plan}.get(part or "", tables.notes)(
        workshop, words
    )
    french = options.lang == "fr"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow([_value(v, french) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _value(value: tables.Value, french: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return cell(value)
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if french else text
    return str(value)
