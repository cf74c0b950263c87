"""Fixtures on Debian's redis-server 7: one Redis Cluster (3 masters, 3 replicas) for the whole
session, and a single non-cluster Redis 7. Each test starts its own server processes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio.cluster import RedisCluster

from server.embedded import EmbeddedRedis, free_port
from server.localcluster import LocalCluster, redis7_binary
from server.redisconn import cluster_client, parse
from tests.faults.cluster import Cluster, logged_problems
from tests.servers import ServerProcess


def _binary() -> str:
    found = redis7_binary()
    if found is None:
        pytest.fail(
            "no redis-server 7 on PATH: `./dev test` installs Debian's redis-server package "
            "(or set PARCOURS_REDIS_SERVER to a redis-server 7 binary)"
        )
    return found


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """3 masters + 3 replicas of redis-server 7 on free loopback ports, for the session."""
    made = LocalCluster(tmp_path_factory.mktemp("redis-cluster"), binary=_binary())
    made.start()
    yield made
    made.stop()


class OnCluster(Cluster):
    """The faults suite's helper, pointed at the session's Redis Cluster (never stopped here)."""

    def __init__(self, root: Path, redis_cluster: LocalCluster) -> None:
        super().__init__(root)
        self.local = redis_cluster
        self.pair: list[ServerProcess] = []

    @property
    def redis_url(self) -> str:
        return self.local.url

    def client(self) -> RedisCluster:  # type: ignore[override]
        return cluster_client(parse(self.local.url))


@pytest.fixture(scope="session")
def cluster_pair(
    redis_cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServerProcess]]:
    """Two `parcours serve` processes on the cluster for the session (acks WAIT for a replica),
    shared by the tests: each start costs a second of CPU."""
    logs = tmp_path_factory.mktemp("cluster-logs")
    started = [
        ServerProcess(redis_cluster.url, None, "--log-level", "info", *WAIT).start(logs),
        ServerProcess(redis_cluster.url, None, *WAIT).start(logs),
    ]
    yield started
    for server in started:
        server.stop()


WAIT = ("--redis-wait-replicas", "1")


@pytest.fixture
async def on_cluster(
    redis_cluster: LocalCluster, cluster_pair: list[ServerProcess], tmp_path: Path
) -> AsyncIterator[OnCluster]:
    """The shared pair (``.pair``) and any servers this test starts (stopped at its end)."""
    redis_cluster.wait_healthy()
    made = OnCluster(tmp_path, redis_cluster)
    made.pair = cluster_pair
    seen = [len(server.log()) for server in cluster_pair]
    yield made
    made.stop()
    new = "".join(s.log()[at:] for s, at in zip(cluster_pair, seen, strict=True))
    assert "Traceback" not in new and " ERROR " not in new, new[-3000:]
    if not made.redis_faults:
        assert not logged_problems(made.servers), "a server logged an error or a traceback"


@pytest.fixture(scope="session")
def redis7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """One non-cluster redis-server 7 (Debian's) on a free loopback port."""
    made = EmbeddedRedis(tmp_path_factory.mktemp("redis7"), port=free_port(), binary=_binary())
    made.start()
    yield made
    made.stop()


_FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def cluster_figures() -> dict[str, str]:
    """Measured figures, printed at the end of the run (they go into docs/operations.md)."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FIGURES:
        terminalreporter.section("redis cluster figures")
        for name, line in _FIGURES.items():
            terminalreporter.write_line(f"{name}: {line}")
