"""Graceful stop: SIGTERM drains a process; its clients move to another one and lose nothing."""

from __future__ import annotations

import asyncio
import signal
import time

from tests.faults.cluster import Cluster, crowd, durability_report, op_log, stored_seq
from tests.faults.phones import converged, paced, stop_all, until, violations
from tests.timing import seconds

PHONES = 60


async def test_sigterm_moves_clients_to_another_process(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """SIGTERM: its clients get 1012 and resume on another process within 10 s."""
    servers = await cluster.serve(3)
    host, phones, created = await crowd(servers, PHONES)
    everyone = [host, *phones]
    draining = servers[1]
    leaving = [p for p in everyone if p.ws_url == draining.ws_url]
    assert leaving

    async def act(i: int) -> None:
        phone = phones[i % PHONES]
        await phone.order({"type": "note.add", **phone.cell(), "text": f"{phone.name} {i}"})

    writing = asyncio.create_task(paced(200, 50, act))
    await asyncio.sleep(1)
    stopped_at = time.monotonic()
    stopping = asyncio.create_task(asyncio.to_thread(draining.stop, signal.SIGTERM))
    await until(lambda: all(p.closes for p in leaving), 10, "the drained clients were closed")
    assert {p.closes[0] for p in leaving} <= {1001, 1012}, "going away or service restart"
    await until(
        lambda: all(p.connected.is_set() and p.ws_url != draining.ws_url for p in leaving),
        10,
        "every drained client connected elsewhere",
    )
    moved_in = max(p.welcomed_at[-1] for p in leaving) - stopped_at
    assert moved_in < seconds(10)
    await writing
    await stopping
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    redis = cluster.client()
    newest = await stored_seq(redis, created["workshop"])
    assert newest is not None
    await until(lambda: converged(everyone, newest), 10, "every client at the newest seq")
    assert not violations(everyone)
    assert all(p.welcomes[-1] == "entries" for p in leaving), "resumed, not reloaded"
    assert durability_report(everyone, await op_log(redis, created["workshop"])) == {
        "missing": [],
        "doubled": [],
        "moved": [],
    }
    assert all(p.workshop == host.workshop for p in phones)
    figures["SIGTERM drain"] = (
        f"{len(leaving)} clients closed {sorted({p.closes[0] or 0 for p in leaving})}, all "
        f"resumed on another process {moved_in:.2f} s after SIGTERM (bound 10 s)"
    )
    await stop_all(everyone)
    await redis.aclose()
