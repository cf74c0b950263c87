"""`parcours export` and `parcours import`, run as real processes against real Redis servers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import redis
from PIL import Image
from pypdf import PdfReader

from server.embedded import EmbeddedRedis
from sessions import snapshot
from tests.servers import ROOT
from tests.timing import seconds
from tests.unit.test_export_workshops import filled


def _parcours(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARCOURS_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds(120),
        check=False,
    )


def _imported(result: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    assert result.returncode == 0, result.stderr
    found = re.search(r"as workshop ([0-9a-f]+)\.", result.stdout)
    code = re.search(r"join code ([A-Z0-9]+)\)", result.stdout)
    assert found and code, result.stdout
    return found.group(1), code.group(1)


@pytest.fixture
def snapshot_file(tmp_path: Path) -> Path:
    path = tmp_path / "filled.json"
    path.write_bytes(snapshot.dump(filled("fr"), "2026-11-26T10:00:00Z"))
    return path


def test_import_then_export_round_trips_byte_identical(
    redis_server: EmbeddedRedis, snapshot_file: Path, tmp_path: Path
) -> None:
    """import FILE then export --format json --private gives the file back, apart from id and
    date (private notes not yet revealed are only in it when asked for)."""
    workshop_id, code = _imported(
        _parcours("import", str(snapshot_file), "--redis-url", redis_server.url)
    )
    out = tmp_path / "again.json"
    result = _parcours(
        "export", code, "-f", "json", "--private", "-o", str(out), "--redis-url", redis_server.url
    )
    assert result.returncode == 0, result.stderr
    original = snapshot_file.read_bytes().replace(b'"demo01"', f'"{workshop_id}"'.encode())
    strip = re.compile(rb'"exported_at": "[^"]*"')
    assert strip.sub(b"", out.read_bytes()) == strip.sub(b"", original)


def test_every_format_is_written_and_opens(
    redis_server: EmbeddedRedis, snapshot_file: Path, tmp_path: Path
) -> None:
    """Each --format writes files its reader opens (one per part for csv, svg and png)."""
    workshop_id, _ = _imported(
        _parcours("import", str(snapshot_file), "--redis-url", redis_server.url)
    )
    for name in ("json", "xlsx", "csv", "html", "pdf", "svg", "png", "pack"):
        folder = tmp_path / name
        folder.mkdir()
        result = _parcours(
            "export", workshop_id, "--format", name, "-o", str(folder), "--lang", "en",
            "--redis-url", redis_server.url,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        files = sorted(folder.iterdir())
        assert len(files) == {"csv": 3, "svg": 2, "png": 2}.get(name, 1), files
        for path in files:
            raw = path.read_bytes()
            match name:
                case "json":
                    assert snapshot.read(raw).title == "Voyages sportifs 2027"
                case "xlsx":
                    assert "Roadmap" in openpyxl.load_workbook(path).sheetnames
                case "csv":
                    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
                case "pdf":
                    assert any("Roadmap" in p.extract_text() for p in PdfReader(path).pages)
                case "png":
                    Image.open(path).verify()
                case "pack":
                    names = zipfile.ZipFile(path).namelist()
                    assert {n.rsplit(".", 1)[1] for n in names} == {
                        "json", "xlsx", "csv", "html", "pdf", "svg", "png"
                    }  # fmt: skip
                case _:
                    assert raw.strip().endswith(b">")


def test_one_part_can_go_to_stdout(redis_server: EmbeddedRedis, snapshot_file: Path) -> None:
    """--part picks one file; -o - writes it to stdout."""
    workshop_id, _ = _imported(
        _parcours("import", str(snapshot_file), "--redis-url", redis_server.url)
    )
    result = _parcours(
        "export", workshop_id, "-f", "csv", "--part", "roadmap", "-o", "-", "--anonymise",
        "--redis-url", redis_server.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeffId;Titre")


def test_an_invalid_file_is_refused_and_nothing_is_created(
    redis_server: EmbeddedRedis, tmp_path: Path
) -> None:
    """import of a broken snapshot exits 1 with the reason, and stores nothing."""
    client = redis.Redis.from_url(redis_server.url)
    before = len(list(client.scan_iter("parcours:code:*")))
    broken = json.loads(snapshot.dump(filled("en"), ""))
    broken["workshop"]["participants"] = {}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = _parcours("import", str(path), "--redis-url", redis_server.url)
    assert result.returncode == 1
    assert "has no facilitator" in result.stderr and "broken.json" in result.stderr
    assert len(list(client.scan_iter("parcours:code:*"))) == before
    client.close()


def test_unknown_workshops_and_parts_are_explained(redis_server: EmbeddedRedis) -> None:
    """Exporting a workshop that does not exist says so, with exit status 2."""
    result = _parcours("export", "nosuchthing", "--redis-url", redis_server.url)
    assert result.returncode == 2 and "No workshop has the id or join code" in result.stderr


def test_embedded_data_dir_is_started_for_the_command_then_stopped(
    tmp_path: Path, snapshot_file: Path
) -> None:
    """Without --redis-url the commands start the data directory's Redis, and stop it after."""
    data = tmp_path / "data"
    workshop_id, _ = _imported(_parcours("import", str(snapshot_file), "--data-dir", str(data)))
    assert not (data / "redis.pid").exists(), "the embedded Redis was stopped"
    out = tmp_path / "out.json"
    result = _parcours("export", workshop_id, "-o", str(out), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert snapshot.read(out.read_bytes()).id == workshop_id


def test_a_running_serve_redis_is_reached_through_its_socket(
    tmp_path: Path, snapshot_file: Path
) -> None:
    """When `serve` owns the embedded Redis, the commands use its unix socket, start no other."""
    data = tmp_path / "d"
    running = EmbeddedRedis(data)
    running.start()
    try:
        assert running.port is None, "a short path gives a unix socket"
        pid = (data / "redis.pid").read_text()
        workshop_id, _ = _imported(_parcours("import", str(snapshot_file), "--data-dir", str(data)))
        found = redis.Redis(unix_socket_path=str(running.socket_path))
        assert found.exists(f"{{w:{workshop_id}}}:meta")
        found.close()
        result = _parcours("export", workshop_id, "-o", str(tmp_path), "--data-dir", str(data))
        assert result.returncode == 0, result.stderr
        assert (data / "redis.pid").read_text() == pid
    finally:
        running.stop()


def test_missing_data_dir_is_explained(tmp_path: Path) -> None:
    """Exporting from a data directory that does not exist says what to pass."""
    result = _parcours("export", "abc", "--data-dir", str(tmp_path / "none"))
    assert result.returncode == 2 and "--redis-url" in result.stderr
