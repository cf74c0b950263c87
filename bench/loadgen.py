"""A generator worker: ``python -m bench.loadgen PLAN.json RESULT.json``.

It opens every phone of its plan, prints ``READY``, waits for ``GO <t0>`` on stdin (``t0`` on
the machine's monotonic clock, which every process shares), then runs the phases on a fixed
schedule so that several workers stay in step. For every change it sends it keeps one record::

    [t_send, tag, room, server, receivers, t_last, t_ack, t_due,
     team, team_receivers, team_last, t_last_on_server_0, ...]

``tag`` is the phase index (or index + 1000 during the phase's warm-up); ``receivers`` and
``t_last`` grow as its phones receive the event. ``team`` is the persona the sender writes on
when its room works in groups ("" otherwise; it travels in the op id, after a colon, so the
phones of another worker know it too): ``team_receivers`` and ``team_last`` count only the
phones of that persona's groups and the room's listeners (the facilitator). Phones of another
worker add their own counts in that worker's records; the coordinator (``bench.drive``) merges
them by op id.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import random
import resource
import sys
import time
from collections import Counter
from typing import Any, Literal

import msgspec
import psutil

from bench.clients import LISTENER, PeerPhone, Phone, SplitPeerPhone

Tag = int
STALL_TAG_OFFSET = 1000
DEFAULT_MIX = {"add": 0.35, "move": 0.3, "edit": 0.3, "delete": 0.05}
"""Changes a phone makes; ``dot`` is reserved for dot votes (see ``bench.scenarios.dot_storm``)."""


class ClientSpec(msgspec.Struct, array_like=True):
    token: str
    server: int = 0
    team: str = ""
    """The persona this phone writes on ("" anywhere, ``LISTENER``: it never writes)."""


class RoomSpec(msgspec.Struct, kw_only=True):
    index: int
    workshop: str
    clients: list[ClientSpec]
    size: int
    share: float = 1.0
    weight: float = 1.0


class Phase(msgspec.Struct, kw_only=True):
    name: str
    kind: Literal["traffic", "hold", "reconnect"] = "traffic"
    rate: float = 0.0
    warmup: float = 1.0
    duration: float = 5.0
    drain: float = 2.0
    stall: float = 0.0
    gap: float = 0.5
    stop_p99_ms: float = 0.0

    @property
    def span(self) -> float:
        extra = self.gap + 3.0 if self.kind == "reconnect" else 0.0
        return self.warmup + self.duration + self.drain + extra


class Plan(msgspec.Struct, kw_only=True):
    worker: int = 0
    workers: int = 1
    ports: list[int]
    watch: dict[str, int] = {}
    rooms: list[RoomSpec]
    phases: list[Phase]
    mix: dict[str, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_MIX))
    notes_per_client: int = 3
    stall_rcvbuf: int = 0
    """SO_RCVBUF of the phones a phase will stall (0: the kernel's): small, the server feels it."""
    connect_concurrency: int = 200
    seed: int = 1
    peer: bool = False
    """The server is the Socket.IO peer (``bench/peer_*``): the phones speak Socket.IO."""
    by_op: bool = False
    """Integrity by op id rather than by seq (the peer over several processes has no common
    sequence): every change sent, warm-ups included, is kept for ``bench.drive``."""


class Room:
    __slots__ = ("cells", "index", "phones", "share", "size", "weight", "workshop")

    def __init__(self, spec: RoomSpec) -> None:
        self.index, self.workshop = spec.index, spec.workshop
        self.size, self.share, self.weight = spec.size, spec.share, spec.weight
        self.cells: tuple[list[str], list[str], list[str]] | None = None
        self.phones: list[Phone] = []


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _busy() -> float:
    """CPU seconds the whole machine has spent busy (every process, ours or not)."""
    t = psutil.cpu_times()
    return t.user + t.system + t.nice + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Worker:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed * 1009 + plan.worker)
        self.split = len(plan.ports) > 1
        self.ops: dict[str, list[Any]] = {}
        self.frames = self.bytes_in = self.other_frames = self.acked = self.noops = 0
        self.holds = 0
        """Times a phone was told to wait (``rate``) and held its changes."""
        self.deliveries = 0
        self.duplicated = self.reordered = self.gap_events = 0
        self.errors: Counter[str] = Counter()
        self.tag: Tag = -1
        self.rooms = [Room(spec) for spec in plan.rooms]
        kind = (SplitPeerPhone if plan.by_op else PeerPhone) if plan.peer else Phone
        for room, spec in zip(self.rooms, plan.rooms, strict=True):
            room.phones = [
                kind(self, room, i, c.token, c.server, c.team) for i, c in enumerate(spec.clients)
            ]
        self.watch = {name: psutil.Process(pid) for name, pid in plan.watch.items()}
        for phase in plan.phases:
            if phase.stall > 0 and plan.stall_rcvbuf:
                for phone in self._stalled(phase):
                    phone.rcvbuf = plan.stall_rcvbuf
        total = sum(plan.mix.values()) or 1.0
        acc, self.mix = 0.0, []
        for kind, weight in plan.mix.items():
            acc += weight / total
            self.mix.append((kind, acc))
        self._ids = itertools.count(1)
        self.phases: list[dict[str, Any]] = []

    def foreign(self, op_id: str, room: int) -> list[Any]:
        """The record of a change another worker (or the server itself) made."""
        team = op_id.partition(":")[2]
        return [0.0, self.tag, room, -1, 0, 0.0, 0.0, 0.0, team, 0, 0.0] + [0.0] * len(
            self.plan.ports
        )

    @property
    def phones(self) -> list[Phone]:
        return [p for room in self.rooms for p in room.phones]

    # -- connecting -----------------------------------------------------------------------

    async def connect_all(self, phones: list[Phone], resume: bool = False) -> dict[str, Any]:
        gate = asyncio.Semaphore(self.plan.connect_concurrency)
        failures: Counter[str] = Counter()

        async def one(phone: Phone) -> None:
            async with gate:
                try:
                    await phone.connect(resume=resume)
                except (OSError, TimeoutError) as exc:
                    failures[type(exc).__name__ + ": " + str(exc)[:80]] += 1

        began = time.perf_counter()
        await asyncio.gather(*(one(p) for p in phones))
        return {
            "seconds": time.perf_counter() - began,
            "failed": sum(failures.values()),
            "failures": dict(failures),
        }

    # -- phases ---------------------------------------------------------------------------

    def _sample(self) -> dict[str, Any]:
        cpu: dict[str, float] = {}
        rss: dict[str, int] = {}
        for name, proc in self.watch.items():
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                cpu[name] = times.user + times.system
                rss[name] = proc.memory_info().rss
        return {
            "t": time.perf_counter(),
            "frames": self.frames,
            "bytes": self.bytes_in,
            "deliveries": self.deliveries,
            "gen_cpu": _cpu_self(),
            "cpu": cpu,
            "rss": rss,
            "gen_rss": psutil.Process().memory_info().rss,
            "machine": _busy(),
        }

    async def _until(self, moment: float) -> None:
        delay = moment - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _send_loop(
        self,
        room: Room,
        senders: list[Phone],
        rate: float,
        start: float,
        end: float,
        measure_from: float,
        index: int,
        lags: list[float],
    ) -> None:
        if rate <= 0 or not senders:
            return
        interval = 1.0 / rate
        due = start + self.rng.random() * interval
        rng, mix, ops, worker = self.rng, self.mix, self.ops, self.plan.worker
        pad = [0.0] * len(self.plan.ports)
        while due < end:
            await self._until(due)
            now = time.perf_counter()
            while due <= now and due < end:
                phone = rng.choice(senders)
                if phone.live and room.cells is not None:
                    team = phone.team
                    op_id = f"{worker}.{next(self._ids)}" + (f":{team}" if team else "")
                    tag = index if due >= measure_from else index + STALL_TAG_OFFSET
                    rec = [0.0, tag, room.index, phone.server, 0, 0.0, 0.0, due, team, 0, 0.0, *pad]
                    ops[op_id] = rec
                    if phone.change(op_id, rng, mix) is None:
                        del ops[op_id]
                        self.errors["send_on_closed_socket"] += 1
                    elif tag == index and rec[0]:  # not held by a refusal
                        lags.append(rec[0] - due)
                else:
                    self.errors["sender_not_connected"] += 1
                due += interval

    def _stalled(self, phase: Phase) -> list[Phone]:
        every = max(2, round(1 / phase.stall))
        return [p for room in self.rooms for p in room.phones[1:] if p.index % every == 1]

    def _stall(self, phase: Phase, index: int) -> list[Phone]:
        if phase.stall <= 0:
            return []
        stalled = self._stalled(phase)
        for phone in stalled:
            phone.stalled_phase = index
            if phone.sock is not None:
                phone.sock.stall()
        return stalled

    async def traffic(self, phase: Phase, index: int, start: float) -> dict[str, Any]:
        self.tag = index + STALL_TAG_OFFSET
        stalled = self._stall(phase, index)
        measure_from = start + phase.warmup
        end = measure_from + phase.duration
        lags: list[float] = []
        expect: dict[int, int] = {}
        teams: Counter[str] = Counter()
        listeners: dict[int, int] = {}
        loops = []
        for room in self.rooms:
            receivers = [p for p in room.phones if p.live and p.stalled_phase != index]
            senders = [p for p in receivers if p.team != LISTENER]
            expect[room.index] = len(receivers)
            listeners[room.index] = len(receivers) - len(senders)
            teams.update(f"{room.index}:{p.team}" for p in senders if p.team)
            rate = phase.rate * room.weight * room.share
            loops.append(
                self._send_loop(room, senders, rate, start, end, measure_from, index, lags)
            )
        sender = asyncio.gather(*loops)
        await self._until(measure_from)
        self.tag = index
        before = self._sample()
        await self._until(end)
        after = self._sample()
        await sender
        await self._until(end + phase.drain)
        for phone in stalled:
            if phone.sock is not None:
                phone.sock.unstall()
        if stalled:
            await asyncio.sleep(1.0)  # let them read what was buffered, and any close frame
        return {
            "before": before,
            "after": after,
            "expect": expect,
            "expect_team": dict(teams),
            "listeners": listeners,
            "stalled": len(stalled),
            "lag_p50": _percentile(lags, 0.5),
            "lag_p99": _percentile(lags, 0.99),
            "lag_max": max(lags, default=0.0),
        }

    async def hold(self, phase: Phase, index: int, start: float) -> dict[str, Any]:
        self.tag = index
        await self._until(start + phase.warmup)
        before = self._sample()
        await self._until(start + phase.warmup + phase.duration)
        after = self._sample()
        return {"before": before, "after": after, "expect": {}}

    async def reconnect(self, phase: Phase, index: int, start: float) -> dict[str, Any]:
        """All phones but each room's first drop at once, stay away ``gap`` s, then come back."""
        self.tag = index + STALL_TAG_OFFSET
        lags: list[float] = []
        drop_at = start + phase.warmup
        back_at = drop_at + phase.gap
        loops = []
        for room in self.rooms:
            senders = [p for p in room.phones if p.live and p.team != LISTENER]
            rate = phase.rate * room.weight * room.share
            loops.append(self._send_loop(room, senders, rate, start, drop_at, drop_at, index, lags))
            if room.phones:
                keeper_end = back_at + phase.duration
                loops.append(
                    self._send_loop(
                        room, room.phones[:1], rate, drop_at, keeper_end, back_at, index, lags
                    )
                )
        sender = asyncio.gather(*loops)
        await self._until(drop_at)
        dropped = [p for room in self.rooms for p in room.phones[1:]]
        for phone in dropped:
            if phone.sock is not None:
                phone.sock.abort()
        await self._until(back_at)
        self.tag = index
        before = self._sample()
        targets = {room.index: room.phones[0].seq if room.phones else 0 for room in self.rooms}
        began = time.perf_counter()
        done: list[float] = []
        failed: Counter[str] = Counter()
        kinds: Counter[str] = Counter()

        async def back(phone: Phone) -> None:
            try:
                await phone.connect(resume=True)
            except (OSError, TimeoutError) as exc:
                failed[type(exc).__name__] += 1
                return
            target = targets[phone.room.index]
            limit = time.perf_counter() + 10
            while phone.seq < target and time.perf_counter() < limit:  # noqa: ASYNC110
                await asyncio.sleep(0.002)  # bounded poll: the phone has no event to wait on
            if phone.seq >= target:
                done.append(time.perf_counter() - began)
            else:
                failed["not_resynced_in_10s"] += 1

        await asyncio.gather(*(back(p) for p in dropped))
        after = self._sample()
        kinds["phones"] = len(dropped)
        await sender
        await self._until(back_at + phase.duration + phase.drain)
        return {
            "before": before,
            "after": after,
            "expect": {},
            "resync": sorted(done),
            "resync_failed": dict(failed),
            "dropped": len(dropped),
            "lag_p99": _percentile(lags, 0.99),
        }

    async def heal(self) -> int:
        """Reconnect (resuming) every phone the server closed; returns how many."""
        closed = [p for p in self.phones if p.sock is not None and p.sock.closed]
        if closed:
            await self.connect_all(closed, resume=True)
        return len(closed)

    def local_p99(self, index: int) -> float:
        expect = {
            r.index: len([p for p in r.phones if p.stalled_phase != index]) for r in self.rooms
        }
        lat = [
            rec[5] - rec[0]
            for rec in self.ops.values()
            if rec[1] == index and rec[0] and rec[4] >= expect.get(rec[2], 0)
        ]
        return _percentile(lat, 0.99) * 1000

    async def run(self) -> dict[str, Any]:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        rss0 = psutil.Process().memory_info().rss
        server0 = self._sample()
        connect = await self.connect_all(self.phones)
        connect["gen_rss_before"], connect["gen_rss_after"] = (
            rss0,
            psutil.Process().memory_info().rss,
        )
        connect["server_before"], connect["server_after"] = server0, self._sample()
        # The records are lists (tracked by the collector): a full collection over hundreds of
        # thousands of them stalls the generator for 100 ms and more. Nothing here makes cycles
        # that matter within a run.
        gc.collect()
        gc.freeze()
        gc.disable()
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        t0 = float(line.split()[1])
        offset = 0.0
        stopped = False
        for index, phase in enumerate(self.plan.phases):
            start = t0 + offset
            offset += phase.span
            if stopped:
                self.phases.append({"name": phase.name, "skipped": True})
                continue
            run = {"traffic": self.traffic, "hold": self.hold, "reconnect": self.reconnect}
            result = await run[phase.kind](phase, index, start)
            result["name"] = phase.name
            result["healed"] = await self.heal()
            result["closes"] = self._closes()
            self.phases.append(result)
            if (
                phase.stop_p99_ms
                and self.plan.workers == 1
                and self.local_p99(index) > phase.stop_p99_ms
            ):
                stopped = True
        await self._final_drain()
        return self._result(connect)

    def _closes(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for phone in self.phones:
            for code, n in phone.closes.items():
                total[str(code)] += n
            phone.closes.clear()
        return dict(total)

    async def _final_drain(self) -> None:
        limit = time.perf_counter() + 5
        while time.perf_counter() < limit:
            behind = False
            for room in self.rooms:
                top = max((p.seq for p in room.phones), default=0)
                behind = behind or any(p.live and p.seq < top for p in room.phones)
            if not behind:
                break
            await asyncio.sleep(0.05)

    def _result(self, connect: dict[str, Any]) -> dict[str, Any]:
        rooms = {}
        for room in self.rooms:
            rooms[room.index] = {
                "lasts": [p.seq for p in room.phones if p.live],
                "down": sum(1 for p in room.phones if not p.live),
                "gaps": sum(len(p.gaps) for p in room.phones),
            }
        top = 1 << 30 if self.plan.by_op else STALL_TAG_OFFSET
        ops = [[op_id, *rec] for op_id, rec in self.ops.items() if 0 <= rec[1] < top]
        unacked = sum(1 for rec in self.ops.values() if rec[0] and not rec[6])
        return {
            "worker": self.plan.worker,
            "connect": connect,
            "phases": self.phases,
            "rooms": rooms,
            "ops": ops,
            "duplicated": self.duplicated,
            "reordered": self.reordered,
            "gap_events": self.gap_events,
            "noops": self.noops,
            "holds": self.holds,
            "unacked": unacked,
            "errors": dict(self.errors),
            "frames": self.frames,
            "other_frames": self.other_frames,
        }


async def _amain(plan_path: str, result_path: str) -> None:
    plan = msgspec.json.decode(open(plan_path, "rb").read(), type=Plan)  # noqa: SIM115, ASYNC230
    worker = Worker(plan)
    result = await worker.run()
    with open(result_path, "wb") as out:  # noqa: ASYNC230
        out.write(msgspec.json.encode(result))
    for phone in worker.phones:
        if phone.sock is not None and not phone.sock.closed:
            phone.sock.abort()


def main() -> None:
    runner: Any = asyncio.run
    if "--asyncio" not in sys.argv:
        with contextlib.suppress(ImportError):
            import uvloop

            runner = uvloop.run
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runner(_amain(args[0], args[1]))


if __name__ == "__main__":
    main()
