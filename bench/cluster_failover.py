"""A master failover under traffic, with and without ``--redis-wait-replicas 1``.

    .venv/bin/python -m bench.cluster_failover [--runs 3]

Each run: a fresh local cluster (3 masters + 3 replicas of redis-server 7, node timeout 1 s), 2
Parcours processes, 16 phones adding notes at 40/s for 8 s; half way the master of the workshop's
slot is SIGKILLed. Printed per run: the longest a change waited for its ack, `unavailable` answers,
acknowledged changes missing from (or doubled in) the op log afterwards, and how many phones were
resynced (close 4001: Redis came back behind them). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from server.localcluster import LocalCluster, redis7_binary
from server.redisconn import cluster_client, parse
from tests.faults.cluster import crowd, durability_report, op_log, stored_seq
from tests.faults.phones import converged, stop_all, until
from tests.rediscluster.test_failover import PER_SECOND, SECONDS, traffic
from tests.servers import ServerProcess


async def one(workdir: Path, binary: str, wait: bool) -> dict[str, Any]:
    local = LocalCluster(workdir, binary=binary)
    local.start()
    extra = ("--redis-wait-replicas", "1") if wait else ()
    servers = [ServerProcess(local.url, None, *extra).start(workdir) for _ in range(2)]
    try:
        host, phones, created = await crowd(servers, 16, retry_after=0.5)
        everyone = [host, *phones]
        meta = f"{{w:{created['workshop']}}}:meta"
        doomed = local.master_of(meta)
        await traffic(phones, PER_SECOND * SECONDS // 2, lambda: local.kill(doomed))
        await until(lambda: not any(p.outbox for p in everyone), 60, "every command answered")
        client = cluster_client(parse(local.url))
        newest = await stored_seq(client, created["workshop"])
        await until(lambda: converged(everyone, newest or 0), 30, "converged")
        report = durability_report(everyone, await op_log(client, created["workshop"]))
        await client.aclose()
        waits = [p.acked_at[op] - p.sent_at[op] for p in everyone for op in p.acked_at]
        found = {
            "wait": wait,
            "longest_wait_s": round(max(waits), 2),
            "unavailable": sum(p.codes["unavailable"] for p in everyone),
            "acked": sum(len(p.acks) for p in everyone),
            "lost": len(report["missing"]),
            "doubled": len(report["doubled"]),
            "resynced_phones": sum(1 for p in everyone if 4001 in p.closes),
        }
        await stop_all(everyone)
        return found
    finally:
        for server in servers:
            server.stop()
        local.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_failover", description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="runs of each mode")
    args = parser.parse_args(argv)
    binary = redis7_binary()
    if binary is None:
        parser.error("needs a redis-server 7 on PATH (apt install redis-server)")
    with tempfile.TemporaryDirectory(prefix="bench-failover-") as folder:
        for n in range(args.runs):
            for wait in (False, True):
                workdir = Path(folder) / f"{n}-{wait}"
                workdir.mkdir()
                sys.stdout.write(f"{asyncio.run(one(workdir, binary, wait))}\n")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
