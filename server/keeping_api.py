"""HTTP routes of versions and deletion, for the facilitator (``Authorization: Bearer``).

- ``GET  /api/workshops/{w}/versions``                  the versions, oldest first
- ``POST /api/workshops/{w}/versions`` ``{label}``      save one now ("after the vote")
- ``GET  /api/workshops/{w}/versions/{v}``              one version: its description and board
- ``POST /api/workshops/{w}/versions/{v}/restore``      a new workshop from it (new links)
- ``DELETE /api/workshops/{w}``                         delete the workshop, every key of it

Exports of a version go through the export route with ``?version=v3``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Annotated

import msgspec
from msgspec import Meta
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import versions as saving
from server.api import _body, _json, bearer, problem
from server.export import transfer
from server.rooms import Room
from server.store import Store
from sessions.model import Workshop
from sessions.versions import VersionInfo

if TYPE_CHECKING:
    from server.context import Context

log = logging.getLogger("parcours.keeping")

RETENTION_SWEEP_SECONDS = 3600.0

_info_decoder = msgspec.json.Decoder(VersionInfo)
_board_decoder = msgspec.json.Decoder(Workshop)


class SaveVersion(msgspec.Struct, kw_only=True):
    label: Annotated[str, Meta(max_length=80)] = ""


async def _facilitator_room(request: Request) -> Room | Response:
    ctx: Context = request.app.state.ctx
    workshop_id = request.path_params["workshop"]
    token = bearer(request)
    holder = await ctx.store.who_holds(workshop_id, token) if token else None
    room = await ctx.hub.room(workshop_id) if holder else None
    person = room.workshop.participants.get(holder or "") if room else None
    if room is None or person is None or person.role != "facilitator":
        return problem("forbidden", "Only this workshop's facilitator can do this.", 403)
    return room


async def list_versions(request: Request) -> Response:
    room = await _facilitator_room(request)
    if isinstance(room, Response):
        return room
    raws = await room.store.versions(room.id)
    return _json([_info_decoder.decode(raw) for raw in raws])


async def save_version(request: Request) -> Response:
    room = await _facilitator_room(request)
    if isinstance(room, Response):
        return room
    body = await _body(request, SaveVersion)
    if isinstance(body, Response):
        return body
    info = await saving.save_now(room, "manual", body.label)
    if info is None:
        return problem("not_found", "This workshop no longer exists.", 404)
    return _json(info, 201)


async def version_board(store: Store, workshop_id: str, version_id: str) -> Workshop | None:
    """The board a version kept, or None."""
    if not version_id.startswith("v") or not version_id[1:].isdigit():
        return None
    raw = await store.version_board(workshop_id, version_id)
    return _board_decoder.decode(raw) if raw is not None else None


async def get_version(request: Request) -> Response:
    room = await _facilitator_room(request)
    if isinstance(room, Response):
        return room
    version_id = request.path_params["version"]
    board = await version_board(room.store, room.id, version_id)
    infos = [_info_decoder.decode(raw) for raw in await room.store.versions(room.id)]
    info = next((i for i in infos if i.id == version_id), None)
    if board is None or info is None:
        return problem("not_found", "This version no longer exists.", 404)
    return _json({"version": info, "workshop": board})


async def restore_version(request: Request) -> Response:
    room = await _facilitator_room(request)
    if isinstance(room, Response):
        return room
    board = await version_board(room.store, room.id, request.path_params["version"])
    if board is None:
        return problem("not_found", "This version no longer exists.", 404)
    copy = msgspec.structs.replace(board, id=transfer.new_workshop_id())
    created = await transfer.create(room.store, copy)
    await transfer.copy_photos(room.store, room.id, copy)
    return _json(created.links(), 201)


async def delete_workshop(request: Request) -> Response:
    room = await _facilitator_room(request)
    if isinstance(room, Response):
        return room
    await purge(room.store, room.id)
    return Response(status_code=204, headers={"cache-control": "no-store"})


async def purge(store: Store, workshop_id: str) -> int:
    """Delete a workshop and tell every process's open boards (close code 4410)."""
    removed = await store.delete(workshop_id)
    await store.publish(workshop_id, b"deleted")
    log.info("workshop %s deleted (%d keys)", workshop_id, removed)
    return removed


async def purge_idle(store: Store, days: float) -> list[str]:
    """Delete the workshops nobody changed for ``days`` days; their ids."""
    idle = await store.idle_since(time.time() - days * 86400)
    for workshop_id in idle:
        await purge(store, workshop_id)
    return idle


async def retention(store: Store, days: float) -> None:
    """:func:`purge_idle` every hour, until cancelled."""
    while True:
        try:
            await purge_idle(store, days)
        except Exception:
            log.warning("retention sweep failed", exc_info=True)
        await asyncio.sleep(RETENTION_SWEEP_SECONDS)


routes = [
    Route("/api/workshops/{workshop}/versions", list_versions, methods=["GET"]),
    Route("/api/workshops/{workshop}/versions", save_version, methods=["POST"]),
    Route("/api/workshops/{workshop}/versions/{version}", get_version, methods=["GET"]),
    Route(
        "/api/workshops/{workshop}/versions/{version}/restore", restore_version, methods=["POST"]
    ),
    Route("/api/workshops/{workshop}", delete_workshop, methods=["DELETE"]),
]
"""What ``server/app.py`` adds to its routes: ``*keeping_api.routes``."""
