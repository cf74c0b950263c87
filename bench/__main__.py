"""``python -m bench quick | full | <scenario>... | custom [options]`` (see bench/README.md)."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import procs, redisbench, report
from bench.loadgen import Phase
from bench.scenarios import SCENARIOS, Ctx, Size, _with_parcours, _with_relay

QUICK = ("room", "rooms", "reconnect", "split")
FULL = ("room", "rooms", "idle", "reconnect", "stalled", "split", "writes", "groups")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _priority(nice: int) -> None:
    """Run ahead of other work on a shared machine (root only; otherwise nothing changes).

    With the kernel's autogroups, a process's nice value only counts inside its session: the
    group's own nice (``/proc/self/autogroup``) is what weighs against other sessions. Children
    inherit both. The group is set back to 0 at exit.
    """
    with contextlib.suppress(OSError):
        os.nice(nice)
    group = Path("/proc/self/autogroup")
    with contextlib.suppress(OSError):
        group.write_text(str(nice))
        atexit.register(lambda: group.write_text("0"))


def _integrity(scenarios: list[dict[str, Any]]) -> dict[str, int]:
    total = {"lost": 0, "duplicated": 0, "reordered": 0}
    for scenario in scenarios:
        for run in scenario.get("runs", {}).values():
            for key in total:
                total[key] += run["integrity"][key]
    return total


def _health(scenarios: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per run: changes acknowledged, left unacknowledged, errors, phones down, closes (a phone
    whose frame handler fails is closed: only these counts show it, integrity does not)."""
    out: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        for key, run in scenario.get("runs", {}).items():
            done = [p for p in run["phases"] if not p.get("skipped")]
            closes: dict[str, int] = {}
            for phase in done:
                for code, n in phase.get("closes", {}).items():
                    closes[code] = closes.get(code, 0) + n
            out[f"{scenario['name']}: {key}"] = {
                "acked": sum(p.get("acked", 0) for p in done),
                "unacked": run["integrity"]["unacked"],
                "errors": run["integrity"]["errors"],
                "phones_down_at_end": run["integrity"]["phones_down_at_end"],
                "closes": closes,
                "counted_by": run["integrity"].get("counted_by", "seq"),
            }
    return out


