"""Size limits of a workshop and the constrained types that carry them into the protocol.

A value that decodes into one of these types is already within bounds: the domain never sees
an oversized text, a malformed id or a negative index.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from sessions import errors

FRAME_MAX = 64 * 1024
NOTE_TEXT_MAX = 500
NAME_MAX = 60
TITLE_MAX = 80
WORKSHOP_TITLE_MAX = 120
MAX_NOTES = 2000
MAX_STAGES = 12
MIN_STAGES = 1
MAX_PARTICIPANTS = 1000
MAX_OBJECTIVES = 50
MAX_ROUND_ITEMS = 100
MAX_PERSONAS = 12
MAX_LANES = 10
SHEET_TEXT_MAX = 2000
FACT_MAX = 80
"""Of one short fact of a persona (age, family situation, job, city)."""
MAX_ROADMAP_ITEMS = 300
MAX_SCENARIOS = 60
MAX_MOMENTS = 120
MAX_CAMPAIGNS = 8
MAX_ITEM_NOTES = 20
MAX_STEPS = 20
MAX_GROUPS = 40
MAX_PLAN_ROWS = 200
MAX_ROW_SOURCES = 20
PLAN_FIELD_MAX = 200
"""Longest target segment, frequency or trigger of a plan row."""

# Anchored with \Z: msgspec matches with Python's re, where $ also matches before a final "\n".
OpId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.:-]{1,64}\Z")]
ItemId = Annotated[str, Meta(pattern=r"^[a-z][0-9]{1,9}\Z")]
WorkshopId = Annotated[str, Meta(pattern=r"^[a-z0-9]{6,32}\Z")]
Token = Annotated[str, Meta(min_length=1, max_length=128)]
NoteText = Annotated[str, Meta(max_length=NOTE_TEXT_MAX)]
Title = Annotated[str, Meta(min_length=1, max_length=TITLE_MAX)]
Name = Annotated[str, Meta(min_length=1, max_length=NAME_MAX)]
Index = Annotated[int, Meta(ge=0, le=100_000)]
Seq = Annotated[int, Meta(ge=0)]
SheetText = Annotated[str, Meta(max_length=SHEET_TEXT_MAX)]
Emoji = Annotated[str, Meta(max_length=16)]
PHOTO_PATTERN = r"^[0-9a-f]{32}\Z"
"""A photo reference: the first 32 hex digits of the sha256 of the stored JPEG."""
Rating = Annotated[int, Meta(ge=-2, le=2)]
Score = Annotated[int, Meta(ge=1, le=5)]
Quarter = Annotated[int, Meta(ge=0, le=7)]
Scale = Annotated[float, Meta(ge=1, le=5)]
Month = Annotated[int, Meta(ge=1, le=12)]
PlanText = Annotated[str, Meta(max_length=PLAN_FIELD_MAX)]


def tidy_title(text: str) -> str:
    """A title with its runs of white space folded; InvalidCommand when nothing is left."""
    tidied = " ".join(text.split())
    if not tidied:
        raise errors.InvalidCommand("A title needs at least one visible character.")
    return tidied
