"""Phones: websocket clients that behave as the browser does when things break, and keep books.

A :class:`Phone` is a :class:`tests.client.BoardClient` (the same hello, welcome and replica) that

- keeps an outbox of the commands it sent and has no answer for yet, and sends them again, with
  the same op ids, after every reconnect, and after a ``rate`` or ``unavailable`` error once the
  hold the server named (``retry_ms``) or ``retry_after`` has passed;
- reconnects by itself after any close, through a ``route`` that says which server (or proxy) to
  dial now, resuming from its last seq (without it after ``4001``), and gives up on ``4404``;
- checks every entry: the next seq exactly, never one again, never a gap (a :class:`Violation` is
  recorded and the phone stops), and every ack of an op id names the same seq.

It decodes frames with msgspec and keeps only what the checks need, so a few hundred of them fit
in one test process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from sessions.protocol import Entry, Online
from sessions.rules import apply_all
from tests.client import BoardClient
from tests.timing import seconds

T = TypeVar("T")

RETRYABLE = frozenset({"rate", "unavailable"})
"""Error codes after which the browser keeps the command and sends it again later."""


class _Event(msgspec.Struct, tag="event"):
    entry: Entry


class _Events(msgspec.Struct, tag="events"):
    entries: list[Entry]


class _Ack(msgspec.Struct, tag="ack"):
    op_id: str
    seq: int


class _Error(msgspec.Struct, tag="error"):
    code: str
    message: str
    op_id: str | None = None
    retry_ms: int | None = None


class _Presence(msgspec.Struct, tag="presence"):
    online: list[Online]


class _Welcome(msgspec.Struct, tag="welcome"):
    pass


_frames = msgspec.json.Decoder(_Event | _Events | _Ack | _Error | _Presence | _Welcome)


class Violation(AssertionError):
    """A phone saw something the guarantees forbid (a gap, a repeat, two seqs for one op)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a phone dials: a websocket URL and the Origin to send."""

    ws_url: str
    origin: str


Route = Callable[["Phone"], Target]


class Phone(BoardClient):
    """A participant's phone that reconnects, resumes and resends as the browser does."""

    def __init__(
        self,
        route: Route,
        workshop: str,
        token: str,
        name: str,
        *,
        retry_after: float | None = None,
        keep_log: bool = False,
        replica: bool = True,
    ) -> None:
        self.route = route
        self.name = name
        self.failures = 0
        """Failed connection attempts in a row: a route may try another server (as a balancer)."""
        first = route(self)
        super().__init__(first.ws_url, workshop, token, first.origin)
        self.retry_after = retry_after
        self.keep_log = keep_log
        self.replica = replica
        """False: check the seqs but apply nothing (hundreds of phones, one test process)."""
        self.acks: dict[str, int] = {}
        self.refused: dict[str, str] = {}
        self.codes: Counter[str] = Counter()
        self.errors_of: dict[str, list[str]] = {}
        self.outbox: dict[str, dict[str, Any]] = {}
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.closes: list[int | None] = []
        self.welcomes: list[str] = []
        self.welcomed_at: list[float] = []
        self.violations: list[str] = []
        self.online: list[str] = []
        self.ops_at: dict[int, str] = {}
        self.connected = asyncio.Event()
        self.gone = False
        self.stopping = False
        self._numbers = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self._resync = False

    @property
    def me(self) -> str:
        """This phone's participant id."""
        assert self.welcome is not None
        return str(self.welcome["you"]["id"])

    # -- commands -------------------------------------------------------------------------

    async def order(self, command: dict[str, Any], op_id: str | None = None) -> str:
        """Send a command now if connected (else after the next welcome); its op id."""
        op_id = op_id or f"{self.name}-{next(self._numbers)}"
        self.outbox[op_id] = command
        self.sent_at.setdefault(op_id, time.monotonic())
        await self._send(op_id)
        return op_id

    async def _send(self, op_id: str) -> None:
        command = self.outbox.get(op_id)
        if command is None or self.ws is None or not self.connected.is_set():
            return
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(msgspec.json.encode({**command, "op_id": op_id}).decode())

    async def resend(self) -> None:
        """Send every unanswered command again, with its op id (as after a reconnect)."""
        for op_id in list(self.outbox):
            await self._send(op_id)

    # -- frames ---------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                self._on_frame(frame)
        except ConnectionClosed:
            pass
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _on_frame(self, frame: str | bytes) -> None:
        message = _frames.decode(frame)
        match message:
            case _Event(entry=entry):
                self._take(entry)
            case _Events(entries=entries):
                for entry in entries:
                    self._take(entry)
            case _Ack(op_id=op_id, seq=seq):
                first = self.acks.setdefault(op_id, seq)
                if first != seq:
                    self._violate(f"{op_id} acknowledged at {first}, then at {seq}")
                self.acked_at.setdefault(op_id, time.monotonic())
                self.outbox.pop(op_id, None)
            case _Error(code=code, op_id=op_id, retry_ms=retry_ms):
                self.codes[code] += 1
                if op_id is not None:
                    self.errors_of.setdefault(op_id, []).append(code)
                if op_id is None or op_id not in self.outbox:
                    return
                if code in RETRYABLE:
                    # As the browser: after the hold the server asked for (or ours), in order.
                    delay = self.retry_after if retry_ms is None else retry_ms / 1000
                    if delay is not None:
                        loop = asyncio.get_running_loop()
                        loop.call_later(delay * 1.1, self._resend_soon, op_id)
                    return
                self.refused[op_id] = code
                self.outbox.pop(op_id, None)
            case _Presence(online=online):
                self.online = [person.id for person in online]
            case _Welcome():
                pass

    def _resend_soon(self, op_id: str) -> None:
        if op_id in self.outbox and not self.stopping:
            asyncio.get_running_loop().create_task(self._send(op_id))

    def _take(self, entry: Entry) -> None:
        if entry.seq != self.seq + 1:
            kind = "again" if entry.seq <= self.seq else "after a gap"
            self._violate(f"{self.name}: entry {entry.seq} {kind} (at {self.seq})")
        assert self.workshop is not None
        if self.replica:
            apply_all(self.workshop, entry.events)
        self.seq = entry.seq
        self.seen.append(entry.seq)
        if self.keep_log:
            self.ops_at[entry.seq] = entry.op_id

    def _apply(self, raw: dict[str, Any]) -> None:  # the welcome's entries
        self._take(msgspec.convert(raw, Entry))

    def _violate(self, what: str) -> None:
        self.violations.append(what)
        raise Violation(what)

    # -- the connection's life ------------------------------------------------------------

    def start(self) -> None:
        """Connect and stay connected (reconnecting as needed) until :meth:`stop`."""
        self._task = asyncio.create_task(self._live(), name=f"phone-{self.name}")

    async def _live(self) -> None:
        pause = 0.05
        while not self.stopping and not self.gone and not self.violations:
            target = self.route(self)
            self.ws_url, self.origin = target.ws_url, target.origin
            try:
                resume = self.epoch is not None and not self._resync
                welcome = await self.connect(resume=resume)
            except Violation:
                return
            except RuntimeError as refused:  # an error instead of a welcome
                if "not_found" in str(refused):
                    self.gone = True
                    return
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)
                continue
            except (OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                self.failures += 1
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)
                continue
            pause = 0.05
            self.failures = 0
            self._resync = False
            self.welcomes.append("snapshot" if welcome.get("snapshot") is not None else "entries")
            self.welcomed_at.append(time.monotonic())
            self.connected.set()
            await self.resend()
            assert self._reader is not None
            await asyncio.wait([self._reader])
            self.connected.clear()
            code = self.ws.close_code if self.ws is not None else None
            self.closes.append(code)
            if code == 4404:
                self.gone = True
            elif code == 4001:
                self._resync = True
            if self.stopping:
                return
            await asyncio.sleep(random.uniform(0, 0.1))

    async def stop(self) -> None:
        """Close the socket and end the reconnect loop."""
        self.stopping = True
        self.connected.clear()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), seconds(5))
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, seconds(5))


