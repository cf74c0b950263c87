"""Parcours on a real Redis Cluster (redis-server 7, 3 masters + 3 replicas): two processes,
sharded pub/sub, every key of a workshop on its slot, resume after 1,000 changes."""

from __future__ import annotations

import asyncio

import redis

from server.store import OP_TTL, channel
from tests.client import BoardClient, create_workshop
from tests.faults.cluster import crowd, durability_report, op_log, stored_seq
from tests.faults.phones import converged, stop_all, until, violations
from tests.faults.test_resume import AWAY, WRITERS, away_client, board, write
from tests.rediscluster.conftest import OnCluster

NOTES = 5


async def test_two_processes_on_the_cluster_converge(on_cluster: OnCluster) -> None:
    """Clients on 2 processes of a cluster converge, over sharded pub/sub, nothing lost."""
    servers = on_cluster.pair
    assert "Redis Cluster, sharded pub/sub, acks wait for 1 replica(s)" in servers[0].log()
    host, phones, created = await crowd(servers, 12)
    everyone = [host, *phones]
    for i in range(NOTES):
        for phone in phones:
            await phone.order({"type": "note.add", **phone.cell(), "text": f"{phone.name} {i}"})
    await until(lambda: not any(p.outbox for p in everyone), 20, "every note answered")
    client = on_cluster.client()
    newest = await stored_seq(client, created["workshop"])
    assert newest is not None and newest >= NOTES * len(phones)
    await until(lambda: converged(everyone, newest), 10, "every client at the newest seq")
    assert not violations(everyone)
    assert durability_report(everyone, await op_log(client, created["workshop"])) == {
        "missing": [],
        "doubled": [],
        "moved": [],
    }
    assert all(p.workshop == host.workshop for p in phones)
    # Every key of the workshop lives on one master (its slot's), op keys kept for the window.
    owner = on_cluster.local.master_of(f"{{w:{created['workshop']}}}:meta")
    with redis.Redis(port=owner.port) as node:
        keys = list(node.scan_iter(f"{{w:{created['workshop']}}}:*"))
        assert len(keys) > NOTES * len(phones)
        op_key = next(k for k in keys if b":op:" in k)
        assert OP_TTL - 60 <= int(node.ttl(op_key)) <= OP_TTL
    await client.aclose()
    await stop_all(everyone)


async def test_resume_after_1000_changes_on_the_cluster(on_cluster: OnCluster) -> None:
    """Away for 1,000 changes made on 2 processes: exactly those entries, once, no snapshot."""
    servers = on_cluster.pair
    host, writers = await board(servers, WRITERS)
    away = away_client(servers[0], host)
    await away.connect()
    left_at = away.seq
    await away.close()
    await write(writers, AWAY)
    await until(lambda: host.seq == left_at + AWAY, 20, "the host saw every change")
    away.ws_url, away.origin = servers[1].ws_url, servers[1].base
    welcome = await away.connect(resume=True)
    assert welcome.get("snapshot") is None, "no snapshot within 1,000 changes"
    assert [e["seq"] for e in welcome["entries"]] == list(range(left_at + 1, left_at + AWAY + 1))
    assert away.workshop == host.workshop
    await away.close()
    await stop_all([host, *writers])


async def test_classic_pubsub_on_the_cluster_still_fans_out(on_cluster: OnCluster) -> None:
    """--pubsub classic on a cluster (as with Redis 6.2 nodes): one feed each, boards converge."""
    servers = await on_cluster.serve(1, "--pubsub", "classic", "--log-level", "info")
    servers += await on_cluster.serve(1, "--pubsub", "classic")
    assert "Redis Cluster, classic pub/sub" in servers[0].log()
    host, phones, created = await crowd(servers, 6)
    everyone = [host, *phones]
    name = channel(created["workshop"])

    def subscribed() -> int:
        total = 0
        for node in on_cluster.local.nodes:
            with node.client() as client:
                total += int(client.execute_command("PUBSUB", "NUMSUB", name)[1])
        return total

    await until(lambda: subscribed() == 2, 10, "each process subscribed on some node")
    for phone in phones:
        await phone.order({"type": "note.add", **phone.cell(), "text": phone.name})
    await until(lambda: not any(p.outbox for p in everyone), 10, "every note answered")
    client = on_cluster.client()
    newest = await stored_seq(client, created["workshop"])
    await client.aclose()
    assert newest is not None
    await until(lambda: converged(everyone, newest), 10, "every client at the newest seq")
    assert not violations(everyone)
    await stop_all(everyone)


async def test_workshops_loaded_at_once_share_one_feed_per_master(on_cluster: OnCluster) -> None:
    """12 workshops opened at once on 2 processes: one pub/sub connection per master each."""
    servers = on_cluster.pair
    made = [await create_workshop(servers[0].base, f"At once {i}") for i in range(12)]
    clients = [
        BoardClient(server.ws_url, m["workshop"], m["token"]) for m in made for server in servers
    ]
    await asyncio.gather(*(client.connect() for client in clients))
    masters = [
        n for n in on_cluster.local.nodes if n.alive and on_cluster.local.role(n) == "master"
    ]
    for m in made:
        owner = on_cluster.local.master_of(f"{{w:{m['workshop']}}}:meta")
        with owner.client() as node:
            found = node.execute_command("PUBSUB", "SHARDNUMSUB", channel(m["workshop"]))
            assert int(found[1]) == 2
    for node in masters:
        with node.client() as client:
            feeds = client.client_list(_type="pubsub")
        assert len(feeds) <= 2, f"{node.name}: {len(feeds)} pub/sub connections (one per process)"
    await asyncio.gather(*(client.close() for client in clients))
