"""Acknowledged means durable: a server process killed with SIGKILL loses nothing it acked."""

from __future__ import annotations

import random
import time

from tests.faults.cluster import Cluster, crowd, durability_report, op_log, stored_seq
from tests.faults.phones import Phone, converged, paced, stop_all, until, violations
from tests.timing import seconds

CLIENTS = 300
OPS_PER_SECOND = 50
SECONDS = 8


def note(phone: Phone, i: int) -> dict[str, object]:
    return {"type": "note.add", **phone.cell(), "text": f"{phone.name} #{i}"}


async def test_sigkill_one_of_three_servers_under_load(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """One of 3 processes SIGKILLed under 300 clients: no acked op lost or doubled."""
    servers = await cluster.serve(3)
    host, phones, created = await crowd(servers, CLIENTS)
    everyone = [host, *phones]
    draw = random.Random(7)
    doomed = servers[0]
    killed_at = 0.0

    async def act(i: int) -> None:
        nonlocal killed_at
        if i == OPS_PER_SECOND * SECONDS // 2:
            doomed.kill()
            killed_at = time.monotonic()
        phone = draw.choice(phones)
        await phone.order(note(phone, i))

    await paced(OPS_PER_SECOND * SECONDS, OPS_PER_SECOND, act)
    moved = [p for p in everyone if 1006 in p.closes]
    assert moved, "the killed process had clients"
    await until(lambda: all(p.connected.is_set() for p in moved), 10, "back on a live process")
    back = max(p.welcomed_at[-1] for p in moved) - killed_at
    assert back < seconds(10), "the killed process's clients are back elsewhere within 10 s"
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    stopped_sending = time.monotonic()
    redis = cluster.client()
    newest = await stored_seq(redis, created["workshop"])
    assert newest is not None
    await until(lambda: converged(everyone, newest), 10, "every client at the newest seq")
    converged_in = time.monotonic() - stopped_sending

    assert not violations(everyone)
    log = await op_log(redis, created["workshop"])
    assert [seq for seq, _ in log] == list(range(log[0][0], newest + 1))
    report = durability_report(everyone, log)
    assert report == {"missing": [], "doubled": [], "moved": []}
    acked = sum(len(p.acks) for p in phones)
    assert acked == OPS_PER_SECOND * SECONDS, "every command was acknowledged in the end"
    assert not any(p.refused for p in phones)
    board = host.workshop
    assert board is not None
    assert all(p.workshop == board for p in phones), "every replica is the same board"
    texts = sorted(n.text for n in board.notes.values())
    assert len(texts) == len(set(texts)) == OPS_PER_SECOND * SECONDS
    figures["server SIGKILL"] = (
        f"{len(moved)} of {CLIENTS + 1} clients moved, all back on a live process "
        f"{back:.2f} s after the kill; {acked} ops acked, 0 lost or doubled; converged "
        f"{converged_in:.2f} s after the last answer"
    )
    await stop_all(everyone)
    await redis.aclose()
