"""The message contract: the decoder on any input, its limits, and the browser's tags."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions import protocol
from sessions.model import CHANNELS
from sessions.protocol import (
    NAME_MAX,
    NOTE_TEXT_MAX,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
    AddNote,
    ClientMessage,
    Event,
    Hello,
    ServerMessage,
    client_decoder,
    tags,
)

PROTOCOL_JS = Path(__file__).resolve().parents[2] / "board" / "static" / "js" / "protocol.js"

CLIENT_TAGS = tags(ClientMessage)
FIELDS = sorted(
    {f for cls in ClientMessage.__args__ for f in cls.__struct_fields__}  # type: ignore[attr-defined]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Objects that look like messages: a real or fake tag, then real field names with any values.
message_like = st.builds(
    lambda tag, fields: {"type": tag, **fields},
    st.sampled_from(CLIENT_TAGS) | st.text(max_size=12),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8),
)


def decodes_or_refuses(data: bytes | str) -> None:
    with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
        client_decoder.decode(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_decoder_on_any_bytes(data: bytes):
    """Arbitrary bytes decode or raise msgspec's DecodeError/ValidationError, nothing else."""
    decodes_or_refuses(data)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_decoder_on_any_json(value: Any):
    """Any JSON document decodes or raises DecodeError/ValidationError, nothing else."""
    decodes_or_refuses(json.dumps(value))
    decodes_or_refuses(json.dumps(value, ensure_ascii=False))


@settings(max_examples=500, deadline=None)
@given(message_like)
def test_decoder_on_message_like_objects(value: dict[str, Any]):
    """Objects with real tags and real field names but any values never raise anything else."""
    decodes_or_refuses(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_decoder_on_any_text(text: str):
    """Any (valid Unicode) text frame decodes or raises DecodeError/ValidationError."""
    decodes_or_refuses(text)


def test_decoder_on_deep_nesting():
    """A deeply nested document is refused, not a crash of the interpreter."""
    decodes_or_refuses("[" * 100_000)
    decodes_or_refuses('{"type":"note.add","text":' + "[" * 100_000)


def test_valid_command_decodes_to_its_struct():
    """A well-formed command decodes to its Struct with defaults filled in."""
    frame = {"type": "note.add", "op_id": "k1:2", "persona": "a1", "stage": "s2", "lane": "l3"}
    command = client_decoder.decode(json.dumps(frame))
    assert command == AddNote(op_id="k1:2", persona="a1", stage="s2", lane="l3")


@pytest.mark.parametrize(
    ("tag", "field", "limit"),
    [
        ("note.add", "text", NOTE_TEXT_MAX),
        ("stage.add", "title", TITLE_MAX),
        ("workshop.rename", "title", WORKSHOP_TITLE_MAX),
        ("participant.rename", "name", NAME_MAX),
    ],
)
def test_text_limits_live_in_the_types(tag: str, field: str, limit: int):
    """A text at its limit decodes; one character more is a ValidationError."""
    base = {"type": tag, "op_id": "o", "persona": "a1", "stage": "s1", "lane": "l1"}
    client_decoder.decode(json.dumps({**base, field: "é" * limit}))
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({**base, field: "é" * (limit + 1)}))


@pytest.mark.parametrize("bad", ["n1\n", "N1", "n", "n1234567890", "n-1", " n1", "1n"])
def test_item_ids_must_match_exactly(bad: str):
    """An item id is a letter and digits, nothing before or after (not even a newline)."""
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({"type": "note.delete", "op_id": "o", "note": bad}))


@pytest.mark.parametrize("bad", ["op\n", "", "a b", "x" * 65, "é"])
def test_op_ids_must_match_exactly(bad: str):
    """An op id is 1 to 64 safe characters, nothing else (not even a trailing newline)."""
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({"type": "note.delete", "op_id": bad, "note": "n1"}))


def test_hello_workshop_id_must_match_exactly():
    """A hello naming a workshop id with a trailing newline is refused."""
    hello = {"type": "hello", "protocol": 1, "workshop": "abcdef", "token": "t"}
    assert isinstance(client_decoder.decode(json.dumps(hello)), Hello)
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({**hello, "workshop": "abcdef\n"}))


