"""The room and rooms scenarios on a Redis Cluster against one Redis, in one run.

    .venv/bin/python -m bench.cluster            # full size (a few minutes on 2 cores)
    .venv/bin/python -m bench.cluster --quick    # smoke size

Backends, each with the same phones, rates and Parcours processes (2, so that fan-out crosses
processes): the bundled Redis 6.2 (classic pub/sub), Debian's redis-server 7 alone (sharded
pub/sub), a local cluster of 3 masters + 3 replicas of redis-server 7 (sharded pub/sub), and the
same cluster with ``--redis-wait-replicas 1`` (every ack waits for a replica: the cost of WAIT).
Redis CPU is the sum over every node. Results: bench/results/cluster-latest.json, and a table on
stdout (docs/performance.md quotes it). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procs, provision
from bench.drive import Load
from bench.loadgen import Phase
from bench.scenarios import Ctx, Size
from server.embedded import EmbeddedRedis, free_port
from server.localcluster import LocalCluster, redis7_binary

RESULTS = Path(__file__).resolve().parent / "results" / "cluster-latest.json"
SERVERS = 2


@dataclass
class Backend:
    name: str
    url: str
    pids: list[int]
    extra: tuple[str, ...] = ()
    stop: Any = field(default=None)


def _backends(workdir: Path, binary: str) -> list[tuple[str, Any]]:
    def bundled() -> Backend:
        made = EmbeddedRedis(workdir / "single-6.2", port=free_port())
        made.start()
        assert made.process is not None
        return Backend("one Redis 6.2 (bundled)", made.url, [made.process.pid], stop=made.stop)

    def single7() -> Backend:
        made = EmbeddedRedis(workdir / "single-7", port=free_port(), binary=binary)
        made.start()
        assert made.process is not None
        return Backend("one Redis 7", made.url, [made.process.pid], stop=made.stop)

    def cluster(wait: bool) -> Any:
        def start() -> Backend:
            made = LocalCluster(workdir / f"cluster-{wait}", binary=binary)
            made.start()
            pids = [n.process.pid for n in made.nodes if n.process is not None]
            extra = ("--redis-wait-replicas", "1") if wait else ()
            name = "cluster 3+3, Redis 7" + (", WAIT 1" if wait else "")
            return Backend(name, made.url, pids, extra, stop=made.stop)

        return start

    return [
        ("single-6.2", bundled),
        ("single-7", single7),
        ("cluster", cluster(False)),
        ("cluster-wait", cluster(True)),
    ]


def _run(
    ctx: Ctx, backend: Backend, rooms: int, per_room: int, phases: list[Phase], weights: Any
) -> dict[str, Any]:
    started: list[procs.Proc] = []
    try:
        for i in range(SERVERS):
            started.append(
                procs.parcours(
                    backend.url, ctx.workdir, ctx.loop, f"parcours-{i + 1}", backend.extra
                )
            )
        made, took = provision.parcours_rooms(started[0].port, rooms, per_room)  # type: ignore[attr-defined]
        watch = {p.name: p.pid for p in started}
        watch |= {f"redis-{i}": pid for i, pid in enumerate(backend.pids)}
        ports = [p.port for p in started]  # type: ignore[attr-defined]
        result = ctx.drive(
            Load(ports=ports, rooms=made, phases=phases, watch=watch, weights=weights)
        )
        result["provision_seconds"] = took
        return result
    finally:
        for proc in reversed(started):
            proc.stop()


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    phase = result["phases"][-1]
    cpu = phase["cpu"]
    return {
        "p50_ms": round(phase["latency"]["p50"], 1),
        "p99_ms": round(phase["latency"]["p99"], 1),
        "ack_p99_ms": round(phase["ack"]["p99"], 1),
        "changes_per_s": round(phase["changes_per_s"], 1),
        "server_cpu": round(sum(v for k, v in cpu.items() if k.startswith("parcours")), 2),
        "redis_cpu": round(sum(v for k, v in cpu.items() if k.startswith("redis")), 2),
        "others_cpu": round(phase.get("others_cpu", 0.0), 2),
        "lost_dup_reordered": [result["integrity"][k] for k in ("lost", "duplicated", "reordered")],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke size")
    parser.add_argument("--room-rate", type=int, default=100, help="changes/s in the room")
    parser.add_argument("--room", type=int, help="phones in the room (default: the size's)")
    parser.add_argument("--rooms", type=int, help="rooms in `rooms` (default: the size's)")
    parser.add_argument("--room-size", type=int, help="phones per room in `rooms`")
    parser.add_argument("--seconds", type=float, help="measured seconds of each phase")
    parser.add_argument("--repeat", type=int, default=1, help="run every backend this many times")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    binary = redis7_binary()
    if binary is None:
        parser.error("needs a redis-server 7 on PATH (apt install redis-server)")
    size = Size.pick(args.quick)
    size.room = args.room or size.room
    size.rooms = args.rooms or size.rooms
    size.room_size = args.room_size or size.room_size
    if args.seconds:
        size.seconds = size.step_seconds = args.seconds
    room_phases = [
        Phase(
            name=f"{args.room_rate}/s", rate=args.room_rate, warmup=1.0, duration=size.step_seconds
        )
    ]
    weights = [float(random.Random(r).randint(1, 5)) for r in range(size.rooms)]
    rooms_phases = [Phase(name="1-5/s per room", rate=1.0, warmup=5.0, duration=size.seconds)]
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        workdir = Path(folder)
        ctx = Ctx(workdir=workdir, size=size)
        plan = [
            (f"{key}#{n + 1}" if args.repeat > 1 else key, start)
            for n in range(args.repeat)
            for key, start in _backends(workdir / f"run-{n + 1}", binary)
        ]
        for key, start in plan:
            backend = start()
            try:
                room = _run(ctx, backend, 1, size.room, room_phases, None)
                many = _run(ctx, backend, size.rooms, size.room_size, rooms_phases, weights)
            finally:
                backend.stop()
            found[key] = {
                "backend": backend.name,
                f"room of {size.room} at {args.room_rate}/s": _figures(room),
                f"{size.rooms} rooms x {size.room_size}": _figures(many),
                "raw": {"room": room, "rooms": many},
            }
    _table(found)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    slim = {k: {n: v for n, v in run.items() if n != "raw"} for k, run in found.items()}
    args.out.write_text(json.dumps(slim, indent=2) + "\n")
    sys.stdout.write(f"written to {args.out}\n")
    return 0


def _table(found: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(
        "| backend | scenario | change-to-all p50 / p99 (ms) | ack p99 (ms) | changes/s "
        "| server CPU | Redis CPU (all nodes) | others' CPU |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    for run in found.values():
        for scenario, f in run.items():
            if scenario in ("backend", "raw"):
                continue
            out.write(
                f"| {run['backend']} | {scenario} | {f['p50_ms']} / {f['p99_ms']} | "
                f"{f['ack_p99_ms']} | {f['changes_per_s']} | {f['server_cpu']} | "
                f"{f['redis_cpu']} | {f['others_cpu']} |\n"
            )


if __name__ == "__main__":
    sys.exit(main())
