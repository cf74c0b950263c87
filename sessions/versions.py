"""Versions: the board as it stood at a moment of the workshop, kept to look at or start from.

A version is saved at each phase change (and each agenda step, by the agenda's owner), and
whenever the facilitator asks ("after the vote"). It holds the board only: people's undo
histories and the trash stay out of it. :func:`describe` says what a list of versions shows
(when, at which phase or step, how much was on the board); the store keeps the board itself.

Pure: the caller passes the time and the id.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sessions.model import Workshop

Reason = Literal["phase", "step", "manual"]
Label = Annotated[str, Meta(max_length=80)]


class VersionInfo(msgspec.Struct, kw_only=True):
    id: str
    at: float
    """Seconds since the epoch."""
    seq: int
    reason: Reason
    phase: str
    label: str = ""
    """The facilitator's words ("after the vote"), or the agenda step's title."""
    counts: dict[str, int] = msgspec.field(default_factory=dict)


def board_of(workshop: Workshop) -> Workshop:
    """What a version keeps of ``workshop``: everything on the board, no history, no trash."""
    return msgspec.structs.replace(workshop, history={}, writers={}, trash={})


def counts(workshop: Workshop) -> dict[str, int]:
    return {
        "notes": len(workshop.notes),
        "personas": len(workshop.personas),
        "roadmap": len(workshop.roadmap),
        "scenarios": len(workshop.scenarios),
        "objectives": len(workshop.objectives),
        "plan": len(workshop.plan),
        "participants": sum(1 for p in workshop.participants.values() if p.role != "facilitator"),
    }


def describe(
    workshop: Workshop, *, version_id: str, at: float, seq: int, reason: Reason, label: str = ""
) -> VersionInfo:
    """The description of a version of ``workshop`` taken at ``seq``."""
    return VersionInfo(
        id=version_id,
        at=at,
        seq=seq,
        reason=reason,
        phase=workshop.phase,
        label=" ".join(label.split())[:80],
        counts=counts(workshop),
    )
