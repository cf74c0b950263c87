"""The commit scripts of every room, on one Redis connection of their own.

At thousands of changes a second, redis-py's pipeline cost more CPU than the script it sends
(19 us a commit on the client, 4 us this way: ``python -m bench.lane``): a connection from the pool,
a retry wrapper, a read with its own timeout and parse per reply. Here the commits of one loop
turn leave in one write, hiredis parses the replies as they arrive, and each turn's commits wait
on one future, under one deadline.

Only for one plain server (TCP or unix socket, password, database): a cluster spreads the
scripts over nodes, and TLS or anything else the pool is configured with goes through
redis-py as before (``for_pool`` gives None). A lost connection fails the commits waiting on
it with a ``ConnectionError`` and the next turn connects again; a commit that did run is
answered ``dup`` when its room sends it again, never applied twice.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any, cast

import hiredis
from redis.asyncio.connection import Connection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError, NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeout

DEADLINE = 10.0
"""Seconds a turn's commits wait for Redis before their connection is dropped (a hung or
stopped server): their rooms answer ``unavailable`` and the browsers send them again."""


@dataclass(frozen=True, slots=True)
class Address:
    host: str = ""
    port: int = 0
    path: str = ""
    username: str = ""
    password: str = ""
    db: int = 0


def for_pool(pool: Any) -> Address | None:
    """Where the pool's connections go, if a lane can go there too (else None)."""
    kwargs = dict(pool.connection_kwargs)
    kind = pool.connection_class
    if kwargs.get("credential_provider") is not None:
        return None
    username = str(kwargs.get("username") or "")
    password = str(kwargs.get("password") or "")
    db = int(kwargs.get("db") or 0)
    if kind is UnixDomainSocketConnection:
        return Address(path=str(kwargs["path"]), username=username, password=password, db=db)
    if kind is Connection:
        host, port = str(kwargs.get("host", "localhost")), int(kwargs.get("port", 6379))
        return Address(host=host, port=port, username=username, password=password, db=db)
    return None  # TLS, or a connection class of someone's own


class _Batch:
    __slots__ = ("future", "left", "replies")

    def __init__(self, future: asyncio.Future[list[Any]], count: int) -> None:
        self.future = future
        self.left = count
        self.replies: list[Any] = []


class _Wire(asyncio.Protocol):
    def __init__(self) -> None:
        self.reader = hiredis.Reader(replyError=ResponseError)
        self.waiting: deque[_Batch] = deque()
        self.transport: asyncio.Transport | None = None
        self.lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while True:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError as exc:
                self.fail(ConnectionError(f"Redis sent what no reply looks like: {exc}"))
                return
            if reply is False:
                return
            batch = self.waiting[0] if self.waiting else None
            if batch is None:  # nothing asked for it: the connection is out of step
                self.fail(ConnectionError("Redis answered a command nobody sent"))
                return
            if isinstance(reply, ResponseError) and str(reply).startswith("NOSCRIPT"):
                reply = NoScriptError(str(reply))
            batch.replies.append(reply)
            batch.left -= 1
            if batch.left == 0:
                self.waiting.popleft()
                if not batch.future.done():
                    batch.future.set_result(batch.replies)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(ConnectionError(f"connection to Redis lost ({exc or 'closed'})"))

    def fail(self, exc: Exception) -> None:
        if self.lost is None:
            self.lost = exc
        while self.waiting:
            batch = self.waiting.popleft()
            if not batch.future.done():
                batch.future.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()


class CommitLane:
    """Sends lists of commands on one connection; each list's replies come back together."""

    def __init__(self, address: Address, deadline: float = DEADLINE) -> None:
        self.address = address
        self.deadline = deadline
        self._wire: _Wire | None = None
        self._connecting: asyncio.Lock | None = None

    async def call(self, commands: list[bytes]) -> list[Any]:
        """The replies to ``commands`` (each made by :func:`pack`), in order.
        An error reply is its exception in the list; a lost connection raises.

        A connection that was lost before any reply (Redis closed it while idle, or restarted)
        gets the commands once more on a new one: a script that did run is answered ``dup``."""
        payload = b"".join(commands)
        for attempt in (1, 2):
            wire = await self._connected()
            batch = _Batch(asyncio.get_running_loop().create_future(), len(commands))
            wire.waiting.append(batch)
            assert wire.transport is not None
            wire.transport.write(payload)
            timer = asyncio.get_running_loop().call_later(self.deadline, self._expire, wire, batch)
            try:
                return await batch.future
            except RedisTimeout:
                raise
            except ConnectionError:
                if attempt == 2 or batch.replies:
                    raise
            finally:
                timer.cancel()
        raise AssertionError("unreachable")  # pragma: no cover

    def _expire(self, wire: _Wire, batch: _Batch) -> None:
        if not batch.future.done():
            wire.fail(RedisTimeout(f"Redis did not answer the commits within {self.deadline} s"))

    async def _connected(self) -> _Wire:
        wire = self._wire
        if wire is not None and wire.lost is None:
            return wire
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            wire = self._wire
            if wire is not None and wire.lost is None:
                return wire
            self._wire = wire = await self._connect()
            return wire

    async def _connect(self) -> _Wire:
        loop = asyncio.get_running_loop()
        at = self.address
        try:
            async with asyncio.timeout(self.deadline):
                if at.path:
                    _, wire = await loop.create_unix_connection(_Wire, at.path)
                else:
                    _, wire = await loop.create_connection(_Wire, at.host, at.port)
                hello: list[bytes] = []
                if at.password:
                    login = [at.username, at.password] if at.username else [at.password]
                    hello.append(pack("AUTH", *login))
                if at.db:
                    hello.append(pack("SELECT", str(at.db)))
                if hello:
                    future: asyncio.Future[list[Any]] = loop.create_future()
                    wire.waiting.append(_Batch(future, len(hello)))
                    assert wire.transport is not None
                    wire.transport.write(b"".join(hello))
                    for reply in await future:
                        if isinstance(reply, Exception):
                            wire.fail(ConnectionError(f"Redis refused the lane: {reply}"))
                            raise ConnectionError(f"Redis refused the lane: {reply}")
        except OSError as exc:
            raise ConnectionError(f"cannot reach Redis: {exc}") from exc
        except TimeoutError as exc:
            raise RedisTimeout("Redis did not answer while the lane connected") from exc
        return wire

    async def aclose(self) -> None:
        wire, self._wire = self._wire, None
        if wire is not None and wire.transport is not None:
            wire.fail(ConnectionError("the lane was closed"))
            await asyncio.sleep(0)  # the transport's connection_lost runs


def pack(*args: str | bytes | int | float) -> bytes:
    """One command as Redis reads it (hiredis, in C)."""
    packed: bytes = hiredis.pack_command(args)  # type: ignore[arg-type]  # its stub says 1-tuple
    return packed
