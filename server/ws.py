"""One websocket: origin check, hello, welcome (snapshot or missed entries), then read and write.

The reader turns each text frame into a command for the room; a frame that does not decode, or
a command the domain refuses, gets an ``error`` message and the connection stays open. The
writer drains the socket's mailbox. When either ends, the TaskGroup cancels the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time

import msgspec
from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.context import Context
from server.mailbox import Mailbox
from server.rooms import Member, Room, RoomGone
from sessions import errors, views
from sessions.protocol import (
    PROTOCOL_VERSION,
    Ack,
    Command,
    Error,
    Hello,
    HistoryShown,
    OpId,
    Ping,
    Pong,
    Welcome,
    You,
    client_decoder,
    encoder,
)
from sessions.rules import Actor

log = logging.getLogger("parcours.ws")

_FLOOD_STRIKES = 50
"""Rate refusals within one hold past which a socket is closed: it does not wait when told to."""
# msgspec raises RecursionError, not DecodeError, for objects nested thousands deep in a field.
_UNDECODABLE = (msgspec.ValidationError, msgspec.DecodeError, RecursionError)


class _OpOnly(msgspec.Struct):
    op_id: OpId | None = None


_op_only = msgspec.json.Decoder(_OpOnly)
_PONG = encoder.encode(Pong()).decode()


def _op_id_of(text: str) -> str | None:
    """The op id of a frame we refuse, when it has a valid one: the sender settles or resends."""
    try:
        return _op_only.decode(text).op_id
    except _UNDECODABLE:
        return None


class _Bucket:
    """A token bucket: ``rate`` messages a second, bursts up to ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def origin_allowed(ctx: Context, ws: WebSocket) -> bool:
    origin = ws.headers.get("origin")
    if not origin:
        return False
    if ctx.settings.allowed_origins:
        return origin in ctx.settings.allowed_origins
    host = ws.headers.get("host", "")
    scheme = "https" if ws.url.scheme == "wss" else "http"
    return bool(host) and origin == f"{scheme}://{host}"


def _error(code: str, message: str, op_id: str | None = None, retry_ms: int | None = None) -> str:
    return encoder.encode(
        Error(code=code, message=message, op_id=op_id, retry_ms=retry_ms)
    ).decode()


HOLD_MS = 1000
"""After a ``rate`` refusal a socket is held this long: its commands are refused too, and the
browser keeps every change for at least as long before sending them all again in order. So a
busy server meets one refusal per socket and second instead of one per change, and a change
refused never lands after a later one that got through (a note ends where it was last put)."""

_BUSY_HEAD, _BUSY_TAIL = _error(
    "rate",
    "The board is busy: this change was not saved yet and will be sent again.",
    "@",
    HOLD_MS,
).split('"@"')


def _busy(op_id: str) -> str:
    """The refusal of an overloaded room, made without an encoder (an op id is plain ASCII)."""
    return _BUSY_HEAD + '"' + op_id + '"' + _BUSY_TAIL


async def endpoint(ws: WebSocket) -> None:
    ctx: Context = ws.app.state.ctx
    if not origin_allowed(ctx, ws):
        await ws.close(code=1008)  # before accept: the handshake is answered 403
        return
    address = ws.client.host if ws.client else "?"
    if not ctx.caps.take(address):
        await ws.accept()
        await ws.close(code=1008, reason="too many connections from this address")
        return
    try:
        await ws.accept()
        await _session(ctx, ws)
    except WebSocketDisconnect:
        pass
    except RedisError as exc:  # before the session began: Redis is down or restarting
        log.warning("socket refused, Redis unavailable: %s", exc)
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.send_text(_error("unavailable", "The board cannot be reached right now."))
            await ws.close(code=1013, reason="try again later")
    finally:
        ctx.caps.give_back(address)


