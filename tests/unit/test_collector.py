"""Paced young collections (``server.collector``): they run on the clock, not on a count."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from server import collector


@pytest.fixture
def no_automatic_collections() -> Iterator[None]:
    """Python's own young collections never fire: any collection seen is a paced one."""
    before = gc.get_threshold()
    enabled = gc.isenabled()
    gc.set_threshold(10**9, 10**9, 10**9)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if enabled:
            gc.enable()
        else:
            gc.disable()


def _collections() -> tuple[int, int]:
    stats = gc.get_stats()
    return stats[0]["collections"], stats[1]["collections"]


def test_young_and_middle_collections_run_on_the_clock(no_automatic_collections: None) -> None:
    gc.enable()
    young, middle = _collections()

    async def main() -> tuple[int, int]:
        pacer = asyncio.create_task(collector.paced())
        await asyncio.sleep(collector.PACE * collector.MIDDLE_EVERY * 3)
        pacer.cancel()
        return _collections()

    young_after, middle_after = asyncio.run(main())
    assert young_after - young >= collector.MIDDLE_EVERY - 1
    assert middle_after - middle >= 1


def test_nothing_runs_while_the_collector_is_disabled(no_automatic_collections: None) -> None:
    gc.disable()
    before = _collections()

    async def main() -> None:
        pacer = asyncio.create_task(collector.paced())
        await asyncio.sleep(collector.PACE * 6)
        pacer.cancel()

    asyncio.run(main())
    assert _collections() == before
