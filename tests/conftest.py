from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.embedded import EmbeddedRedis
from tests.servers import ServerProcess, start_redis


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """The bundled redis-server on a free loopback port, for the whole session."""
    redis = start_redis(tmp_path_factory.mktemp("redis"))
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def server(redis_server: EmbeddedRedis, logs: Path) -> Iterator[ServerProcess]:
    """One `parcours serve` process shared by the tests that need only one."""
    process = ServerProcess(redis_server.url).start(logs)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def second_server(redis_server: EmbeddedRedis, logs: Path) -> Iterator[ServerProcess]:
    """A second process on the same Redis: the N-stateless-instances case."""
    process = ServerProcess(redis_server.url).start(logs)
    yield process
    process.stop()
