"""Bad input gets a clear error, changes nothing and never costs anyone their connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from sessions.protocol import (
    FRAME_MAX,
    NAME_MAX,
    NOTE_TEXT_MAX,
    PROTOCOL_VERSION,
    TITLE_MAX,
    WORKSHOP_TITLE_MAX,
)
from tests.client import BoardClient, facilitator
from tests.integration.conftest import Dump
from tests.integration.people import add_note, close_all, no_op, participant, settle
from tests.timing import seconds


async def errors_after(client: BoardClient, count: int) -> list[dict[str, Any]]:
    """Wait for the client's error number ``count + 1``; the errors since the first ``count``."""
    found = await client.wait_for(lambda c: [m for m in c.messages if m["type"] == "error"][count:])
    return list(found)


async def still_alive(client: BoardClient) -> None:
    """The connection still works: a no-op is acknowledged (and changes nothing)."""
    assert (await client.call(no_op(client)))["type"] == "ack"


def _cmd(kind: str, op_id: str, **fields: Any) -> str:
    return json.dumps({"type": kind, "op_id": op_id, **fields})


def _frames(alice: BoardClient) -> list[tuple[str, str | bytes, str, str | None]]:
    """(name, frame, expected code, expected op_id) for every bad frame we try."""
    cell = alice.cell()
    to = {"stage": cell["stage"], "lane": cell["lane"]}
    long_note = "x" * (NOTE_TEXT_MAX + 1)
    hello = {"type": "hello", "protocol": PROTOCOL_VERSION, "workshop": "abcdef", "token": "t"}
    return [
        ("malformed-json", '{"type": "note.add", "op_id": "m1",', "invalid", None),
        ("not-an-object", "[1, 2, 3]", "invalid", None),
        ("empty-frame", "", "invalid", None),
        ("unknown-type", _cmd("note.explode", "u1"), "invalid", "u1"),
        ("no-type", json.dumps({"op_id": "t1", "note": "n1"}), "invalid", "t1"),
        ("missing-fields", _cmd("note.add", "f1"), "invalid", "f1"),
        ("missing-op-id", json.dumps({"type": "note.delete", "note": "n1"}), "invalid", None),
        ("bad-op-id", _cmd("note.delete", "../x", note="n1"), "invalid", None),
        ("wrong-field-type", _cmd("note.add", "w1", **cell, text=5), "invalid", "w1"),
        ("bad-item-id", _cmd("note.delete", "i1", note="../n1"), "invalid", "i1"),
        ("negative-index", _cmd("note.add", "x1", **cell, index=-1), "invalid", "x1"),
        ("bad-channel", _cmd("note.add", "c1", **cell, channel="fax"), "invalid", "c1"),
        ("note-too-long", _cmd("note.add", "l1", **cell, text=long_note), "invalid", "l1"),
        ("edit-too-long", _cmd("note.edit", "l2", note="n1", text=long_note), "invalid", "l2"),
        ("stage-too-long", _cmd("stage.add", "l3", title="x" * (TITLE_MAX + 1)), "invalid", "l3"),
        ("stage-title-empty", _cmd("stage.add", "l4", title=""), "invalid", "l4"),
        (
            "workshop-title-too-long",
            _cmd("workshop.rename", "l5", title="x" * (WORKSHOP_TITLE_MAX + 1)),
            "invalid",
            "l5",
        ),
        (
            "name-too-long",
            _cmd("participant.rename", "l6", name="x" * (NAME_MAX + 1)),
            "invalid",
            "l6",
        ),
        ("name-blank", _cmd("participant.rename", "l7", name="   "), "invalid", "l7"),
        ("hello-again", json.dumps(hello), "invalid", None),
        ("move-missing", _cmd("note.move", "n1", note="n999", index=0, **to), "not_found", "n1"),
        ("edit-missing", _cmd("note.edit", "n2", note="n999", text="x"), "not_found", "n2"),
        ("delete-missing", _cmd("note.delete", "n3", note="n999"), "not_found", "n3"),
        ("add-no-stage", _cmd("note.add", "n4", **{**cell, "stage": "s999"}), "not_found", "n4"),
        (
            "rename-missing-stage",
            _cmd("stage.rename", "n5", stage="s999", title="x"),
            "not_found",
            "n5",
        ),
        ("binary-frame", _cmd("note.delete", "b1", note="n1").encode(), "invalid", None),
    ]


