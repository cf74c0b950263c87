"""Faults on the Redis Cluster while changes flow: SIGKILL of the master that owns a workshop's
slot (its replica is promoted), and a migration of that slot to another master. No change that
was acknowledged is lost or doubled, every board converges, the feeds follow the slot."""

from __future__ import annotations

import asyncio
import random
import signal
import time

import pytest
import redis

from server.localcluster import LocalCluster, Node
from server.store import channel
from tests.faults.cluster import crowd, durability_report, op_log, stored_seq
from tests.faults.phones import Phone, converged, paced, stop_all, until, violations
from tests.rediscluster.conftest import OnCluster

PHONES = 16
PER_SECOND = 40
SECONDS = 8


def note(phone: Phone, i: int) -> dict[str, object]:
    return {"type": "note.add", **phone.cell(), "text": f"{phone.name} #{i}"}


def subscribers(node: Node, name: str) -> int:
    """How many connections hold the shard channel ``name`` on ``node``."""
    with node.client() as client:
        found = client.execute_command("PUBSUB", "SHARDNUMSUB", name)
    return int(found[1]) if found else 0


async def traffic(phones: list[Phone], fault_at: int, fault: object) -> list[float]:
    """Notes at PER_SECOND for SECONDS; ``fault()`` runs (in a thread) half way. Its time."""
    draw = random.Random(15)
    when: list[float] = []
    running: list[asyncio.Task[object]] = []

    async def act(i: int) -> None:
        if i == fault_at:
            when.append(time.monotonic())
            running.append(asyncio.create_task(asyncio.to_thread(fault)))  # type: ignore[arg-type]
        phone = draw.choice(phones)
        await phone.order(note(phone, i))

    await paced(PER_SECOND * SECONDS, PER_SECOND, act)
    await asyncio.gather(*running)
    return when


async def settle(on_cluster: OnCluster, everyone: list[Phone], workshop: str) -> dict[str, float]:
    """Every command answered, every board at Redis's seq, nothing lost or doubled."""
    await until(lambda: not any(p.outbox for p in everyone), 40, "every command answered")
    client = on_cluster.client()
    try:
        newest = await stored_seq(client, workshop)
        assert newest is not None
        await until(lambda: converged(everyone, newest), 20, "every client at the newest seq")
        assert not violations(everyone)
        log = await op_log(client, workshop)
    finally:
        await client.aclose()
    assert [seq for seq, _ in log] == list(range(log[0][0], newest + 1)), "no gap in the log"
    assert durability_report(everyone, log) == {"missing": [], "doubled": [], "moved": []}
    acked = sum(len(p.acks) for p in everyone)
    assert acked >= PER_SECOND * SECONDS, "every note was acknowledged in the end"
    assert all(p.workshop == everyone[0].workshop for p in everyone)
    waits = [p.acked_at[op] - p.sent_at[op] for p in everyone for op in p.acked_at]
    unavailable = sum(p.codes["unavailable"] for p in everyone)
    return {"worst_wait": max(waits), "unavailable": unavailable}


