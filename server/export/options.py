"""What a person chooses when exporting."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.export.words import Lang


@dataclass(frozen=True, slots=True)
class Options:
    lang: Lang = "en"
    anonymise: bool = False
    private: bool = False
    """Include the private notes not yet revealed (each marked as such); left out otherwise."""
    exported_at: str = ""
    """When the export was made, ISO 8601 in UTC (``2026-11-26T10:00:00Z``): the caller owns the
    clock, so the same inputs always give the same bytes."""
    photos: dict[str, bytes] = field(default_factory=dict)
    """The personas' photos (reference -> JPEG) the report shows; none when left empty."""

    @property
    def date(self) -> str:
        """The day of ``exported_at`` as people write it in ``lang``."""
        day = self.exported_at[:10]
        if len(day) != 10:
            return ""
        year, month, date = day.split("-")
        return f"{date}/{month}/{year}" if self.lang == "fr" else day