async def test_every_bad_frame_gets_its_error_and_changes_nothing(server, dump: Dump):
    """Every malformed, oversized or impossible frame gets its error and changes nothing."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    await alice.call(add_note(alice, "already here"))
    before = await dump(created["workshop"])
    seq = alice.seq
    for name, frame, code, op_id in _frames(alice):
        seen = len(await alice.errors())
        await alice.send_raw(frame)
        [error] = await errors_after(alice, seen)
        assert (error["code"], error.get("op_id")) == (code, op_id), name
        assert error["message"], f"{name}: an error says what is wrong"
        await still_alive(alice)
        assert await dump(created["workshop"]) == before, f"{name} changed the stored workshop"
    await still_alive(bob)
    assert alice.seq == bob.seq == seq, "no entry was broadcast"
    await close_all(alice, bob)


FACILITATOR_ONLY = [
    ("stage.add", {"title": "Mine"}),
    ("stage.rename", {"title": "Mine"}),
    ("stage.move", {"index": 2}),
    ("stage.remove", {"with_notes": True}),
    ("workshop.rename", {"title": "Mine"}),
]


async def test_participant_cannot_send_facilitator_commands(server, dump: Dump):
    """A participant's stage and workshop commands are forbidden and change nothing."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    before = await dump(created["workshop"])
    stage = bob.cell()["stage"]
    for kind, fields in FACILITATOR_ONLY:
        command = {"type": kind, **fields}
        if kind.startswith("stage.") and kind != "stage.add":
            command["stage"] = stage
        answer = await bob.call(command)
        assert (answer["type"], answer["code"]) == ("error", "forbidden"), kind
        assert await dump(created["workshop"]) == before, kind
    await still_alive(bob)
    # The same commands from the facilitator go through.
    for kind, fields in FACILITATOR_ONLY[:2]:
        command = {"type": kind, **fields, **({"stage": stage} if kind == "stage.rename" else {})}
        assert (await alice.call(command))["type"] == "ack"
    await close_all(alice, bob)


async def test_frame_over_the_limit_closes_that_socket_only(server, dump: Dump):
    """A frame over 64 KiB closes its socket with 1009; nothing changes and others go on."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    before = await dump(created["workshop"])
    huge = json.dumps(add_note(bob, "x" * FRAME_MAX) | {"op_id": "huge"})
    assert bob.ws is not None
    await bob.ws.send(huge)
    with pytest.raises(ConnectionClosed):
        await bob.wait_for(lambda c: False)
    assert bob.ws.close_code == 1009
    assert await dump(created["workshop"]) == before
    await still_alive(alice)
    ack = await alice.call(add_note(alice, "after the huge frame"))
    assert ack["type"] == "ack"
    # Bob can come back and catch up.
    await bob.connect(resume=True)
    await bob.wait_for(lambda c: c.seq >= ack["seq"])
    assert bob.workshop == alice.workshop
    await close_all(alice, bob)


async def test_frame_at_the_limit_is_read(server):
    """A frame of exactly 64 KiB is read (and refused for its content, not its size)."""
    alice, _ = await facilitator(server)
    command = add_note(alice, "") | {"op_id": "big"}
    frame = json.dumps(command)
    frame = frame[:-1] + ', "pad": "' + "x" * (FRAME_MAX - len(frame) - 11) + '"}'
    assert len(frame.encode()) == FRAME_MAX
    await alice.send_raw(frame)
    assert (await alice.answer("big"))["type"] == "ack"  # unknown fields are ignored
    await alice.close()


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        None,
        "http://127.0.0.1:{port}.evil.com",
        "http://127.0.0.1:{port}@evil.com",
        "https://127.0.0.1:{port}",
        "ws://127.0.0.1:{port}",
        "http://127.0.0.1:{other}",
        "http://localhost:{port}",
        "http://127.0.0.1:{port}/",
        "http://127.0.0.1",
    ],
    ids=[
        "other-site",
        "null",
        "missing",
        "suffix",
        "userinfo",
        "https",
        "ws-scheme",
        "other-port",
        "other-host-name",
        "trailing-slash",
        "no-port",
    ],
)
async def test_hostile_origin_is_refused_at_the_handshake(server, origin: str | None):
    """A websocket from another origin (or none) is refused with HTTP 403 before any message."""
    if origin is not None:
        origin = origin.format(port=server.port, other=server.port + 1)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.ws_url, origin=origin, open_timeout=seconds(10)):
            pass
    assert refused.value.response.status_code == 403


async def test_own_origin_is_accepted(server):
    """The server's own origin opens a websocket (so the refusals above are about the origin)."""
    async with connect(server.ws_url, origin=server.base, open_timeout=seconds(10)) as ws:
        await ws.send(
            json.dumps(
                {"type": "hello", "protocol": PROTOCOL_VERSION, "workshop": "abcdef", "token": "t"}
            )
        )
        answer = json.loads(await ws.recv())
        assert (answer["type"], answer["code"]) == ("error", "not_found")


