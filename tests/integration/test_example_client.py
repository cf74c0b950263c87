"""The docs are enough to write a client: docs/examples/client.py (websockets and the standard
library only) joins by code, adds notes and votes on a real server; the schema is served."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from pathlib import Path

import httpx

from server import reference
from tests.client import facilitator
from tests.integration.test_voting import objectives, start_round
from tests.servers import ServerProcess
from tests.timing import seconds

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "client.py"


def test_the_example_imports_nothing_of_the_project():
    """client.py imports only the standard library and websockets (it stands on the docs)."""
    tree = ast.parse(EXAMPLE.read_text(encoding="utf-8"))
    modules = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert "websockets" in modules
    assert modules - {"websockets", "__future__"} <= sys.stdlib_module_names, modules


async def test_the_example_client_joins_writes_and_votes(server: ServerProcess, tmp_path: Path):
    """Run as a separate program from an empty folder, the example joins by code, adds two notes
    and casts dots until its budget is spent; the facilitator's board shows all of it."""
    host, created = await facilitator(server)
    a, b, c = await objectives(host, 3)
    vote = await start_round(host, budget=2, hidden=False)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-I", str(EXAMPLE), server.base, created["code"], "Ana",
        "--note", "Long queue at the desk", "--note", "Friendly staff", "--votes", "3",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(seconds(60)):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    report = json.loads(out)
    assert report == {
        "me": report["me"],
        "notes": 2,
        "round": vote,
        "dots": [a, b],
        "refused": "vote_refused",
    }
    await host.wait_for(lambda client: len(client.workshop.notes) >= 2)
    assert host.workshop is not None
    ana = host.workshop.participants[report["me"]]
    assert ana.name == "Ana"
    written = {n.text for n in host.workshop.notes.values() if n.author == ana.id}
    assert written == {"Long queue at the desk", "Friendly staff"}
    await host.wait_for(lambda client: client.workshop.rounds[-1].spent.get(ana.id) == 2)
    assert host.workshop.rounds[-1].dots[ana.id] == {a: 1, b: 1}
    assert c not in host.workshop.rounds[-1].dots[ana.id]
    await host.close()


async def test_the_server_serves_the_committed_schema(server: ServerProcess):
    """GET /protocol/schema.json answers the committed docs/protocol.schema.json, as JSON."""
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.get(reference.URL)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/schema+json")
    assert answer.content == reference.SCHEMA_FILE.read_bytes()
    assert answer.json()["$defs"]["Hello"]["properties"]["type"]["enum"] == ["hello"]
