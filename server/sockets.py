"""The board's websockets, carried straight on the event loop: no task, queue or ASGI message
per socket once its session is open.

uvicorn hands every upgraded connection to :class:`BoardSocket` (``ws=protocol_for(app)``).
It speaks the protocol through websockets' sans-I/O ``ServerProtocol`` and feeds each text
frame to its :class:`~server.ws.Session` as it arrives; what the room puts is written to the
transport at once. Frames for many sockets are encoded once (a room puts the same string to
everyone who may see it alike). A socket whose reader falls ``QUEUE_BYTES`` behind is closed
with 1013: its browser resumes from its last seq, and the room never waits for it.

The HTTP side stays a Starlette app; ``app.state.ctx`` (made by its lifespan) is what both share.
"""

from __future__ import annotations

import asyncio
import logging
import random
import struct
from http import HTTPStatus
from typing import Any, ClassVar, cast

from redis.exceptions import RedisError
from starlette.applications import Starlette
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

try:  # websockets' C helper; its pure-Python one otherwise
    from websockets.speedups import apply_mask
except ImportError:  # pragma: no cover - the wheel ships it
    from websockets.utils import apply_mask

from server import ws
from server.context import Context

log = logging.getLogger("parcours.sockets")
_frames_log = logging.getLogger("parcours.frames")
_frames_log.setLevel(logging.WARNING)  # websockets logs every close at INFO

PATH = "/ws"
QUEUE_BYTES = 768 * 1024
"""What may wait in a socket's transport buffer before it is closed as too slow (about a
thousand entries; the kernel's send buffer holds a few hundred more)."""
CLOSE_TIMEOUT = 10.0
"""How long a closing socket waits for the browser's close frame before dropping it."""
_TEXT, _PONG = 0x81, 0x8A
"""First bytes of the frames the board reads itself: a whole text frame, a pong."""


class _Wire:
    """The last text frame encoded for the wire: a room puts one string to many sockets."""

    __slots__ = ("data", "text")

    def __init__(self) -> None:
        self.text: str | None = None
        self.data = b""

    def of(self, text: str) -> bytes:
        if text is self.text:
            return self.data
        payload = text.encode()
        size = len(payload)
        if size < 126:
            head = bytes((0x81, size))
        elif size < 65536:
            head = struct.pack("!BBH", 0x81, 126, size)
        else:
            head = struct.pack("!BBQ", 0x81, 127, size)
        self.text, self.data = text, head + payload
        return self.data


_wires: dict[asyncio.AbstractEventLoop, _Wire] = {}
"""One cache per event loop, like ``_corked``: a loop's sockets share it, no other loop does."""

_corked: dict[asyncio.AbstractEventLoop, list[BoardSocket]] = {}
"""Sockets given frames this loop turn, by loop; each is written once, at the next turn (an ack
and the change's entry, or a burst of entries, leave in one write instead of one each)."""


def _uncork(loop: asyncio.AbstractEventLoop) -> None:
    for socket in _corked.pop(loop, ()):
        socket.uncork()


def _trusted(config: Config) -> frozenset[str] | None:
    """The proxies whose X-Forwarded-* headers are believed (uvicorn's rule); None for any."""
    if not config.proxy_headers:
        return frozenset()
    allowed = config.forwarded_allow_ips
    hosts = allowed if isinstance(allowed, list) else str(allowed or "").split(",")
    found = frozenset(host.strip() for host in hosts)
    return None if "*" in found else found


