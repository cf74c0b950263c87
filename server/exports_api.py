"""HTTP routes of the exports: download a workshop in any format, import a JSON snapshot.

``GET /api/workshops/{workshop}/export/{format}?lang=en|fr&anonymise=1&private=1&part=ID&version=V``
(``format`` ``pack`` for the whole restitution in one zip; ``version``: one the facilitator saved,
see ``server/keeping_api.py``) needs the facilitator's token in
``Authorization: Bearer <token>``. The workshop is read from the store
(snapshot plus log: no lock, so nobody editing delays it) and rendered in a worker thread, at
most ``RENDERS_AT_ONCE`` at a time per process, so that sockets keep being served meanwhile.

``POST /api/import`` takes a snapshot file as the body and answers like ``POST /api/workshops``.
"""

from __future__ import annotations

import asyncio
from typing import Literal
from urllib.parse import quote

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import export
from server.api import problem
from server.context import Context, limiter
from server.export import transfer
from server.export.words import Words
from server.keeping_api import version_board
from sessions import snapshot, versions
from sessions.model import Workshop

RENDERS_AT_ONCE = 2
IMPORT_MAX = 16 * 1024 * 1024


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _error_lang(request: Request, workshop: Workshop | None = None) -> Literal["en", "fr"]:
    """The language of an error message: the one asked for, else the workshop's, else the
    browser's."""
    asked = request.query_params.get("lang", "")
    if asked in ("en", "fr"):
        return "fr" if asked == "fr" else "en"
    if workshop is not None:
        return "fr" if workshop.lang == "fr" else "en"
    accepted = request.headers.get("accept-language", "").strip().lower()
    return "fr" if accepted.startswith("fr") else "en"


async def export_workshop(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    workshop_id = request.path_params["workshop"]
    fmt = export.FORMATS.get(request.path_params["format"])
    words = Words(_error_lang(request))
    if fmt is None:
        known = ", ".join(export.FORMATS)
        return problem("not_found", words("error.format", known=known), 404)
    lang = request.query_params.get("lang", "")
    if lang not in ("", "en", "fr"):
        return problem("invalid", words("error.lang"), 400)
    token = _bearer(request)
    if token is None:
        return problem("forbidden", words("error.token"), 403)
    holder = await ctx.store.who_holds(workshop_id, token)
    loaded = await ctx.store.load(workshop_id) if holder else None
    if loaded is None:
        return problem("forbidden", words("error.access"), 403)
    words = Words(_error_lang(request, loaded.workshop))
    person = loaded.workshop.participants.get(holder or "")
    if person is None or person.role != "facilitator":
        return problem("forbidden", words("error.role"), 403)
    workshop = versions.board_of(loaded.workshop)
    if version_id := request.query_params.get("version"):
        found = await version_board(ctx.store, workshop_id, version_id)
        if found is None:
            return problem("not_found", words("error.version"), 404)
        workshop = found
    chosen: Literal["en", "fr"] = "fr" if (lang or workshop.lang) == "fr" else "en"
    yes = ("1", "true", "yes")
    options = export.Options(
        lang=chosen,
        anonymise=request.query_params.get("anonymise", "") in yes,
        private=request.query_params.get("private", "") in yes,
        exported_at=transfer.now(),
        photos=await _photos(ctx, workshop_id, workshop),
    )
    part = request.query_params.get("part") or None
    if part is not None and (fmt.parts is None or part not in fmt.parts(workshop)):
        return problem("not_found", words("error.part", part=repr(part), format=fmt.name), 404)
    async with limiter(request, "export_limiter", RENDERS_AT_ONCE):
        body, name, media = await asyncio.to_thread(_render, workshop, fmt, options, part)
    return Response(
        body,
        media_type=media,
        headers={
            "content-disposition": _attachment(name),
            "cache-control": "no-store",
        },
    )


async def _photos(ctx: Context, workshop_id: str, workshop: Workshop) -> dict[str, bytes]:
    """The photos the report shows (none to fetch when no persona has one)."""
    if not any(p.photo for p in workshop.personas):
        return {}
    return await ctx.store.photos(workshop_id)


def _render(
    workshop: Workshop, fmt: export.Format, options: export.Options, part: str | None
) -> tuple[bytes, str, str]:
    if fmt.parts is not None and part is None:
        name = export.file_name(workshop, fmt).rsplit(".", 1)[0] + f"-{fmt.name}.zip"
        return export.bundle(workshop, fmt, options), name, "application/zip"
    return (
        export.export(workshop, fmt, options, part),
        export.file_name(workshop, fmt, part),
        (fmt.media_type),
    )


def _attachment(name: str) -> str:
    plain = name.encode("ascii", "replace").decode().replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


async def import_workshop(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > IMPORT_MAX:
            return problem("too_large", f"A snapshot has at most {IMPORT_MAX // 2**20} MB.", 413)
    try:
        workshop, carried = await asyncio.to_thread(
            transfer.readied, bytes(raw), transfer.new_workshop_id()
        )
    except snapshot.InvalidSnapshot as exc:
        return problem(exc.code, exc.message, 400)
    created = await transfer.create(ctx.store, workshop, carried)
    return Response(
        msgspec.json.encode(created.links()),
        status_code=201,
        media_type="application/json",
        headers={"cache-control": "no-store"},
    )


routes = [
    Route("/api/workshops/{workshop}/export/{format}", export_workshop, methods=["GET"]),
    Route("/api/import", import_workshop, methods=["POST"]),
]
"""What ``server/app.py`` adds to its routes: ``*exports_api.routes``."""
