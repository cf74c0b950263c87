"""The load harness's smoke run: real servers, real sockets, and not one event lost."""

from __future__ import annotations

from pathlib import Path

from tests.bench import run_bench


def test_quick_bench_loses_nothing(tmp_path: Path) -> None:
    """Many rooms, a mass reconnect, a room over two processes: nothing lost, doubled, reordered."""
    doc, log, status = run_bench(["quick", "rooms", "reconnect", "split"], tmp_path, timeout=110)
    assert doc["integrity"] == {"lost": 0, "duplicated": 0, "reordered": 0}, log
    # A phone whose frames fail to decode is closed and drops out of the integrity count: every
    # run must have had its changes acknowledged, and no phone down at the end.
    for key, seen in doc["health"].items():
        assert seen["acked"] > 0 and seen["phones_down_at_end"] == 0, (key, seen)
    assert status == 0, log
