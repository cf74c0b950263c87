"""The protocol reference follows the code: the committed schema and tables are what the types
give, and every error and close code the code can send is documented."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
from pathlib import Path

import jsonschema
import msgspec
import pytest

import sessions
from server import reference
from sessions import errors, snapshot
from sessions.protocol import CLOSE_CODES, ERROR_CODES, ClientMessage, Event, ServerMessage, tags
from tests.browser_fixtures import cases

ROOT = Path(__file__).resolve().parents[2]
HTTP_ONLY: set[type[errors.DomainError]] = {snapshot.InvalidSnapshot}
"""Refusals raised only by HTTP routes (reading an imported file), never on a socket."""


def domain_errors() -> set[type[errors.DomainError]]:
    """Every DomainError subclass defined anywhere in sessions/ (each module imported)."""
    for module in pkgutil.walk_packages(sessions.__path__, "sessions."):
        importlib.import_module(module.name)
    found: set[type[errors.DomainError]] = set()
    todo = [errors.DomainError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def raised_names(folder: Path) -> set[str]:
    """Names of the exception classes raised in ``folder`` (``raise errors.X(...)``)."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Attribute):
                    names.add(func.attr)
                elif isinstance(func, ast.Name):
                    names.add(func.id)
    return names


def literal_calls(folder: Path, function: str) -> set[object]:
    """First arguments given as literals (or ``code=`` keywords) to calls of ``function``."""
    found: set[object] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name != function:
                continue
            args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "code")]
            found.update(a.value for a in args if isinstance(a, ast.Constant))
    return found


def test_the_committed_schema_is_what_the_types_give():
    """docs/protocol.schema.json equals the schema the types give now."""
    assert reference.SCHEMA_FILE.read_bytes() == reference.encoded(), (
        "the protocol changed: run `python -m server.reference` and commit the result"
    )


def test_the_tables_of_protocol_md_are_what_the_schema_gives():
    """The generated part of docs/protocol.md equals the tables rendered from the schema."""
    doc = reference.DOC_FILE.read_text(encoding="utf-8")
    assert reference.document_with_tables(doc, reference.tables(reference.schema())) == doc, (
        "docs/protocol.md is stale: run `python -m server.reference` and commit the result"
    )


def test_the_schema_names_every_message_field_and_bound():
    """Every tag and every field of every message and event is in the schema, with its bounds."""
    defs = reference.schema()["$defs"]
    for union in (ClientMessage, ServerMessage, Event):
        for kind in union.__args__:  # type: ignore[attr-defined]
            component = defs[kind.__name__]
            assert component["properties"]["type"]["enum"] == [kind.__struct_config__.tag]
            assert set(kind.__struct_encode_fields__) <= set(component["properties"])
    budget = defs["StartRound"]["properties"]["budget"]
    assert (budget["minimum"], budget["maximum"], budget["default"]) == (1, 20, 3)
    assert defs["ClassifyRoadmapItem"]["required"] == ["type", "item", "class", "op_id"]
    assert defs["AddNote"]["properties"]["persona"]["pattern"] == "^[a-z][0-9]{1,9}$"


def test_schema_patterns_are_ecma_and_match_like_python():
    """The published patterns use $ (JSON Schema's regex dialect) yet refuse what msgspec does."""
    text = json.dumps(reference.schema())
    assert "\\\\Z" not in text
    pattern = reference.schema()["$defs"]["DeleteNote"]["properties"]["note"]["pattern"]
    for good in ("n1", "s123456789"):
        assert re.fullmatch(pattern.rstrip("$"), good)
    with pytest.raises(msgspec.ValidationError):
        frame = b'{"type":"note.delete","op_id":"o","note":"n1\\n"}'
        msgspec.json.decode(frame, type=ClientMessage)


