"""The scenarios of issue 8, each run against Parcours and its baselines in the same run.

Each scenario returns ``{"name", "rows", "runs"}``: ``rows`` are the lines of the report (a
Parcours figure, the baseline's, their ratio, the target and whether it is met), ``runs`` the
merged generator output behind them. ``Size`` scales everything between ``quick`` and ``full``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import procs, provision
from bench.drive import Load, drive
from bench.loadgen import Phase


@dataclass
class Size:
    quick: bool
    room: int = 300
    steps: tuple[int, ...] = (10, 25, 50, 100, 150, 200, 300, 400)
    step_seconds: float = 5.0
    rooms: int = 100
    room_size: int = 30
    idle: int = 10_000
    idle_room: int = 300
    seconds: float = 10.0
    writes: tuple[int, ...] = (2000, 4000, 6000, 8000, 10000, 12000)
    write_rooms: int = 1500
    """Rooms of one phone in ``writes`` (0: as many as the top step needs at 25/s each); at
    25/s each, 1,500 offer 37,500/s, so the 5x step is 5x a peak of up to 7,500/s."""
    overload: tuple[float, ...] = (2.0, 5.0)
    """Past capacity: offered these times the best of the ``writes`` steps (0: none)."""
    groups: int = 30
    group_size: int = 10
    group_personas: int = 10
    group_period: float = 5.0
    """Seconds between two changes of one phone, on average, in ``groups``."""
    group_seconds: float = 20.0
    peers: bool = True
    """Run the Socket.IO peers too (off in ``quick`` unless ``--peers``)."""

    @classmethod
    def pick(cls, quick: bool) -> Size:
        if not quick:
            return cls(quick=False)
        return cls(
            quick=True,
            room=40,
            steps=(20, 100),
            step_seconds=2.0,
            rooms=5,
            room_size=8,
            idle=200,
            seconds=2.0,
            writes=(500,),
            write_rooms=0,
            overload=(),
            groups=3,
            group_size=3,
            group_personas=2,
            group_period=0.5,
            group_seconds=2.0,
            peers=False,
        )


@dataclass
class Grouping:
    """How a room works: ``groups`` groups over ``personas`` personas, group work on or off."""

    groups: int
    personas: int
    grouped: bool
    walls: bool = False


@dataclass
class Ctx:
    workdir: Path
    size: Size
    loop: str = "auto"
    workers: int = 1
    redis_transport: str = "unix"

    def redis(self) -> procs.Redis:
        return procs.Redis(self.workdir)

    def parcours(self, redis: procs.Redis, name: str = "parcours") -> procs.Proc:
        return procs.parcours(redis.url(self.redis_transport), self.workdir, self.loop, name)

    def relay(self, kind: str, redis: procs.Redis | None = None) -> procs.Proc:
        url = redis.url(self.redis_transport) if redis else None
        return procs.relay(kind, self.workdir, url, self.loop)

    def peer(self, kind: str, redis: procs.Redis | None = None) -> procs.Proc:
        url = redis.url(self.redis_transport) if redis else None
        return procs.peer(kind, self.workdir, url, self.loop)

    def drive(self, load: Load) -> dict[str, Any]:
        load.workers = load.workers if load.workers > 1 else self.workers
        load.asyncio_loop = self.loop == "asyncio"
        if self.size.quick:
            for phase in load.phases:
                phase.warmup, phase.drain = min(phase.warmup, 0.5), 1.0
        return drive(load, self.workdir)


Row = dict[str, Any]


def row(
    scenario: str,
    figure: str,
    ours: float,
    base_name: str,
    base: float | None,
    unit: str,
    target: str = "",
    met: bool | None = None,
) -> Row:
    ratio = (ours / base) if base else None
    return {
        "scenario": scenario,
        "figure": figure,
        "parcours": ours,
        "baseline": base_name,
        "base": base,
        "ratio": ratio,
        "unit": unit,
        "target": target,
        "met": met,
    }


def _with_parcours(
    ctx: Ctx,
    rooms: int,
    per_room: int,
    phases: list[Phase],
    servers: int = 1,
    weights: list[float] | None = None,
    stall_rcvbuf: int = 0,
    grouping: Grouping | None = None,
) -> dict[str, Any]:
    redis = ctx.redis()
    started: list[procs.Proc] = []
    try:
        for i in range(servers):
            started.append(ctx.parcours(redis, f"parcours-{i + 1}" if servers > 1 else "parcours"))
        port: int = started[0].port  # type: ignore[attr-defined]
        teams: dict[str, str] = {}
        if grouping is None:
            made, took = provision.parcours_rooms(port, rooms, per_room)
        else:
            g = grouping
            room, teams, took = provision.parcours_groups(
                port, per_room, g.groups, g.personas, g.grouped, g.walls
            )
            made = [room]
        watch = {p.name: p.pid for p in started} | {"redis": redis.pid}
        ports = [p.port for p in started]  # type: ignore[attr-defined]
        result = ctx.drive(
            Load(
                ports=ports,
                rooms=made,
                phases=phases,
                watch=watch,
                weights=weights,
                stall_rcvbuf=stall_rcvbuf,
                teams=teams,
            )
        )
        result["provision_seconds"] = took
        return result
    finally:
        for proc in reversed(started):
            proc.stop()
        redis.stop()


def _with_relay(
    ctx: Ctx,
    kind: str,
    rooms: int,
    per_room: int,
    phases: list[Phase],
    servers: int = 1,
    weights: list[float] | None = None,
) -> dict[str, Any]:
    """``kind``: ``ws``, ``asgi``, ``ws-redis``, or a peer: ``peer-sio``, ``peer-pysio`` (over
    Redis when ``servers`` > 1; :class:`procs.Missing` when it cannot run here)."""
    is_peer = kind.startswith("peer-")
    redis = ctx.redis() if servers > 1 or kind == "ws-redis" else None
    started: list[procs.Proc] = []
    try:
        for _ in range(servers):
            if is_peer:
                started.append(ctx.peer(kind.removeprefix("peer-"), redis))
            else:
                started.append(ctx.relay("ws" if kind == "ws-redis" else kind, redis))
        watch = {
            f"{p.name}-{i + 1}" if servers > 1 else p.name: p.pid for i, p in enumerate(started)
        }
        if redis is not None:
            watch["redis"] = redis.pid
        ports = [p.port for p in started]  # type: ignore[attr-defined]
        return ctx.drive(
            Load(
                ports=ports,
                rooms=provision.relay_rooms(rooms, per_room),
                phases=phases,
                watch=watch,
                weights=weights,
                peer=is_peer,
                by_op=is_peer and servers > 1,
            )
        )
    finally:
        for proc in reversed(started):
            proc.stop()
        if redis is not None:
            redis.stop()


PEERS = ("peer-sio", "peer-pysio")


def _with_peers(
    ctx: Ctx, runs: dict[str, Any], notes: list[str], *args: Any, suffix: str = "", **kw: Any
) -> None:
    """Run each peer that can run here (``size.peers``) into ``runs[kind + suffix]``; a note
    for the others."""
    if not ctx.size.peers:
        return
    for kind in PEERS:
        try:
            runs[kind + suffix] = _with_relay(ctx, kind, *args, **kw)
        except procs.Missing as exc:
            notes.append(str(exc))


Figure = tuple[str, Callable[[dict[str, Any]], float], str]
"""A row's label, its value in a phase, its unit."""


