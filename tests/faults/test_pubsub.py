"""Pub/sub gaps are repaired: messages lost while a process's subscription is down still arrive."""

from __future__ import annotations

import random
import time
from typing import Any

from tests.client import BoardClient
from tests.faults.cluster import Cluster, crowd, durability_report, op_log, stored_seq
from tests.faults.phones import converged, paced, stop_all, until, violations

PHONES = 30
OPS_PER_SECOND = 100
SECONDS = 6
KILLS_PER_SECOND = 2


async def test_pubsub_connections_killed_while_changes_flow(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """Pub/sub killed under load: every client identical within 5 s."""
    servers = await cluster.serve(3)
    host, phones, created = await crowd(servers, PHONES)
    everyone = [host, *phones]
    redis: Any = cluster.client()
    draw = random.Random(3)
    kills = 0

    async def act(i: int) -> None:
        nonlocal kills
        if i % (OPS_PER_SECOND // KILLS_PER_SECOND) == 0:
            kills += await redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        phone = draw.choice(phones)
        await phone.order({"type": "note.add", **phone.cell(), "text": f"{phone.name} {i}"})

    await paced(OPS_PER_SECOND * SECONDS, OPS_PER_SECOND, act)
    kills += await redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    last_kill = time.monotonic()
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    newest = await stored_seq(redis, created["workshop"])
    assert newest is not None
    await until(lambda: converged(everyone, newest), 5, "every client at the newest seq")
    took = time.monotonic() - last_kill
    assert kills >= KILLS_PER_SECOND * SECONDS, "the subscriptions were really cut"
    assert not violations(everyone)
    assert not any(p.closes for p in everyone), "the clients' own sockets were never touched"
    for phone in everyone:
        assert phone.seen == list(range(phone.seen[0], newest + 1))
    fresh = BoardClient(servers[0].ws_url, created["workshop"], created["token"])
    await fresh.connect()
    assert all(p.workshop == fresh.workshop for p in everyone)
    log = await op_log(redis, created["workshop"])
    assert durability_report(everyone, log) == {"missing": [], "doubled": [], "moved": []}
    figures["pub/sub killed"] = (
        f"{kills} subscriptions killed during {OPS_PER_SECOND * SECONDS} ops on 3 processes; "
        f"{len(everyone)} clients identical {took:.2f} s "
        "after the last op and kill (bound 5 s)"
    )
    await stop_all(everyone)
    await fresh.close()
    await redis.aclose()