def test_every_code_the_domain_can_raise_is_documented():
    """Each DomainError of sessions/ has a code the socket's (or, for imports, HTTP's) list
    holds, and every class raised in sessions/ is one of them."""
    found = domain_errors()
    assert errors.VoteRefused in found and snapshot.InvalidSnapshot in found
    for kind in found:
        listed = reference.HTTP_ERROR_CODES if kind in HTTP_ONLY else ERROR_CODES
        assert kind.code in listed, f"{kind.__name__} raises {kind.code!r}, not documented"
    by_name = {kind.__name__ for kind in found}
    raised = raised_names(ROOT / "sessions") - {"ValueError", "KeyError", "AssertionError"}
    assert "VoteRefused" in raised
    assert raised <= by_name, f"sessions/ raises {raised - by_name} outside the error tree"


def test_every_code_the_server_sends_is_documented():
    """Each literal code of server/ (error frames, HTTP problems, close codes) is documented."""
    server = ROOT / "server"
    sent = literal_calls(server, "error_frame")
    assert {"invalid", "rate", "protocol", "unavailable"} <= sent
    assert sent <= set(ERROR_CODES), sent - set(ERROR_CODES)
    problems = literal_calls(server, "problem")
    assert {"too_large", "rate"} <= problems
    assert problems <= set(reference.HTTP_ERROR_CODES), problems - set(reference.HTTP_ERROR_CODES)
    closes = literal_calls(server, "close")
    assert {1008, 4404, 4001} <= closes
    assert closes <= set(CLOSE_CODES), closes - set(CLOSE_CODES)


def test_protocol_md_lists_every_code():
    """docs/protocol.md has a row for every error code (socket and HTTP) and close code."""
    doc = reference.DOC_FILE.read_text(encoding="utf-8")
    for code in [*ERROR_CODES, *reference.HTTP_ERROR_CODES, *map(str, CLOSE_CODES)]:
        assert f"| `{code}` |" in doc, code


def test_the_schema_knows_the_browser_s_close_codes():
    """The close codes board/static/js/protocol.js reacts to are all documented."""
    source = (ROOT / "board" / "static" / "js" / "protocol.js").read_text(encoding="utf-8")
    block = re.search(r"export const Close = Object\.freeze\(\{(.*?)\}\)", source, re.S)
    assert block is not None
    codes = {int(n) for n in re.findall(r":\s*(\d{4})", block.group(1))}
    assert codes and codes <= set(CLOSE_CODES)


def test_every_tag_is_in_the_tables():
    """The generated tables hold a row for every command, message and event tag."""
    doc = reference.DOC_FILE.read_text(encoding="utf-8")
    for tag in [*tags(ClientMessage), *tags(ServerMessage), *tags(Event)]:
        assert f"| `{tag}` |" in doc, tag


def validator(name: str) -> jsonschema.Draft202012Validator:
    document = reference.schema()
    return jsonschema.Draft202012Validator({"$defs": document["$defs"], "$ref": f"#/$defs/{name}"})


def test_the_schema_is_valid_json_schema():
    """A JSON Schema validator accepts the document as a draft 2020-12 schema."""
    jsonschema.Draft202012Validator.check_schema(reference.schema())


def test_real_snapshots_and_entries_validate_against_the_schema():
    """Every snapshot and entry of the browser fixtures (made by the domain) is valid, and a
    frame out of bounds is not: the schema describes what the server really sends."""
    workshop, entry, command = validator("Workshop"), validator("Entry"), validator("ClientMessage")
    found = cases()
    for case in found:
        workshop.validate(case["start"])
        workshop.validate(case["expected"])
        for sent in case["entries"]:
            entry.validate(sent)
    assert sum(len(case["entries"]) for case in found) > 500
    good = {"type": "note.add", "op_id": "o1", "persona": "a1", "stage": "s2", "lane": "l3"}
    command.validate(good)
    for bad in ({**good, "text": "x" * 501}, {**good, "persona": "A1"}, {**good, "op_id": ""}):
        assert not command.is_valid(bad), bad
