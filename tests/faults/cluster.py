"""A private redis-server and several `parcours serve` processes, for tests that break them.

Each test that kills, flushes or restarts something gets its own Redis (the bundled binary on a
free loopback port, AOF everysec, data in the test's temporary directory) and its own servers,
so nothing it breaks reaches another test.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis

from server.embedded import EmbeddedRedis, free_port
from sessions.protocol import entry_decoder
from tests.client import create_workshop
from tests.faults.phones import Phone, Route, Target, bounded, until
from tests.servers import ServerProcess


class Cluster:
    """One Redis and the server processes on it; everything is stopped at the end of the test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.redis = EmbeddedRedis(root / "redis", port=free_port())
        self.servers: list[ServerProcess] = []
        self.redis_faults = False
        """Set when the test kills or empties Redis: then servers may log failed commits."""

    @property
    def redis_url(self) -> str:
        return self.redis.url

    def client(self) -> aioredis.Redis:
        return aioredis.from_url(self.redis_url)

    async def serve(self, count: int, *extra: str) -> list[ServerProcess]:
        """Start ``count`` server processes at once (each takes a couple of seconds to boot)."""
        started = [ServerProcess(self.redis_url, None, *extra) for _ in range(count)]
        self.servers += started
        await asyncio.gather(*(asyncio.to_thread(s.start, self.logs) for s in started))
        return started

    def alive(self) -> list[ServerProcess]:
        return [s for s in self.servers if s.process is not None and s.process.poll() is None]

    def kill_redis(self) -> None:
        self.redis_faults = True
        self.redis.kill()

    def restart_redis(self, *, empty: bool = False) -> None:
        """Start redis-server again on the same port, from its AOF (or from nothing)."""
        if empty:
            shutil.rmtree(self.redis.data_dir)
        self.redis = EmbeddedRedis(self.redis.data_dir, port=self.redis.port)
        self.redis.start()

    @property
    def aof(self) -> Path:
        return self.redis.data_dir / "appendonly.aof"

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.redis.stop()


def spread(servers: list[ServerProcess], homes: dict[str, int] | None = None) -> Route:
    """Phone ``p<i>`` dials server ``i % n`` while it lives, else the next one alive; after a
    failed attempt, the next one (as a load balancer retries on another backend)."""

    def route(phone: Phone) -> Target:
        digits = "".join(c for c in phone.name if c.isdigit())
        index = homes.get(phone.name, 0) if homes else int(digits or 0)
        index += phone.failures
        for step in range(len(servers)):
            server = servers[(index + step) % len(servers)]
            if server.process is not None and server.process.poll() is None:
                return Target(server.ws_url, server.base)
        return Target(servers[0].ws_url, servers[0].base)

    return route


async def join_all(bases: list[str], code: str, names: list[str]) -> list[dict[str, str]]:
    """Join ``names`` by code over HTTP, spreading the requests over ``bases``."""
    clients = {base: httpx.AsyncClient(base_url=base, timeout=30) for base in bases}
    try:

        async def one(i: int, name: str) -> dict[str, str]:
            http = clients[bases[i % len(bases)]]
            answer = await http.post("/api/join", json={"code": code, "name": name})
            answer.raise_for_status()
            joined: dict[str, str] = answer.json()
            return joined

        return await bounded((one(i, n) for i, n in enumerate(names)), at_once=25)
    finally:
        for http in clients.values():
            await http.aclose()


async def crowd(
    servers: list[ServerProcess],
    count: int,
    route: Route | None = None,
    *,
    prefix: str = "p",
    **phone_options: Any,
) -> tuple[Phone, list[Phone], dict[str, str]]:
    """A workshop with a facilitator phone and ``count`` participant phones (made with
    ``phone_options``), all connected."""
    route = route or spread(servers)
    created = await create_workshop(servers[0].base, "Faults")
    host = Phone(route, created["workshop"], created["token"], "host")
    names = [f"{prefix}{i}" for i in range(count)]
    joined = await join_all([s.base for s in servers], created["code"], names)
    phones = [
        Phone(route, j["workshop"], j["token"], name, **phone_options)
        for name, j in zip(names, joined, strict=True)
    ]
    for phone in [host, *phones]:
        phone.start()
    await until(lambda: all(p.connected.is_set() for p in [host, *phones]), 30, "all connected")
    return host, phones, created


async def op_log(client: aioredis.Redis, workshop_id: str) -> list[tuple[int, str]]:
    """(seq, op id) of every entry in the workshop's op log, oldest first."""
    redis: Any = client
    rows = await redis.xrange(f"{{w:{workshop_id}}}:log", "-", "+")
    found: list[tuple[int, str]] = []
    for _, fields in rows:
        entry = entry_decoder.decode(fields[b"e"])
        found.append((entry.seq, entry.op_id))
    return found


async def stored_seq(client: aioredis.Redis, workshop_id: str) -> int | None:
    """The workshop's seq in Redis (None when Redis has no such workshop)."""
    redis: Any = client
    found = await redis.hget(f"{{w:{workshop_id}}}:meta", "seq")
    return int(found) if found is not None else None


def durability_report(phones: list[Phone], log: list[tuple[int, str]]) -> dict[str, list[str]]:
    """Acknowledged ops missing from the log, logged twice, or logged at another seq."""
    where = {op: seq for seq, op in log}
    counts = Counter(op for _, op in log)
    missing, doubled, moved = [], [], []
    for phone in phones:
        for op, seq in phone.acks.items():
            if op not in where:
                missing.append(op)
            elif counts[op] > 1:
                doubled.append(op)
            elif where[op] != seq:
                moved.append(op)
    return {"missing": missing, "doubled": doubled, "moved": moved}


def logged_problems(servers: list[ServerProcess]) -> list[str]:
    """Tracebacks and ERROR lines in the servers' logs."""
    found = []
    for server in servers:
        text = server.log()
        if "Traceback" in text or " ERROR " in text or "ERROR:" in text:
            found.append(f"{server.port}: {text[-3000:]}")
    return found