def _custom(ctx: Ctx, ns: argparse.Namespace) -> dict[str, Any]:
    mix = (
        dict((k, float(v)) for k, v in (p.split("=") for p in ns.mix.split(",")))
        if ns.mix
        else None
    )
    phases = [
        Phase(name=f"{r}/s", rate=float(r), warmup=ns.warmup, duration=ns.duration)
        for r in ns.rate.split(",")
    ]
    if ns.target == "parcours":
        result = _with_parcours(ctx, ns.rooms, ns.clients, phases, servers=ns.servers)
    elif ns.target.startswith("peer-"):
        result = _with_relay(ctx, ns.target, ns.rooms, ns.clients, phases, servers=ns.servers)
    else:
        result = _with_relay(
            ctx, ns.target.removeprefix("relay-"), ns.rooms, ns.clients, phases, servers=ns.servers
        )
    if mix:
        _say("note: --mix applies to the next run's plans; see Load.mix")
    return {"name": "custom", "rows": [], "runs": {ns.target: result}}


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    top.add_argument("what", nargs="+", help="quick | full | custom | " + " | ".join(SCENARIOS))
    top.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    top.add_argument("--workers", type=int, default=1, help="generator processes")
    top.add_argument("--redis-transport", default="unix", choices=["unix", "tcp"])
    top.add_argument(
        "--server-tree",
        default="",
        metavar="REV",
        help="serve from a clean export of this commit (default: this checkout)",
    )
    top.add_argument(
        "--server-patch",
        action="append",
        metavar="DIFF",
        help="apply this diff to the export of --server-tree (repeatable)",
    )
    top.add_argument(
        "--nice",
        type=int,
        default=-10,
        help="niceness increment for the whole run (negative needs root; 0: off)",
    )
    top.add_argument("--keep", action="store_true", help="keep the work folder (logs, plans)")
    top.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    top.add_argument("--out", help="also write the results JSON here")
    top.add_argument("--label", default="", help="results go to bench/results/<mode>-<label>-*")
    top.add_argument("--idle-room", type=int, default=300, help="phones per room in `idle`")
    top.add_argument(
        "--peers", action="store_true", help="the Socket.IO peers in `quick` too (always in full)"
    )
    custom = top.add_argument_group("custom")
    custom.add_argument(
        "--target",
        default="parcours",
        choices=["parcours", "relay-ws", "relay-asgi", "relay-ws-redis", "peer-sio", "peer-pysio"],
    )
    custom.add_argument("--rooms", type=int, default=1)
    custom.add_argument("--clients", type=int, default=30, help="phones per room")
    custom.add_argument("--rate", default="50", help="changes/s per room, comma-separated steps")
    custom.add_argument("--mix", default="", help="e.g. add=0.4,move=0.3,edit=0.25,delete=0.05")
    custom.add_argument("--servers", type=int, default=1, help="server processes")
    custom.add_argument("--duration", type=float, default=5.0)
    custom.add_argument("--warmup", type=float, default=1.0)
    ns = top.parse_args(argv)

    quick = ns.what[0] == "quick"
    if ns.what[0] in ("quick", "full"):
        names = ns.what[1:] or list(QUICK if quick else FULL)
    else:
        names = ns.what
    mode = ns.what[0] if ns.what[0] in ("quick", "full") else "+".join(ns.what)
    limit = procs.raise_file_limit()
    if ns.nice:
        _priority(ns.nice)
    if ns.server_tree:
        _say(f"servers run from {procs.use_commit(ns.server_tree, ns.server_patch)}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    size = Size.pick(quick)
    size.idle_room = ns.idle_room
    size.peers = size.peers or ns.peers
    ctx = Ctx(
        workdir=workdir,
        size=size,
        loop=ns.loop,
        workers=ns.workers,
        redis_transport=ns.redis_transport,
    )
    _say(f"bench {mode}: open files {limit}, work folder {workdir}")
    began = time.monotonic()
    done: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    try:
        for name in names:
            t = time.monotonic()
            if name == "custom":
                try:
                    done.append(_custom(ctx, ns))
                except procs.Missing as exc:
                    _say(f"custom: {exc}")
                    continue
                _say(json.dumps(done[-1]["runs"], indent=1, default=str)[:20000])
                continue
            if name == "redis":
                redis = ctx.redis()
                try:
                    extra["redis_benchmark"] = redisbench.run(redis, quick)
                finally:
                    redis.stop()
                _say(json.dumps(extra["redis_benchmark"], indent=1))
                continue
            try:
                done.append(SCENARIOS[name](ctx))
            except (NotImplementedError, procs.Missing) as exc:
                _say(f"{name}: skipped: {exc}")
                continue
            _say(f"\n## {name} ({time.monotonic() - t:.0f} s)")
            report.show(done[-1]["rows"])
            for note in done[-1].get("notes", []):
                _say(f"note: {note}")
        if ns.what[0] == "full":
            redis = ctx.redis()
            try:
                extra["redis_benchmark"] = redisbench.run(redis, quick)
            finally:
                redis.stop()
    finally:
        if not ns.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    integrity = _integrity(done)
    extra["integrity"] = integrity
    extra["seconds"] = time.monotonic() - began
    if not ns.no_save:
        extra["server_tree"] = str(procs.TREE["path"])
        extra["server_patches"] = ns.server_patch or []
        path = report.write(f"{mode}-{ns.label}" if ns.label else mode, done, extra)
        _say(f"\nresults: {path}")
    if ns.out:
        Path(ns.out).write_text(
            json.dumps(
                {
                    "integrity": integrity,
                    "health": _health(done),
                    "rows": [r for s in done for r in s.get("rows", [])],
                },
                default=str,
            )
        )
    _say(f"integrity over every run: {integrity}; {extra['seconds']:.0f} s")
    return 0 if not any(integrity.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
