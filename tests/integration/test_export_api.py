"""The export routes, served by the real app (with the routes app.py will list) on a real Redis."""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import openpyxl
import pytest
import redis.asyncio as aioredis
import uvicorn
from pypdf import PdfReader
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server import exports_api
from server.app import create_app
from server.embedded import EmbeddedRedis, free_port
from server.settings import Settings
from server.sockets import protocol_for
from sessions import snapshot
from tests.client import BoardClient, facilitator, join
from tests.timing import seconds
from tests.unit.test_export_workshops import filled


@dataclass
class _Served:
    base: str
    ws_url: str


@contextmanager
def _in_thread(app: Starlette, port: int, ws: object) -> Iterator[None]:
    """``app`` served by uvicorn in a thread on ``port``, its websockets carried by ``ws``."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, ws=ws, log_level="warning")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + seconds(20)
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(seconds(15))


@pytest.fixture(scope="module")
def app_server(redis_server: EmbeddedRedis) -> Iterator[_Served]:
    """create_app plus the export routes, served by uvicorn in a thread on a free port."""
    port = free_port()
    app = create_app(Settings(port=port, redis_url=redis_server.url, log_level="warning"))
    app.router.routes.extend(exports_api.routes)
    with _in_thread(app, port, protocol_for(app)):
        yield _Served(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws")


async def test_a_plain_asgi_server_refuses_board_sockets_with_a_reason(
    redis_server: EmbeddedRedis,
) -> None:
    """Served by another ASGI stack, /ws closes with a reason that says how to run Parcours."""
    port = free_port()
    app = create_app(Settings(port=port, redis_url=redis_server.url, log_level="warning"))
    with _in_thread(app, port, "websockets-sansio"):
        async with connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}") as ws:  # type: ignore[arg-type]
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1011
    assert "server.cli" in closed.value.rcvd.reason


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _normalised(raw: bytes, workshop_id: str) -> bytes:
    """A snapshot with its workshop id and export date blanked (all that may differ)."""
    dated = re.sub(rb'"exported_at": "[^"]*"', b'"exported_at": ""', raw)
    return dated.replace(f'"id": "{workshop_id}"'.encode(), b'"id": "ID"')


async def _import(http: httpx.AsyncClient, raw: bytes) -> dict[str, str]:
    answer = await http.post("/api/import", content=raw)
    assert answer.status_code == 201, answer.text
    created: dict[str, str] = answer.json()
    return created


async def test_json_round_trip_through_http_is_byte_identical(app_server: _Served) -> None:
    """Export (private notes asked for), import as a new workshop, export again: the same JSON
    apart from id and date."""
    async with httpx.AsyncClient(base_url=app_server.base) as http:
        raw = snapshot.dump(filled("fr"), "2026-11-26T10:00:00Z")
        created = await _import(http, raw)
        assert set(created) == {"workshop", "code", "token", "board", "join"}
        url = f"/api/workshops/{created['workshop']}/export/json?private=1"
        first = await http.get(url, headers=_bearer(created["token"]))
        assert first.status_code == 200
        assert first.headers["content-type"] == "application/json"
        assert 'filename="voyages-sportifs-2027.json"' in first.headers["content-disposition"]
        again = await _import(http, first.content)
        assert again["workshop"] != created["workshop"] and again["token"] != created["token"]
        second = await http.get(
            f"/api/workshops/{again['workshop']}/export/json?private=1",
            headers=_bearer(again["token"]),
        )
        assert second.status_code == 200
        assert _normalised(first.content, created["workshop"]) == _normalised(raw, "demo01")
        assert _normalised(second.content, again["workshop"]) == _normalised(raw, "demo01")


async def test_every_format_downloads_for_the_facilitator(app_server: _Served) -> None:
    """Each format answers 200 with its media type; multi-part formats come as a zip."""
    async with httpx.AsyncClient(base_url=app_server.base, timeout=seconds(60)) as http:
        created = await _import(http, snapshot.dump(filled("en"), ""))
        base = f"/api/workshops/{created['workshop']}/export"
        for name in ("json", "xlsx", "html", "pdf"):
            answer = await http.get(f"{base}/{name}?lang=fr", headers=_bearer(created["token"]))
            assert answer.status_code == 200, name
            assert answer.headers["content-disposition"].startswith("attachment;")
            assert answer.headers["cache-control"] == "no-store"
        pdf = await http.get(f"{base}/pdf?lang=fr", headers=_bearer(created["token"]))
        assert "Feuille de route" in "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
        )
        xlsx = await http.get(f"{base}/xlsx", headers=_bearer(created["token"]))
        assert "Notes" in openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
        for name, count in (("svg", 2), ("png", 2), ("csv", 3)):
            answer = await http.get(f"{base}/{name}", headers=_bearer(created["token"]))
            assert answer.headers["content-type"] == "application/zip"
            with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
                assert len(archive.namelist()) == count
        one = await http.get(f"{base}/csv?part=roadmap", headers=_bearer(created["token"]))
        assert one.headers["content-type"].startswith("text/csv")
        assert one.content.startswith(b"\xef\xbb\xbf")
        missing = await http.get(f"{base}/svg?part=a999", headers=_bearer(created["token"]))
        assert missing.status_code == 404


async def test_anonymise_option_reaches_the_file(app_server: _Served) -> None:
    """anonymise=1 withholds participant names in the downloaded file."""
    async with httpx.AsyncClient(base_url=app_server.base) as http:
        created = await _import(http, snapshot.dump(filled("en"), ""))
        url = f"/api/workshops/{created['workshop']}/export/csv?part=notes"
        plain = await http.get(url, headers=_bearer(created["token"]))
        hidden = await http.get(url + "&anonymise=1", headers=_bearer(created["token"]))
        assert "Claire" in plain.content.decode("utf-8-sig")
        assert "Claire" not in hidden.content.decode("utf-8-sig")


async def test_participants_and_strangers_cannot_export(app_server: _Served) -> None:
    """A participant's token, no token, or another workshop's token get 403 and a reason."""
    async with httpx.AsyncClient(base_url=app_server.base) as http:
        created = await _import(http, snapshot.dump(filled("en"), ""))
        other = await _import(http, snapshot.dump(filled("en"), ""))
        joined = await join(app_server.base, created["code"], "Eve")
        url = f"/api/workshops/{created['workshop']}/export/json?private=1"
        for headers in (
            _bearer(joined["token"]),
            {},
            _bearer(other["token"]),
            {"authorization": f"Basic {created['token']}"},
        ):
            answer = await http.get(url, headers=headers)
            assert answer.status_code == 403
            body = answer.json()
            assert body["code"] == "forbidden" and body["message"]
        unknown = await http.get(
            f"/api/workshops/{created['workshop']}/export/docx", headers=_bearer(created["token"])
        )
        assert unknown.status_code == 404 and "json" in unknown.json()["message"]


async def test_pack_holds_every_format_and_errors_speak_french(app_server: _Served) -> None:
    """The pack is one zip of every format; a French workshop's refusals are in French."""
    async with httpx.AsyncClient(base_url=app_server.base, timeout=seconds(60)) as http:
        created = await _import(http, snapshot.dump(filled("fr"), ""))
        base = f"/api/workshops/{created['workshop']}/export"
        pack = await http.get(f"{base}/pack", headers=_bearer(created["token"]))
        assert pack.status_code == 200 and pack.headers["content-type"] == "application/zip"
        assert 'filename="voyages-sportifs-2027.zip"' in pack.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(pack.content)) as archive:
            names = archive.namelist()
            assert {n.rsplit(".", 1)[1] for n in names} == {
                "json", "xlsx", "csv", "html", "pdf", "svg", "png"
            }  # fmt: skip
            assert len(names) == 1 + 1 + 3 + 1 + 1 + 2 + 2
            report = archive.read("voyages-sportifs-2027.pdf")
        assert "Synthèse" in PdfReader(io.BytesIO(report)).pages[1].extract_text()
        joined = await join(app_server.base, created["code"], "Eve")
        refused = await http.get(f"{base}/pdf", headers=_bearer(joined["token"]))
        assert refused.json()["message"] == "Seul l'animateur peut exporter l'atelier."
        unknown = await http.get(f"{base}/docx", headers={"accept-language": "fr-FR,fr;q=0.9"})
        assert unknown.json()["message"].startswith("Format d'export inconnu\u202f:")