# -- waiting and pacing ---------------------------------------------------------------------


async def until(condition: Callable[[], bool], timeout: float, what: str) -> float:  # noqa: ASYNC109
    """Poll ``condition`` every 20 ms until true; the seconds it took (raises after timeout)."""
    start = time.monotonic()
    deadline = start + seconds(timeout)
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def bounded(jobs: Iterable[Awaitable[T]], at_once: int = 50) -> list[T]:
    """Await ``jobs`` with at most ``at_once`` of them in flight."""
    gate = asyncio.Semaphore(at_once)

    async def one(job: Awaitable[T]) -> T:
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


async def paced(count: int, per_second: float, act: Callable[[int], Awaitable[object]]) -> None:
    """Call ``act(i)`` for i in 0..count-1 at ``per_second`` on average (a bounded loop)."""
    start = time.monotonic()
    for i in range(count):
        due = start + i / per_second
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await act(i)


def violations(phones: Iterable[Phone]) -> list[str]:
    return [v for phone in phones for v in phone.violations]


def converged(phones: list[Phone], seq: int) -> bool:
    return all(p.seq == seq and p.connected.is_set() for p in phones)


async def stop_all(phones: Iterable[Phone]) -> None:
    """Stop phones at once (each close is a round trip, slow through a proxy with latency)."""
    await asyncio.gather(*(phone.stop() for phone in phones))