async def _session(ctx: Context, ws: WebSocket) -> None:
    hello = await _hello(ctx, ws)
    if hello is None:
        return
    participant_id = await ctx.store.who_holds(hello.workshop, hello.token)
    room = await ctx.hub.room(hello.workshop) if participant_id else None
    if room is None or participant_id is None:
        await ws.send_text(
            _error("not_found", "This workshop does not exist, or this link is not valid for it.")
        )
        await ws.close(code=4404, reason="workshop not found")
        return
    person = room.workshop.participants.get(participant_id)
    if person is None:
        await ws.send_text(_error("forbidden", "This link is no longer valid for this workshop."))
        await ws.close(code=4403, reason="unknown participant")
        return
    if hello.last_seq is not None and hello.last_seq > room.seq:
        await room.catch_up()  # another process is ahead of this replica
    if hello.last_seq is not None and hello.epoch == room.epoch:
        await room.backfill(hello.last_seq)
    mailbox = Mailbox()
    member = Member(
        conn=secrets.token_hex(8), participant=person.id, role=person.role, mailbox=mailbox
    )
    code = await ctx.store.code_of(room.id) if person.role == "facilitator" else None
    you = You(id=person.id, name=person.name, role=person.role)
    if room.gone:
        await ws.close(code=4410, reason="workshop deleted")
        return
    mailbox.put(_welcome(room, hello, you, code))
    room.join(member)
    # The reader runs in this coroutine and the writer in one task: no TaskGroup and one task
    # less per socket (idle sockets are most of a process's memory).
    writer = asyncio.create_task(_write(ws, mailbox))
    session = asyncio.current_task()
    assert session is not None
    writer.add_done_callback(lambda done: _writer_ended(done, session))
    try:
        await _read(ctx, ws, room, Actor(person.id, person.role), mailbox, writer)
        await asyncio.wait([writer])
    except asyncio.CancelledError:
        failed = _failure(writer)
        if failed is None:
            raise
        session.uncancel()
        raise failed from None
    finally:
        writer.cancel()
        room.leave(member)
    failed = _failure(writer)
    if failed is not None:
        raise failed


def _failure(writer: asyncio.Task[None]) -> BaseException | None:
    """What the writer died of, if it died of an error (not of its end or a cancel)."""
    if not writer.done() or writer.cancelled():
        return None
    return writer.exception()


def _writer_ended(writer: asyncio.Task[None], session: asyncio.Task[object]) -> None:
    """A writer that died of an error ends the session at once (the reader is waiting)."""
    if _failure(writer) is not None:
        session.cancel()


def _welcome(room: Room, hello: Hello, you: You, code: str | None) -> str:
    """Built synchronously with joining the room, so no entry falls between the two."""
    raws = None
    if hello.epoch == room.epoch and hello.last_seq is not None and hello.last_seq <= room.seq:
        raws = room.entries_after(hello.last_seq)
    if raws is not None:
        welcome = Welcome(
            protocol=PROTOCOL_VERSION,
            seq=room.seq,
            epoch=room.epoch,
            you=you,
            code=code,
            history=_history(room, you.id),
        )
        head = encoder.encode(welcome)[:-1].decode()
        shown = [room.seen_by(raw, you.id) for raw in raws]
        return head + ',"entries":[' + ",".join(shown) + "]}"
    welcome = Welcome(
        protocol=PROTOCOL_VERSION,
        seq=room.seq,
        epoch=room.epoch,
        you=you,
        snapshot=views.redact_workshop(room.workshop, you.id, you.role == "facilitator"),
        code=code,
        history=_history(room, you.id),
    )
    return encoder.encode(welcome).decode()


def _history(room: Room, person: str) -> HistoryShown:
    stack = room.workshop.history.get(person)
    return (
        HistoryShown(undo=len(stack.undo), redo=len(stack.redo))
        if stack
        else HistoryShown(undo=0, redo=0)
    )


