"""The JSON snapshot (the format lives in ``sessions.snapshot``; see ``docs/export.md``)."""

from __future__ import annotations

from server.export.options import Options
from sessions import snapshot
from sessions.model import Workshop


def render(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    return snapshot.dump(workshop, options.exported_at, options.photos)
