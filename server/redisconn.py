"""Which Redis we talk to: one server, or a Redis Cluster, and what its pub/sub can do.

``redis://`` / ``rediss://`` / ``unix://`` is one Redis (or Valkey). ``redis+cluster://host:port``
(``rediss+cluster://`` for TLS; several seeds as ``host1:port1,host2:port2``) is a Redis Cluster or
a Valkey cluster, through redis-py's asyncio ``RedisCluster``, which follows ``MOVED`` and
``ASK`` redirections and refreshes its slot map after a failover by itself.

Fan-out uses sharded pub/sub (``SSUBSCRIBE``/``SPUBLISH``, Redis and Valkey 7+) where the server
has it: on a cluster a shard channel lives on its slot's shard only, where a classic ``PUBLISH``
is copied to every node over the cluster bus. Older servers get classic pub/sub.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

log = logging.getLogger("parcours.redis")

CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
PubSubMode = Literal["auto", "sharded", "classic"]
FAILOVER_RETRIES = 20
"""Retries of a cluster command (0.05 s doubling to 0.5 s apart: about 8 s in all)."""


class RedisUrlError(ValueError):
    """A --redis-url Parcours cannot use (the message says why)."""


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    """A plain redis-py URL (for one server, or the first seed of a cluster)."""
    cluster: bool
    seeds: tuple[tuple[str, int], ...] = ()


def parse(url: str) -> Target:
    """Split ``redis+cluster://a:1,b:2/0`` into a plain URL and its seeds."""
    scheme, _, rest = url.partition("://")
    if not rest:
        raise RedisUrlError(f"not a Redis URL: {url!r}")
    plain = CLUSTER_SCHEMES.get(scheme.lower())
    if plain is None:
        return Target(url=url, cluster=False)
    parts = urlsplit(f"{plain}://{rest}")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    seeds: list[tuple[str, int]] = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise RedisUrlError(f"cluster seeds must be host:port, got {item!r} in {url!r}")
        seeds.append((host.strip("[]"), int(port)))
    if parts.path not in ("", "/", "/0"):
        raise RedisUrlError("a Redis Cluster has database 0 only: drop the /N from the URL")
    first = f"{seeds[0][0]}:{seeds[0][1]}"
    netloc = f"{userinfo}@{first}" if userinfo else first
    return Target(
        url=urlunsplit((plain, netloc, "", parts.query, "")), cluster=True, seeds=tuple(seeds)
    )


def node_client(target: Target, host: str, port: int, **options: Any) -> aioredis.Redis:
    """A plain client on one node of a cluster, with the URL's credentials and TLS."""
    parts = urlsplit(target.url)
    userinfo = parts.netloc.rpartition("@")[0]
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    netloc = f"{userinfo}@{where}" if userinfo else where
    url = urlunsplit((parts.scheme, netloc, "", parts.query, ""))
    client: aioredis.Redis = aioredis.Redis.from_url(url, **options)
    return client


def cluster_client(target: Target, **options: Any) -> RedisCluster:
    seeds = [ClusterNode(host, port) for host, port in target.seeds]
    client: RedisCluster = RedisCluster.from_url(
        target.url,
        startup_nodes=seeds,
        # A failover takes a few seconds (cluster-node-timeout plus the election): retry the
        # command against the refreshed slot map for about 8 s before answering `unavailable`.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), FAILOVER_RETRIES),
        **options,
    )
    return client


def connect(url: str, max_connections: int) -> tuple[Any, Target]:
    """A client for ``url``: a pooled ``Redis``, or a ``RedisCluster``."""
    target = parse(url)
    if target.cluster:
        client = cluster_client(target, max_connections=max_connections, health_check_interval=10)
        return client, target
    # A blocking pool: a burst of sockets (clients moving here from a stopped process) waits
    # a moment for a connection instead of failing with "Too many connections".
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=10,
        health_check_interval=10,
        retry_on_timeout=True,
    )
    return aioredis.Redis.from_pool(pool), target


def version_of(info: dict[str, Any]) -> tuple[int, int]:
    """(major, minor) of a server from its INFO server (Valkey reports its own version too)."""
    raw = str(info.get("valkey_version") or info.get("redis_version") or "0.0")
    major, _, rest = raw.partition(".")
    minor = rest.partition(".")[0]
    return int(major or 0), int(minor or 0)


async def server_version(client: Any) -> tuple[int, int]:
    """The lowest version among the servers behind ``client`` (every master of a cluster)."""
    if isinstance(client, RedisCluster):
        found = await client.info("server", target_nodes=RedisCluster.PRIMARIES)
        # One reply per node (a dict of dicts), or one dict when a single node answered.
        if isinstance(found, dict) and "redis_version" not in found:
            return min(version_of(info) for info in found.values())
        return version_of(found)
    return version_of(await client.info("server"))


def sharded_for(mode: PubSubMode, version: tuple[int, int]) -> bool:
    if mode == "sharded":
        return True
    if mode == "classic":
        return False
    return version >= (7, 0)
