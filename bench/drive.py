"""The coordinator side of the generator: split a load over worker processes, merge what they saw.

``drive(...)`` writes one plan per worker, starts ``python -m bench.loadgen`` for each, waits for
every ``READY``, sends the same ``GO t0`` to all, and merges their records into one
:class:`Outcome` per phase (latency of each change to the last phone of its room, acks,
throughput, CPU and memory) plus the integrity counts of the whole run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from bench.clients import AT_SERVER, LISTENER, TEAM, TEAM_LAST, TEAM_N
from bench.loadgen import STALL_TAG_OFFSET, ClientSpec, Phase, Plan, RoomSpec
from bench.procs import ROOT
from bench.stats import summary


@dataclass
class Load:
    """What to drive: rooms of (workshop, tokens), which server each phone uses, the phases."""

    ports: list[int]
    rooms: list[tuple[str, list[str]]]
    phases: list[Phase]
    watch: dict[str, int] = field(default_factory=dict)
    workers: int = 1
    weights: list[float] | None = None
    mix: dict[str, float] | None = None
    notes_per_client: int = 3
    stall_rcvbuf: int = 0
    asyncio_loop: bool = False
    teams: dict[str, str] = field(default_factory=dict)
    """Token -> the persona that phone writes on (``LISTENER``: it only listens)."""
    peer: bool = False
    """The servers are the Socket.IO peer: the phones speak Socket.IO."""
    by_op: bool = False
    """Count integrity by op id, not by seq (see :func:`_by_op`)."""


def _plans(load: Load) -> list[Plan]:
    plans = []
    for w in range(load.workers):
        specs = []
        for r, (workshop, tokens) in enumerate(load.rooms):
            mine = [
                ClientSpec(token=t, server=i % len(load.ports), team=load.teams.get(t, ""))
                for i, t in enumerate(tokens)
                if (i if len(load.rooms) < load.workers else r) % load.workers == w
            ]
            if not mine:
                continue
            weight = load.weights[r] if load.weights else 1.0
            writers = sum(1 for t in tokens if load.teams.get(t) != LISTENER)
            share = sum(1 for c in mine if c.team != LISTENER) / max(1, writers)
            specs.append(
                RoomSpec(
                    index=r,
                    workshop=workshop,
                    clients=mine,
                    size=len(tokens),
                    share=share,
                    weight=weight,
                )
            )
        extra: dict[str, Any] = {"mix": load.mix} if load.mix else {}
        plans.append(
            Plan(
                worker=w,
                workers=load.workers,
                ports=load.ports,
                watch=load.watch,
                rooms=specs,
                phases=load.phases,
                seed=w + 1,
                notes_per_client=load.notes_per_client,
                stall_rcvbuf=load.stall_rcvbuf,
                peer=load.peer,
                by_op=load.by_op,
                **extra,
            )
        )
    return plans


def drive(load: Load, workdir: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run the load and return the merged figures (see :func:`merge`)."""
    procs = []
    outs = []
    for plan in _plans(load):
        plan_path = workdir / f"plan-{plan.worker}.json"
        out_path = workdir / f"result-{plan.worker}.json"
        out_path.unlink(missing_ok=True)
        plan_path.write_bytes(msgspec.json.encode(plan))
        args = [sys.executable, "-m", "bench.loadgen", str(plan_path), str(out_path)]
        if load.asyncio_loop:
            args.append("--asyncio")
        err = (workdir / f"worker-{plan.worker}.log").open("wb")
        procs.append(
            subprocess.Popen(
                args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
        )
        outs.append(out_path)
    span = sum(p.span for p in load.phases)
    limit = time.monotonic() + (timeout or 600)
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # bounded: a dead worker closes stdout
            if line.strip() != b"READY":
                raise RuntimeError(f"worker failed to start: {line!r} {_log(workdir)}")
        t0 = time.perf_counter() + 0.3
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"GO {t0}\n".encode())
            proc.stdin.flush()
        for proc in procs:
            proc.wait(max(5.0, min(limit - time.monotonic(), span + 120)))
            if proc.returncode != 0:
                raise RuntimeError(f"worker exited {proc.returncode}: {_log(workdir)}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    results = [msgspec.json.decode(p.read_bytes()) for p in outs]
    return merge(load, results)


def _log(workdir: Path) -> str:
    return "".join(p.read_text(errors="replace")[-1500:] for p in workdir.glob("worker-*.log"))


def merge(load: Load, results: list[dict[str, Any]]) -> dict[str, Any]:
    """One view of the run from every worker's records."""
    nservers = len(load.ports)
    ops: dict[str, list[Any]] = {}
    for result in results:
        for row in result["ops"]:
            op_id, rec = row[0], row[1:]
            seen = ops.get(op_id)
            if seen is None:
                ops[op_id] = list(rec)
                continue
            if rec[3] >= 0:  # the worker that made it (a held change may never have left)
                seen[0], seen[1], seen[3], seen[6], seen[7] = rec[0], rec[1], rec[3], rec[6], rec[7]
            seen[4] += rec[4]
            seen[5] = max(seen[5], rec[5])
            seen[TEAM_N] += rec[TEAM_N]
            seen[TEAM_LAST] = max(seen[TEAM_LAST], rec[TEAM_LAST])
            for s in range(AT_SERVER, AT_SERVER + nservers):
                seen[s] = max(seen[s], rec[s])
    phases = []
    for index, phase in enumerate(load.phases):
        parts = [r["phases"][index] for r in results]
        if any(p.get("skipped") for p in parts):
            phases.append({"name": phase.name, "skipped": True})
            continue
        phases.append(_phase(phase, index, parts, ops, nservers))
    integrity = _integrity(results)
    if load.by_op:
        integrity.update(_by_op(results, ops))
    return {"phases": phases, "integrity": integrity, "connect": _connect(results)}


def _by_op(results: list[dict[str, Any]], ops: dict[str, list[Any]]) -> dict[str, Any]:
    """Integrity without a common sequence (the peer over several processes): every change
    sent, warm-ups included, must have reached every phone its room had when its phase began;
    a delivery missing is lost, one too many a duplicate. Order is not checked."""
    expect: dict[tuple[int, int], int] = {}
    for result in results:
        for index, phase in enumerate(result["phases"]):
            for room, n in phase.get("expect", {}).items():
                expect[index, int(room)] = expect.get((index, int(room)), 0) + n
    lost = duplicated = 0
    for rec in ops.values():
        if not rec[0]:
            continue
        need = expect.get((rec[1] % STALL_TAG_OFFSET, rec[2]), 0)
        lost += max(0, need - rec[4])
        duplicated += max(0, rec[4] - need)
    return {"lost": lost, "duplicated": duplicated, "reordered": 0, "counted_by": "op_id"}


def _phase(
    phase: Phase, index: int, parts: list[dict[str, Any]], ops: dict[str, list[Any]], nservers: int
) -> dict[str, Any]:
    expect: dict[int, int] = {}
    teams: dict[str, int] = {}
    for part in parts:
        for room, n in part["expect"].items():
            expect[int(room)] = expect.get(int(room), 0) + n
        for room, n in part.get("listeners", {}).items():
            teams[f"{room}:{LISTENER}"] = teams.get(f"{room}:{LISTENER}", 0) + n
        for team, n in part.get("expect_team", {}).items():
            teams[team] = teams.get(team, 0) + n
    made = [rec for rec in ops.values() if rec[1] == index and rec[3] >= 0]
    mine = [rec for rec in made if rec[0]]
    full, local, remote, acks, incomplete = [], [], [], [], 0
    made_to_ack = [rec[6] - rec[7] for rec in mine if rec[6]]
    team, team_incomplete = [], 0
    window_start = min(p["before"]["t"] for p in parts)
    window_end = max(p["after"]["t"] for p in parts)
    # Goodput: acks that came in the window, for changes made in it or before (a phone held by
    # refusals sends its older changes first).
    in_window = sum(
        1 for rec in ops.values() if rec[3] >= 0 and window_start <= rec[6] <= window_end
    )
    for rec in mine:
        if rec[6]:
            acks.append(rec[6] - rec[0])
        if rec[4] >= expect.get(rec[2], 1 << 30):
            full.append(rec[5] - rec[0])
            if nservers > 1:
                here = rec[AT_SERVER + rec[3]]
                there = max(rec[AT_SERVER + s] for s in range(nservers) if s != rec[3])
                local.append(here - rec[0])
                remote.append(there - rec[0])
        else:
            incomplete += 1
        if rec[TEAM] and (rec[4] or not rec[6]):  # acknowledged, never delivered: a no-op
            need = teams.get(f"{rec[2]}:{rec[TEAM]}", 0) + teams.get(f"{rec[2]}:{LISTENER}", 0)
            if rec[TEAM_N] >= need:
                team.append(rec[TEAM_LAST] - rec[0])
            else:
                team_incomplete += 1
    window = max(p["after"]["t"] - p["before"]["t"] for p in parts) or 1.0
    frames = sum(p["after"]["frames"] - p["before"]["frames"] for p in parts)
    deliveries = sum(p["after"]["deliveries"] - p["before"]["deliveries"] for p in parts)
    gen_cpu = sum(p["after"]["gen_cpu"] - p["before"]["gen_cpu"] for p in parts)
    first = parts[0]
    cpu = {
        k: (first["after"]["cpu"][k] - v) / window
        for k, v in first["before"]["cpu"].items()
        if k in first["after"]["cpu"]
    }
    machine = (first["after"]["machine"] - first["before"]["machine"]) / window
    ours = sum(cpu.values()) + gen_cpu / window
    out: dict[str, Any] = {
        "name": phase.name,
        "kind": phase.kind,
        "rate": phase.rate,
        "seconds": window,
        "changes": len(mine),
        "acked": len(acks),
        "incomplete": incomplete,
        "changes_per_s": in_window / window,
        "offered_per_s": len(mine) / window,
        "made_per_s": len(made) / window,
        "held_at_end": len(made) - len(mine),
        "made_to_ack": summary(made_to_ack),
        "frames_per_s": frames / window,
        "events_per_s": deliveries / window,
        "latency": summary(full),
        "ack": summary(acks),
        "team": summary(team),
        "team_incomplete": team_incomplete,
        "team_sizes": {k: n for k, n in teams.items() if not k.endswith(f":{LISTENER}")},
        "gen_cpu": gen_cpu / window,
        "gen_workers": len(parts),
        "cpu": cpu,
        "machine_busy": machine,
        "others_cpu": max(0.0, machine - ours),
        "rss": first["after"]["rss"],
        "rss_before": first["before"]["rss"],
        "gen_rss": sum(p["after"]["gen_rss"] for p in parts),
        "lag_p99": max(p.get("lag_p99", 0.0) for p in parts),
        "closes": _sum_dicts(p.get("closes", {}) for p in parts),
        "healed": sum(p.get("healed", 0) for p in parts),
        "stalled": sum(p.get("stalled", 0) for p in parts),
    }
    if nservers > 1:
        out["local"], out["remote"] = summary(local), summary(remote)
        deltas = [r - lo for r, lo in zip(remote, local, strict=True)]
        out["cross_delta"] = summary(deltas)
    if phase.kind == "reconnect":
        done = sorted(t for p in parts for t in p.get("resync", []))
        out["resync"] = summary(done)
        out["resync"]["all"] = max(done, default=0.0) * 1000
        out["dropped"] = sum(p.get("dropped", 0) for p in parts)
        out["resynced"] = len(done)
        out["resync_failed"] = _sum_dicts(p.get("resync_failed", {}) for p in parts)
    return out


def _sum_dicts(items: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for item in items:
        for k, v in item.items():
            total[k] = total.get(k, 0) + v
    return total


def _integrity(results: list[dict[str, Any]]) -> dict[str, Any]:
    tops: dict[str, int] = {}
    for result in results:
        for room, info in result["rooms"].items():
            tops[room] = max(tops.get(room, 0), max(info["lasts"], default=0))
    lost = down = 0
    for result in results:
        for room, info in result["rooms"].items():
            lost += info["gaps"] + sum(tops[room] - last for last in info["lasts"])
            down += info["down"]
    return {
        "lost": lost,
        "duplicated": sum(r["duplicated"] for r in results),
        "reordered": sum(r["reordered"] for r in results),
        "phones_down_at_end": down,
        "unacked": sum(r["unacked"] for r in results),
        "noops": sum(r["noops"] for r in results),
        "holds": sum(r.get("holds", 0) for r in results),
        "errors": _sum_dicts(r["errors"] for r in results),
    }


def _connect(results: list[dict[str, Any]]) -> dict[str, Any]:
    c = [r["connect"] for r in results]
    return {
        "seconds": max(x["seconds"] for x in c),
        "failed": sum(x["failed"] for x in c),
        "failures": _sum_dicts(x["failures"] for x in c),
        "gen_rss_delta": sum(x["gen_rss_after"] - x["gen_rss_before"] for x in c),
        "server_rss_before": c[0]["server_before"]["rss"],
        "server_rss_after": c[0]["server_after"]["rss"],
    }