async def test_sigkill_of_the_master_of_the_workshop_slot(
    on_cluster: OnCluster, cluster_figures: dict[str, str]
) -> None:
    """The slot's master SIGKILLed mid-traffic (acks WAIT for 1 replica): 0 acked lost."""
    local: LocalCluster = on_cluster.local
    servers = on_cluster.pair  # acks WAIT for 1 replica
    host, phones, created = await crowd(servers, PHONES, retry_after=0.5)
    everyone = [host, *phones]
    meta = f"{{w:{created['workshop']}}}:meta"
    doomed = local.master_of(meta)
    on_cluster.redis_faults = True
    when = await traffic(phones, PER_SECOND * SECONDS // 2, lambda: local.kill(doomed))
    figures = await settle(on_cluster, everyone, created["workshop"])
    promoted = local.master_of(meta)
    assert promoted is not doomed, "a replica took over the slot"
    name = channel(created["workshop"])
    await until(lambda: subscribers(promoted, name) == 2, 20, "both feeds on the new master")
    first_ack_after = min(at for p in phones for at in p.acked_at.values() if at > when[0] + 0.05)
    cluster_figures["failover"] = (
        f"master SIGKILLed: longest a change waited for its ack {figures['worst_wait']:.2f} s, "
        f"{figures['unavailable']:.0f} `unavailable` answers, 0 acked lost or doubled "
        f"(first ack after the kill {first_ack_after - when[0]:.2f} s)"
    )
    await stop_all(everyone)
    local.restart(doomed)  # back as a replica of the promoted master
    local.wait_healthy()
    assert local.role(doomed) == "slave"


def migrate(local: LocalCluster, key: str) -> tuple[Node, Node]:
    """Move ``key``'s slot to another master: SETSLOT IMPORTING/MIGRATING, MIGRATE, NODE."""
    source = local.master_of(key)
    target = next(
        n for n in local.nodes if n.alive and n is not source and local.role(n) == "master"
    )
    with source.client() as src, target.client() as dst:
        slot = int(src.execute_command("CLUSTER", "KEYSLOT", key))
        dst.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", source.id)
        src.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", target.id)
        # A few keys at a time, as a big slot moves: commits meet the half-moved slot for a while.
        while keys := src.execute_command("CLUSTER", "GETKEYSINSLOT", slot, 5):
            src.execute_command("MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "KEYS", *keys)
            time.sleep(0.02)
        dst.execute_command("CLUSTER", "SETSLOT", slot, "NODE", target.id)
        src.execute_command("CLUSTER", "SETSLOT", slot, "NODE", target.id)
    for node in local.nodes:
        if node.alive and node not in (source, target) and local.role(node) == "master":
            with node.client() as other:
                other.execute_command("CLUSTER", "SETSLOT", slot, "NODE", target.id)
    return source, target


@pytest.mark.parametrize("wait", [True, False], ids=["wait-1", "no-wait"])
async def test_migration_of_the_workshop_slot_mid_traffic(
    on_cluster: OnCluster, cluster_figures: dict[str, str], wait: bool
) -> None:
    """The slot migrated to another master mid-traffic: 0 acked lost, feeds follow it."""
    local: LocalCluster = on_cluster.local
    servers = on_cluster.pair if wait else await on_cluster.serve(2)
    host, phones, created = await crowd(servers, PHONES, retry_after=0.5)
    everyone = [host, *phones]
    meta = f"{{w:{created['workshop']}}}:meta"
    moved: list[tuple[Node, Node]] = []
    on_cluster.redis_faults = True  # commits refused mid-migration are logged (warnings)
    await traffic(phones, PER_SECOND * SECONDS // 2, lambda: moved.append(migrate(local, meta)))
    figures = await settle(on_cluster, everyone, created["workshop"])
    source, target = moved[0]
    assert local.master_of(meta) is target
    name = channel(created["workshop"])
    await until(lambda: subscribers(target, name) == 2, 20, "both feeds on the new owner")
    assert subscribers(source, name) == 0
    with redis.Redis(port=source.port) as old:
        assert not list(old.scan_iter(f"{{w:{created['workshop']}}}:*")), "nothing left behind"
    cluster_figures[f"migration ({'WAIT 1' if wait else 'no WAIT'})"] = (
        f"slot migrated: longest a change waited for its ack {figures['worst_wait']:.2f} s, "
        f"{figures['unavailable']:.0f} `unavailable` answers, 0 acked lost or doubled"
    )
    await stop_all(everyone)


def replica_of(local: LocalCluster, master: Node) -> Node:
    """The live replica following ``master``."""
    for node in local.nodes:
        if node.alive and node is not master:
            with node.client() as client:
                info = client.info("replication")
            if info.get("role") == "slave" and int(info.get("master_port", 0)) == master.port:
                return node
    raise AssertionError(f"no replica follows {master.name}")


async def test_a_stalled_replica_makes_changes_unavailable_never_doubled(
    on_cluster: OnCluster,
) -> None:
    """Acks WAIT for a replica: one frozen (SIGSTOP) gives `unavailable`, then one ack, once."""
    local: LocalCluster = on_cluster.local
    servers = on_cluster.pair
    host, phones, created = await crowd(servers, 2, retry_after=0.3)
    everyone = [host, *phones]
    frozen = replica_of(local, local.master_of(f"{{w:{created['workshop']}}}:meta"))
    assert frozen.process is not None
    on_cluster.redis_faults = True
    frozen.process.send_signal(signal.SIGSTOP)
    try:
        writer = phones[0]
        op = await writer.order(note(writer, 0))
        await until(lambda: "unavailable" in writer.errors_of.get(op, []), 10, "refused for now")
        assert op not in writer.acks, "not acknowledged while no replica confirms it"
    finally:
        frozen.process.send_signal(signal.SIGCONT)
    await until(lambda: op in writer.acks, 15, "acknowledged once the replica is back")
    client = on_cluster.client()
    newest = await stored_seq(client, created["workshop"])
    log = await op_log(client, created["workshop"])
    await client.aclose()
    assert [o for _, o in log].count(op) == 1, "committed once, whatever the resends"
    assert durability_report(everyone, log) == {"missing": [], "doubled": [], "moved": []}
    await until(lambda: converged(everyone, newest or 0), 10, "every client at the newest seq")
    await stop_all(everyone)
