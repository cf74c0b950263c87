"""HTTP routes: create a workshop, join one by code, templates, QR codes, health."""

from __future__ import annotations

import io
import secrets
from typing import Annotated, Literal, TypeVar

import msgspec
import segno
from msgspec import Meta
from starlette.requests import Request
from starlette.responses import Response

from server.context import Context
from server.store import new_token
from sessions import errors, templates
from sessions.protocol import NAME_MAX, WORKSHOP_TITLE_MAX, ParticipantSaved
from sessions.rules import Actor, Join

_T = TypeVar("_T")
_BODY_MAX = 16 * 1024


class CreateRequest(msgspec.Struct, kw_only=True):
    title: Annotated[str, Meta(min_length=1, max_length=WORKSHOP_TITLE_MAX)]
    template: Annotated[str, Meta(max_length=64)] = "blank"
    lang: Literal["en", "fr"] = "en"
    name: Annotated[str, Meta(max_length=NAME_MAX)] = ""


class JoinRequest(msgspec.Struct, kw_only=True):
    code: Annotated[str, Meta(min_length=1, max_length=32)]
    name: Annotated[str, Meta(min_length=1, max_length=NAME_MAX)]


def _json(body: object, status: int = 200) -> Response:
    return Response(
        msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers={"cache-control": "no-store"},
    )


def problem(code: str, message: str, status: int) -> Response:
    return _json({"code": code, "message": message}, status)


async def _body(request: Request, kind: type[_T]) -> _T | Response:
    raw = await request.body()
    if len(raw) > _BODY_MAX:
        return problem("too_large", "This request is too large.", 413)
    try:
        return msgspec.json.decode(raw, type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return problem("invalid", f"This request is not valid: {exc}", 400)


class SaveTemplateRequest(msgspec.Struct, kw_only=True):
    label: Annotated[str, Meta(min_length=1, max_length=WORKSHOP_TITLE_MAX)]


_template_decoder = msgspec.json.Decoder(templates.Template)


async def list_templates(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    lang: Literal["en", "fr"] = "fr" if request.query_params.get("lang") == "fr" else "en"
    found = templates.catalog(lang)
    saved = await ctx.store.saved_templates()
    for template_id, raw in sorted(saved.items(), key=lambda kv: kv[0]):
        label = _template_decoder.decode(raw).label.pick(lang)
        found.append({"name": f"saved:{template_id}", "label": f"★ {label}"})
    return _json(found)


async def _template(ctx: Context, name: str) -> templates.Template:
    if name.startswith("saved:"):
        raw = await ctx.store.saved_template(name.removeprefix("saved:"))
        if raw is None:
            raise errors.NotFound("This saved template no longer exists.")
        return _template_decoder.decode(raw)
    return templates.load(name)


def bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def save_template(request: Request) -> Response:
    """A facilitator saves the current workshop as a template everyone can start from."""
    ctx: Context = request.app.state.ctx
    workshop_id = request.path_params["workshop"]
    token = bearer(request)
    holder = await ctx.store.who_holds(workshop_id, token) if token else None
    room = await ctx.hub.room(workshop_id) if holder else None
    person = room.workshop.participants.get(holder or "") if room else None
    if room is None or person is None or person.role != "facilitator":
        return problem(
            "forbidden", "Only this workshop's facilitator can save it as a template.", 403
        )
    body = await _body(request, SaveTemplateRequest)
    if isinstance(body, Response):
        return body
    template = templates.capture(room.workshop, " ".join(body.label.split()))
    template_id = secrets.token_hex(4)
    await ctx.store.save_template(template_id, msgspec.json.encode(template))
    return _json({"name": f"saved:{template_id}", "label": template.label.en}, 201)


async def create_workshop(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    body = await _body(request, CreateRequest)
    if isinstance(body, Response):
        return body
    title = " ".join(body.title.split())
    if not title:
        return problem("invalid", "Please give the workshop a title.", 400)
    facilitator = " ".join(body.name.split()) or (
        "Animateur" if body.lang == "fr" else "Facilitator"
    )
    workshop_id = secrets.token_hex(5)
    try:
        template = await _template(ctx, body.template)
        workshop = templates.build_from(template, body.lang, workshop_id, title, facilitator)
    except errors.DomainError as exc:
        return problem(exc.code, exc.message, 400)
    token = new_token()
    code = await ctx.store.create(workshop, token)
    return _json(
        {
            "workshop": workshop_id,
            "code": code,
            "token": token,
            "board": f"/w/{workshop_id}#k={token}",
            "join": f"/j/{code}",
        },
        201,
    )


async def join_workshop(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    address = request.client.host if request.client else "?"
    if ctx.wrong_codes.too_many(address):
        return problem("rate", "Too many wrong codes: wait a minute, then try again.", 429)
    body = await _body(request, JoinRequest)
    if isinstance(body, Response):
        return body
    workshop_id = await ctx.store.find_code(body.code)
    room = await ctx.hub.room(workshop_id) if workshop_id else None
    if room is None:
        ctx.wrong_codes.add(address)
        return problem(
            "not_found", "No workshop has this code: check it with your facilitator.", 404
        )
    system = Actor(id="system", role="facilitator")
    try:
        seq = await room.submit(system, Join(op_id=f"join-{secrets.token_hex(8)}", name=body.name))
    except errors.DomainError as exc:
        return problem(exc.code, exc.message, 400)
    participant = next(
        (event.participant for event in room.events_at(seq) if isinstance(event, ParticipantSaved)),
        None,
    )
    if participant is None:  # pragma: no cover - the join was just committed at seq
        return problem("unavailable", "Joining failed: please try again.", 503)
    token = new_token()
    await ctx.store.grant(workshop_id or "", token, participant.id)
    return _json({"workshop": room.id, "token": token, "participant": participant.id})


async def join_qr(request: Request) -> Response:
    code = request.path_params["code"]
    if not code.isalnum() or len(code) > 16:
        return problem("invalid", "Not a join code.", 400)
    url = str(request.url_for("page_join", code=code.upper()))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#1b1f24")
    return Response(out.getvalue(), media_type="image/svg+xml")


async def health(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    try:
        await ctx.store.ping()
    except Exception:
        return problem("unavailable", "Redis does not answer.", 503)
    admission = ctx.hub.admission
    return _json(
        {
            "ok": True,
            "rooms": len(ctx.hub.rooms),
            "waiting": admission.waiting,  # commits waiting (see server/rooms.py Admission)
            "refused": admission.refused,  # commands refused as `rate` since the start
        }
    )
