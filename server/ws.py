"""One board socket's session, whatever carries its frames: origin, hello, welcome (snapshot or
missed entries), then each text frame as a command for the room.

The session never waits on its socket: frames come in through :meth:`Session.on_text` and go out
through an :class:`~server.rooms.Outbox` (``put`` never blocks; ``close`` ends it). A frame that
does not decode, or a command the domain refuses, gets an ``error`` message and the connection
stays open. ``server/sockets.py`` carries the frames.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Mapping

import msgspec
from redis.exceptions import RedisError

from server.context import Context
from server.rooms import Member, Outbox, Room, RoomGone
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


def origin_allowed(ctx: Context, headers: Mapping[str, str], secure: bool) -> bool:
    """Only the board's own pages (or the origins allowed by ``--allow-origin``) may open one."""
    origin = headers.get("origin")
    if not origin:
        return False
    if ctx.settings.allowed_origins:
        return origin in ctx.settings.allowed_origins
    host = headers.get("host", "")
    scheme = "https" if secure else "http"
    return bool(host) and origin == f"{scheme}://{host}"


def error_frame(
    code: str, message: str, op_id: str | None = None, retry_ms: int | None = None
) -> str:
    return encoder.encode(
        Error(code=code, message=message, op_id=op_id, retry_ms=retry_ms)
    ).decode()


HOLD_MS = 1000
"""After a ``rate`` refusal a socket is held this long: its commands are refused too, and the
browser keeps every change for at least as long before sending them all again in order. So a
busy server meets one refusal per socket and second instead of one per change, and a change
refused never lands after a later one that got through (a note ends where it was last put)."""

_BUSY_HEAD, _BUSY_TAIL = error_frame(
    "rate",
    "The board is busy: this change was not saved yet and will be sent again.",
    "@",
    HOLD_MS,
).split('"@"')


def _busy(op_id: str) -> str:
    """The refusal of an overloaded room, made without an encoder (an op id is plain ASCII)."""
    return _BUSY_HEAD + '"' + op_id + '"' + _BUSY_TAIL


def _hello(out: Outbox, text: str | None) -> Hello | None:
    """The first frame, if it is a valid hello; otherwise ``out`` is told why and closed."""
    if text is None:
        out.close(1003, "text frames only")
        return None
    try:
        message = client_decoder.decode(text)
    except _UNDECODABLE as exc:
        out.put(error_frame("invalid", f"The hello message is not valid: {exc}"))
        out.close(1008, "bad hello")
        return None
    if not isinstance(message, Hello):
        out.put(error_frame("invalid", "Say hello first."))
        out.close(1008, "no hello")
        return None
    if message.protocol != PROTOCOL_VERSION:
        out.put(
            error_frame("protocol", "This page is out of date: reload it to get the new version.")
        )
        out.close(4400, "protocol version")
        return None
    return message


async def open_session(ctx: Context, out: Outbox, text: str | None) -> Session | None:
    """The session a hello opens: the welcome is in ``out`` and the member in its room. None
    when the hello, the workshop or the link is not valid (``out`` was told why and closed).
    Raises RedisError when Redis cannot be reached (nothing was joined)."""
    hello = _hello(out, text)
    if hello is None:
        return None
    participant_id = await ctx.store.who_holds(hello.workshop, hello.token)
    room = await ctx.hub.room(hello.workshop) if participant_id else None
    if room is None or participant_id is None:
        out.put(
            error_frame(
                "not_found", "This workshop does not exist, or this link is not valid for it."
            )
        )
        out.close(4404, "workshop not found")
        return None
    person = room.workshop.participants.get(participant_id)
    if person is None:
        out.put(error_frame("forbidden", "This link is no longer valid for this workshop."))
        out.close(4403, "unknown participant")
        return None
    if hello.last_seq is not None and hello.last_seq > room.seq:
        await room.catch_up()  # another process is ahead of this replica
    if hello.last_seq is not None and hello.epoch == room.epoch:
        await room.backfill(hello.last_seq)
    code = await ctx.store.code_of(room.id) if person.role == "facilitator" else None
    if room.gone:
        out.close(4410, "workshop deleted")
        return None
    if out.closed:  # the socket went while Redis answered
        return None
    member = Member(conn=secrets.token_hex(8), participant=person.id, role=person.role, out=out)
    out.put(_welcome(room, hello, You(id=person.id, name=person.name, role=person.role), code))
    room.join(member)  # in the same turn as the welcome: no entry falls between the two
    return Session(ctx, room, Actor(person.id, person.role), member)


class Session:
    """A joined socket: each text frame it sends becomes a command for its room, at once."""

    __slots__ = ("actor", "bucket", "held", "member", "room", "strikes")

    def __init__(self, ctx: Context, room: Room, actor: Actor, member: Member) -> None:
        self.room, self.actor, self.member = room, actor, member
        self.bucket = _Bucket(ctx.settings.messages_per_second, ctx.settings.message_burst)
        self.strikes = 0
        self.held = 0.0
        """Until when (monotonic) this socket's commands are refused, after a ``rate``."""

    def end(self) -> None:
        """The socket is gone (or going): the room stops writing to it."""
        self.room.leave(self.member)

    def on_text(self, text: str | None) -> None:
        """One frame from the socket (None for a binary one)."""
        out, room = self.member.out, self.room
        if text is None:
            out.put(error_frame("invalid", "Send JSON text frames, not binary ones."))
            return
        if self.held and time.monotonic() >= self.held:
            self.held, self.strikes = 0.0, 0
        if not self.bucket.take():
            self.strikes += 1  # refusals within one hold: a browser sends at most its window (16)
            if self.strikes >= _FLOOD_STRIKES:
                out.close(1008, "too many messages")
                return
            self.held = self.held or time.monotonic() + HOLD_MS / 1000
            slow_down = "Too many changes at once: slow down a little."
            out.put(error_frame("rate", slow_down, _op_id_of(text), HOLD_MS))
            return
        if (self.held or not room.admits()) and (op_id := _op_id_of(text)) is not None:
            # Never decided: it changed nothing, and comes again after the hold, in order.
            if self.held:
                room.admission.refused += 1
            else:
                self.held = time.monotonic() + HOLD_MS / 1000
            out.put(_busy(op_id))
            return
        try:
            command = client_decoder.decode(text)
        except _UNDECODABLE as exc:
            out.put(error_frame("invalid", f"This message is not valid: {exc}", _op_id_of(text)))
            return
        if isinstance(command, Hello):
            out.put(error_frame("invalid", "Hello was already said on this connection."))
            return
        if isinstance(command, Ping):
            out.put(_PONG)
            return
        _submit(room, self.actor, command, out)


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


def _submit(room: Room, actor: Actor, command: Command, out: Outbox) -> None:
    op_id = command.op_id
    done = room.submit(actor, command)

    def answer(result: asyncio.Future[int]) -> None:
        exc = result.exception()
        if exc is None:
            out.put(encoder.encode(Ack(op_id=op_id, seq=result.result())).decode())
        elif isinstance(exc, errors.DomainError):
            out.put(error_frame(exc.code, exc.message, op_id))
        elif isinstance(exc, RoomGone):
            out.close(4404, "workshop not found")
        elif isinstance(exc, (RedisError, OSError)):
            out.put(
                error_frame(
                    "unavailable",
                    "The board cannot save right now; this change was not saved and will be "
                    "sent again.",
                    op_id,
                )
            )
        else:
            log.error("unexpected failure on op %s", op_id, exc_info=exc)
            out.close(1011, "internal error")

    done.add_done_callback(answer)
