"""Commits that are acknowledged only once replicas hold them (``--redis-wait-replicas N``).

Redis replicates asynchronously: a master that dies right after answering can take its last
writes with it, and the replica promoted in its place never had them. ``WAIT N T`` blocks until
N replicas have received every write made *on that connection*, so the commit script and the
``WAIT`` must travel on the same connection, in one pipeline. On a cluster that means talking
to the master of the workshop's slot directly: this module does that, following the slot map
of the ``RedisCluster`` and retrying through redirections and failovers.

A master with fewer replicas connected than asked (its replica died, or it was just promoted
and its old master is not back yet) waits for the ones it has: with none connected, no replica
can take over with fresher data than the master's own AOF, and refusing every write would turn
one lost node into a read-only shard. docs/operations.md says exactly what an ack then means.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import (
    AskError,
    ClusterDownError,
    MovedError,
    RedisError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server import redisconn


class ReplicaWaitError(RedisError):
    """Committed on the master, but fewer replicas than asked confirmed it in time."""


log = logging.getLogger("parcours.redis")

_ATTEMPTS = 20
"""Like the cluster client's own retries: 0.05 s doubling to 0.5 s apart, about 8 s."""
_CONNECTED_FOR = 1.0
"""Seconds a master's count of connected replicas is trusted before it is read again."""
_RETRYABLE = (
    AskError,
    ClusterDownError,
    MovedError,
    TryAgainError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)


class Waiter:
    """Runs the commit script then ``WAIT replicas timeout`` on one connection."""

    def __init__(
        self, client: Any, target: Any, script: str, replicas: int, timeout_ms: int
    ) -> None:
        self.client = client
        self.target = target
        self.script_text = script
        self.replicas = replicas
        self.timeout_ms = timeout_ms
        self.cluster = isinstance(client, RedisCluster)
        self._nodes: dict[str, tuple[Any, Any]] = {}
        self._connected: dict[int, tuple[int, float]] = {}
        self._warned = 0.0
        if not self.cluster:
            self._direct = (client, client.register_script(script))

    def _node_client(self, key: str) -> tuple[Any, Any]:
        if not self.cluster:
            return self._direct
        node = self.client.get_node_from_key(key)
        found = self._nodes.get(node.name)
        if found is None:
            direct = redisconn.node_client(self.target, node.host, node.port)
            found = self._nodes[node.name] = (direct, direct.register_script(self.script_text))
        return found

    async def commit(self, keys: list[str], args: list[Any]) -> Any:
        delay = 0.05
        for attempt in range(_ATTEMPTS):
            direct, script = self._node_client(keys[0])
            want = self._want(direct)
            try:
                async with direct.pipeline(transaction=False) as pipe:
                    await script(keys=keys, args=args, client=pipe)
                    pipe.execute_command("WAIT", want, self.timeout_ms)
                    reply, acked = await pipe.execute()
                if reply[0] in (b"ok", b"dup") and int(acked) < self.replicas:
                    await self._short(direct, int(acked))
            except _RETRYABLE as exc:
                if attempt == _ATTEMPTS - 1:
                    raise
                log.info("commit redirected or refused (%s); retrying", type(exc).__name__)
                await self._refresh(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            return reply
        raise RedisError("unreachable")  # pragma: no cover

    def _want(self, direct: Any) -> int:
        known = self._connected.get(id(direct))
        if known is None or time.monotonic() - known[1] > _CONNECTED_FOR:
            return self.replicas
        return min(self.replicas, known[0])

    async def _short(self, direct: Any, acked: int) -> None:
        """Fewer replicas than asked confirmed: fine if that is every replica the master has."""

        info = await direct.info("replication")
        connected = int(info.get("connected_slaves", 0))
        self._connected[id(direct)] = (connected, time.monotonic())
        if acked < min(self.replicas, connected):
            raise ReplicaWaitError(
                f"{acked} of {connected} connected replicas confirmed within {self.timeout_ms} ms"
            )
        if time.monotonic() - self._warned > 10:
            self._warned = time.monotonic()
            log.warning(
                "a master has %d replica(s) connected, %d asked: acks wait for those only",
                connected,
                self.replicas,
            )

    async def _refresh(self, exc: Exception) -> None:
        if not self.cluster or isinstance(exc, (TryAgainError, AskError)):
            return  # a migration in progress: the same node answers once it is done
        for direct, _ in self._nodes.values():
            with contextlib.suppress(Exception):
                await direct.aclose()
        self._nodes.clear()
        with contextlib.suppress(RedisError, OSError):
            await self.client.nodes_manager.initialize()

    async def aclose(self) -> None:
        for direct, _ in self._nodes.values():
            with contextlib.suppress(Exception):
                await direct.aclose()
        self._nodes.clear()