class BoardSocket(asyncio.Protocol):
    """One upgraded connection: the handshake, the hello, then the session's frames."""

    app: ClassVar[Starlette]

    __slots__ = (
        "address",
        "closed",
        "conn",
        "connections",
        "ctx",
        "early",
        "inbox",
        "keepalive",
        "loop",
        "parts",
        "pending",
        "ping_interval",
        "ping_payload",
        "ping_timeout",
        "session",
        "spare",
        "tasks",
        "timer",
        "transport",
        "trusted",
        "upgraded",
        "wire",
    )

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.connections: set[Any] = server_state.connections
        self.tasks = server_state.tasks
        self.ping_interval = config.ws_ping_interval
        self.ping_timeout = config.ws_ping_timeout
        self.trusted = _trusted(config)
        self.conn = ServerProtocol(max_size=config.ws_max_size, logger=_frames_log)
        self.transport: asyncio.Transport | None = None
        self.ctx: Context | None = None
        self.address: str | None = None
        """The address counted in the per-address cap, once counted."""
        self.session: ws.Session | None = None
        self.early: list[str | None] | None = None
        """Frames that came behind the hello, while the session opened."""
        self.parts: list[bytes] | None = None
        """A fragmented message being put together (None: text, or no message)."""
        self.timer: asyncio.TimerHandle | None = None
        """The hello's deadline, then the close handshake's."""
        self.keepalive: asyncio.TimerHandle | None = None
        self.ping_payload: bytes | None = None
        self.loop = asyncio.get_running_loop() if _loop is None else _loop
        self.wire = _wires.setdefault(self.loop, _Wire())
        self.pending: list[bytes] | None = None
        """Frames put this loop turn, not yet written (see ``_corked``)."""
        self.spare = -1
        """Room for the first frame (the welcome, a whole snapshot) on top of ``QUEUE_BYTES``."""
        self.closed = False
        self.upgraded = False
        """The handshake was accepted in this read (the board may read the frames after it)."""
        self.inbox: bytearray | None = None
        """Bytes of a frame not whole yet, while the board reads the frames itself; None while
        websockets reads them (the handshake, and for good after any frame but a whole text
        frame or a pong: a close, a ping, a fragment, a binary or oversized frame)."""

    # asyncio's side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.connections.add(self)

    def data_received(self, data: bytes) -> None:
        if self.inbox is not None:
            self._read(data)
            return
        conn = self.conn
        conn.receive_data(data)
        for event in conn.events_received():
            if isinstance(event, Request):
                self._handshake(event)
            elif isinstance(event, Frame):
                self._frame(event)
        self._flush()
        if self.upgraded:
            self.upgraded = False
            if conn.state is State.OPEN and not conn.extensions and _between_frames(conn):
                self.inbox = bytearray()

    def eof_received(self) -> bool:
        self.conn.receive_eof()
        self._flush()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)
        for handle in (self.timer, self.keepalive):
            if handle is not None:
                handle.cancel()
        self.timer = self.keepalive = None
        self.closed = True
        self._end()

    def shutdown(self) -> None:
        """uvicorn is stopping: say so (1012), then go; the browser comes back to another."""
        self.close(1012, "server restarting")
        if self.transport is not None:
            self.transport.close()

    # the room's side (an Outbox)

    def put(self, frame: str) -> None:
        if self.closed or self.transport is None:
            return
        if self.transport.get_write_buffer_size() > QUEUE_BYTES + self.spare:
            self.close(1013, "too slow: reconnect and resume")
            return
        data = self.wire.of(frame)
        if self.spare < 0:  # a slow phone takes its welcome, however big, before it is judged
            self.spare = len(data)
        if self.pending is not None:
            self.pending.append(data)
            return
        self.pending = [data]
        corked = _corked.get(self.loop)
        if corked is None:
            _corked[self.loop] = [self]
            self.loop.call_soon(_uncork, self.loop)
        else:
            corked.append(self)

    def uncork(self) -> None:
        """Write what was put since the last turn, in one write."""
        pending, self.pending = self.pending, None
        if pending is None or self.transport is None or self.transport.is_closing():
            return
        self.transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.conn.state is State.OPEN:
            self.uncork()  # what was put before the close goes first
            self.conn.send_close(code, reason)
            self._flush()
            loop = asyncio.get_running_loop()
            if self.transport is not None:
                self.timer = loop.call_later(CLOSE_TIMEOUT, self.transport.close)
        elif self.transport is not None:
            self.transport.close()
        self._end()

    # the protocol

    def _flush(self) -> None:
        transport = self.transport
        if transport is None:
            return
        for chunk in self.conn.data_to_send():
            if chunk:
                transport.write(chunk)
            else:  # the end of the stream: the server closes the TCP connection
                transport.close()

    def _handshake(self, request: Request) -> None:
        conn = self.conn
        response = conn.accept(request)
        if response.status_code != 101:
            conn.send_response(response)  # websockets' own 400 or 426
            return
        if request.path.partition("?")[0] != PATH:
            conn.send_response(conn.reject(HTTPStatus.NOT_FOUND, "No such websocket.\n"))
            return
        ctx: Context | None = getattr(self.app.state, "ctx", None)
        if ctx is None:  # still starting
            conn.send_response(conn.reject(HTTPStatus.SERVICE_UNAVAILABLE, "Starting.\n"))
            return
        headers = request.headers
        client = self.transport.get_extra_info("peername") if self.transport else None
        host = str(client[0]) if client else "?"
        secure = self.transport is not None and self.transport.get_extra_info("sslcontext")
        if self.trusted is None or host in self.trusted:
            proto = headers.get("x-forwarded-proto")
            if proto in {"http", "https", "ws", "wss"}:
                secure = proto in {"https", "wss"}
            forwarded = headers.get("x-forwarded-for")
            if forwarded and forwarded.split(",")[-1].strip():
                host = forwarded.split(",")[-1].strip()
        if not ws.origin_allowed(ctx, headers, bool(secure)):
            conn.send_response(conn.reject(HTTPStatus.FORBIDDEN, "This origin may not open it.\n"))
            return
        conn.send_response(response)
        self.ctx = ctx
        if not ctx.caps.take(host):
            self.close(1008, "too many connections from this address")
            return
        self.address = host
        self.upgraded = True
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(ctx.settings.hello_timeout, self.close, 1008, "no hello")
        if self.ping_interval:
            self.keepalive = loop.call_later(self.ping_interval, self._ping)

    def _read(self, data: bytes) -> None:
        """The frames a board sends, read without websockets' parser: a whole text frame or a
        pong each, masked, its length in 7 or 16 bits. websockets made a generator, a frame and
        an event list for each, and kept the last ones alive until the next: a young object or
        three per phone, walked by every collection. The first frame of any other kind, and all
        after it, go to websockets, which is then at a frame's start, as it was left."""
        inbox = self.inbox
        assert inbox is not None
        inbox += data
        at, end = 0, len(inbox)
        limit = self.conn.max_message_size
        while end - at >= 2:
            first, size = inbox[at], inbox[at + 1] ^ 0x80  # a client's frames are masked
            if (first != _TEXT and first != _PONG) or size > 126 or (first == _PONG and size > 125):
                self._hand_over(at)
                return
            head = 6
            if size == 126:
                if end - at < 4:
                    break
                size, head = (inbox[at + 2] << 8) | inbox[at + 3], 8
            if limit is not None and size > limit:
                self._hand_over(at)
                return
            if end - at < head + size:
                break
            start = at + head
            payload = apply_mask(inbox[start : start + size], inbox[start - 4 : start])
            at = start + size
            if first == _PONG:
                self._pong(payload)
                continue
            try:
                text = payload.decode()
            except UnicodeDecodeError:
                self.inbox = None  # websockets' parser is given nothing more but the close
                self._not_utf8()
                return
            self._message(text)
        del inbox[:at]

    def _hand_over(self, at: int) -> None:
        """websockets reads from the frame at ``at`` on (and everything after it)."""
        inbox, self.inbox = self.inbox, None
        assert inbox is not None
        if len(inbox) > at:
            self.data_received(bytes(inbox[at:]))

    def _pong(self, data: bytes) -> None:
        if self.ping_payload is not None and data == self.ping_payload:
            self.ping_payload = None
            if self.keepalive is not None:
                self.keepalive.cancel()
            if self.ping_interval:
                loop = asyncio.get_running_loop()
                self.keepalive = loop.call_later(self.ping_interval, self._ping)

    def _frame(self, frame: Frame) -> None:
        opcode = frame.opcode
        if opcode is Opcode.PONG:
            self._pong(bytes(frame.data))
            return
        if opcode is Opcode.CLOSE:  # websockets answered it; the TCP close follows
            self.closed = True
            self._end()
            return
        if opcode is Opcode.PING:
            return  # websockets queued the pong
        if opcode is Opcode.TEXT:
            self.parts = None if frame.fin else [bytes(frame.data)]
            if not frame.fin:
                return
            data: bytes | bytearray | memoryview = frame.data
        elif opcode is Opcode.BINARY:  # refused at its first frame, its fragments dropped
            self.parts = None
            self._message(None)
            return
        else:  # a continuation
            if self.parts is None:
                return
            self.parts.append(bytes(frame.data))
            if not frame.fin:
                return
            data, self.parts = b"".join(self.parts), None
        try:
            text = str(data, "utf-8")
        except UnicodeDecodeError:
            self._not_utf8()
            return
        self._message(text)

    def _not_utf8(self) -> None:
        """A text message that is not UTF-8 closes the socket (1007)."""
        self.conn.fail(1007, "invalid UTF-8")
        self._flush()
        self.closed = True
        self._end()

    def _message(self, text: str | None) -> None:
        if self.closed:
            return
        if self.session is not None:
            self.session.on_text(text)
        elif self.early is not None:
            self.early.append(text)
        else:  # the first frame: the hello
            self.early = []
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.transport is not None:
                self.transport.pause_reading()  # what comes next waits until the session opens
            task = asyncio.get_running_loop().create_task(self._open(text))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _open(self, text: str | None) -> None:
        assert self.ctx is not None
        try:
            session = await ws.open_session(self.ctx, self, text)
        except (RedisError, OSError) as exc:
            log.warning("socket refused, Redis unavailable: %s", exc)
            self.put(ws.error_frame("unavailable", "The board cannot be reached right now."))
            self.close(1013, "try again later")
            return
        except Exception:
            log.exception("socket failed while opening")
            self.close(1011, "internal error")
            return
        finally:  # refused or open, the browser's next frames (its close reply too) are read
            if self.transport is not None and not self.transport.is_closing():
                self.transport.resume_reading()
        if session is None:
            return
        if self.closed:  # went while the welcome was made
            session.end()
            return
        self.session = session
        early, self.early = self.early or [], None
        for waiting in early:
            if self.closed:
                break
            session.on_text(waiting)

    def _ping(self) -> None:
        self.keepalive = None
        if self.closed or self.conn.state is not State.OPEN:
            return
        self.ping_payload = struct.pack("!I", random.getrandbits(32))
        self.conn.send_ping(self.ping_payload)
        self._flush()
        if self.ping_timeout:
            loop = asyncio.get_running_loop()
            self.keepalive = loop.call_later(self.ping_timeout, self._ping_lost)

    def _ping_lost(self) -> None:
        self.keepalive = None
        if self.closed:
            return
        self.conn.fail(1011, "keepalive ping timeout")
        self._flush()
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        self._end()

    def _end(self) -> None:
        """Leave the room and give the address's slot back, once."""
        session, self.session = self.session, None
        if session is not None:
            session.end()
        if self.address is not None and self.ctx is not None:
            self.ctx.caps.give_back(self.address)
            self.address = None


def _between_frames(conn: ServerProtocol) -> bool:
    """Whether websockets' parser waits for a frame's first byte, with nothing read of it
    (its generators at ``StreamReader.at_eof``, its buffer empty). Anything unexpected: no."""
    if conn.reader.buffer:
        return False
    step: Any = getattr(conn, "parser", None)
    while step is not None and getattr(step, "gi_yieldfrom", None) is not None:
        step = step.gi_yieldfrom
    code = getattr(step, "gi_code", None)
    return code is not None and code.co_name == "at_eof"


def protocol_for(app: Starlette) -> type[BoardSocket]:
    """The websocket protocol class uvicorn is given, bound to the app whose context it uses."""
    return type("BoardSocketFor", (BoardSocket,), {"app": app, "__slots__": ()})
