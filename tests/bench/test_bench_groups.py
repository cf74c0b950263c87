"""The group-work scenario at smoke size: 3 groups of 3 phones on 2 personas, three runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_group_work_bench_reaches_every_group(tmp_path: Path) -> None:
    """In one room, in groups and behind walls: every change acknowledged and seen by its whole
    group (its persona's phones and the facilitator), none refused, no phone closed, and not one
    event lost, doubled or reordered (behind walls the others get each seq with no events)."""
    out = tmp_path / "groups.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "quick", "groups", "--no-save", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    log = run.stdout[-3000:] + run.stderr[-3000:]
    assert out.exists(), log
    doc = json.loads(out.read_text())
    assert doc["integrity"] == {"lost": 0, "duplicated": 0, "reordered": 0}, log
    health = doc["health"]
    assert sorted(health) == [
        "groups: groups",
        "groups: groups behind walls",
        "groups: one room",
    ], log
    for key, seen in health.items():
        assert seen["acked"] > 0, (key, seen)
        clean = {"unacked": 0, "errors": {}, "phones_down_at_end": 0, "closes": {}}
        assert {k: seen[k] for k in clean} == clean, (key, seen)
    must = [r for r in doc["rows"] if r["met"] is not None]
    assert len(must) == 3, must  # unseen changes in groups, behind walls; refused changes
    assert all(r["met"] for r in must), must
    assert run.returncode == 0, log
