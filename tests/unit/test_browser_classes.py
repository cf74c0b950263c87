"""The browser's roadmap classes (classes.js, run by node) are Python's: the same items under
the same thresholds get the same class and the same place on the matrix."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import msgspec

from sessions import summary
from sessions.model import CRITERIA, ROADMAP_CLASSES, ClassRules, RoadmapItem
from tests.timing import seconds
from tests.unit.test_browser_state import ROOT, node
from tests.unit.test_roadmap_classes import MOVED, SEED_CASES

NODE_TEST = ROOT / "tests" / "js" / "classes.test.js"


def _items() -> list[RoadmapItem]:
    """The seed's boundary cases, then random items (a fixed seed: the same run every time)."""
    items = [
        RoadmapItem(
            id="w1",
            title=rule,
            scores={c: {f"p{i}": v for i, v in enumerate(values)} for c, values in scores.items()},
        )
        for rule, scores, _ in SEED_CASES
    ]
    draw = random.Random(11)
    for n in range(300):
        scores = {
            c: {f"p{i}": draw.randint(1, 5) for i in range(draw.randint(1, 3))}
            for c in draw.sample(CRITERIA, draw.randint(0, len(CRITERIA)))
        }
        items.append(
            RoadmapItem(
                id=f"w{n + 2}",
                title="random",
                scores=scores,
                override=draw.choice([None, None, None, *ROADMAP_CLASSES]),
                impact=draw.choice([None, None, 2.5, 4.0]),
                effort=draw.choice([None, None, 1.5, 3.0]),
            )
        )
    return items


def _cases() -> list[dict[str, object]]:
    cases: list[dict[str, object]] = []
    for rules in (ClassRules(), MOVED):
        for item in _items():
            placed = summary.position(item)
            cases.append(
                {
                    "item": msgspec.to_builtins(item),
                    "rules": msgspec.to_builtins(rules),
                    "klass": summary.roadmap_class(item, rules),
                    "placed": list(placed) if placed else None,
                }
            )
    return cases


def test_classes_js_classes_items_as_python_does(tmp_path: Path) -> None:
    """node --test: classes.js gives every case the class and position sessions.summary gives."""
    fixtures = tmp_path / "classes.json"
    fixtures.write_text(json.dumps(_cases()), encoding="utf-8")
    done = subprocess.run(
        [node(), "--test", "--test-reporter=dot", str(NODE_TEST)],
        cwd=ROOT,
        env={**os.environ, "PARCOURS_CLASS_FIXTURES": str(fixtures)},
        capture_output=True,
        text=True,
        timeout=seconds(60),
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
