"""The SVG and PNG pictures of each persona's journey (one file per persona)."""

from __future__ import annotations

from server.export import journey, scene
from server.export.options import Options
from server.export.words import Words
from sessions.model import Persona, Workshop


def render_svg(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    drawn = journey.scene(workshop, _persona(workshop, part), Words(options.lang))
    return scene.to_svg(drawn).encode()


def render_png(workshop: Workshop, options: Options, part: str | None = None) -> bytes:
    return scene.to_png(journey.scene(workshop, _persona(workshop, part), Words(options.lang)))


def _persona(workshop: Workshop, part: str | None) -> Persona:
    for persona in workshop.personas:
        if persona.id == part:
            return persona
    raise KeyError(part)
