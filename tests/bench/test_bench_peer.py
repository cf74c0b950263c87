"""The Socket.IO peer in the bench: driven by the same generator, every change acknowledged
and delivered to every phone, on one process (seqs checked) and on two over Redis (counted by
op id, the peer having no common sequence)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.procs import peer_missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("target", "servers"),
    [("peer-sio", 1), ("peer-sio", 2), ("peer-pysio", 1), ("peer-pysio", 2)],
)
def test_peer_relays_every_change_to_every_phone(target: str, servers: int, tmp_path: Path) -> None:
    why = peer_missing(target.removeprefix("peer-"))
    if why:
        pytest.skip(why)
    out = tmp_path / "peer.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "custom",
            "--target",
            target,
            "--rooms",
            "2",
            "--clients",
            "3",
            "--rate",
            "10",
            "--duration",
            "2",
            "--warmup",
            "0.5",
            "--servers",
            str(servers),
            "--nice",
            "0",
            "--no-save",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["integrity"] == {"lost": 0, "duplicated": 0, "reordered": 0}, run.stdout[-3000:]
    (seen,) = doc["health"].values()
    assert seen["acked"] > 0 and seen["unacked"] == 0, seen
    assert seen["errors"] == {} and seen["phones_down_at_end"] == 0 and seen["closes"] == {}, seen
    assert seen["counted_by"] == ("op_id" if servers > 1 else "seq"), seen
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
