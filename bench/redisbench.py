"""Baseline 4: ``redis-benchmark`` for PUBLISH and for our own commit script, TCP and unix socket.

The commit script is a compare-and-set on the workshop's seq, so a fixed command line would
succeed once and then only read. The benchmark loads a twin of ``server.store._COMMIT`` made by
one textual change (an expected seq of ``*`` matches any seq); every write it does (XADD with
trim, SET EX of the op id, PUBLISH, HSET) is the real script's. Skipped, with a note, when no
``redis-benchmark`` binary exists.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

from bench.procs import Redis, redis_benchmark_binary

_CHECK = "if cur[1] ~= ARGV[1] then"
_ENTRY = (
    '{"seq":1,"op_id":"bench-op","actor":"p2","events":[{"type":"note.saved","note":{"id":"n9",'
    '"persona":"a11","stage":"s6","lane":"l2","text":"friendly staff 0.123","channel":"web",'
    '"pos":1.0,"author":"p2","version":1}}]}'
)


def twin_script() -> str:
    from server.store import _COMMIT

    if _CHECK not in _COMMIT:
        raise RuntimeError("the commit script changed: update bench.redisbench._CHECK")
    return _COMMIT.replace(_CHECK, "if ARGV[1] ~= '*' and cur[1] ~= ARGV[1] then")


def _run(binary: str, where: list[str], requests: int, clients: int, *command: str) -> float:
    args = [
        binary,
        *where,
        "-n",
        str(requests),
        "-c",
        str(clients),
        "-r",
        "100000000",
        "-q",
        "--csv",
        *command,
    ]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True).stdout
    numbers = re.findall(r'"([0-9.]+)"', out)
    return float(numbers[0]) if numbers else 0.0


def run(redis: Redis, quick: bool) -> dict[str, Any]:
    binary = redis_benchmark_binary()
    if binary is None:
        return {"skipped": "redis-benchmark not found (Debian: apt-get install redis-tools)"}
    client = redis.client()
    sha = client.script_load(twin_script())
    client.hset("{w:bench}:meta", mapping={"seq": 0, "epoch": "e", "snap": 0})
    client.close()
    requests = 20_000 if quick else 200_000
    results: dict[str, Any] = {"binary": binary}
    transports = {
        "tcp": ["-h", "127.0.0.1", "-p", str(redis.port)],
        "unix": ["-s", str(redis.unix)],
    }
    for name, where in transports.items():
        results[f"publish {name}"] = _run(
            binary, where, requests, 50, "PUBLISH", "bench:ch", _ENTRY
        )
        results[f"commit {name}"] = _run(
            binary,
            where,
            requests,
            50,
            "EVALSHA",
            sha,
            "3",
            "{w:bench}:meta",
            "{w:bench}:log",
            "{w:bench}:op:__rand_int__",
            "*",
            "e",
            "{w:bench}:ch",
            "5000",
            "604800",
            "",
            "PUBLISH",
            "",
            "NUMSUB",
            "-1",  # counts the subscribers as the server does, and publishes (0 - -1 others)
            _ENTRY,
        )
        results[f"commit {name}, 1 client"] = _run(
            binary,
            where,
            requests // 4,
            1,
            "EVALSHA",
            sha,
            "3",
            "{w:bench}:meta",
            "{w:bench}:log",
            "{w:bench}:op:__rand_int__",
            "*",
            "e",
            "{w:bench}:ch",
            "5000",
            "604800",
            "",
            "PUBLISH",
            "",
            "NUMSUB",
            "-1",  # counts the subscribers as the server does, and publishes (0 - -1 others)
            _ENTRY,
        )
    return results
