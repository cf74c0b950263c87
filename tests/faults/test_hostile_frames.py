"""Hostile frames: oversized, compressed, invalid UTF-8, malformed, deeply nested. Each closes
its own socket with 1009/1007/1002 or gets an error; never 1011, never a crash, nobody else hurt."""

from __future__ import annotations

import json

import pytest

from sessions.protocol import FRAME_MAX
from tests.client import BoardClient, facilitator
from tests.faults.rawws import BINARY, CONTINUATION, PING, TEXT, RawSocket
from tests.servers import ServerProcess


async def session(server: ServerProcess) -> tuple[BoardClient, RawSocket, dict[str, str]]:
    """A facilitator on a normal client, and the same person on a hand-driven socket."""
    host, created = await facilitator(server)
    raw = await RawSocket.open(server.port, server.base)
    assert raw.status == 101
    welcome = await raw.hello(created["workshop"], created["token"])
    assert welcome["type"] == "welcome"
    return host, raw, created


async def unharmed(host: BoardClient) -> None:
    """The other client still works: a change is acknowledged."""
    assert host.workshop is not None
    cell = host.cell()
    answer = await host.call({"type": "note.add", **cell, "text": "still here"})
    assert answer["type"] == "ack"


CLOSING = [
    ("text-over-64KiB", [(TEXT, b'"' + b"x" * FRAME_MAX + b'"', True, False, True)], 1009),
    ("binary-over-64KiB", [(BINARY, b"x" * (FRAME_MAX + 1), True, False, True)], 1009),
    (
        "fragments-over-64KiB",
        [
            (TEXT, b"x" * (FRAME_MAX // 2 + 1), False, False, True),
            (CONTINUATION, b"x" * (FRAME_MAX // 2 + 1), True, False, True),
        ],
        1009,
    ),
    ("invalid-utf8", [(TEXT, b'{"type": "\xff\xfe"}', True, False, True)], 1007),
    ("lone-surrogate", [(TEXT, b'{"t": "\xed\xa0\x80"}', True, False, True)], 1007),
    ("compressed-not-negotiated", [(TEXT, b"\x4b\x04\x00", True, True, True)], 1002),
    ("unmasked", [(TEXT, b"{}", True, False, False)], 1002),
    ("ping-over-125", [(PING, b"x" * 126, True, False, True)], 1002),
]


@pytest.mark.parametrize(("name", "frames", "code"), CLOSING, ids=[c[0] for c in CLOSING])
async def test_frame_that_breaks_the_protocol_closes_its_socket_only(
    server: ServerProcess, name: str, frames: list[tuple[int, bytes, bool, bool, bool]], code: int
) -> None:
    """Oversized, non-UTF-8, compressed or unmasked frames close that socket with their code."""
    host, raw, _ = await session(server)
    for opcode, payload, fin, rsv1, masked in frames:
        raw.send_frame(opcode, payload, fin=fin, rsv1=rsv1, masked=masked)
    await raw.writer.drain()
    _, closed = await raw.texts_until_close()
    assert closed == code, name
    raw.close()
    await unharmed(host)
    await host.close()


async def test_compression_offered_is_not_accepted(server: ServerProcess) -> None:
    """A client offering permessage-deflate gets no extension: no compression bomb is read."""
    raw = await RawSocket.open(
        server.port, server.base, "permessage-deflate; client_max_window_bits"
    )
    assert raw.status == 101
    assert "sec-websocket-extensions" not in raw.headers
    raw.close()


NESTED = 60_000
ANSWERED = [
    ("invalid-json", '{"type": "note.add", "op_id": "j1", '),
    ("trailing-garbage", '{"type": "participant.rename", "op_id": "g1", "name": "x"} {}'),
    ("wrong-types", json.dumps({"type": "note.add", "op_id": 5, "persona": [], "text": {}})),
    ("deep-array", "[" * NESTED),
    ("deep-object", '{"type": "note.add", "text": ' + '{"a": ' * (NESTED // 6)),
    ("deep-valid-prefix", '{"type": "note.add", "op_id": "d1", "x": ' + "[" * NESTED),
    ("huge-number", '{"type": "stage.move", "op_id": "h1", "stage": "s1", "index": 1e999}'),
    ("nan", '{"type": "stage.move", "op_id": "n1", "stage": "s1", "index": NaN}'),
    (
        "huge-int",
        '{"type": "stage.move", "op_id": "i1", "stage": "s1", "index": ' + "9" * 5000 + "}",
    ),
    ("null-bytes", '{"type": "note.add\\u0000", "op_id": "z1"}'),
    ("duplicate-keys", '{"type": "note.delete", "type": "workshop.rename", "op_id": "k1"}'),
    ("not-an-object", '"just a string"'),
]


@pytest.mark.parametrize(("name", "text"), ANSWERED, ids=[a[0] for a in ANSWERED])
async def test_malformed_message_is_answered_and_the_socket_stays(
    server: ServerProcess, name: str, text: str
) -> None:
    """A malformed message gets an `invalid` error and the socket stays usable."""
    assert len(text.encode()) <= FRAME_MAX
    host, raw, _ = await session(server)
    await raw.send_text(text)
    answer = await raw.next_text()
    while answer["type"] == "presence":
        answer = await raw.next_text()
    assert (answer["type"], answer["code"]) == ("error", "invalid"), name
    await raw.send_text(json.dumps({"type": "participant.rename", "op_id": "ok1", "name": "Me"}))
    answer = await raw.next_text()
    while answer["type"] not in ("ack", "error"):
        answer = await raw.next_text()
    assert answer["type"] == "ack", "the socket still works"
    raw.close()
    await unharmed(host)
    await host.close()


async def test_garbage_before_hello_is_refused_cleanly(server: ServerProcess) -> None:
    """Invalid JSON or a binary frame instead of hello: an error or a close, never 1011."""
    for first, expected in ((b"\x00\x01\x02", 1008), (b"[" * NESTED, 1008)):
        raw = await RawSocket.open(server.port, server.base)
        raw.send_frame(TEXT, first)
        await raw.writer.drain()
        _, closed = await raw.texts_until_close()
        assert closed == expected
        raw.close()
    raw = await RawSocket.open(server.port, server.base)
    raw.send_frame(BINARY, b"\x00hello")
    await raw.writer.drain()
    _, closed = await raw.texts_until_close()
    assert closed == 1003
    raw.close()
