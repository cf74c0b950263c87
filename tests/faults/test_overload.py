"""Overload: a room flooded far past its bound of waiting commands refuses the extra ones at
once with `rate` (which the browser sends again) instead of queueing them. Every command is
answered, a refused one changed nothing, a resent op id is never applied twice, other rooms
carry on and the process stays up."""

from __future__ import annotations

import asyncio
import json

import httpx

from server.ws import HOLD_MS
from tests.client import facilitator
from tests.faults.cluster import Cluster
from tests.faults.rawws import RawSocket
from tests.servers import ServerProcess

SOCKETS = 12
EACH = 40
"""Commands per socket in the flood: under the per-socket burst (120), so every refusal seen
is the room's bound, not the socket's own rate limit."""
ROOM_QUEUE = 4


async def _socket(server: ServerProcess, workshop: str, token: str) -> RawSocket:
    raw = await RawSocket.open(server.port, server.base)
    assert raw.status == 101
    assert (await raw.hello(workshop, token))["type"] == "welcome"
    return raw


async def _renames(raw: RawSocket, ops: list[str]) -> None:
    """Send each op, a rename to its own op id, without waiting for answers."""
    for op in ops:
        raw.send_frame(
            1, json.dumps({"type": "participant.rename", "op_id": op, "name": op}).encode()
        )
    await raw.writer.drain()


async def _send_all(
    server: ServerProcess, workshop: str, token: str, ops: list[str]
) -> dict[str, dict[str, object]]:
    """Send each op (a rename to its own op id) without waiting, on fresh sockets, and return
    the answer (ack or error) of every op id."""
    chunks = [ops[i : i + EACH] for i in range(0, len(ops), EACH)]
    sockets = [await _socket(server, workshop, token) for _ in chunks]

    async def one(raw: RawSocket, chunk: list[str]) -> dict[str, dict[str, object]]:
        await _renames(raw, chunk)
        answers: dict[str, dict[str, object]] = {}
        while len(answers) < len(chunk):
            message = await raw.next_text()
            if message["type"] in ("ack", "error"):
                op_id = message.get("op_id")
                assert isinstance(op_id, str) and op_id in chunk, message
                assert op_id not in answers, f"{op_id} answered twice"
                answers[op_id] = message
        raw.close()
        return answers

    found: dict[str, dict[str, object]] = {}
    for part in await asyncio.gather(
        *(one(raw, c) for raw, c in zip(sockets, chunks, strict=True))
    ):
        found.update(part)
    return found


async def _resend_until_saved(
    server: ServerProcess, workshop: str, token: str, answers: dict[str, dict[str, object]]
) -> dict[str, object]:
    """What the browser does: send the refused ones again until each is saved; their seqs."""
    codes = {m.get("code") for m in answers.values() if m["type"] == "error"}
    assert codes <= {"rate"}, codes
    seqs = {op: m["seq"] for op, m in answers.items() if m["type"] == "ack"}
    assert len(set(seqs.values())) == len(seqs), "each acked command has its own seq"
    refused = [op for op, m in answers.items() if m["type"] == "error"]
    for _ in range(100):
        if not refused:
            break
        again = await _send_all(server, workshop, token, refused)
        for op, message in again.items():
            if message["type"] == "ack":
                seqs[op] = message["seq"]
            else:
                assert message.get("code") == "rate", message
        refused = [op for op, m in again.items() if m["type"] == "error"]
    assert not refused
    return seqs


async def _counted_out(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base) as http:
        health = (await http.get("/healthz")).json()
    assert health["refused"] >= 1
    assert health["waiting"] == 0, "every commit that waited is counted out again"