def _peer_rows(name: str, runs: dict[str, Any], figures: list[Figure], step: str) -> list[Row]:
    """Parcours / peer rows for one step: ``figures`` are (label, value of a phase)."""
    rows = []
    ours = _phase(runs["parcours"], step)
    for kind in PEERS:
        theirs = _phase(runs[kind], step) if kind in runs else None
        if ours is None or theirs is None:
            continue
        rows += [row(name, f, get(ours), kind, get(theirs), unit) for f, get, unit in figures]
    return rows


def _phase(result: dict[str, Any], name: str) -> dict[str, Any] | None:
    for phase in result["phases"]:
        if phase["name"] == name and not phase.get("skipped"):
            return phase
    return None


# -- scenarios ----------------------------------------------------------------------------


def room_steps(ctx: Ctx) -> dict[str, Any]:
    """One room of ``size.room`` phones, stepping changes/s until p99 passes 200 ms (saturated)."""
    s = ctx.size
    phases = [
        Phase(
            name=f"{r}/s",
            rate=r,
            warmup=1.0,
            duration=s.step_seconds,
            stop_p99_ms=0 if s.quick else 200.0,
        )
        for r in s.steps
    ]
    runs = {
        "parcours": _with_parcours(ctx, 1, s.room, phases),
        "relay-ws": _with_relay(ctx, "ws", 1, s.room, phases),
        "relay-asgi": _with_relay(ctx, "asgi", 1, s.room, phases),
    }
    notes: list[str] = []
    _with_peers(ctx, runs, notes, 1, s.room, phases)
    name = f"room of {s.room}"
    rows = []
    for step in s.steps:
        rows += _peer_rows(name, runs, _step_figures(step), f"{step}/s")
        ours = _phase(runs["parcours"], f"{step}/s")
        base = _phase(runs["relay-ws"], f"{step}/s")
        asgi = _phase(runs["relay-asgi"], f"{step}/s")
        if ours is None:
            continue
        target, met = "", None
        if base is not None and step == 100:
            bound = 2 * base["latency"]["p99"] + 5
            target, met = f"<= 2x relay + 5 = {bound:.1f} ms", ours["latency"]["p99"] <= bound
        if step == 200:  # issue 16: within twice the relay's p99 and 5 ms, and never over 25 ms
            bound = min(2 * base["latency"]["p99"] + 5, 25.0) if base is not None else 25.0
            target = f"<= min(2x relay + 5, 25) = {bound:.1f} ms"
            met = ours["latency"]["p99"] <= bound
        rows.append(
            row(
                name,
                f"{step}/s change-to-all p99",
                ours["latency"]["p99"],
                "relay-ws",
                base and base["latency"]["p99"],
                "ms",
                target,
                met,
            )
        )
        rows.append(
            row(
                name,
                f"{step}/s change-to-all p50",
                ours["latency"]["p50"],
                "relay-ws",
                base and base["latency"]["p50"],
                "ms",
            )
        )
        if asgi is not None:
            rows.append(
                row(
                    name,
                    f"{step}/s change-to-all p99",
                    ours["latency"]["p99"],
                    "relay-asgi",
                    asgi["latency"]["p99"],
                    "ms",
                )
            )
        rows.append(
            row(
                name,
                f"{step}/s ack p99",
                ours["ack"]["p99"],
                "relay-ws",
                base and base["ack"]["p99"],
                "ms",
            )
        )
        rows.append(
            row(name, f"{step}/s server CPU", _cpu(ours), "relay-ws", base and _cpu(base), "cores")
        )
    rows += _calibration(name, runs)
    bound = 25.0
    best = {k: _best_rate(v, bound) for k, v in runs.items()}
    met = best["parcours"] >= 0.7 * best["relay-ws"] if best["relay-ws"] else None
    rows.append(
        row(
            name,
            f"deliveries/s with p99 <= {bound:.0f} ms",
            best["parcours"],
            "relay-ws",
            best["relay-ws"],
            "/s",
            ">= 0.7x relay",
            met,
        )
    )
    rows.append(
        row(
            name,
            f"deliveries/s with p99 <= {bound:.0f} ms",
            best["parcours"],
            "relay-asgi",
            best["relay-asgi"],
            "/s",
        )
    )
    for kind in PEERS:
        if kind in best:
            figure = f"deliveries/s with p99 <= {bound:.0f} ms"
            rows.append(row(name, figure, best["parcours"], kind, best[kind], "/s"))
    return {"name": "room", "rows": rows, "runs": runs, "notes": notes}


