"""The browser's ``apply`` (state.js, run by node) makes the same workshop as Python's from the
same snapshot and entries, for random walks through every kind of command and event."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sessions.protocol import Event, tags
from tests.browser_fixtures import cases, event_types
from tests.timing import seconds

ROOT = Path(__file__).resolve().parents[2]
NODE_TEST = ROOT / "tests" / "js" / "state.test.js"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is needed for the browser's tests: ./dev test installs it")
    return found


def run_node(fixtures: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node(), "--test", "--test-reporter=dot", str(NODE_TEST)],
        cwd=ROOT,
        env={**os.environ, "PARCOURS_STATE_FIXTURES": str(fixtures)},
        capture_output=True,
        text=True,
        timeout=seconds(60),
        check=False,
    )


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("state") / "cases.json"
    path.write_text(json.dumps(cases()), encoding="utf-8")
    return path


SERVER_ONLY = {"history.pushed", "history.undone", "history.redone"}
"""Events no browser ever receives: views turn them into ``history.shown`` for their sender."""


def test_the_walks_cover_every_event():
    """The fixtures hold every kind of event a browser can receive (so none goes untested in
    JS); the server-only ones never reach a browser."""
    found = event_types(cases())
    assert found == set(tags(Event)) - SERVER_ONLY
    assert not found & SERVER_ONLY


def test_state_js_applies_entries_as_python_does(fixtures: Path):
    """node --test: state.js's applyEntry turns each case's snapshot and entries into exactly
    the workshop Python's apply made (all but the server's id counter)."""
    done = run_node(fixtures)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_comparison_catches_a_difference(fixtures: Path, tmp_path: Path):
    """One changed field of one expected workshop makes the node test fail: it is not vacuous."""
    found = json.loads(fixtures.read_text(encoding="utf-8"))
    found[0]["expected"]["title"] += " (changed)"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(found[:1]), encoding="utf-8")
    done = run_node(broken)
    assert done.returncode != 0
    assert "(changed)" in done.stdout + done.stderr
