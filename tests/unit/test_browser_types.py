"""The browser's JSDoc types (state.js) name only fields the protocol's Structs have: a field
renamed or removed in Python that the browser still reads fails here, before any page does."""

from __future__ import annotations

import re
from pathlib import Path

from server import reference

STATE_JS = Path(__file__).resolve().parents[2] / "board" / "static" / "js" / "state.js"


def typedefs(source: str) -> dict[str, list[str]]:
    """``@typedef {{a: T, b?: U}} Name`` -> {Name: [a, b]} (top-level fields only)."""
    text = re.sub(r"^\s*\*\s?", " ", source, flags=re.M)  # drop the JSDoc margins
    found: dict[str, list[str]] = {}
    for start in (m.end() for m in re.finditer(r"@typedef\s*\{", text)):
        depth, at = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        body, name = text[start : at - 1].strip(), re.match(r"\s*(\w+)", text[at:])
        if not (body.startswith("{") and body.endswith("}")) or name is None:
            continue
        fields, depth, part = [], 0, ""
        for char in body[1:-1] + ",":
            depth += {"{": 1, "<": 1, "(": 1, "[": 1, "}": -1, ">": -1, ")": -1, "]": -1}.get(
                char, 0
            )
            if char == "," and depth == 0:
                key = re.match(r"\s*(\w+)\??\s*:", part)
                if key:
                    fields.append(key.group(1))
                part = ""
            else:
                part += char
        found[name.group(1)] = fields
    return found


def test_the_parser_reads_nested_typedefs():
    """Nested objects, generics and optional fields are read; only top-level names are kept."""
    source = """/**
     * @typedef {{id: string, role?: string,
     *            map: Record<string, {x: number, y: number}>}} Thing
     * @typedef {{type: string, [key: string]: any}} Loose
     */"""
    assert typedefs(source) == {"Thing": ["id", "role", "map"], "Loose": ["type"]}


def test_state_js_types_name_only_real_fields():
    """Every field of every typedef in state.js named after a Struct exists in that Struct."""
    defs = reference.schema()["$defs"]
    found = typedefs(STATE_JS.read_text(encoding="utf-8"))
    checked = {name: fields for name, fields in found.items() if name in defs}
    assert {"Workshop", "Note", "VoteRound", "Entry"} <= set(checked)
    for name, fields in checked.items():
        real = set(defs[name]["properties"])
        assert set(fields) <= real, f"state.js's {name} names {set(fields) - real}"