async def test_a_flooded_room_refuses_at_once_and_loses_nothing(cluster: Cluster) -> None:
    """Past the room's bound commands get `rate`; resent, each is applied exactly once."""
    [server] = await cluster.serve(1, "--room-queue", str(ROOM_QUEUE))
    host, created = await facilitator(server)
    other, _ = await facilitator(server)
    start = host.welcome["seq"] if host.welcome else 0
    workshop, token = created["workshop"], created["token"]
    ops = [f"flood-{i}" for i in range(SOCKETS * EACH)]

    flood = asyncio.create_task(_send_all(server, workshop, token, ops))
    # Another room is not held back by the flooded one.
    answer = await other.call({"type": "note.add", **other.cell(), "text": "calm"})
    assert answer["type"] == "ack", answer
    answers = await flood
    assert set(answers) == set(ops), "every command is answered"
    assert any(m["type"] == "error" for m in answers.values()), "a flood past the bound: refusals"
    seqs = await _resend_until_saved(server, workshop, token, answers)

    # A resend of a saved command is answered with its first seq and applied no second time.
    resent = await _send_all(server, workshop, token, ops[:EACH])
    for op, message in resent.items():
        if message["type"] == "ack":
            assert message["seq"] == seqs[op], (op, message, seqs[op])

    check, _ = await facilitator(server)  # the process is up and takes new sockets
    await check.close()
    await _counted_out(server)
    after = await host.call({"type": "note.add", **host.cell(), "text": "after"})
    assert after["type"] == "ack", after
    assert after["seq"] == start + len(ops) + 1, "each command applied exactly once"
    assert sorted(seqs.values()) == list(range(start + 1, start + len(ops) + 1))
    await host.close()
    await other.close()


async def test_rooms_flooded_together_share_the_process_bound(cluster: Cluster) -> None:
    """Past the process's bound of commits waiting, every room refuses; nothing is lost."""
    [server] = await cluster.serve(1, "--process-queue", "2")
    rooms = [await facilitator(server) for _ in range(3)]
    ops = [f"many-{i}" for i in range(4 * EACH)]
    floods = [_send_all(server, created["workshop"], created["token"], ops) for _, created in rooms]
    answers = await asyncio.gather(*floods)
    assert any(m["type"] == "error" for found in answers for m in found.values())
    for (host, created), found in zip(rooms, answers, strict=True):
        assert set(found) == set(ops), "every command is answered"
        start = host.welcome["seq"] if host.welcome else 0
        seqs = await _resend_until_saved(server, created["workshop"], created["token"], found)
        assert sorted(seqs.values()) == list(range(start + 1, start + len(ops) + 1))
        after = await host.call({"type": "participant.rename", "name": "Host"})
        assert after["seq"] == start + len(ops) + 1, "each command applied exactly once"
        await host.close()
    await _counted_out(server)


async def test_a_refused_socket_is_held_so_its_changes_keep_their_order(
    cluster: Cluster,
) -> None:
    """After one `rate`, every later command of that socket is refused for the hold too (none
    lands before the refused one), each refusal says how long to wait; sent again in order after
    the hold, each lands exactly once."""
    [server] = await cluster.serve(1, "--room-queue", str(ROOM_QUEUE))
    host, created = await facilitator(server)
    raw = await _socket(server, created["workshop"], created["token"])
    ops = [f"order-{i}" for i in range(EACH)]
    await _renames(raw, ops)
    answers: dict[str, dict[str, object]] = {}
    while len(answers) < len(ops):
        message = await raw.next_text()
        if message["type"] in ("ack", "error"):
            answers[str(message["op_id"])] = message
    kinds = [answers[op]["type"] for op in ops]
    first_refused = kinds.index("error")
    assert set(kinds[first_refused:]) == {"error"}, f"a command landed after a refusal: {kinds}"
    refused = ops[first_refused:]
    assert {answers[op]["retry_ms"] for op in refused} == {HOLD_MS}
    await asyncio.sleep(HOLD_MS / 1000 + 0.2)  # what the browser waits before sending again
    for op in refused:
        await _renames(raw, [op])
        while (message := await raw.next_text())["type"] not in ("ack", "error"):
            pass
        assert message["type"] == "ack" and message["op_id"] == op, message
    raw.close()
    names = await host.call({"type": "participant.rename", "name": "Host"})
    assert names["type"] == "ack"
    assert names["seq"] == (host.welcome["seq"] if host.welcome else 0) + len(ops) + 1
    await host.close()
