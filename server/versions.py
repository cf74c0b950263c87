"""Saving a version now: the one entry point for phase changes, agenda steps and the facilitator.

``await save_now(room, "step", label="Vote")`` keeps the board of ``room`` as it is at this
moment (its replica is at ``room.seq``), with a description (``sessions.versions``). Saving is
outside the commit: a version that fails to save is logged, and the workshop goes on.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from server.store import Store
from sessions import versions
from sessions.model import Workshop
from sessions.protocol import encoder


class Room(Protocol):
    """What saving needs of a room (``server.rooms.Room`` has it; naming the class here would
    make the two modules import each other)."""

    id: str
    seq: int
    workshop: Workshop
    store: Store


log = logging.getLogger("parcours.versions")


async def save_now(
    room: Room, reason: versions.Reason, label: str = ""
) -> versions.VersionInfo | None:
    """Keep ``room``'s board as a version; its description (None if the workshop is gone)."""
    board = encoder.encode(versions.board_of(room.workshop))  # now, before any await
    seq = room.seq
    workshop = room.workshop
    info = versions.describe(
        workshop, version_id="", at=time.time(), seq=seq, reason=reason, label=label
    )
    found = await room.store.save_version(room.id, encoder.encode(info), board)
    if found is None:
        return None
    info.id = found
    return info


async def save_quietly(room: Room, reason: versions.Reason, label: str = "") -> None:
    """:func:`save_now` for automatic versions: a failure is logged, never raised."""
    try:
        await save_now(room, reason, label)
    except Exception:
        log.warning("version of workshop %s not saved", room.id, exc_info=True)
