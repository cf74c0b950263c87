"""Fixtures of the fault suite: a private Redis and servers per test, and the soak switch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.cluster import Cluster


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A private redis-server (started) for this test; its servers are started by the test."""
    made = Cluster(tmp_path)
    made.redis.start()
    yield made
    made.stop()


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
