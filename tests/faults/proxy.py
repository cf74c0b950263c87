"""A small asyncio TCP proxy on loopback: latency, resets, blackholes and slow readers.

``tc netem`` is not available here, so the faults of a bad network are made by a process-local
proxy between the test's clients and one server. Every link (one client connection) is pumped in
both directions by its own tasks; each chunk waits ``latency`` seconds before it is written, in
order, so a 300 ms proxy adds 300 ms each way. A link can be

- reset: both sockets closed with SO_LINGER 0, so each side gets an RST, as a NAT dropping state;
- blackholed: every byte either way is read and dropped, the sockets stay open (a phone whose
  network vanished without a FIN: only a ping timeout notices);
- throttled: the server-to-client direction forwards at most ``rate`` bytes a second through small
  socket buffers, so the server's writes back up (a client that reads very slowly).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import time
from dataclasses import dataclass, field

_CHUNK = 16 * 1024
_QUEUE = 64
_SMALL_BUFFER = 4096


@dataclass(eq=False)
class Link:
    """One client connection through the proxy and its connection to the server."""

    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    latency: float
    rate: float | None = None
    depth: int = _QUEUE
    """Chunks the proxy holds per direction (small for a slow reader: the server feels it)."""
    blackholed: bool = False
    closed: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def blackhole(self) -> None:
        """Drop every byte from now on, both ways, and keep both sockets open."""
        self.blackholed = True

    def throttle(self, rate: float | None) -> None:
        """Forward server-to-client bytes at ``rate`` bytes a second (None: full speed)."""
        self.rate = rate

    def reset(self) -> None:
        """Close both sockets with an RST (SO_LINGER 0), as a dropped NAT mapping would."""
        if self.closed:
            return
        self.closed = True
        for writer in (self.client, self.server):
            sock = writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for writer in (self.client, self.server):
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class Proxy:
    """Listens on a free loopback port and forwards every connection to ``upstream``."""

    def __init__(
        self,
        upstream_port: int,
        latency: float = 0.0,
        *,
        small_buffers: bool = False,
    ) -> None:
        self.upstream_port = upstream_port
        self.latency = latency
        self.small_buffers = small_buffers
        self.links: list[Link] = []
        self.resets = 0
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        found: int = self._server.sockets[0].getsockname()[1]
        return found

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def origin(self) -> str:
        """The server's own origin: the proxy is transparent, the Host header names the proxy."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Proxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in self.links:
            link.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
        self.links.clear()

    @property
    def open_links(self) -> list[Link]:
        return [link for link in self.links if not link.closed]

    def reset_some(self, fraction: float, draw: random.Random) -> int:
        """Reset each open link with probability ``fraction``; how many were reset."""
        chosen = [link for link in self.open_links if draw.random() < fraction]
        for link in chosen:
            link.reset()
        self.resets += len(chosen)
        self.links = self.open_links
        return len(chosen)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await self._dial()
        except OSError:
            writer.transport.abort()
            return
        depth = 1 if self.small_buffers else _QUEUE
        link = Link(client=writer, server=up_writer, latency=self.latency, depth=depth)
        self.links.append(link)
        link.tasks = [
            asyncio.create_task(self._pump(link, reader, up_writer, upstream=True)),
            asyncio.create_task(self._pump(link, up_reader, writer, upstream=False)),
        ]

    async def _dial(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.small_buffers:  # before connect, so the window stays small
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _SMALL_BUFFER)
        sock.setblocking(False)
        try:
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.upstream_port))
        except OSError:
            sock.close()
            raise
        return await asyncio.open_connection(sock=sock, limit=_CHUNK)

    async def _pump(
        self,
        link: Link,
        source: asyncio.StreamReader,
        target: asyncio.StreamWriter,
        *,
        upstream: bool,
    ) -> None:
        """Copy ``source`` to ``target`` through a delay line; the end closes the whole link."""
        line: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(link.depth)
        writer = asyncio.create_task(self._deliver(link, line, target, upstream=upstream))
        try:
            while not link.closed:
                chunk = await source.read(_SMALL_BUFFER if link.rate else _CHUNK)
                if not chunk:
                    break
                if link.blackholed:
                    continue
                await line.put((time.monotonic() + link.latency, chunk))
            await line.put((time.monotonic() + link.latency, b""))  # the end, after the data
            await writer
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.cancel()
            if not link.blackholed:
                link.close()

    async def _deliver(
        self,
        link: Link,
        line: asyncio.Queue[tuple[float, bytes]],
        target: asyncio.StreamWriter,
        *,
        upstream: bool,
    ) -> None:
        while True:
            due, chunk = await line.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if link.blackholed:
                continue
            if not chunk:
                with contextlib.suppress(OSError):
                    target.write_eof()
                return
            target.write(chunk)
            await target.drain()
            if link.rate and not upstream:
                await asyncio.sleep(len(chunk) / link.rate)