async def test_wrong_join_code_is_404_with_a_clear_message(server):
    """Joining with a code no workshop has gets 404 and a sentence that says to check the code."""
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.post("/api/join", json={"code": "ZZZZ99", "name": "Eve"})
    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] == "not_found"
    assert "code" in body["message"].lower()


async def test_join_code_is_forgiving_about_case_and_dashes(server):
    """A join code typed lower-case with a dash and spaces finds the workshop."""
    _, created = await _created(server)
    typed = f" {created['code'][:3].lower()}-{created['code'][3:].lower()} "
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.post("/api/join", json={"code": typed, "name": "Eve"})
    assert answer.status_code == 200
    assert answer.json()["workshop"] == created["workshop"]


async def test_wrong_token_gets_not_found_and_a_close(server):
    """A hello with a token the workshop never gave is answered not_found and closed (4404)."""
    alice, created = await facilitator(server)
    stranger = BoardClient(server.ws_url, created["workshop"], "not-a-token")
    with pytest.raises(RuntimeError, match="not_found"):
        await stranger.connect()
    assert stranger.ws is not None
    await stranger.ws.wait_closed()
    assert stranger.ws.close_code == 4404
    await still_alive(alice)
    await alice.close()


async def test_script_in_a_note_is_stored_and_sent_verbatim(server, redis_client):
    """A note text with <script> and HTML entities is stored and delivered byte for byte."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    text = "<script>alert('x')</script> &amp; <img src=x onerror=alert(1)> \"q\" \u2028"
    ack = await alice.call(add_note(alice, text))
    assert ack["type"] == "ack"
    await bob.wait_for(lambda c: c.seq >= ack["seq"])
    assert [n.text for n in bob.workshop.notes.values() if "script" in n.text] == [text]
    rows = await redis_client.xrange(
        f"{{w:{created['workshop']}}}:log", f"{ack['seq']}-1", f"{ack['seq']}-1"
    )
    [(_, fields)] = rows
    stored = json.loads(fields[b"e"])
    assert stored["events"][0]["note"]["text"] == text
    late = BoardClient(server.ws_url, created["workshop"], created["token"])
    await late.connect()
    assert [n.text for n in late.workshop.notes.values() if "script" in n.text] == [text]
    await close_all(alice, bob, late)


async def test_rate_limited_commands_are_named_in_their_error(server):
    """Commands past the burst are refused with code rate and their op_id, so they can be resent."""
    alice, _ = await facilitator(server)
    ops = [await alice.send(no_op(alice)) for _ in range(160)]
    answers = [await alice.answer(op) for op in ops]
    limited = [a for a in answers if a["type"] == "error"]
    assert limited, "160 commands at once stay under the burst"
    assert {a["code"] for a in limited} == {"rate"}
    assert {a["op_id"] for a in limited} <= set(ops)
    await alice.close()


async def _created(server: Any) -> tuple[BoardClient, dict[str, str]]:
    client, created = await facilitator(server)
    await client.close()
    return client, created


async def test_clients_vanishing_mid_broadcast_disturb_no_one(server):
    """Sockets closed or cut while entries stream to them cost others nothing and log no error."""
    alice, created = await facilitator(server)
    carol = await participant(server, created, "Carol")
    leaving = [await participant(server, created, f"Leaver {i}") for i in range(40)]
    ops = [await alice.send(add_note(alice, f"stream {i}")) for i in range(100)]
    await asyncio.gather(*(client.ws.close() for client in leaving[:20] if client.ws))
    for client in leaving[20:]:
        assert client.ws is not None
        client.ws.transport.abort()  # no close frame: as a phone losing its network
    for op in ops:
        assert (await alice.answer(op))["type"] == "ack"
    await settle(alice, carol)
    assert carol.workshop == alice.workshop
    await close_all(alice, carol, *leaving)


@pytest.mark.parametrize(
    ("first", "code", "close"),
    [
        (b"\x00binary", None, 1003),
        ('{"type": "hello", "protocol": 1', "invalid", 1008),
        ('{"type": "note.delete", "op_id": "o", "note": "n1"}', "invalid", 1008),
        (
            '{"type": "hello", "protocol": 999, "workshop": "abcdef", "token": "t"}',
            "protocol",
            4400,
        ),
    ],
    ids=["binary", "malformed", "command-first", "old-protocol"],
)
async def test_bad_hello_is_refused_and_closed(
    server, first: str | bytes, code: str | None, close: int
):
    """A first frame that is not a valid hello gets its error (if text) and a close code."""
    async with connect(server.ws_url, origin=server.base, open_timeout=seconds(10)) as ws:
        await ws.send(first)
        if code is not None:
            answer = json.loads(await asyncio.wait_for(ws.recv(), seconds(10)))
            assert (answer["type"], answer["code"]) == ("error", code)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), seconds(10))
        assert ws.close_code == close
