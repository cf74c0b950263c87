"""Fixtures of the fault suite: a private Redis and servers per test, and the soak switch."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from server.embedded import EmbeddedRedis
from tests.faults.cluster import Cluster, logged_problems
from tests.servers import ServerProcess


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A private redis-server (started) for this test; its servers are started by the test."""
    made = Cluster(tmp_path)
    made.redis.start()
    yield made
    made.stop()
    if not made.redis_faults:  # a test that kills Redis sees its commits fail, logged as errors
        assert not logged_problems(made.servers), "a server logged an error or a traceback"


@pytest.fixture(scope="session")
def soak(request: pytest.FixtureRequest) -> bool:
    """True when the long variants were asked for (``--soak``)."""
    return bool(request.config.getoption("--soak"))


@pytest.fixture(scope="session")
def soak_minutes(request: pytest.FixtureRequest) -> float:
    return float(request.config.getoption("--soak-minutes"))


_FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def figures() -> dict[str, str]:
    """Measured figures, printed at the end of the run (they go into docs/reliability.md)."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FIGURES:
        terminalreporter.section("fault suite figures")
        for name, line in _FIGURES.items():
            terminalreporter.write_line(f"{name}: {line}")


@pytest.fixture(scope="session")
async def shared_redis(redis_server: EmbeddedRedis) -> AsyncIterator[aioredis.Redis]:
    """A client on the session's Redis (the one the shared ``server`` fixture uses)."""
    client = aioredis.from_url(redis_server.url)
    yield client
    await client.aclose()


Dump = Callable[[str], Awaitable[dict[str, bytes]]]


@pytest.fixture(scope="session")
def dump(shared_redis: aioredis.Redis) -> Dump:
    """``await dump(workshop_id)``: every key of a workshop (presence aside) and its value."""
    redis: Any = shared_redis

    async def _dump(workshop_id: str) -> dict[str, bytes]:
        keys = sorted([k.decode() async for k in redis.scan_iter(f"{{w:{workshop_id}}}:*")])
        found = {key: await redis.dump(key) for key in keys}
        return {k: v for k, v in found.items() if v is not None and not k.endswith(_VOLATILE)}

    return _dump


_VOLATILE = (":who", ":whois")

# uvicorn (websockets-sansio) closes a text frame that is not UTF-8 with 1007, as it should, but
# logs it at ERROR with a traceback: the client's fault, not ours (see docs/reliability.md).
_UVICORN_UTF8 = re.compile(
    r"ERROR: +Invalid UTF-8 sequence received from client\.\n(?:(?:Traceback|  |\S+Error).*\n)*"
)


@pytest.fixture(autouse=True)
def _shared_servers_stay_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Whatever a test sends, the shared server process logs no error and no traceback."""
    if "server" not in request.fixturenames:
        yield
        return
    server: ServerProcess = request.getfixturevalue("server")
    seen = len(server.log())
    yield
    new = _UVICORN_UTF8.sub("", server.log()[seen:])
    assert "Traceback" not in new and " ERROR " not in new and "ERROR:" not in new, new