def test_every_tag_is_unique():
    """No two messages or events share a tag."""
    every = [*tags(ClientMessage), *tags(Event), *tags(ServerMessage)]
    assert len(every) == len(set(every))


# -- the browser's constants ------------------------------------------------------------

_FROZEN = re.compile(r"export\s+const\s+(\w+)\s*=\s*Object\.freeze\(\s*\{(.*?)\}\s*\)", re.DOTALL)
_PAIR = re.compile(r"""(\w+|"[^"]*"|'[^']*')\s*:\s*(?:"([^"]*)"|'([^']*)')""")
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def frozen_constants(source: str) -> dict[str, dict[str, str]]:
    """``export const NAME = Object.freeze({KEY: "value", ...})`` -> {NAME: {KEY: value}}."""
    found: dict[str, dict[str, str]] = {}
    for name, body in _FROZEN.findall(_COMMENTS.sub("", source)):
        found[name] = {
            key.strip("\"'"): double or single for key, double, single in _PAIR.findall(body)
        }
    return found


def js_name(tag: str) -> str:
    """The constant name the browser uses for a tag: note.add -> NOTE_ADD."""
    return re.sub(r"[^A-Z0-9]", "_", tag.upper())


def test_frozen_constants_parser():
    """The parser reads both quote styles, skips comments, and keeps each object apart."""
    source = """
    // export const OLD = Object.freeze({ X: "x" });
    export const A = Object.freeze({
      NOTE_ADD: "note.add", // a comment
      'HELLO': 'hello',
      /* SKIPPED: "no", */
    });
    export const B = Object.freeze({ACK: "ack"})
    """
    assert frozen_constants(source) == {
        "A": {"NOTE_ADD": "note.add", "HELLO": "hello"},
        "B": {"ACK": "ack"},
    }


@pytest.mark.skipif(
    not PROTOCOL_JS.exists(),
    reason="board/static/js/protocol.js does not exist yet (the frontend will add it)",
)
def test_browser_tags_equal_python_tags():
    """protocol.js names every client, server and event tag of Python, with the same string."""
    tables = frozen_constants(PROTOCOL_JS.read_text(encoding="utf-8"))
    python = {
        "client": tags(ClientMessage),
        "event": tags(Event),
        "server": tags(ServerMessage),
    }
    known = {tag for group in python.values() for tag in group}
    merged: dict[str, str] = {}
    for table in tables.values():
        merged.update(table)
    for group, group_tags in python.items():
        for tag in group_tags:
            assert merged.get(js_name(tag)) == tag, f"{group} tag {tag!r} missing in protocol.js"
    # A table that holds message tags holds nothing else that looks like one (a stale tag).
    for name, table in tables.items():
        if known & set(table.values()):
            stale = {v for v in table.values() if "." in v and v not in known}
            assert not stale, f"{name} in protocol.js has tags Python does not know: {stale}"


@pytest.mark.skipif(
    not PROTOCOL_JS.exists(),
    reason="board/static/js/protocol.js does not exist yet (the frontend will add it)",
)
def test_browser_version_limits_and_channels_equal_python():
    """protocol.js's version, text limits and channels are Python's (when it declares them)."""
    source = _COMMENTS.sub("", PROTOCOL_JS.read_text(encoding="utf-8"))
    version = re.search(r"export\s+const\s+PROTOCOL_VERSION\s*=\s*(\d+)", source)
    assert version is not None and int(version.group(1)) == protocol.PROTOCOL_VERSION
    numbers = dict(re.findall(r"\b([A-Z][A-Z0-9_]*_MAX)\s*:\s*(\d+)", source))
    for name, value in numbers.items():
        assert int(value) == getattr(protocol, name), f"{name} differs from sessions/protocol.py"
    channels = re.search(r"export\s+const\s+CHANNELS\s*=\s*Object\.freeze\(\[(.*?)\]", source, re.S)
    if channels is not None:
        assert tuple(re.findall(r"[\"']([^\"']*)[\"']", channels.group(1))) == CHANNELS


def test_protocol_version_is_a_positive_int():
    """The hello's version is what the browser compares: an int, 1 or more."""
    assert isinstance(protocol.PROTOCOL_VERSION, int) and protocol.PROTOCOL_VERSION >= 1