def _step_figures(step: int | str) -> list[Figure]:
    return [
        (f"{step}/s change-to-all p99", lambda p: p["latency"]["p99"], "ms"),
        (f"{step}/s change-to-all p50", lambda p: p["latency"]["p50"], "ms"),
        (f"{step}/s ack p99", lambda p: p["ack"]["p99"], "ms"),
        (f"{step}/s server CPU", _cpu, "cores"),
    ]


def _calibration(name: str, runs: dict[str, Any]) -> list[Row]:
    """The generator's own cost per delivered event and the ceiling it implies (one core)."""
    top, per = _gen_cost(runs["relay-ws"])
    if top is None:
        return []
    ours = [p for p in runs["parcours"]["phases"] if not p.get("skipped")]
    peers = []
    for kind in PEERS:  # Engine.IO framing costs the generator a little more per delivery
        at, cost = _gen_cost(runs[kind]) if kind in runs else (None, 0.0)
        if at is not None:
            figure = f"generator CPU per delivery at {at['name']} ({kind})"
            peers.append(row(name, figure, cost, "", None, "us"))
    return [
        row(name, f"generator CPU per delivery at {top['name']} (relay-ws)", per, "", None, "us"),
        *peers,
        row(
            name,
            "generator ceiling (deliveries/s on one core)",
            1e6 / per if per else 0.0,
            "",
            None,
            "/s",
        ),
        row(
            name,
            "generator send lag p99, worst step (Parcours run)",
            max(p["lag_p99"] for p in ours) * 1000,
            "",
            None,
            "ms",
        ),
        row(
            name,
            "other processes' CPU, worst step (noise)",
            max(p["others_cpu"] for p in ours),
            "",
            None,
            "cores",
        ),
    ]


def _gen_cost(result: dict[str, Any]) -> tuple[dict[str, Any] | None, float]:
    """The run's busiest phase and the generator's CPU (us) per delivery in it."""
    done = [p for p in result["phases"] if not p.get("skipped") and p["events_per_s"]]
    if not done:
        return None, 0.0
    top = max(done, key=lambda p: p["events_per_s"])
    return top, top["gen_cpu"] / top["events_per_s"] * 1e6


def _cpu(phase: dict[str, Any]) -> float:
    return sum(v for k, v in phase["cpu"].items() if k != "redis")


