"""The browser side of Parcours: static files only (HTML, CSS, ES modules), no build step."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
