"""Data loss is detected, never silent: when Redis loses a workshop, every client is told."""

from __future__ import annotations

import asyncio
import shutil
import time
from typing import Any

from tests.client import BoardClient
from tests.faults.cluster import Cluster, crowd, stored_seq
from tests.faults.phones import Phone, stop_all, until, violations

PHONES = 12


def note(phone: Phone, label: str) -> dict[str, Any]:
    return {"type": "note.add", **phone.cell(), "text": f"{phone.name} {label}"}


async def busy_board(cluster: Cluster, ops: int = 40) -> tuple[list[Phone], dict[str, str]]:
    servers = await cluster.serve(2)
    host, phones, created = await crowd(servers, PHONES)
    for i in range(ops):
        await phones[i % PHONES].order(note(phones[i % PHONES], str(i)))
    everyone = [host, *phones]
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    return everyone, created


async def told_it_is_gone(everyone: list[Phone], created: dict[str, str], url: str) -> float:
    """Every phone is closed with 4404 and stops; a new socket gets not_found. The seconds taken."""
    took = await until(lambda: all(p.gone for p in everyone), 5, "every client told 4404")
    assert all(p.closes[-1] == 4404 for p in everyone)
    assert not violations(everyone), "no client saw a gap or a repeat on the way"
    again = BoardClient(url, created["workshop"], created["token"])
    try:
        await again.connect()
    except RuntimeError as refused:
        assert "not_found" in str(refused)
    else:
        raise AssertionError("a socket to a lost workshop got a welcome")
    assert again.ws is not None
    await again.ws.wait_closed()
    assert again.ws.close_code == 4404
    await stop_all(everyone)
    return took


async def test_flushall_tells_every_client_the_workshop_is_gone(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """FLUSHALL under live clients on 2 processes: every one is closed with 4404."""
    everyone, created = await busy_board(cluster)
    redis: Any = cluster.client()
    await redis.flushall()
    await redis.aclose()
    took = await told_it_is_gone(everyone, created, everyone[0].ws_url)
    figures["FLUSHALL"] = f"{len(everyone)} clients on 2 processes told 4404 within {took:.2f} s"


async def test_redis_restarted_without_its_data_tells_every_client(cluster: Cluster) -> None:
    """Redis killed and restarted empty (its AOF lost): every client is closed with 4404."""
    everyone, created = await busy_board(cluster)
    cluster.kill_redis()
    cluster.restart_redis(empty=True)
    await told_it_is_gone(everyone, created, everyone[0].ws_url)


async def test_redis_back_from_an_older_aof_resyncs_every_client(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """Redis back on an older AOF: every client resyncs to what Redis holds (4001)."""
    everyone, created = await busy_board(cluster)
    await asyncio.sleep(1.5)  # everysec: the AOF now holds every acked change
    older = cluster.root / "older.aof"
    shutil.copy(cluster.aof, older)
    redis: Any = cluster.client()
    kept = await stored_seq(redis, created["workshop"])
    await redis.aclose()
    for i, phone in enumerate(everyone[1:]):
        await phone.order(note(phone, f"lost {i}"))
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    lost_head = max(p.seq for p in everyone)
    assert kept is not None and lost_head > kept
    await asyncio.sleep(1.5)
    cluster.kill_redis()
    shutil.copy(older, cluster.aof)
    cluster.restart_redis()
    restarted = time.monotonic()

    await until(lambda: all(p.closes and p.closes[-1] == 4001 for p in everyone), 5, "resync")
    probe = everyone[1]
    after = await probe.order(note(probe, "after the loss"))
    await until(lambda: after in probe.acks, 5, "a change is taken again")
    redis = cluster.client()
    newest = await stored_seq(redis, created["workshop"])
    await redis.aclose()
    assert newest is not None
    await until(lambda: all(p.seq == newest for p in everyone), 5, "every client at Redis's seq")
    took = time.monotonic() - restarted
    fresh = BoardClient(everyone[0].ws_url, created["workshop"], created["token"])
    await fresh.connect()
    assert all(p.workshop == fresh.workshop for p in everyone), "each board is what Redis holds"
    assert fresh.workshop is not None
    assert not [n for n in fresh.workshop.notes.values() if " lost " in n.text]
    assert not violations(everyone)
    figures["Redis back on an older AOF"] = (
        f"{lost_head - kept} acked changes lost by Redis; {len(everyone)} clients resynced "
        f"(4001, then a snapshot) and writing again within {took:.2f} s"
    )
    await stop_all(everyone)
    await fresh.close()
