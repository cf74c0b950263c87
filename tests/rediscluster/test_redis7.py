"""Parcours on one (non-cluster) Debian redis-server 7: sharded pub/sub between 2 processes."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis

from server.embedded import EmbeddedRedis
from server.store import channel
from tests.faults.cluster import crowd, durability_report, op_log, stored_seq
from tests.faults.phones import converged, stop_all, until, violations
from tests.servers import ServerProcess


async def test_two_processes_on_redis_7_use_sharded_pubsub(
    redis7: EmbeddedRedis, tmp_path: Path
) -> None:
    """On Redis 7, 2 processes fan out over shard channels; presence and changes converge."""
    servers = [
        ServerProcess(redis7.url, None, "--log-level", "info").start(tmp_path),
        ServerProcess(redis7.url).start(tmp_path),
    ]
    try:
        assert "Redis server, sharded pub/sub" in servers[0].log()
        host, phones, created = await crowd(servers, 8)
        everyone = [host, *phones]
        client = aioredis.from_url(redis7.url)
        subscribed = await client.execute_command(
            "PUBSUB", "SHARDNUMSUB", channel(created["workshop"])
        )
        assert int(subscribed[1]) == 2, "each process holds the shard channel"
        for phone in phones:
            await phone.order({"type": "note.add", **phone.cell(), "text": phone.name})
        await until(lambda: not any(p.outbox for p in everyone), 10, "every note answered")
        newest = await stored_seq(client, created["workshop"])
        assert newest is not None
        await until(lambda: converged(everyone, newest), 10, "every client at the newest seq")
        await until(lambda: len(host.online) == len(everyone), 10, "everyone seen online")
        assert not violations(everyone)
        log = await op_log(client, created["workshop"])
        assert durability_report(everyone, log) == {"missing": [], "doubled": [], "moved": []}
        await client.aclose()
        await stop_all(everyone)
    finally:
        for server in servers:
            server.stop()
    assert not any("Traceback" in s.log() or " ERROR " in s.log() for s in servers)
