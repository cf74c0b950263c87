"""Exports and imports against the store: shared by the HTTP routes and the command line."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from server import photos
from server.store import Store, new_token
from sessions import snapshot, versions
from sessions.model import Workshop


@dataclass(frozen=True, slots=True)
class Imported:
    workshop: str
    code: str
    token: str

    def links(self) -> dict[str, str]:
        """The answer of ``POST /api/workshops``, for the imported workshop."""
        return {
            "workshop": self.workshop,
            "code": self.code,
            "token": self.token,
            "board": f"/w/{self.workshop}#k={self.token}",
            "join": f"/j/{self.code}",
        }


def now() -> str:
    """The current time as a snapshot's ``exported_at``: ISO 8601, UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_workshop_id() -> str:
    return secrets.token_hex(5)


def readied(raw: bytes, workshop_id: str) -> tuple[Workshop, dict[str, bytes]]:
    """The workshop of snapshot ``raw`` under a new id, and the photos it carries (each checked
    as one this server could have made); raises snapshot.InvalidSnapshot.

    Undo histories and the trash are not imported: they are not checked like the board is, and
    they belong to the workshop they were made in."""
    workshop, carried = snapshot.read_all(raw)
    for ref, jpeg in carried.items():
        try:
            photos.check_carried(jpeg)
        except photos.PhotoRefused as refused:
            raise snapshot.InvalidSnapshot(f"photos[{ref!r}]: {refused.message}") from None
    board = versions.board_of(workshop)
    return msgspec.structs.replace(board, id=workshop_id), carried


async def create(
    store: Store, workshop: Workshop, carried: dict[str, bytes] | None = None
) -> Imported:
    """Store ``workshop`` (already checked, under a fresh id) with a new facilitator token, and
    the photos ``carried`` (reference -> JPEG, already checked)."""
    token = new_token()
    code = await store.create(workshop, token)
    for ref, jpeg in (carried or {}).items():
        await store.save_photo(workshop.id, ref, jpeg)
    return Imported(workshop=workshop.id, code=code, token=token)


async def copy_photos(store: Store, source_id: str, workshop: Workshop) -> None:
    """Give ``workshop`` (a copy of workshop ``source_id``) the photos its personas show."""
    shown = {p.photo for p in workshop.personas if p.photo}
    for ref, jpeg in (await store.photos(source_id)).items():
        if ref in shown:
            await store.save_photo(workshop.id, ref, jpeg)


async def resolve(store: Store, reference: str) -> str | None:
    """The workshop id meant by ``reference``: an id, or a join code."""
    if await store.exists(reference):
        return reference
    return await store.find_code(reference)