async def test_invalid_imports_are_refused_and_create_nothing(
    app_server: _Served, redis_server: EmbeddedRedis
) -> None:
    """A broken snapshot gets 400 naming the problem, and no workshop appears in Redis."""
    client = aioredis.from_url(redis_server.url)
    try:
        before = len([k async for k in client.scan_iter("parcours:code:*")])
        document = json.loads(snapshot.dump(filled("en"), ""))
        next(iter(document["workshop"]["notes"].values()))["lane"] = "l404"
        async with httpx.AsyncClient(base_url=app_server.base) as http:
            for raw, words in (
                (b"not json at all", "not JSON"),
                (b'{"schema": 7, "workshop": {}}', "newer Parcours"),
                (json.dumps(document).encode(), "names the lane 'l404'"),
            ):
                answer = await http.post("/api/import", content=raw)
                assert answer.status_code == 400
                assert words in answer.json()["message"]
                assert answer.json()["code"] == "invalid_snapshot"
        after = len([k async for k in client.scan_iter("parcours:code:*")])
        assert after == before
    finally:
        await client.aclose()


async def test_an_imported_workshop_opens_on_the_board(app_server: _Served) -> None:
    """The facilitator's new token opens the imported workshop over the websocket."""
    async with httpx.AsyncClient(base_url=app_server.base) as http:
        original = filled("en")
        created = await _import(http, snapshot.dump(original, ""))
    board = BoardClient(app_server.ws_url, created["workshop"], created["token"])
    welcome = await board.connect()
    assert welcome["you"]["role"] == "facilitator"
    assert board.workshop is not None
    assert board.workshop.notes == original.notes and board.workshop.roadmap == original.roadmap
    await board.close()


