"""Soak: clients behind a bad network (300 ms each way, 10 % of connections reset every 10 s)
change one board for minutes; nothing is lost, doubled or reordered, and memory stays flat.

By default a short run (40 clients, 20 s) keeps the proxy path in every test run; ``--soak``
runs 200 clients for ``--soak-minutes`` (30 by default) and checks the servers' memory too.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.cluster import Cluster, crowd, durability_report, spread, stored_seq
from tests.faults.phones import Phone, Target, stop_all, until, violations
from tests.faults.proxy import Proxy
from tests.servers import ServerProcess

LATENCY = 0.3
RESET_SHARE = 0.10
MAX_NOTES = 1500


@dataclass
class Shape:
    clients: int
    seconds: float
    ops_per_second: float
    reset_every: float
    check_memory: bool
    samples: list[tuple[float, list[int]]] = field(default_factory=list)


def rss(server: ServerProcess) -> int:
    """Resident memory of a server process, in KiB."""
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1])


_texts = itertools.count()


def command(draw: random.Random, phone: Phone, host: Phone) -> dict[str, Any]:
    """A change as people make them: add, edit or delete notes, the board staying bounded.

    Never a no-op (texts are unique, no moves that might leave a note where it is): a no-op is
    acknowledged without an entry, and the check below counts every acked op in the log.
    """
    assert host.workshop is not None
    notes = list(host.workshop.notes)
    roll = draw.random()
    text = f"{phone.name} {next(_texts)}"
    if not notes or (roll < 0.45 and len(notes) < MAX_NOTES):
        return {"type": "note.add", **host.cell(), "text": text}
    note = draw.choice(notes)
    if roll < 0.8:
        return {"type": "note.edit", "note": note, "text": text}
    return {"type": "note.delete", "note": note}


async def run_soak(cluster: Cluster, shape: Shape, figures: dict[str, str]) -> None:
    servers = await cluster.serve(2)
    proxies = [await Proxy(s.port, LATENCY).start() for s in servers]

    def through_proxy(phone: Phone) -> Target:
        digits = "".join(c for c in phone.name if c.isdigit())
        proxy = proxies[(int(digits or 0) + phone.failures) % len(proxies)]
        return Target(proxy.ws_url, proxy.origin)

    host, phones, created = await crowd(servers, shape.clients, through_proxy, retry_after=1.0)
    auditor = Phone(spread(servers), created["workshop"], host.token, "auditor", keep_log=True)
    auditor.replica = False
    auditor.start()
    await until(lambda: auditor.connected.is_set(), 10, "the auditor connected")
    first_seen = auditor.seq + 1
    draw = random.Random(11)
    start = time.monotonic()
    next_reset = start + shape.reset_every
    next_sample = start
    total = int(shape.seconds * shape.ops_per_second)
    for i in range(total):  # bounded: one op per turn, paced
        now = time.monotonic()
        if now >= next_sample:
            shape.samples.append((now - start, [rss(s) for s in servers]))
            next_sample += 10
        if now >= next_reset:
            for proxy in proxies:
                proxy.reset_some(RESET_SHARE, draw)
            next_reset += shape.reset_every
        phone = draw.choice(phones)
        await phone.order(command(draw, phone, host))
        wait = start + (i + 1) / shape.ops_per_second - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
    elapsed = time.monotonic() - start
    shape.samples.append((elapsed, [rss(s) for s in servers]))

    everyone = [host, *phones]
    await until(lambda: not any(p.outbox for p in everyone), 60, "every command answered")
    redis = cluster.client()
    newest = await stored_seq(redis, created["workshop"])
    info: Any = await redis.info("memory")
    await redis.aclose()
    assert newest is not None
    await until(
        lambda: all(p.seq == newest for p in [*everyone, auditor]), 60, "everyone converged"
    )
    assert not violations([*everyone, auditor]), "no entry lost, repeated or out of order"
    audited = sorted(auditor.ops_at.items())
    assert [seq for seq, _ in audited] == list(range(first_seen, newest + 1))
    report = durability_report(phones, [(seq, op) for seq, op in audited])
    assert report == {"missing": [], "doubled": [], "moved": []}
    board = host.workshop
    assert all(p.workshop == board for p in phones), "every board is the same"
    acked = sum(len(p.acks) for p in phones)
    resets = sum(p.resets for p in proxies)
    reconnects = sum(len(p.closes) for p in phones)
    line = (
        f"{shape.clients} clients via 2 proxies (300 ms each way, 10 % reset every "
        f"{shape.reset_every:.0f} s) on 2 processes, {elapsed / 60:.1f} min: {acked} ops acked, "
        f"{sum(len(p.refused) for p in phones)} refused, 0 lost/doubled/reordered; "
        f"{resets} resets, {reconnects} reconnects; Redis used_memory "
        f"{int(info['used_memory']) // 1024} KiB"
    )
    if shape.check_memory:
        minutes = [s for s in shape.samples if int(s[0]) % 60 < 10]
        series = "; ".join(
            f"server {i + 1} RSS MiB by minute: " + " ".join(f"{s[1][i] // 1024}" for s in minutes)
            for i in range(len(servers))
        )
        line += "; " + memory_verdict(shape) + "; " + series
    figures[f"soak {shape.clients} clients"] = line
    await auditor.stop()
    await stop_all(everyone)
    for proxy in proxies:
        await proxy.close()


def memory_verdict(shape: Shape) -> str:
    """Server RSS after warm-up (the first fifth, at least a minute) against the end."""
    warm = max(60.0, shape.seconds / 5)
    after = [s for s in shape.samples if s[0] >= warm]
    assert len(after) >= 4, "run long enough to measure memory after warm-up"
    words = []
    for i in range(len(after[0][1])):
        base = statistics.median(s[1][i] for s in after[:3])
        end = statistics.median(s[1][i] for s in after[-3:])
        growth = end / base - 1
        words.append(f"server {i + 1}: {base / 1024:.0f} -> {end / 1024:.0f} MiB ({growth:+.1%})")
        assert growth < 0.10, f"server {i + 1} memory grew {growth:.1%} after warm-up"
    return ", ".join(words)


async def test_clients_through_a_bad_network_lose_nothing(
    cluster: Cluster, soak: bool, soak_minutes: float, figures: dict[str, str]
) -> None:
    """Through latency and resets no acked op is lost, doubled or reordered."""
    if soak:
        shape = Shape(200, soak_minutes * 60, 50, 10, check_memory=True)
    else:
        shape = Shape(40, 12, 25, 2, check_memory=False)
    await run_soak(cluster, shape, figures)