async def _hello(ctx: Context, ws: WebSocket) -> Hello | None:
    try:
        async with asyncio.timeout(ctx.settings.hello_timeout):
            text = await ws.receive_text()
    except TimeoutError:
        await ws.close(code=1008, reason="no hello")
        return None
    except KeyError:  # a binary frame
        await ws.close(code=1003, reason="text frames only")
        return None
    try:
        message = client_decoder.decode(text)
    except _UNDECODABLE as exc:
        await ws.send_text(_error("invalid", f"The hello message is not valid: {exc}"))
        await ws.close(code=1008, reason="bad hello")
        return None
    if not isinstance(message, Hello):
        await ws.send_text(_error("invalid", "Say hello first."))
        await ws.close(code=1008, reason="no hello")
        return None
    if message.protocol != PROTOCOL_VERSION:
        await ws.send_text(
            _error("protocol", "This page is out of date: reload it to get the new version.")
        )
        await ws.close(code=4400, reason="protocol version")
        return None
    return message


async def _write(ws: WebSocket, mailbox: Mailbox) -> None:
    try:
        while (frame := await mailbox.get()) is not None:
            await ws.send_text(frame)
    except WebSocketDisconnect:
        return  # gone mid-send; the reader gets the disconnect and ends the session
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await ws.close(code=mailbox.close_code, reason=mailbox.close_reason)


async def _read(
    ctx: Context,
    ws: WebSocket,
    room: Room,
    actor: Actor,
    mailbox: Mailbox,
    writer: asyncio.Task[None],
) -> None:
    bucket = _Bucket(ctx.settings.messages_per_second, ctx.settings.message_burst)
    strikes = 0
    held = 0.0
    """Until when (monotonic) this socket's commands are refused, after a ``rate``."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            writer.cancel()
            return
        text = message.get("text")
        if text is None:
            mailbox.put(_error("invalid", "Send JSON text frames, not binary ones."))
            continue
        if held and time.monotonic() >= held:
            held, strikes = 0.0, 0
        if not bucket.take():
            strikes += 1  # refusals within one hold: a browser sends at most its window (16)
            if strikes >= _FLOOD_STRIKES:
                mailbox.close(1008, "too many messages")
                return
            held = held or time.monotonic() + HOLD_MS / 1000
            mailbox.put(
                _error(
                    "rate",
                    "Too many changes at once: slow down a little.",
                    _op_id_of(text),
                    HOLD_MS,
                )
            )
            continue
        if (held or not room.admits()) and (op_id := _op_id_of(text)) is not None:
            # Never decided: it changed nothing, and comes again after the hold, in order.
            if held:
                room.admission.refused += 1
            else:
                held = time.monotonic() + HOLD_MS / 1000
            mailbox.put(_busy(op_id))
            continue
        try:
            command = client_decoder.decode(text)
        except _UNDECODABLE as exc:
            mailbox.put(_error("invalid", f"This message is not valid: {exc}", _op_id_of(text)))
            continue
        if isinstance(command, Hello):
            mailbox.put(_error("invalid", "Hello was already said on this connection."))
            continue
        if isinstance(command, Ping):
            mailbox.put(_PONG)
            continue
        _submit(room, actor, command, mailbox)


def _submit(room: Room, actor: Actor, command: Command, mailbox: Mailbox) -> None:
    op_id = command.op_id
    done = room.submit(actor, command)

    def answer(result: asyncio.Future[int]) -> None:
        exc = result.exception()
        if exc is None:
            mailbox.put(encoder.encode(Ack(op_id=op_id, seq=result.result())).decode())
        elif isinstance(exc, errors.DomainError):
            mailbox.put(_error(exc.code, exc.message, op_id))
        elif isinstance(exc, RoomGone):
            mailbox.close(4404, "workshop not found")
        elif isinstance(exc, (RedisError, OSError)):
            mailbox.put(
                _error(
                    "unavailable",
                    "The board cannot save right now; this change was not saved and will be "
                    "sent again.",
                    op_id,
                )
            )
        else:
            log.error("unexpected failure on op %s", op_id, exc_info=exc)
            mailbox.close(1011, "internal error")

    done.add_done_callback(answer)
