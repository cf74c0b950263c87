"""The group-work scenario at smoke size: 3 groups of 3 phones on 2 personas, three runs."""

from __future__ import annotations

from pathlib import Path

from tests.bench import run_bench


def test_group_work_bench_reaches_every_group(tmp_path: Path) -> None:
    """In one room, in groups and behind walls: every change acknowledged and seen by its whole
    group (its persona's phones and the facilitator), none refused, no phone closed, and not one
    event lost, doubled or reordered (behind walls the others get each seq with no events)."""
    doc, log, status = run_bench(["quick", "groups"], tmp_path, timeout=90)
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
    assert status == 0, log
