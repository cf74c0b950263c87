"""Hostile text: script in every field people can type is stored and sent verbatim (the pages
forbid inline script with their CSP), and exports defuse spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import httpx
import msgspec
import openpyxl

from server.store import Store
from sessions.model import PERSONA_FIELDS, Workshop
from tests.client import BoardClient, facilitator, join
from tests.servers import ServerProcess

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg/onload=alert(1)>',
    "javascript:alert(document.cookie)",
    "</textarea><script>alert(1)</script>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)} `${x}`",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "&lt;b&gt; &amp;amp; &#x3C;script&#x3E;",
    "\u202eevil\u202c \u2066rtl\u2069 \u200bzero",
    "' OR 1=1 -- ; DROP TABLE notes",
    '<a href="javascript:alert(1)">x</a>',
    "<style>*{display:none}</style>",
    "\u2028line\u2029para \U0001f4a3 \ufeffbom",
]
FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def typed_everywhere(server: ServerProcess, texts: list[str]) -> tuple[BoardClient, str]:
    """A workshop where each text was typed into a note, a participant's name, a stage, a lane,
    an objective, a persona's every field, a scenario, a roadmap item and a plan row."""
    host, created = await facilitator(server, name=texts[0][:60])
    joined = await join(server.base, created["code"], texts[1][:60])
    pat = BoardClient(server.ws_url, created["workshop"], joined["token"])
    await pat.connect()
    commands: list[dict[str, Any]] = [{"type": "workshop.rename", "title": texts[0]}]
    for i, text in enumerate(texts):
        commands += [
            {"type": "note.add", **host.cell(), "text": text},
            {"type": "objective.add", "title": text[:80], "description": text, "kpis": text},
            {"type": "scenario.add", "title": text[:80]},
            {"type": "roadmap.add", "title": text[:80], "description": text},
            {"type": "plan.add", "title": "Action", "content": text, "trigger": text[:200]},
        ]
        # Stages, lanes and personas are few (12, 10, 12): a share of the texts each.
        kind = ("stage.add", "lane.add", "persona.add")[i % 3]
        commands.append({"type": kind, "name" if kind == "persona.add" else "title": text[:60]})
    for command in commands:
        answer = await host.call(command)
        assert answer["type"] == "ack", (command, answer)
    assert host.workshop is not None
    persona = host.workshop.personas[-1].id
    for field, text in zip(PERSONA_FIELDS, texts * 2, strict=False):
        answer = await host.call(
            {"type": "persona.edit", "persona": persona, "field": field, "value": text}
        )
        assert answer["type"] == "ack"
    rename = await pat.call({"type": "participant.rename", "name": texts[2][:60]})
    assert rename["type"] == "ack"
    await host.wait_for(lambda c: c.seq >= rename["seq"])
    await pat.close()
    return host, created["workshop"]


def strings(workshop: Workshop) -> set[str]:
    """Every string a person typed, wherever it sits in the workshop."""
    found: set[str] = {workshop.title}
    found |= {n.text for n in workshop.notes.values()}
    found |= {p.name for p in workshop.participants.values()}
    found |= {s.title for s in workshop.stages} | {lane.title for lane in workshop.lanes}
    for objective in workshop.objectives:
        found |= {objective.title, objective.description, objective.kpis}
    for persona in workshop.personas:
        found |= {persona.name} | {getattr(persona, f) for f in PERSONA_FIELDS}
    found |= {s.title for s in workshop.scenarios.values()}
    items = workshop.roadmap.values()
    found |= {i.title for i in items} | {i.description for i in items}
    found |= {r.content for r in workshop.plan} | {r.trigger for r in workshop.plan}
    return found


async def test_script_in_every_field_is_stored_and_sent_verbatim(
    server: ServerProcess, shared_redis: Any
) -> None:
    """Script typed into any field is stored and sent byte for byte."""
    host, workshop_id = await typed_everywhere(server, XSS)
    loaded = await Store(shared_redis).load(workshop_id)
    assert loaded is not None
    stored = strings(loaded.workshop)
    for text in XSS:
        assert text in stored or text[:80] in stored or text[:60] in stored, text
    fresh = BoardClient(server.ws_url, workshop_id, host.token)
    await fresh.connect()
    board = msgspec.structs.replace(loaded.workshop, history={}, writers={})  # never sent
    assert fresh.workshop == board == host.workshop
    await fresh.close()
    await host.close()


async def test_every_page_sends_a_strict_content_security_policy(server: ServerProcess) -> None:
    """Every HTTP answer carries a CSP with script-src 'self' and no inline script."""
    async with httpx.AsyncClient(base_url=server.base) as http:
        created = (await http.post("/api/workshops", json={"title": "CSP"})).json()
        paths = [
            "/",
            f"/w/{created['workshop']}",
            f"/w/{created['workshop']}/screen",
            f"/j/{created['code']}",
            "/api/templates",
            "/healthz",
            "/static/js/main.js",
            "/nowhere",
        ]
        for path in paths:
            answer = await http.get(path)
            policy = answer.headers.get("content-security-policy", "")
            directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
            assert directives.get("script-src") == ["'self'"], path
            assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, path
            assert directives.get("object-src") == ["'none'"], path
            assert directives.get("frame-ancestors") == ["'none'"], path
            assert answer.headers.get("x-content-type-options") == "nosniff", path


def csv_cells(body: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(body)) as bundle:
        return [
            cell
            for name in bundle.namelist()
            for row in csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"), newline=""))
            for cell in row
        ]


def xlsx_cells(body: bytes) -> list[object]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def numeric(value: object) -> bool:
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value).replace(",", "."))
    except ValueError:
        return False
    return True


async def test_exports_neutralise_formula_cells(server: ServerProcess) -> None:
    """CSV never holds a cell starting with = + - @ tab or CR (they get an apostrophe); the xlsx
    holds every such text as it was typed, in string cells, and not one formula cell."""
    host, workshop_id = await typed_everywhere(server, FORMULAS + XSS[:2])
    headers = {"authorization": f"Bearer {host.token}"}
    async with httpx.AsyncClient(base_url=server.base, timeout=60) as http:
        exported = {
            fmt: await http.get(f"/api/workshops/{workshop_id}/export/{fmt}", headers=headers)
            for fmt in ("csv", "xlsx")
        }
    await host.close()
    assert all(answer.status_code == 200 for answer in exported.values())
    texts = [c for c in csv_cells(exported["csv"].content) if isinstance(c, str) and not numeric(c)]
    armed = [c for c in texts if c.startswith(DANGEROUS_STARTS)]
    assert not armed, f"csv: formula cells {armed[:5]}"
    for formula in FORMULAS:
        assert any(c.startswith("'" + formula.lstrip("\r")[:3]) for c in texts) or any(
            c == "'" + formula for c in texts
        ), f"csv: {formula!r} missing or not neutralised"
    book = openpyxl.load_workbook(io.BytesIO(exported["xlsx"].content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert not formulas, f"xlsx: formula cells {formulas[:5]}"
    strings = {c.value for c in cells if c.data_type == "s"}
    for formula in FORMULAS:
        assert any(formula.strip() in str(value) for value in strings), f"xlsx: {formula!r} missing"
