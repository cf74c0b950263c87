"""Vote storm: N phones cast their dots through K server processes sharing one Redis.

    .venv/bin/python -m bench.vote_storm --participants 300 --processes 2 --dots 3

Each case starts its own redis-server (the bundled binary, a free loopback port, AOF everysec)
and K ``parcours serve`` processes, creates a workshop with six objectives and a hidden round,
joins N people (the facilitator is one of the N voters, so 1,000 fits MAX_PARTICIPANTS), and
opens one websocket each, spread evenly over the processes. Every planned dot is sent at a
random moment within the window; some are sent twice with the same op id, and some people tap
once more than their budget. The facilitator then reveals the round.

It prints, per case: dots committed per second, tap (send) to confirmation (ack) p50/p99, how
long after the reveal every phone holds the result, and lost or extra votes against Redis (must
be 0). After the configured case it runs 1,000 people x 3 dots over 2 processes, and a burst of
300 dots in one second (``--only`` skips those). Results go to bench/results/vote_storm.json;
bench/VOTE_STORM.md explains them. Loopback only; every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench.vote_phone import Phone, bounded, until
from server import redisconn
from server.embedded import EmbeddedRedis, free_port
from server.store import Store
from sessions.voting import tallies
from tests.servers import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "vote_storm.json"
OBJECTIVES = 6
PER_ITEM = 2
SETUP_CONCURRENCY = 25
"""Joins and connects in flight at once (a room of people scanning a QR code, not a DoS)."""


def _say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# -- one case -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    participants: int
    processes: int
    dots: int
    window: float
    retry: float
    over: float


@dataclass
class Ballot:
    """One voter's taps: (moment in the window, op id, item); ``planned`` are the real dots."""

    phone: Phone
    taps: list[tuple[float, str, str]]
    planned: dict[str, str]
    over: list[str]


def _ballots(phones: list[Phone], items: list[str], case: Case, seed: int) -> list[Ballot]:
    draw = random.Random(seed)
    ballots = []
    for n, phone in enumerate(phones):
        held: Counter[str] = Counter()
        while held.total() < case.dots:
            item = draw.choice(items)
            if held[item] < PER_ITEM:
                held[item] += 1
        moments = sorted(draw.uniform(0, case.window) for _ in range(case.dots))
        taps: list[tuple[float, str, str]] = []
        planned: dict[str, str] = {}
        for k, (at, item) in enumerate(zip(moments, sorted(held.elements()), strict=True)):
            op = f"v{n}-{k}"
            planned[op] = item
            taps.append((at, op, item))
            if draw.random() < case.retry:  # the phone resends before or after its answer
                taps.append((at + draw.uniform(0, 0.2), op, item))
        over = [f"v{n}-over"] if draw.random() < case.over else []
        taps += [(moments[-1] + 0.001, op, items[0]) for op in over]
        taps.sort(key=lambda tap: tap[0])
        ballots.append(Ballot(phone, taps, planned, over))
    return ballots


async def _tap_all(ballot: Ballot, vote: str, t0: float) -> None:
    for at, op, item in ballot.taps:
        delay = t0 + at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await ballot.phone.send({"type": "dot.add", "round": vote, "item": item}, op)


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50": at(0.50), "p99": at(0.99), "max": round(ordered[-1] * 1000, 1)}


async def _join(http: httpx.AsyncClient, base: str, code: str, name: str) -> dict[str, str]:
    answer = await http.post(f"{base}/api/join", json={"code": code, "name": name})
    answer.raise_for_status()
    joined: dict[str, str] = answer.json()
    return joined


