"""The domain stays sans-I/O: sessions/ imports no server, network or event-loop library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"
BANNED = {"starlette", "redis", "asyncio", "uvicorn", "websockets", "httpx", "socket"}


def imported(tree: ast.AST) -> set[str]:
    """Top-level names of every module imported anywhere in ``tree`` (nested imports too)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


SOURCES = sorted(SESSIONS.rglob("*.py"))


def test_the_scan_sees_the_domain():
    """The scan covers the domain's modules (a moved folder cannot make it pass vacuously)."""
    names = {p.relative_to(SESSIONS).as_posix() for p in SOURCES}
    assert {"model.py", "protocol.py", "rules.py", "errors.py"} <= names


def test_the_scan_finds_every_kind_of_import():
    """Plain, from, nested and importlib imports are all seen."""
    source = (
        "import redis.asyncio as r\n"
        "from asyncio import sleep\n"
        "def f():\n    import socket\n"
        "importlib.import_module('starlette.routing')\n"
        "__import__('httpx')\n"
        "from . import model\n"
    )
    assert imported(ast.parse(source)) == {"redis", "asyncio", "socket", "starlette", "httpx"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(SESSIONS).as_posix())
def test_domain_module_imports_no_io_library(path: Path):
    """This sessions/ module imports none of the I/O libraries (starlette, redis, asyncio...)."""
    banned = imported(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))) & BANNED
    assert not banned, f"{path.name} imports {sorted(banned)}"
