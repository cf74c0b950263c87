"""The bench's smoke tests, and how they run it: ``python -m bench ... --out`` in a child."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_bench(args: list[str], tmp_path: Path, timeout: float) -> tuple[dict[str, Any], str, int]:
    """Run ``python -m bench ARGS --no-save --out FILE``: its ``--out`` document (integrity,
    health of each run, rows), the tail of its output, its exit status."""
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", *args, "--no-save", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    log = run.stdout[-3000:] + run.stderr[-3000:]
    assert out.exists(), log
    return json.loads(out.read_text()), log, run.returncode
