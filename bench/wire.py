"""The generator's own websocket client and HTTP client, lean enough for thousands of sockets.

A load generator built on a general-purpose client spends more CPU than the server it measures.
This one is an ``asyncio.Protocol``: it writes the opening handshake by hand, parses server
frames (never masked) with a few slices, stamps every chunk that arrives with one clock read and
hands whole text frames to a callback. Client frames are masked with the ``websockets`` C helper.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from collections.abc import Callable
from typing import Any

try:
    from websockets.speedups import apply_mask as _apply_mask  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - the pure Python fallback

    def _apply_mask(data: bytes, mask: bytes) -> bytes:
        n = len(data)
        key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
        return (int.from_bytes(data, "big") ^ key).to_bytes(n, "big")


OnFrame = Callable[[bytes | bytearray, float], None]
OnClose = Callable[[int, str], None]

_OP_TEXT, _OP_CONT, _OP_CLOSE, _OP_PING = 1, 0, 8, 9


def frame(payload: bytes, opcode: int = _OP_TEXT) -> bytes:
    """One masked client frame."""
    n = len(payload)
    mask = os.urandom(4)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + mask + _apply_mask(payload, mask)


class Socket(asyncio.Protocol):
    """One websocket client connection; ``on_frame(payload, arrival_time)`` per text frame."""

    PATH = "/ws"

    __slots__ = (
        "_buf",
        "_frag",
        "_handshake",
        "_host",
        "_key",
        "_origin",
        "close_code",
        "close_reason",
        "closed",
        "on_close",
        "on_frame",
        "opened",
        "paused",
        "transport",
    )

    def __init__(self, host: str, origin: str, on_frame: OnFrame, on_close: OnClose) -> None:
        self._host = host
        self._key = base64.b64encode(os.urandom(16)).decode()
        self._handshake: bytearray | None = bytearray()
        self._buf = bytearray()
        self._frag: bytearray | None = None
        self.on_frame = on_frame
        self.on_close = on_close
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed = False
        self.paused = False
        self.close_code = 0
        self.close_reason = ""
        self._origin = origin

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport
        request = (
            f"GET {self.PATH} HTTP/1.1\r\nHost: {self._host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {self._key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {self._origin}\r\n\r\n"
        )
        transport.write(request.encode())

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if self._handshake is not None:
            self._handshake += data
            end = self._handshake.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._handshake[:end])
            rest = bytes(self._handshake[end + 4 :])
            self._handshake = None
            if not head.startswith(b"HTTP/1.1 101"):
                status = head.split(b"\r\n", 1)[0].decode(errors="replace")
                if not self.opened.done():
                    self.opened.set_exception(ConnectionError(f"handshake refused: {status}"))
                assert self.transport is not None
                self.transport.close()
                return
            if not self.opened.done():
                self.opened.set_result(None)
            if not rest:
                return
            data = rest
        buf = self._buf
        if buf:
            buf += data
            view: bytes | bytearray = buf
        else:
            view = data
        i, n = 0, len(view)
        while n - i >= 2:
            b0, size = view[i], view[i + 1] & 0x7F
            head = 2
            if size == 126:
                if n - i < 4:
                    break
                size = int.from_bytes(view[i + 2 : i + 4], "big")
                head = 4
            elif size == 127:
                if n - i < 10:
                    break
                size = int.from_bytes(view[i + 2 : i + 10], "big")
                head = 10
            end = i + head + size
            if end > n:
                break
            payload = view[i + head : end]
            i = end
            opcode = b0 & 0x0F
            if opcode == _OP_TEXT and b0 & 0x80:
                self.on_frame(payload, now)
            elif opcode in (_OP_TEXT, _OP_CONT):
                self._frag = (self._frag or bytearray()) + payload
                if b0 & 0x80:
                    whole, self._frag = self._frag, None
                    self.on_frame(whole, now)
            elif opcode == _OP_PING:
                self.send_raw(frame(bytes(payload), 0xA))
            elif opcode == _OP_CLOSE:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.close_code, self.close_reason = (
                    code,
                    bytes(payload[2:]).decode(errors="replace"),
                )
                self.send_raw(frame(bytes(payload[:2]), _OP_CLOSE))
                assert self.transport is not None
                self.transport.close()
                break
        if buf:
            del buf[:i]
        elif i < n:
            self._buf = bytearray(view[i:])

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"connection lost in handshake: {exc}"))
        self.on_close(self.close_code or 1006, self.close_reason)

    def send_raw(self, data: bytes) -> bool:
        if self.transport is None or self.closed or self.transport.is_closing():
            return False
        self.transport.write(data)
        return True

    def send_text(self, payload: bytes) -> bool:
        return self.send_raw(frame(payload))

    def stall(self) -> None:
        """Stop reading: the kernel buffers fill and the server sees a phone that hangs."""
        if self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()

    def unstall(self) -> None:
        if self.transport is not None and self.paused:
            self.paused = False
            self.transport.resume_reading()

    def abort(self) -> None:
        """Drop the connection without a closing handshake (a phone leaving the wifi)."""
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        if self.send_raw(frame((1000).to_bytes(2, "big"), _OP_CLOSE)):
            assert self.transport is not None
            asyncio.get_running_loop().call_later(1.0, self.transport.abort)


class SioSocket(Socket):
    """The same client speaking Engine.IO v4 and Socket.IO v5 (the peer, ``bench/peer_*``).

    Engine.IO's open packet ``0{...}`` is answered by a connect to the main namespace (``40``),
    and the socket is ``ready`` when the server's ``40{...}`` comes; pings (``2``) get a pong
    (``3``). An event ``42["name",PAYLOAD]`` and an ack ``43<id>[PAYLOAD]`` reach ``on_frame``
    as the bare PAYLOAD bytes (sliced, never decoded here), so the Parcours phone code reads
    them as it reads Parcours frames. Every text sent is one ``cmd`` event asking for an ack:
    ``42<id>["cmd",TEXT]``.
    """

    __slots__ = ("_deliver", "_next_ack", "ready")

    PATH = "/socket.io/?EIO=4&transport=websocket"

    def __init__(self, host: str, origin: str, on_frame: OnFrame, on_close: OnClose) -> None:
        super().__init__(host, origin, self._packet, on_close)
        self._deliver = on_frame
        self._next_ack = 0
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def _packet(self, payload: bytes | bytearray, now: float) -> None:
        kind = payload[0]
        if kind == 0x34:  # "4": a Socket.IO packet
            sub = payload[1]
            if sub == 0x32:  # "2": an event, ["name",payload]
                self._deliver(payload[payload.index(b",") + 1 : -1], now)
            elif sub == 0x33:  # "3": an ack, <id>[payload]
                self._deliver(payload[payload.index(b"[") + 1 : -1], now)
            elif sub == 0x30:  # "0": connected to the namespace
                if not self.ready.done():
                    self.ready.set_result(None)
            else:  # "1" disconnect, "4" connect error
                if not self.ready.done():
                    self.ready.set_exception(ConnectionError(bytes(payload).decode()))
                self.close()
        elif kind == 0x32:  # "2": ping
            self.send_raw(frame(b"3"))
        elif kind == 0x30:  # "0": open
            self.send_raw(frame(b"40"))
        elif kind == 0x31:  # "1": close
            self.close()

    def send_text(self, payload: bytes) -> bool:
        self._next_ack += 1
        return self.send_raw(frame(b'42%d["cmd",' % self._next_ack + payload + b"]"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"connection lost before connect: {exc}"))
        super().connection_lost(exc)


async def open_socket(
    port: int,
    on_frame: OnFrame,
    on_close: OnClose,
    *,
    host: str = "127.0.0.1",
    rcvbuf: int | None = None,
    limit: float = 30.0,
    sio: bool = False,
) -> Socket:
    """A connected, upgraded socket; gives up after ``limit`` seconds. ``sio``: a
    :class:`SioSocket`, returned once connected to the Socket.IO namespace."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    async with asyncio.timeout(limit):
        await loop.sock_connect(sock, (host, port))
        origin = f"http://{host}:{port}"
        kind = SioSocket if sio else Socket
        _, proto = await loop.create_connection(
            lambda: kind(f"{host}:{port}", origin, on_frame, on_close), sock=sock
        )
        await proto.opened
        if isinstance(proto, SioSocket):
            await proto.ready
    return proto


class Http:
    """A keep-alive HTTP/1.1 JSON client on one connection (enough for our two POSTs)."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        raw = json.dumps(body).encode()
        self._writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n".encode()
            + raw
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        data = await self._reader.readexactly(length)
        return status, json.loads(data) if data else None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