async def test_exports_are_not_blocked_by_people_editing(app_server: _Served) -> None:
    """While a participant keeps adding notes, every export succeeds and holds the acked ones."""
    alice, created = await facilitator(app_server, template="travel")
    joined = await join(app_server.base, created["code"], "Bob")
    bob = BoardClient(app_server.ws_url, joined["workshop"], joined["token"])
    await bob.connect()
    acked: list[str] = []
    stop = asyncio.Event()

    async def write() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            text = f"Live note {number}"
            answer = await bob.call({"type": "note.add", **bob.cell(), "text": text})
            assert answer["type"] == "ack", answer
            acked.append(text)
            await asyncio.sleep(0.05)  # a brisk human pace, below the per-socket rate limit

    writer = asyncio.create_task(write())
    try:
        await bob.wait_for(lambda _: len(acked) >= 3)
        at_start = len(acked)
        async with httpx.AsyncClient(base_url=app_server.base, timeout=seconds(60)) as http:
            for name in ("pdf", "xlsx", "json", "pdf", "html"):
                done_before = list(acked)
                answer = await http.get(
                    f"/api/workshops/{created['workshop']}/export/{name}",
                    headers=_bearer(created["token"]),
                )
                assert answer.status_code == 200
                if name == "json":
                    texts = {n.text for n in snapshot.read(answer.content).notes.values()}
                    assert set(done_before) <= texts
        assert len(acked) > at_start, "editing went on while the exports ran"
    finally:
        stop.set()
        await writer
    await bob.close()
    await alice.close()
