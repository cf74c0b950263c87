from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from server.embedded import EmbeddedRedis
from tests.servers import ServerProcess

Dump = Callable[[str], Awaitable[dict[str, bytes]]]

# Presence is volatile and rewritten by heartbeats: it is not part of a workshop's state.
_VOLATILE = (":who", ":whois")


@pytest.fixture(scope="session")
async def redis_client(redis_server: EmbeddedRedis) -> AsyncIterator[aioredis.Redis]:
    """A redis-py client on the test Redis, to look at what the servers stored."""
    client = aioredis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def dump(redis_client: aioredis.Redis) -> Dump:
    """``await dump(workshop_id)``: every stored key of a workshop and its serialized value."""

    async def _dump(workshop_id: str) -> dict[str, bytes]:
        pattern = f"{{w:{workshop_id}}}:*"
        keys = sorted([key.decode() async for key in redis_client.scan_iter(pattern, count=1000)])
        values = [await redis_client.dump(key) for key in keys]
        return {
            key: value
            for key, value in zip(keys, values, strict=True)
            if not key.endswith(_VOLATILE) and value is not None
        }

    return _dump


@pytest.fixture
def own_server(redis_server: EmbeddedRedis, logs: Path) -> Iterator[Callable[[], ServerProcess]]:
    """Start private server processes on the test Redis (for tests that stop or kill them)."""
    started: list[ServerProcess] = []

    def start(port: int | None = None) -> ServerProcess:
        process = ServerProcess(redis_server.url, port).start(logs)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(autouse=True)
def _servers_log_no_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Whatever a test sends, the shared server processes log no error and no traceback."""
    shared = ("server", "second_server")
    watched = [request.getfixturevalue(n) for n in shared if n in request.fixturenames]
    seen = [len(process.log()) for process in watched]
    yield
    for process, offset in zip(watched, seen, strict=True):
        new = process.log()[offset:]
        assert "Traceback" not in new and "ERROR" not in new, new