async def _people(bases: list[str], case: Case) -> tuple[Phone, list[Phone], str]:
    """The facilitator's phone, every participant's phone (all connected), and the workshop."""
    async with httpx.AsyncClient(timeout=60) as http:
        made = await http.post(f"{bases[0]}/api/workshops", json={"title": case.name})
        made.raise_for_status()
        created = made.json()
        host = Phone(bases[0], created["workshop"], created["token"])
        names = range(1, case.participants)
        joined = await bounded(
            (_join(http, bases[n % len(bases)], created["code"], f"Voter {n}") for n in names),
            SETUP_CONCURRENCY,
        )
    phones = [
        Phone(bases[n % len(bases)], j["workshop"], j["token"])
        for n, j in enumerate(joined, start=1)
    ]
    await host.open()
    await bounded((phone.open() for phone in phones), SETUP_CONCURRENCY)
    return host, phones, str(created["workshop"])


async def _loop_lag(lags: list[float], stop: asyncio.Event) -> None:
    """How late a 10 ms timer fires in this process: the generator's own share of the latency."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """CPU seconds used by the servers, Redis and this load generator between two readings."""

    def __init__(self, servers: list[int], redis: int) -> None:
        self.groups = {"servers": servers, "redis": [redis]}
        self._at: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        mine = resource.getrusage(resource.RUSAGE_SELF)
        found = {name: sum(map(_cpu_seconds, pids)) for name, pids in self.groups.items()}
        return {**found, "load_generator": mine.ru_utime + mine.ru_stime}

    def start(self) -> None:
        self._at = self._now()

    def read(self) -> dict[str, float]:
        return {name: round(v - self._at[name], 2) for name, v in self._now().items()}


async def run_case(case: Case, seed: int, workdir: Path) -> dict[str, Any]:
    redis = EmbeddedRedis(workdir / case.name / "redis", port=free_port())
    redis.data_dir.mkdir(parents=True, exist_ok=True)
    redis.start()
    cap = str(case.participants + 50)
    servers: list[ServerProcess] = []
    try:
        for _ in range(case.processes):
            server = ServerProcess(redis.url, None, "--max-connections-per-ip", cap)
            servers.append(server.start(workdir / case.name))
        assert redis.process is not None
        meter = Meter([s.process.pid for s in servers if s.process], redis.process.pid)
        found = await _storm(case, seed, [s.base for s in servers], redis.url, meter)
        logs = "".join(server.log() for server in servers)
        found["server_log"] = {
            level: logs.count(level) for level in (" WARNING ", " ERROR ", "Traceback")
        }
        found["server_log_first_lines"] = sorted(
            {line[24:] for line in logs.splitlines() if " WARNING " in line or " ERROR " in line}
        )[:5]
        return found
    finally:
        for server in servers:
            server.stop()
        redis.stop()


async def _storm(
    case: Case, seed: int, bases: list[str], redis_url: str, meter: Meter
) -> dict[str, Any]:
    started = time.perf_counter()
    load = round(os.getloadavg()[0], 2)
    host, phones, workshop = await _people(bases, case)
    for n in range(OBJECTIVES):
        assert await host.call({"type": "objective.add", "title": f"Goal {n}"}, f"o{n}") == "ack"
    options = {"budget": case.dots, "per_item": PER_ITEM, "hidden": True}
    start = {"type": "round.start", "facilitator_votes": True, **options}
    assert await host.call(start, "start") == "ack"
    everyone = [host, *phones]
    await until(lambda: len({p.seq for p in everyone}) == 1, 60, "everyone at one seq")
    store = Store(redisconn.connect(redis_url, 8)[0])  # one Redis, or redis+cluster://
    try:
        before = await store.load(workshop)
        assert before is not None
        vote = before.workshop.rounds[-1].id
        ballots = _ballots(everyone, before.workshop.rounds[-1].items, case, seed)
        setup = time.perf_counter() - started
        figures = await _vote(case, ballots, vote, host, meter)
        after = await store.load(workshop)
    finally:
        await store.redis.aclose()
    assert after is not None
    stored = next(r for r in after.workshop.rounds if r.id == vote)
    counted: Counter[str] = Counter()
    for dots in stored.dots.values():
        counted.update(dots)
    expected: Counter[str] = Counter()
    for b in ballots:
        expected.update(item for op, item in b.planned.items() if _outcome(b, op) == "ack")
    results = {json.dumps(p.result, sort_keys=True) for p in everyone}
    truth = json.dumps([msgspec.to_builtins(t) for t in tallies(stored)], sort_keys=True)
    await bounded((p.close() for p in everyone), at_once=10)
    return {
        "case": asdict(case),
        "load_average_1m_before": load,
        "setup_seconds": round(setup, 1),
        **figures,
        "lost": sum((expected - counted).values()),
        "extra": sum((counted - expected).values()),
        "over_budget_voters": sum(1 for n in stored.spent.values() if n > case.dots),
        "converged": len({p.seq for p in everyone}) == 1 and len(results) == 1,
        "result_equals_redis": results == {truth},
        "phones_dropped": sum(1 for p in everyone if p.dropped),
        "out_of_order_entries": sum(p.disorder for p in everyone),
        "final_seq": host.seq,
    }


def _outcome(ballot: Ballot, op: str) -> str:
    return ballot.phone.answers[op][1] if op in ballot.phone.answers else "none"


async def _vote(
    case: Case, ballots: list[Ballot], vote: str, host: Phone, meter: Meter
) -> dict[str, Any]:
    """Everyone taps within the window; then the reveal. Timing figures."""
    phones = [b.phone for b in ballots]
    taps = sum(len(b.taps) for b in ballots)
    answered = sum(p.answer_count for p in phones) + taps
    frames = sum(p.frames for p in phones)
    t0 = time.perf_counter() + 0.2
    meter.start()
    lags: list[float] = []
    stop = asyncio.Event()
    lagging = asyncio.create_task(_loop_lag(lags, stop))
    await asyncio.gather(*(_tap_all(b, vote, t0) for b in ballots))
    await until(lambda: sum(p.answer_count for p in phones) >= answered, 120, "every answer")
    cpu = meter.read()
    stop.set()
    await lagging
    frames = sum(p.frames for p in phones) - frames

    planned = [(b, op) for b in ballots for op in b.planned]
    acked = [(b, op) for b, op in planned if _outcome(b, op) == "ack"]
    latency = [b.phone.answers[op][0] - b.phone.sent[op] for b, op in acked]
    first_tap = min(b.phone.sent[op] for b, op in planned)
    last_ack = max(b.phone.answers[op][0] for b, op in acked)

    reveal_sent = time.perf_counter()
    assert await host.call({"type": "round.set", "round": vote, "action": "reveal"}, "rv") == "ack"
    await until(lambda: all(p.revealed_at for p in phones), 60, "every phone to see the reveal")
    shown = [p.revealed_at - reveal_sent for p in phones if p.revealed_at]
    return {
        "dots_planned": len(planned),
        "dots_committed": len(acked),
        "retries_sent": taps - len(planned) - sum(len(b.over) for b in ballots),
        "over_budget_tries": sum(len(b.over) for b in ballots),
        "over_budget_refused": sum(1 for b in ballots for op in b.over if _outcome(b, op) != "ack"),
        "refused_otherwise": dict(
            Counter(_outcome(b, op) for b, op in planned if _outcome(b, op) != "ack")
        ),
        "votes_per_second": round(len(acked) / max(last_ack - first_tap, 1e-9)),
        "commit_span_seconds": round(last_ack - first_tap, 3),
        "tap_to_ack_ms": _ms(latency),
        "reveal_to_every_phone_ms": _ms(shown),
        "reveal_frame_bytes": max(p.reveal_bytes for p in phones),
        "cpu_seconds_while_voting": cpu,
        "frames_per_phone_while_voting": round(frames / len(phones), 1),
        "dots_per_server_cpu_second": round(len(acked) / max(cpu["servers"], 0.01)),
        "load_generator_loop_lag_ms": _ms(lags),
    }


# -- the command line ---------------------------------------------------------------------


def _report(found: dict[str, Any]) -> None:
    case = found["case"]
    ack, shown = found["tap_to_ack_ms"], found["reveal_to_every_phone_ms"]
    _say(
        f"{case['name']}: {case['participants']} people x {case['dots']} dots, "
        f"{case['processes']} processes, window {case['window']} s "
        f"(setup {found['setup_seconds']} s, load average {found['load_average_1m_before']})"
    )
    _say(
        f"  committed   {found['dots_committed']}/{found['dots_planned']} dots in "
        f"{found['commit_span_seconds']} s: {found['votes_per_second']} votes/s "
        f"({found['retries_sent']} retries sent, "
        f"{found['over_budget_refused']}/{found['over_budget_tries']} over-budget taps refused)"
    )
    lag = found["load_generator_loop_lag_ms"]
    _say(
        f"  tap -> ack  p50 {ack['p50']} ms  p99 {ack['p99']} ms  max {ack['max']} ms "
        f"(the generator's own loop lag: p50 {lag['p50']} ms, p99 {lag['p99']} ms)"
    )
    cpu = found["cpu_seconds_while_voting"]
    _say(
        f"  cpu         servers {cpu['servers']} s, redis {cpu['redis']} s, this load generator "
        f"{cpu['load_generator']} s ({found['frames_per_phone_while_voting']} frames per phone); "
        f"{found['dots_per_server_cpu_second']} dots per server CPU second"
    )
    _say(
        f"  reveal      every phone has the result after {shown['max']} ms "
        f"(p50 {shown['p50']} ms, p99 {shown['p99']} ms; {found['reveal_frame_bytes']} bytes)"
    )
    _say(
        f"  exact       lost {found['lost']}, extra {found['extra']}, over budget "
        f"{found['over_budget_voters']}, out of order {found['out_of_order_entries']}, "
        f"dropped {found['phones_dropped']}, "
        f"converged {'yes' if found['converged'] else 'NO'} at seq {found['final_seq']}, "
        f"result {'equals' if found['result_equals_redis'] else 'DIFFERS FROM'} Redis's"
    )
    logged = ", ".join(f"{n} {level.strip()}" for level, n in found["server_log"].items())
    _say(f"  server log  {logged}")
    for line in found["server_log_first_lines"]:
        _say(f"              {line}")


def _exact(found: dict[str, Any]) -> bool:
    return bool(
        found["lost"] == found["extra"] == found["over_budget_voters"] == 0
        and found["out_of_order_entries"] == found["phones_dropped"] == 0
        and found["converged"]
        and found["result_equals_redis"]
        and found["dots_committed"] == found["dots_planned"]
        and found["over_budget_refused"] == found["over_budget_tries"]
    )


def _cases(args: argparse.Namespace) -> list[Case]:
    mix = {"retry": args.retry, "over": args.over}
    cases = [
        Case("configured", args.participants, args.processes, args.dots, args.window, **mix),
    ]
    if not args.only:
        cases += [
            Case("thousand", 1000, 2, 3, args.window, **mix),
            Case("burst-300-in-1s", 300, 2, 1, 1.0, **mix),
        ]
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.vote_storm", description=__doc__)
    parser.add_argument(
        "--participants", type=int, default=300, help="voters, facilitator included"
    )
    parser.add_argument("--processes", type=int, default=2, help="parcours serve processes")
    parser.add_argument("--dots", type=int, default=3, help="budget: dots each voter casts")
    parser.add_argument("--window", type=float, default=1.0, help="seconds the taps spread over")
    parser.add_argument("--retry", type=float, default=0.1, help="share of dots sent twice")
    parser.add_argument(
        "--over", type=float, default=0.05, help="share of voters tapping once more"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", action="store_true", help="only the configured case")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 2 <= args.participants <= 1000 or not 1 <= args.dots <= 20:
        parser.error("--participants must be 2..1000 (MAX_PARTICIPANTS) and --dots 1..20")
    runs = []
    with tempfile.TemporaryDirectory(prefix="vote-storm-") as workdir:
        for case in _cases(args):
            found = asyncio.run(run_case(case, args.seed, Path(workdir)))
            _report(found)
            runs.append(found)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "runs": runs}, indent=2) + "\n")
    _say(f"written to {args.out}")
    return 0 if all(_exact(found) for found in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