def _best_rate(result: dict[str, Any], bound: float) -> float:
    ok = [
        p["events_per_s"]
        for p in result["phases"]
        if not p.get("skipped") and p["latency"]["n"] and p["latency"]["p99"] <= bound
    ]
    return max(ok, default=0.0)


def many_rooms(ctx: Ctx) -> dict[str, Any]:
    """``size.rooms`` rooms of ``size.room_size`` phones, each at 1-5 changes/s."""
    s = ctx.size
    weights = [float(random.Random(r).randint(1, 5)) for r in range(s.rooms)]
    # A long warm-up: the connect storm of 3000 sockets (presence for each) must settle first.
    phases = [Phase(name="1-5/s per room", rate=1.0, warmup=5.0, duration=s.seconds)]
    runs = {
        "parcours": _with_parcours(ctx, s.rooms, s.room_size, phases, weights=weights),
        "relay-ws": _with_relay(ctx, "ws", s.rooms, s.room_size, phases, weights=weights),
    }
    notes: list[str] = []
    _with_peers(ctx, runs, notes, s.rooms, s.room_size, phases, weights=weights)
    ours, base = runs["parcours"]["phases"][0], runs["relay-ws"]["phases"][0]
    name = f"{s.rooms} rooms x {s.room_size}"
    rows = [
        row(
            name,
            "change-to-all p50",
            ours["latency"]["p50"],
            "relay-ws",
            base["latency"]["p50"],
            "ms",
        ),
        row(
            name,
            "change-to-all p99",
            ours["latency"]["p99"],
            "relay-ws",
            base["latency"]["p99"],
            "ms",
        ),
        row(
            name,
            "change-to-all max",
            ours["latency"]["max"],
            "relay-ws",
            base["latency"]["max"],
            "ms",
        ),
        row(name, "ack p99", ours["ack"]["p99"], "relay-ws", base["ack"]["p99"], "ms"),
        row(name, "changes/s", ours["changes_per_s"], "relay-ws", base["changes_per_s"], "/s"),
        row(name, "deliveries/s", ours["events_per_s"], "relay-ws", base["events_per_s"], "/s"),
        row(name, "server CPU", _cpu(ours), "relay-ws", _cpu(base), "cores"),
        row(name, "redis CPU", ours["cpu"].get("redis", 0.0), "relay-ws", None, "cores"),
    ]
    figures: list[Figure] = [
        ("change-to-all p50", lambda p: p["latency"]["p50"], "ms"),
        ("change-to-all p99", lambda p: p["latency"]["p99"], "ms"),
        ("ack p99", lambda p: p["ack"]["p99"], "ms"),
        ("deliveries/s", lambda p: p["events_per_s"], "/s"),
        ("server CPU", _cpu, "cores"),
        ("server CPU per 1000 deliveries", _per_delivery, "ms"),
    ]
    rows += _peer_rows(name, runs, figures, phases[0].name)
    return {"name": "rooms", "rows": rows, "runs": runs, "notes": notes}


def _per_delivery(phase: dict[str, Any]) -> float:
    """Server CPU (ms) per 1000 entries delivered to phones in the window."""
    return _cpu(phase) / phase["events_per_s"] * 1e6 if phase["events_per_s"] else 0.0


