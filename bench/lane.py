"""``python -m bench.lane``: client CPU per commit script, redis-py's pipeline against the lane.

Both send the same turns (``--rooms`` commit scripts each, ``--turns`` of them, every script
committing one entry to its own workshop) to the bundled Redis on a unix socket, one after the
other in this process, and print the CPU this process spent per script (``time.process_time``)
and the ratio: what ``server/commitlane.py`` saves the server on the write path.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

from server import commitlane
from server.embedded import EmbeddedRedis
from server.store import _COMMIT

_ENTRY = b'{"seq":%d,"op_id":"op","actor":"p2","events":[{"type":"note.deleted","note":"n9"}]}'


def _script(room: int, seq: int) -> tuple[list[str], list[Any]]:
    tag = f"{{w:lane{room}}}"
    keys = [f"{tag}:meta", f"{tag}:log", f"{tag}:op:{seq}"]
    args = [str(seq), "e", f"{tag}:ch", 5000, 604800, b"", "PUBLISH", "", "NUMSUB", 1]
    return keys, [*args, _ENTRY % (seq + 1)]


async def _measure(url: str, rooms: int, turns: int) -> dict[str, float]:
    client = aioredis.from_url(url)
    sha = await client.script_load(_COMMIT)
    for room in range(rooms):
        await client.hset(f"{{w:lane{room}}}:meta", mapping={"seq": 0, "epoch": "e", "snap": 0})
    address = commitlane.for_pool(client.connection_pool)
    assert address is not None
    lane = commitlane.CommitLane(address)
    seq = 0
    found: dict[str, float] = {}
    for name in ("redis-py pipeline", "lane"):
        began = time.process_time()
        for _ in range(turns):
            scripts = [_script(room, seq) for room in range(rooms)]
            if name == "lane":
                replies = await lane.call(
                    [commitlane.pack("EVALSHA", sha, len(k), *k, *a) for k, a in scripts]
                )
            else:
                async with client.pipeline(transaction=False) as pipe:
                    for keys, args in scripts:
                        pipe.evalsha(sha, len(keys), *keys, *args)
                    replies = await pipe.execute(raise_on_error=False)
            if replies[0][0] != b"ok":
                raise RuntimeError(f"the commit script answered {replies[0]!r}")
            seq += 1
        found[name] = (time.process_time() - began) / (rooms * turns) * 1e6
    await lane.aclose()
    await client.aclose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lane", description=__doc__)
    parser.add_argument("--rooms", type=int, default=200, help="scripts per turn")
    parser.add_argument("--turns", type=int, default=200)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        redis = EmbeddedRedis(Path(folder))
        redis.start()
        try:
            found = asyncio.run(_measure(redis.url, ns.rooms, ns.turns))
        finally:
            redis.stop()
    base = found["redis-py pipeline"]
    for name, us in found.items():
        print(f"{name:>18}: {us:5.1f} us of client CPU per commit script ({base / us:.1f}x)")


if __name__ == "__main__":
    main()
