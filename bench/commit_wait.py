"""What ``--redis-wait-replicas 1`` costs a commit: the commit script alone, against the same
script plus ``WAIT 1``, on a local cluster (3 masters + 3 replicas of redis-server 7), one
workshop, commits one after another and 32 at once (each on its own workshop).

    .venv/bin/python -m bench.commit_wait [--commits 2000]

Prints p50 / p99 per mode in ms. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from server.localcluster import LocalCluster, redis7_binary
from server.redisconn import cluster_client, parse
from server.store import Store
from sessions.model import Participant, Workshop
from sessions.protocol import Entry, encoder


def _workshop(n: int) -> Workshop:
    host = Participant(id="p1", name="Host", role="facilitator")
    return Workshop(id=f"bench{n:05d}", title="Bench", participants={"p1": host})


async def _writer(store: Store, workshop: Workshop, count: int, tag: str) -> list[float]:
    await store.create(workshop, f"token-{workshop.id}")
    loaded = await store.load(workshop.id)
    assert loaded is not None
    seq, epoch, took = loaded.seq, loaded.epoch, []
    for i in range(count):
        entry = Entry(seq=seq + 1, op_id=f"{tag}-{i}", actor="p1", events=[])
        start = time.perf_counter()
        result = await store.commit(workshop.id, seq, epoch, [(entry, encoder.encode(entry))], None)
        took.append(time.perf_counter() - start)
        assert result.outcome == "ok", result
        seq = result.seq
    return took


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"


async def _run(url: str, commits: int) -> None:
    base = 0
    for wait in (0, 1, 0, 1):
        client = cluster_client(parse(url))
        store = Store(client, sharded=True, wait_replicas=wait, target=parse(url))
        one = await _writer(store, _workshop(base), commits, f"s{base}")
        base += 1
        many = await asyncio.gather(
            *(_writer(store, _workshop(base + k), commits // 32, f"m{base + k}") for k in range(32))
        )
        base += 32
        flat = [t for part in many for t in part]
        sys.stdout.write(
            f"WAIT {wait}: one writer {_ms(one)}; 32 writers at once {_ms(flat)}, "
            f"{len(flat) / max(sum(many[0]), 1e-9):.0f} commits/s in all\n"
        )
        await client.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.commit_wait", description=__doc__)
    parser.add_argument("--commits", type=int, default=2000)
    args = parser.parse_args(argv)
    binary = redis7_binary()
    if binary is None:
        parser.error("needs a redis-server 7 on PATH (apt install redis-server)")
    with tempfile.TemporaryDirectory(prefix="bench-wait-") as folder:
        local = LocalCluster(Path(folder), binary=binary)
        local.start()
        try:
            asyncio.run(_run(local.url, args.commits))
        finally:
            local.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