def idle(ctx: Ctx) -> dict[str, Any]:
    """``size.idle`` idle sockets on one process: memory per connection."""
    s = ctx.size
    per_room = min(s.idle_room, s.idle)
    rooms = max(1, -(-s.idle // per_room))
    phases = [Phase(name="hold", kind="hold", warmup=3.0, duration=3.0)]
    runs = {
        "parcours": _with_parcours(ctx, rooms, per_room, phases),
        "relay-ws": _with_relay(ctx, "ws", rooms, per_room, phases),
        "relay-asgi": _with_relay(ctx, "asgi", rooms, per_room, phases),
    }
    notes: list[str] = []
    _with_peers(ctx, runs, notes, rooms, per_room, phases)
    name = f"{rooms * per_room} idle sockets"
    per: dict[str, float] = {}
    held: dict[str, int] = {}
    for key, result in runs.items():
        server = "redis" if False else next(k for k in result["phases"][0]["rss"] if k != "redis")
        before = result["connect"]["server_rss_before"][server]
        after = result["phases"][0]["rss"][server]
        n = (
            rooms * per_room
            - result["connect"]["failed"]
            - result["integrity"]["phones_down_at_end"]
        )
        held[key] = n
        per[key] = (after - before) / max(1, n) / 1024
    gen = runs["parcours"]["connect"]["gen_rss_delta"] / max(1, held["parcours"]) / 1024
    target_n = s.idle if not s.quick else 0
    rows = [
        row(
            name,
            "sockets held",
            held["parcours"],
            "relay-ws",
            held["relay-ws"],
            "",
            f">= {s.idle}",
            held["parcours"] >= target_n,
        ),
        row(
            name,
            "server memory per socket",
            per["parcours"],
            "relay-ws",
            per["relay-ws"],
            "KB",
            "<= 20 KB",
            per["parcours"] <= 20,
        ),
        row(
            name, "server memory per socket", per["parcours"], "relay-asgi", per["relay-asgi"], "KB"
        ),
        row(
            name,
            "connect all (s)",
            runs["parcours"]["connect"]["seconds"],
            "relay-ws",
            runs["relay-ws"]["connect"]["seconds"],
            "s",
        ),
        row(name, "generator memory per socket", gen, "", None, "KB"),
    ]
    for kind in PEERS:
        if kind in per:
            rows.append(row(name, "sockets held", held["parcours"], kind, held[kind], ""))
            figure = "server memory per socket"
            rows.append(row(name, figure, per["parcours"], kind, per[kind], "KB"))
    return {"name": "idle", "rows": rows, "runs": runs, "notes": notes}


def reconnect(ctx: Ctx) -> dict[str, Any]:
    """All phones of a room but one drop at once and come back, resuming from their seq."""
    s = ctx.size
    phases = [
        Phase(name="mass reconnect", kind="reconnect", rate=50.0, warmup=2.0, gap=0.5, duration=3.0)
    ]
    runs = {
        "parcours": _with_parcours(ctx, 1, s.room, phases),
        "relay-ws": _with_relay(ctx, "ws", 1, s.room, phases),
    }
    ours, base = runs["parcours"]["phases"][0], runs["relay-ws"]["phases"][0]
    name = f"mass reconnect of {ours['dropped']}"
    lost = runs["parcours"]["integrity"]["lost"]
    rows = [
        row(
            name,
            "all resynced",
            ours["resync"]["all"],
            "relay-ws (no resync)",
            base["resync"]["all"],
            "ms",
            "<= 2000 ms",
            ours["resync"]["all"] <= 2000 and ours["resynced"] == ours["dropped"],
        ),
        row(
            name,
            "resync p50",
            ours["resync"]["p50"],
            "relay-ws (no resync)",
            base["resync"]["p50"],
            "ms",
        ),
        row(
            name,
            "phones resynced",
            ours["resynced"],
            "relay-ws (no resync)",
            base["resynced"],
            "",
            f"= {ours['dropped']}",
            ours["resynced"] == ours["dropped"],
        ),
        row(name, "missed events", lost, "", None, "", "0", lost == 0),
    ]
    return {"name": "reconnect", "rows": rows, "runs": runs}


def stalled(ctx: Ctx) -> dict[str, Any]:
    """5% of the phones stop reading; the others' p99 against runs without (before and after)."""
    s = ctx.size
    rate = 100.0 if not s.quick else 50.0
    secs = s.seconds
    phases = [
        Phase(name="no stall (before)", rate=rate, warmup=1.0, duration=secs),
        # Long enough for a stalled phone's write buffer (QUEUE_BYTES, 768 KiB) to fill behind a
        # small receive buffer: the server must close it (1013) and it must resume without a loss.
        Phase(name="5% stalled", rate=rate, warmup=1.0, duration=2 * secs, stall=0.05),
        Phase(name="no stall (after)", rate=rate, warmup=1.0, duration=secs),
    ]
    runs = {"parcours": _with_parcours(ctx, 1, s.room, phases, stall_rcvbuf=4096)}
    a, b, c = (runs["parcours"]["phases"][i] for i in range(3))
    calm = (a["latency"]["p99"] + c["latency"]["p99"]) / 2
    noise = abs(a["latency"]["p99"] - c["latency"]["p99"]) / calm * 100 if calm else 0.0
    name = f"5% stalled in a room of {s.room} at {rate:.0f}/s"
    moved = (b["latency"]["p99"] / calm - 1) * 100 if calm else 0.0
    rows = [
        row(
            name,
            "others' p99 with stalls",
            b["latency"]["p99"],
            "same run, no stall (mean)",
            calm,
            "ms",
            "<= +10%",
            moved <= 10,
        ),
        row(name, "p99 moved (%)", moved, "noise between the no-stall runs (%)", noise, "%"),
        row(
            name,
            "others' p50 with stalls",
            b["latency"]["p50"],
            "same run, no stall (mean)",
            (a["latency"]["p50"] + c["latency"]["p50"]) / 2,
            "ms",
        ),
        row(name, "stalled phones", b["stalled"], "", None, ""),
        row(
            name,
            "stalled phones closed by the server (1013), then resumed",
            b["closes"].get("1013", 0),
            "",
            None,
            "",
        ),
        row(
            name,
            "server RSS growth during stall (MB)",
            (b["rss"].get("parcours", 0) - a["rss"].get("parcours", 0)) / 2**20,
            "",
            None,
            "MB",
        ),
    ]
    return {"name": "stalled", "rows": rows, "runs": runs}


def split(ctx: Ctx) -> dict[str, Any]:
    """The same room over 1, 2 and 3 processes on one Redis; relays over Redis as baseline."""
    s = ctx.size
    rate = 100.0 if not s.quick else 40.0
    phases = [Phase(name=f"{rate:.0f}/s", rate=rate, warmup=1.0, duration=s.seconds)]
    pair = [Phase(name="pair 20/s", rate=20.0, warmup=1.0, duration=s.seconds)]
    runs: dict[str, Any] = {}
    counts = (1, 2, 3) if not s.quick else (2,)
    for n in counts:
        runs[f"parcours x{n}"] = _with_parcours(ctx, 1, s.room, phases, servers=n)
        runs[f"relay-ws+redis x{n}"] = _with_relay(ctx, "ws-redis", 1, s.room, phases, servers=n)
    rows: list[Row] = []
    notes: list[str] = []
    peer_rows = _split_peers(ctx, runs, notes, phases, pair)
    if s.quick:  # the smoke checks integrity across processes; figures come from the full run
        ours = runs["parcours x2"]["phases"][0]
        return {
            "name": "split",
            "runs": runs,
            "notes": notes,
            "rows": [
                *peer_rows,
                row(
                    f"room of {s.room} over 2 processes",
                    "change-to-all p99",
                    ours["latency"]["p99"],
                    "relay-ws+redis",
                    runs["relay-ws+redis x2"]["phases"][0]["latency"]["p99"],
                    "ms",
                ),
            ],
        }
    if "parcours pair" not in runs:  # the peers' pair ran it already
        runs["parcours pair"] = _with_parcours(ctx, 1, 2, pair, servers=2)
    runs["relay pair"] = _with_relay(ctx, "ws-redis", 1, 2, pair, servers=2)
    one = runs["parcours x1"]["phases"][0]
    for n in counts:
        ours = runs[f"parcours x{n}"]["phases"][0]
        base = runs[f"relay-ws+redis x{n}"]["phases"][0]
        name = f"room of {s.room} over {n} process{'es' if n > 1 else ''} at {rate:.0f}/s"
        rows.append(
            row(
                name,
                "change-to-all p50",
                ours["latency"]["p50"],
                "relay-ws+redis",
                base["latency"]["p50"],
                "ms",
            )
        )
        rows.append(
            row(
                name,
                "change-to-all p99",
                ours["latency"]["p99"],
                "relay-ws+redis",
                base["latency"]["p99"],
                "ms",
            )
        )
        if n > 1:
            rows.append(
                row(
                    name,
                    "p50 added vs 1 process",
                    ours["latency"]["p50"] - one["latency"]["p50"],
                    "relay-ws+redis",
                    ours
                    and base["latency"]["p50"]
                    - runs["relay-ws+redis x1"]["phases"][0]["latency"]["p50"],
                    "ms",
                )
            )
            rows.append(
                row(
                    name,
                    "remote - local, p50",
                    ours["cross_delta"]["p50"],
                    "relay-ws+redis",
                    base["cross_delta"]["p50"],
                    "ms",
                )
            )
            rows.append(
                row(
                    name,
                    "remote - local, p99",
                    ours["cross_delta"]["p99"],
                    "relay-ws+redis",
                    base["cross_delta"]["p99"],
                    "ms",
                )
            )
        rows.append(
            row(
                name,
                "server CPU (all processes)",
                _cpu(ours),
                "relay-ws+redis",
                _cpu(base),
                "cores",
            )
        )
    ours, base = runs["parcours pair"]["phases"][0], runs["relay pair"]["phases"][0]
    name = "2 phones on 2 processes, 20 adds/s"
    rows += [
        row(
            name,
            "cross-instance p50",
            ours["remote"]["p50"],
            "relay-ws+redis",
            base["remote"]["p50"],
            "ms",
            "<= 1 ms",
            ours["remote"]["p50"] <= 1.0,
        ),
        row(
            name,
            "cross-instance p99",
            ours["remote"]["p99"],
            "relay-ws+redis",
            base["remote"]["p99"],
            "ms",
            "<= 2 ms",
            ours["remote"]["p99"] <= 2.0,
        ),
        row(
            name,
            "same-instance p50",
            ours["local"]["p50"],
            "relay-ws+redis",
            base["local"]["p50"],
            "ms",
        ),
    ]
    return {"name": "split", "rows": rows + peer_rows, "runs": runs, "notes": notes}


def _split_peers(
    ctx: Ctx, runs: dict[str, Any], notes: list[str], phases: list[Phase], pair: list[Phase]
) -> list[Row]:
    """The peers over 2 processes on one Redis (their Redis adapters): the room, and the pair."""
    if not ctx.size.peers:
        return []
    s = ctx.size
    if "parcours x2" not in runs:
        runs["parcours x2"] = _with_parcours(ctx, 1, s.room, phases, servers=2)
    runs["parcours pair"] = _with_parcours(ctx, 1, 2, pair, servers=2)
    _with_peers(ctx, runs, notes, 1, s.room, phases, servers=2, suffix=" x2")
    _with_peers(ctx, runs, [], 1, 2, pair, servers=2, suffix=" pair")  # noted once, above
    rows: list[Row] = []
    room: list[Figure] = [
        ("change-to-all p50", lambda p: p["latency"]["p50"], "ms"),
        ("change-to-all p99", lambda p: p["latency"]["p99"], "ms"),
        ("remote - local, p50", lambda p: p["cross_delta"]["p50"], "ms"),
        ("server CPU (all processes)", _cpu, "cores"),
    ]
    cross: list[Figure] = [
        ("cross-instance p50", lambda p: p["remote"]["p50"], "ms"),
        ("cross-instance p99", lambda p: p["remote"]["p99"], "ms"),
        ("same-instance p50", lambda p: p["local"]["p50"], "ms"),
    ]
    for suffix, name, figures, key in (
        (" x2", f"room of {s.room} over 2 processes at {phases[0].name}", room, "parcours x2"),
        (" pair", f"2 phones on 2 processes, {pair[0].name}", cross, "parcours pair"),
    ):
        view = {"parcours": runs[key]} | {k: runs[k + suffix] for k in PEERS if k + suffix in runs}
        rows += _peer_rows(name, view, figures, (phases if suffix == " x2" else pair)[0].name)
    return rows


def writes(ctx: Ctx) -> dict[str, Any]:
    """The write path: rooms of one phone each (no fan-out), stepping total changes/s; then, on
    fresh servers, twice and five times the best of those steps (no collapse past capacity)."""
    s = ctx.size
    per_room_max = 25.0  # under the server's 30 messages/s per socket
    # The same rooms in every step: commands per commit, and so the cost of one, depend on how
    # many rooms share the load (a room's queue is committed in one script).
    rooms = s.write_rooms or int(max(s.writes) / per_room_max)
    phases = [
        Phase(name=f"{w}/s", rate=w / rooms, warmup=1.0, duration=s.step_seconds, stop_p99_ms=0)
        for w in s.writes
    ]
    runs = {"parcours": _with_parcours(ctx, rooms, 1, phases)}
    steps = [(w, p) for w in s.writes if (p := _phase(runs["parcours"], f"{w}/s")) is not None]
    peak = max((p["changes_per_s"] for _, p in steps), default=0.0)
    over: list[tuple[str, dict[str, Any]]] = []
    if s.overload and peak:
        loads = [min(round(k * peak, -2), rooms * per_room_max) for k in s.overload]
        over_phases = [
            Phase(name=f"over {w:.0f}/s", rate=w / rooms, warmup=2.0, duration=s.step_seconds)
            for w in loads
        ]
        runs["parcours overload"] = _with_parcours(ctx, rooms, 1, over_phases)
        for w in loads:
            if (p := _phase(runs["parcours overload"], f"over {w:.0f}/s")) is not None:
                over.append((f"{w:.0f}/s ({w / peak:.1f}x the peak)", p))
    scenario = f"write path, {rooms} rooms of 1"
    past = f"write path past capacity, {rooms} rooms of 1"
    rows = []
    best = 0.0
    measured = [(scenario, f"{w}/s", p) for w, p in steps] + [(past, n, p) for n, p in over]
    for where, label, ours in measured:
        if ours["ack"]["p99"] <= 100:
            best = max(best, ours["changes_per_s"])
        rows.append(row(where, f"offered {label}: achieved", ours["changes_per_s"], "", None, "/s"))
        rows.append(row(where, f"offered {label}: ack p99", ours["ack"]["p99"], "", None, "ms"))
        rows.append(
            row(
                where,
                f"offered {label}: made to ack p99 (held at the phone included)",
                ours["made_to_ack"]["p99"],
                "",
                None,
                "ms",
            )
        )
        rows.append(
            row(
                where,
                f"offered {label}: server + redis CPU",
                _cpu(ours),
                "redis",
                ours["cpu"].get("redis", 0.0),
                "cores",
            )
        )
    # No collapse: goodput (acks received per second, the held phones' older changes included)
    # at twice and five times the best step, against that best step.
    for label, ours in over:
        share = ours["changes_per_s"] / peak
        rows.append(
            row(
                past,
                f"offered {label}, peak {peak:,.0f}/s: goodput / peak",
                share * 100,
                "",
                None,
                "%",
                ">= 90 %",
                share >= 0.9,
            )
        )
    target = 10_000 if not s.quick else 0
    rows.append(
        row(
            scenario,
            "changes/s with ack p99 <= 100 ms",
            best,
            "",
            None,
            "/s",
            ">= 10000/s",
            best >= target,
        )
    )
    return {"name": "writes", "rows": rows, "runs": runs}


def group_work(ctx: Ctx) -> dict[str, Any]:
    """One room split into groups, each phone writing on its group's persona at one change per
    ``size.group_period`` s: change-to-group latency and server CPU, in groups, in groups behind
    walls, and the same phones and traffic in one room without groups (run twice: its noise)."""
    s = ctx.size
    phones = s.groups * s.group_size
    rate = phones / s.group_period
    phases = [Phase(name=f"{rate:g}/s", rate=rate, warmup=5.0, duration=s.group_seconds)]
    variants = {
        "one room": Grouping(s.groups, s.group_personas, grouped=False),
        "groups": Grouping(s.groups, s.group_personas, grouped=True),
        "groups behind walls": Grouping(s.groups, s.group_personas, grouped=True, walls=True),
    }
    if not s.quick:
        variants["one room, again"] = variants["one room"]
    runs = {
        key: _with_parcours(ctx, 1, phones, phases, grouping=grouping)
        for key, grouping in variants.items()
    }
    got = {key: result["phases"][0] for key, result in runs.items()}
    base = got["one room"]
    sizes = sorted(got["groups"]["team_sizes"].values())
    shared = -(-s.groups // s.group_personas)
    name = (
        f"{phones} phones, {s.groups} groups of {s.group_size} on {s.group_personas} personas, "
        f"{rate:g}/s"
    )
    group = (
        f"change-to-group (the {sizes[0]}-{sizes[-1]} phones of its persona, up to {shared} "
        "groups, + facilitator)"
        if sizes
        else "change-to-group"
    )
    rows = [
        row(
            name,
            "one room: change-to-all p99",
            base["latency"]["p99"],
            "one room, again",
            got.get("one room, again", {}).get("latency", {}).get("p99"),
            "ms",
        ),
    ]
    for key in ("groups", "groups behind walls"):
        ours = got[key]
        compare = [  # figure, ours, the baseline's name and value, unit
            (
                f"{group} p99",
                ours["team"]["p99"],
                "one room: change-to-all",
                base["latency"]["p99"],
            ),
            (
                f"{group} p50",
                ours["team"]["p50"],
                "one room: change-to-all",
                base["latency"]["p50"],
            ),
            (
                "change-to-group p99",
                ours["team"]["p99"],
                "one room: the same phones",
                base["team"]["p99"],
            ),
            ("change-to-all p99", ours["latency"]["p99"], "one room", base["latency"]["p99"]),
            ("ack p99", ours["ack"]["p99"], "one room", base["ack"]["p99"]),
            ("server CPU per change", _per_change(ours), "one room", _per_change(base)),
        ]
        rows += [row(name, f"{key}: {f}", o, b, v, "ms") for f, o, b, v in compare]
        rows.append(row(name, f"{key}: server CPU", _cpu(ours), "one room", _cpu(base), "cores"))
        missed = ours["team_incomplete"]
        rows.append(
            row(
                name,
                f"{key}: changes not seen by their whole group",
                missed,
                "",
                None,
                "",
                "0",
                missed == 0,
            )
        )
    refused = sum(r["integrity"]["errors"].get("error:forbidden", 0) for r in runs.values())
    rows.append(row(name, "changes refused (forbidden)", refused, "", None, "", "0", refused == 0))
    worst = [  # the generator's own cost and lag, and the machine's other load, worst run
        ("generator CPU, worst run", max(p["gen_cpu"] for p in got.values()), "cores"),
        ("generator send lag p99, worst run", max(p["lag_p99"] for p in got.values()) * 1e3, "ms"),
        (
            "other processes' CPU, worst run (noise)",
            max(p["others_cpu"] for p in got.values()),
            "cores",
        ),
    ]
    rows += [row(name, f, v, "", None, u) for f, v, u in worst]
    return {"name": "groups", "rows": rows, "runs": runs}


def _per_change(phase: dict[str, Any]) -> float:
    """Server CPU (ms) spent per change acknowledged in the window."""
    return _cpu(phase) / phase["changes_per_s"] * 1000 if phase["changes_per_s"] else 0.0


def dot_storm(ctx: Ctx) -> dict[str, Any]:
    """Hook: 300 phones casting their dots within one second (needs the vote commands)."""
    raise NotImplementedError(
        "dot-vote storm: add 'dot' to the phone's change mix (bench.clients.Phone.change) "
        "once the protocol's vote commands are settled, then step like room_steps"
    )


SCENARIOS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "room": room_steps,
    "rooms": many_rooms,
    "idle": idle,
    "reconnect": reconnect,
    "stalled": stalled,
    "split": split,
    "writes": writes,
    "groups": group_work,
    "dotstorm": dot_storm,
}
