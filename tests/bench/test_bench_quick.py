"""The load harness's smoke run: real servers, real sockets, and not one event lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_loses_nothing(tmp_path: Path) -> None:
    """Many rooms, a mass reconnect, a room over two processes: nothing lost, doubled, reordered."""
    out = tmp_path / "quick.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "quick",
            "rooms",
            "reconnect",
            "split",
            "--no-save",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["integrity"] == {"lost": 0, "duplicated": 0, "reordered": 0}, run.stdout[-3000:]
    # A phone whose frames fail to decode is closed and drops out of the integrity count: every
    # run must have had its changes acknowledged, and no phone down at the end.
    for key, seen in doc["health"].items():
        assert seen["acked"] > 0 and seen["phones_down_at_end"] == 0, (key, seen)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
