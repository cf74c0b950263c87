"""HTTP routes of persona photos (``server/photos.py`` checks and re-encodes them).

- ``POST /api/workshops/{w}/personas/{p}/photo``  body: the image file itself; the facilitator's
  ``Authorization: Bearer`` token. Answers ``{"photo": ref, "seq": n}`` once the persona's
  ``photo`` is set by a committed ``persona.edit`` (every board shows it from that event).
- ``GET /w/{w}/photos/{ref}``  the JPEG, same origin only, cached for good (a reference is the
  hash of its bytes). No token: knowing the reference means having read the workshop.

Removing a photo is ``persona.edit`` with ``field: "photo"`` and an empty value, on the socket.
"""

from __future__ import annotations

import asyncio
import re
import secrets

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from server import photos
from server.api import _json, bearer, problem
from server.context import Context, limiter
from server.store import PHOTOS_KEEP
from sessions import errors
from sessions.commands import EditPersona
from sessions.rules import Actor

DECODES_AT_ONCE = 2
_WORKSHOP = re.compile(r"^[a-z0-9]{6,32}\Z")
_STATUS = {"forbidden": 403, "not_found": 404, "locked": 423}


def _too_large() -> Response:
    limit = photos.UPLOAD_MAX // (1024 * 1024)
    return problem("too_large", f"This photo is over {limit} MB: send a smaller one.", 413)


async def _read(request: Request) -> bytes | None:
    """The body, or None as soon as it is over ``photos.UPLOAD_MAX``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > photos.UPLOAD_MAX:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > photos.UPLOAD_MAX:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    workshop_id = request.path_params["workshop"]
    persona_id = request.path_params["persona"]
    token = bearer(request)
    holder = await ctx.store.who_holds(workshop_id, token) if token else None
    room = await ctx.hub.room(workshop_id) if holder else None
    person = room.workshop.participants.get(holder or "") if room else None
    if room is None or person is None:
        return problem("forbidden", "This link does not open this workshop.", 403)
    if person.role != "facilitator":
        return problem("forbidden", "Only the facilitator can change a persona's photo.", 403)
    if not any(p.id == persona_id for p in room.workshop.personas):
        return problem("not_found", "This persona no longer exists.", 404)
    try:
        raw = await _read(request)
    except ClientDisconnect:
        return problem("invalid", "The upload was cut short.", 400)
    if raw is None:
        return _too_large()
    async with limiter(request, "photo_limiter", DECODES_AT_ONCE):
        try:
            ref, jpeg = await asyncio.to_thread(photos.prepare, raw)
        except photos.PhotoRefused as refused:
            return problem(
                refused.code, refused.message, 413 if refused.code == "too_large" else 400
            )
    kept = await ctx.store.save_photo(workshop_id, ref, jpeg)
    if kept == "missing":
        return problem("not_found", "This workshop no longer exists.", 404)
    if kept == "full":
        return problem("limit", f"A workshop keeps at most {PHOTOS_KEEP} photos.", 400)
    command = EditPersona(
        op_id=f"photo-{secrets.token_hex(8)}", persona=persona_id, field="photo", value=ref
    )
    try:
        seq = await room.submit(Actor(id=person.id, role=person.role), command)
    except errors.DomainError as exc:
        return problem(exc.code, exc.message, _STATUS.get(exc.code, 400))
    return _json({"photo": ref, "seq": seq})


async def serve(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    workshop_id = request.path_params["workshop"]
    ref = request.path_params["ref"]
    if not _WORKSHOP.match(workshop_id) or not photos.is_ref(ref):
        return problem("not_found", "There is no such photo.", 404)
    etag = f'"{ref}"'
    cached = {
        "cache-control": "private, max-age=31536000, immutable",
        "etag": etag,
        "cross-origin-resource-policy": "same-origin",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=cached)
    jpeg = await ctx.store.photo(workshop_id, ref)
    if jpeg is None:
        return problem("not_found", "There is no such photo.", 404)
    return Response(jpeg, media_type="image/jpeg", headers=cached)


routes = [
    Route("/api/workshops/{workshop}/personas/{persona}/photo", upload, methods=["POST"]),
    Route("/w/{workshop}/photos/{ref}", serve, methods=["GET"]),
]
"""What ``server/app.py`` adds to its routes: ``*photos_api.routes``."""
