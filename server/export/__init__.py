"""Exports of a workshop, one module per format, behind one registry.

``FORMATS[name]`` gives a :class:`Format`: its media type, its file name, and ``render``, a
function of the workshop (already anonymised when asked) and :class:`Options` that returns the
file's bytes. A format with ``parts`` makes one file per part (a CSV per table, a picture per
persona); :func:`export` renders one part, :func:`bundle` zips them all.

Renderers are synchronous, CPU-bound and pure apart from reading the bundled fonts: the HTTP
route runs them in a worker thread, on a copy of the workshop, so nobody editing waits for them
and they never wait for anybody.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from server.export import csvfile, jsonfile, pdf, picture, report, xlsx
from server.export.anonymise import anonymised, without_private
from server.export.options import Options
from server.export.text import slug
from server.export.words import Words
from sessions import views
from sessions.model import Workshop

__all__ = ["FORMATS", "Format", "Options", "bundle", "export", "file_name", "prepare"]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    media_type: str
    extension: str
    render: Callable[[Workshop, Options, str | None], bytes]
    """``render(workshop, options, part)``; ``part`` is None for single-file formats."""
    parts: Callable[[Workshop], list[str]] | None = None
    """The parts of a multi-file format (e.g. persona ids), in order."""
    description: str = ""


def _personas(workshop: Workshop) -> list[str]:
    return [persona.id for persona in workshop.personas]


def _pack(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    """The restitution pack: the report (PDF, HTML), the workbook, the CSV files, the
    pictures and the snapshot in one zip, every file made from the same copy."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for fmt in FORMATS.values():
            if fmt.name == "pack":
                continue
            for each in fmt.parts(workshop) if fmt.parts else [None]:
                archive.writestr(
                    file_name(workshop, fmt, each), fmt.render(workshop, options, each)
                )
    return out.getvalue()


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "json",
            "application/json",
            "json",
            jsonfile.render,
            description="snapshot: the whole workshop, lossless, importable",
        ),
        Format(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            xlsx.render,
            description="workbook: a sheet per journey, notes, votes, roadmap, scenarios, plan",
        ),
        Format(
            "csv",
            "text/csv; charset=utf-8",
            "csv",
            csvfile.render,
            parts=lambda _: list(csvfile.TABLES),
            description="the notes, the roadmap and the animation plan as CSV (UTF-8 with BOM)",
        ),
        Format(
            "html",
            "text/html; charset=utf-8",
            "html",
            report.render,
            description="restitution report, printable",
        ),
        Format("pdf", "application/pdf", "pdf", pdf.render, description="restitution report"),
        Format(
            "svg",
            "image/svg+xml",
            "svg",
            picture.render_svg,
            parts=_personas,
            description="picture of each journey grid with its emotion curve",
        ),
        Format(
            "png",
            "image/png",
            "png",
            picture.render_png,
            parts=_personas,
            description="picture of each journey grid with its emotion curve",
        ),
        Format(
            "pack",
            "application/zip",
            "zip",
            _pack,
            description="restitution pack: PDF, HTML, xlsx, CSV, pictures and JSON in one zip",
        ),
    )
}


def prepare(workshop: Workshop, options: Options) -> Workshop:
    """The workshop an export is made from (a copy): anonymous rounds sealed, without the private
    notes not yet revealed unless they are asked for, anonymised when asked."""
    workshop = views.sealed(workshop)
    ready = workshop if options.private else without_private(workshop)
    return anonymised(ready, Words(options.lang)) if options.anonymise else ready


def file_name(workshop: Workshop, fmt: Format, part: str | None = None) -> str:
    """``<title>.<ext>``, or ``<title>-<part>.<ext>`` (a persona part by the persona's name)."""
    base = slug(workshop.title)
    if part is None:
        return f"{base}.{fmt.extension}"
    names = {persona.id: persona.name for persona in workshop.personas}
    label = slug(names[part], fallback=part) if part in names else slug(part, fallback="part")
    return f"{base}-{label}.{fmt.extension}"


def export(workshop: Workshop, fmt: Format, options: Options, part: str | None = None) -> bytes:
    """One file of ``fmt``. Raises KeyError for a part the workshop does not have."""
    if fmt.parts is not None:
        if part is None or part not in fmt.parts(workshop):
            raise KeyError(part)
    elif part is not None:
        raise KeyError(part)
    return fmt.render(prepare(workshop, options), options, part)


def bundle(workshop: Workshop, fmt: Format, options: Options) -> bytes:
    """Every part of ``fmt`` in one zip file."""
    prepared = prepare(workshop, options)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in fmt.parts(workshop) if fmt.parts else [None]:
            name = file_name(workshop, fmt, part)
            archive.writestr(name, fmt.render(prepared, options, part))
    return out.getvalue()
