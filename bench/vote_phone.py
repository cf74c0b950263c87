"""One simulated phone for the vote storm: a websocket that speaks Parcours' protocol, lean.

A thousand phones share one load-generator process on the same cores as the servers, so each
is an ``asyncio.Protocol`` doing RFC 6455 by hand (upgrade, frames, ping/pong, close) instead of
a client library with a task and a queue per socket: that cut the generator's CPU per frame
several times, and its own delays would otherwise count as the server's latency. A phone reads
only what the storm measures: answers to its taps, the seq of every entry, and the reveal.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import msgspec

from sessions.protocol import PROTOCOL_VERSION

T = TypeVar("T")

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _CLOSE, _PING, _PONG, _MORE = 0x1, 0x8, 0x9, 0xA, 0x0


async def bounded(jobs: Iterable[Awaitable[T]], at_once: int) -> list[T]:
    """Await ``jobs`` with at most ``at_once`` of them in flight."""
    gate = asyncio.Semaphore(at_once)

    async def one(job: Awaitable[T]) -> T:
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


async def until(done: Callable[[], bool], within: float, what: str) -> None:
    """Poll ``done`` every 10 ms for at most ``within`` seconds."""
    deadline = time.perf_counter() + within
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {within:.0f} s")
        await asyncio.sleep(0.01)


class _Entry(msgspec.Struct):
    seq: int
    events: msgspec.Raw


class _Frame(msgspec.Struct, kw_only=True):
    """What a phone reads of a server message; events stay undecoded unless they reveal."""

    type: str
    seq: int | None = None
    op_id: str | None = None
    code: str | None = None
    entry: _Entry | None = None
    entries: list[_Entry] | None = None


_frames = msgspec.json.Decoder(_Frame)
_encode = msgspec.json.Encoder().encode


class _Entries(msgspec.Struct, frozen=True):
    """What a frame of entries tells a phone: their seqs, and the result if it reveals one."""

    seqs: tuple[int, ...]
    result: list[dict[str, Any]] | None


_seen: dict[bytes, _Entries] = {}
"""Frames of entries already read, by content: most phones of a process get the same bytes."""


def _entries(raw: bytes) -> _Entries:
    found = _seen.get(raw)
    if found is not None:
        return found
    frame = _frames.decode(raw)
    entries = frame.entries or ([frame.entry] if frame.entry else [])
    result = None
    if b'"revealed"' in raw:
        for entry in entries:
            for event in msgspec.json.decode(entry.events):
                if event.get("type") == "round.changed" and event.get("result"):
                    result = event["result"]
    if len(_seen) > 512:
        _seen.clear()
    found = _seen[raw] = _Entries(tuple(e.seq for e in entries), result)
    return found


def _frame(opcode: int, payload: bytes) -> bytes:
    """A final client frame. Its mask key is zero, which RFC 6455 allows (any 32-bit value) and
    which leaves the payload as it is: nothing to XOR."""
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


class _Wire(asyncio.Protocol):
    """The socket under a phone: the upgrade, then unmasked server frames to ``phone._take``."""

    def __init__(self, phone: Phone, request: bytes, key: bytes) -> None:
        self.phone = phone
        self.request = request
        self.accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
        self.transport: asyncio.Transport | None = None
        self.upgraded = asyncio.get_running_loop().create_future()
        self.ended = asyncio.get_running_loop().create_future()
        self._buffer = bytearray()
        self._parts: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self.upgraded.done():
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end])
            del self._buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101") or self.accept not in head:
                self.upgraded.set_exception(ConnectionError(head.decode(errors="replace")))
                return
            self.upgraded.set_result(None)
        self._read_frames(time.perf_counter())

    def _read_frames(self, now: float) -> None:
        buffer, at = self._buffer, 0
        while len(buffer) - at >= 2:
            first, size = buffer[at], buffer[at + 1] & 0x7F
            head = 2
            if size == 126:
                if len(buffer) - at < 4:
                    break
                size, head = int.from_bytes(buffer[at + 2 : at + 4], "big"), 4
            elif size == 127:
                if len(buffer) - at < 10:
                    break
                size, head = int.from_bytes(buffer[at + 2 : at + 10], "big"), 10
            if len(buffer) - at < head + size:
                break
            payload = bytes(buffer[at + head : at + head + size])
            at += head + size
            self._on_frame(first & 0x0F, bool(first & 0x80), payload, now)
        del buffer[:at]

    def _on_frame(self, opcode: int, final: bool, payload: bytes, now: float) -> None:
        if opcode in (_TEXT, _MORE):
            self._parts.append(payload)
            if final:
                message, self._parts = b"".join(self._parts), []
                self.phone._take(message, now)
        elif opcode == _PING:
            self.send(_PONG, payload)
        elif opcode == _CLOSE:
            if not self.phone.closing:  # the server closes first: say why, answer, hang up
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.phone.dropped = f"closed by the server ({code}): {payload[2:].decode()}"
                self.send(_CLOSE, payload[:2])
            assert self.transport is not None
            self.transport.close()

    def send(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(opcode, payload))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.phone.closing and self.phone.dropped is None:
            self.phone.dropped = f"connection lost: {exc}"
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError(f"connection lost: {exc}"))
        if not self.ended.done():
            self.ended.set_result(None)


class Phone:
    """One person's socket: sends taps, times their answers, follows the seq, spots the reveal."""

    def __init__(self, base: str, workshop: str, token: str) -> None:
        self.base, self.workshop, self.token = base, workshop, token
        self.seq = -1
        self.disorder = 0
        """Entries received out of order, twice or with a gap (must stay 0)."""
        self.sent: dict[str, float] = {}
        self.answers: dict[str, tuple[float, str, int]] = {}
        """op id -> (time of its first answer, 'ack' or the error code, seq)."""
        self.answer_count = 0
        self.frames = 0
        self.revealed_at: float | None = None
        self.result: list[dict[str, Any]] | None = None
        self.reveal_bytes = 0
        """Size of the frame that brought the reveal."""
        self.dropped: str | None = None
        """Why the socket ended before we closed it, if it did (must stay None)."""
        self.closing = False
        self._wire: _Wire | None = None

    async def open(self) -> None:
        where = urlsplit(self.base)
        host, port = where.hostname or "127.0.0.1", where.port or 80
        key = base64.b64encode(os.urandom(16))
        request = (
            f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {self.base}\r\n\r\n"
        ).encode()
        loop = asyncio.get_running_loop()
        _, wire = await loop.create_connection(lambda: _Wire(self, request, key), host, port)
        self._wire = wire
        await asyncio.wait_for(wire.upgraded, 30)
        hello = {"type": "hello", "protocol": PROTOCOL_VERSION, "workshop": self.workshop}
        wire.send(_TEXT, _encode({**hello, "token": self.token}))
        await until(lambda: self.seq >= 0 or self.dropped is not None, 30, "a welcome")
        if self.dropped is not None:
            raise ConnectionError(self.dropped)

    def _take(self, raw: bytes, now: float) -> None:
        self.frames += 1
        if raw.startswith(b'{"type":"presence"'):
            return  # who is online: the whole list, to everyone, whenever it changes; not measured
        if raw.startswith(b'{"type":"event'):
            self._follow(_entries(raw), raw, now)
            return
        frame = _frames.decode(raw)
        if frame.type in ("ack", "error") and frame.op_id is not None:
            self.answer_count += 1
            if frame.op_id not in self.answers:
                outcome = "ack" if frame.type == "ack" else frame.code or "error"
                self.answers[frame.op_id] = (now, outcome, frame.seq or 0)
            return
        if frame.type == "welcome" and frame.seq is not None:
            self.seq = frame.seq

    def _follow(self, found: _Entries, raw: bytes, now: float) -> None:
        for seq in found.seqs:
            if seq != self.seq + 1:
                self.disorder += 1
            self.seq = max(self.seq, seq)
        if found.result is not None:
            self.revealed_at, self.result, self.reveal_bytes = now, found.result, len(raw)

    async def send(self, command: dict[str, Any], op_id: str) -> None:
        assert self._wire is not None
        self.sent.setdefault(op_id, time.perf_counter())
        self._wire.send(_TEXT, _encode({**command, "op_id": op_id}))

    async def call(self, command: dict[str, Any], op_id: str) -> str:
        await self.send(command, op_id)
        await until(lambda: op_id in self.answers, 30, f"the answer to {op_id}")
        return self.answers[op_id][1]

    async def close(self) -> None:
        """Send a close frame and wait (at most 10 s) for the server to end the connection."""
        self.closing = True
        if self._wire is None or self._wire.transport is None:
            return
        self._wire.send(_CLOSE, (1000).to_bytes(2, "big"))
        try:
            await asyncio.wait_for(asyncio.shield(self._wire.ended), 10)
        except TimeoutError:
            self._wire.transport.abort()
