"""A websocket client that writes frames by hand, to send what no well-behaved library would:
invalid UTF-8, reserved bits, unmasked frames, oversized control frames, endless fragments."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from dataclasses import dataclass

from tests.timing import seconds

TEXT, BINARY, CONTINUATION, CLOSE, PING = 0x1, 0x2, 0x0, 0x8, 0x9


@dataclass
class Frame:
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int | None:
        if self.opcode != CLOSE or len(self.payload) < 2:
            return None
        code: int = struct.unpack("!H", self.payload[:2])[0]
        return code


def frame_bytes(
    opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False, masked: bool = True
) -> bytes:
    """One frame as a client puts it on the wire."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    mask_bit = 0x80 if masked else 0
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", first, mask_bit | size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", first, mask_bit | 126, size)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, size)
    if masked:
        mask = os.urandom(4)
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        header += mask
    return header + payload


class RawSocket:
    """One hand-driven websocket connection to a server on loopback."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.status = 0
        self.headers: dict[str, str] = {}

    @classmethod
    async def open(cls, port: int, origin: str | None, extensions: str | None = None) -> RawSocket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /ws HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if origin is not None:
            lines.append(f"Origin: {origin}")
        if extensions is not None:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), seconds(10))
        head, *fields = raw.decode("latin-1").split("\r\n")
        made = cls(reader, writer)
        made.status = int(head.split()[1])
        for field in fields:
            if ":" in field:
                name, value = field.split(":", 1)
                made.headers[name.strip().lower()] = value.strip()
        return made

    def send_frame(
        self,
        opcode: int,
        payload: bytes,
        *,
        fin: bool = True,
        rsv1: bool = False,
        masked: bool = True,
    ) -> None:
        self.writer.write(frame_bytes(opcode, payload, fin=fin, rsv1=rsv1, masked=masked))

    async def send_text(self, text: str | bytes) -> None:
        self.send_frame(TEXT, text.encode() if isinstance(text, str) else text)
        await self.writer.drain()

    async def hello(self, workshop: str, token: str, protocol: int = 1) -> dict[str, object]:
        hello = {"type": "hello", "protocol": protocol, "workshop": workshop, "token": token}
        await self.send_text(json.dumps(hello))
        frame = await self.recv()
        assert frame is not None and frame.opcode == TEXT, frame
        answer: dict[str, object] = json.loads(frame.payload)
        return answer

    async def recv(self) -> Frame | None:
        """The next frame from the server, or None at the end of the stream."""
        try:
            async with asyncio.timeout(seconds(10)):
                first, second = await self.reader.readexactly(2)
                size = second & 0x7F
                if size == 126:
                    (size,) = struct.unpack("!H", await self.reader.readexactly(2))
                elif size == 127:
                    (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
                return Frame(first & 0x0F, await self.reader.readexactly(size))
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def texts_until_close(self) -> tuple[list[dict[str, object]], int | None]:
        """Every text message until the server's close frame, and the close code (None: the
        stream ended without one)."""
        texts: list[dict[str, object]] = []
        for _ in range(10_000):
            frame = await self.recv()
            if frame is None:
                return texts, None
            if frame.opcode == TEXT:
                texts.append(json.loads(frame.payload))
            elif frame.opcode == CLOSE:
                return texts, frame.close_code
        raise AssertionError("no close after 10,000 frames")

    async def next_text(self) -> dict[str, object]:
        """The next text message (pings and pongs skipped)."""
        for _ in range(100):
            frame = await self.recv()
            assert frame is not None and frame.opcode != CLOSE, f"closed: {frame}"
            if frame.opcode == TEXT:
                found: dict[str, object] = json.loads(frame.payload)
                return found
        raise AssertionError("no text message")

    def close(self) -> None:
        self.writer.transport.abort()
