"""The Socket.IO peer in the bench: driven by the same generator, every change acknowledged
and delivered to every phone, on one process (seqs checked) and on two over Redis (counted by
op id, the peer having no common sequence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.procs import peer_missing
from tests.bench import run_bench


@pytest.mark.parametrize(
    ("target", "servers"),
    [("peer-sio", 1), ("peer-sio", 2), ("peer-pysio", 1), ("peer-pysio", 2)],
)
def test_peer_relays_every_change_to_every_phone(target: str, servers: int, tmp_path: Path) -> None:
    why = peer_missing(target.removeprefix("peer-"))
    if why:
        pytest.skip(why)
    args = ["custom", "--target", target, "--rooms", "2", "--clients", "3", "--rate", "10"]
    args += ["--duration", "2", "--warmup", "0.5", "--servers", str(servers), "--nice", "0"]
    doc, log, status = run_bench(args, tmp_path, timeout=60)
    assert doc["integrity"] == {"lost": 0, "duplicated": 0, "reordered": 0}, log
    (seen,) = doc["health"].values()
    assert seen["acked"] > 0 and seen["unacked"] == 0, seen
    assert seen["errors"] == {} and seen["phones_down_at_end"] == 0 and seen["closes"] == {}, seen
    assert seen["counted_by"] == ("op_id" if servers > 1 else "seq"), seen
    assert status == 0, log
