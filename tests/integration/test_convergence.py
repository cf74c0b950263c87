"""Clients and server processes converge; reconnects resume exactly; retries apply once."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.client import BoardClient, facilitator
from tests.integration.people import add_note, close_all, move_to, participant, settle
from tests.servers import ServerProcess


async def fresh_client(server: ServerProcess, client: BoardClient) -> BoardClient:
    """Another socket with the same token: its snapshot is the board as Redis has it."""
    other = BoardClient(server.ws_url, client.workshop_id, client.token)
    await other.connect()
    return other


async def test_a_note_reaches_the_other_client(server):
    """A note added by one client reaches the other with its text and channel; boards are equal."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    ack = await alice.call(add_note(alice, "Hello", channel="email"))
    assert ack["type"] == "ack"
    await bob.wait_for(lambda c: c.seq >= ack["seq"])
    assert bob.workshop is not None and alice.workshop == bob.workshop
    [note] = [n for n in bob.workshop.notes.values() if n.text == "Hello"]
    assert alice.welcome is not None
    assert (note.channel, note.author) == ("email", alice.welcome["you"]["id"])
    await close_all(alice, bob)


async def test_two_clients_converge_under_concurrent_changes(server):
    """Two people adding, editing and moving notes at once end with identical boards."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")

    async def work(client: BoardClient, name: str) -> None:
        ops = [await client.send(add_note(client, f"{name} {i}")) for i in range(15)]
        acks = [await client.answer(op) for op in ops]
        assert all(a["type"] == "ack" for a in acks), acks
        await client.wait_for(lambda c: c.seq >= max(a["seq"] for a in acks))
        mine = [n.id for n in client.workshop.notes.values() if n.text.startswith(name)]
        for i, note in enumerate(mine[:5]):
            await client.send({"type": "note.edit", "note": note, "text": f"{name} edited {i}"})
            await client.send({"type": "note.move", "note": note, **_to(client, 1), "index": 0})

    await asyncio.gather(work(alice, "alice"), work(bob, "bob"))
    newest = await settle(alice, bob)
    assert alice.seq == bob.seq == newest
    assert alice.workshop == bob.workshop
    assert len(alice.workshop.notes) == 30
    late = await fresh_client(server, alice)
    assert late.workshop == alice.workshop
    await close_all(alice, bob, late)


async def test_two_server_processes_on_one_redis_converge(server, second_server):
    """People on two server processes sharing one Redis see each other's changes and agree."""
    alice, created = await facilitator(server)
    bob = await participant(second_server, created, "Bob")
    carol = await participant(second_server, created, "Carol")

    async def burst(client: BoardClient, name: str) -> None:
        ops = [await client.send(add_note(client, f"{name} {i}")) for i in range(20)]
        for op in ops:
            assert (await client.answer(op))["type"] == "ack"

    await asyncio.gather(burst(alice, "alice"), burst(bob, "bob"), burst(carol, "carol"))
    rename = await alice.call(
        {"type": "stage.rename", "stage": alice.cell()["stage"], "title": "X"}
    )
    assert rename["type"] == "ack"
    newest = await settle(alice, bob, carol)
    assert alice.seq == bob.seq == carol.seq == newest
    assert alice.workshop == bob.workshop == carol.workshop
    assert len(alice.workshop.notes) == 60
    assert bob.workshop.stages[0].title == "X"
    # Every seq was seen exactly once, in order, by a client connected from the start.
    assert bob.seen == list(range(bob.seen[0], newest + 1))
    for late in (await fresh_client(server, bob), await fresh_client(second_server, alice)):
        assert late.workshop == alice.workshop
        await late.close()
    await close_all(alice, bob, carol)


async def test_reconnect_gets_exactly_the_missed_changes(server):
    """A client that missed 50 changes resumes with last_seq and gets those 50, in order."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    await settle(alice, bob)
    await bob.close()
    left_at = bob.seq
    acks = [await alice.call(add_note(alice, f"while away {i}")) for i in range(50)]
    assert [a["seq"] for a in acks] == list(range(left_at + 1, left_at + 51))

    welcome = await bob.connect(resume=True)
    assert welcome.get("snapshot") is None
    assert [e["seq"] for e in welcome["entries"]] == list(range(left_at + 1, left_at + 51))
    assert bob.seen[-50:] == list(range(left_at + 1, left_at + 51))
    assert bob.seq == alice.seq and bob.workshop == alice.workshop
    # Nothing more comes afterwards: the next entry is the next change.
    ack = await alice.call(add_note(alice, "after"))
    await bob.wait_for(lambda c: c.seq >= ack["seq"])
    assert bob.seen[-2:] == [left_at + 50, left_at + 51]
    await close_all(alice, bob)


async def test_reconnect_to_another_process_gets_exactly_the_missed_changes(server, second_server):
    """A client that resumes on another server process gets the missed changes, not a snapshot."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    await settle(alice, bob)
    await bob.close()
    left_at = bob.seq
    for i in range(50):
        await alice.call(add_note(alice, f"while away {i}"))

    move_to(bob, second_server)
    welcome = await bob.connect(resume=True)
    assert welcome.get("snapshot") is None
    assert [e["seq"] for e in welcome["entries"]] == list(range(left_at + 1, left_at + 51))
    assert bob.workshop == alice.workshop
    await close_all(alice, bob)


async def test_reconnect_when_nothing_was_missed(server):
    """Resuming at the newest seq gets an empty list of entries and no snapshot."""
    alice, _ = await facilitator(server)
    await alice.call(add_note(alice))
    await alice.close()
    welcome = await alice.connect(resume=True)
    assert welcome.get("snapshot") is None and welcome["entries"] == []
    await alice.close()


async def test_duplicated_op_id_is_applied_once(server):
    """A command sent twice at once, and again after a reconnect, is applied once, same seq."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    command = add_note(alice, "only once")
    await alice.send(command, "retry-1")
    await alice.send(command, "retry-1")
    await alice.wait_for(lambda c: len(_answers(c, "retry-1")) == 2)
    first, second = _answers(alice, "retry-1")
    assert first == second == {"type": "ack", "op_id": "retry-1", "seq": first["seq"]}

    await alice.close()
    alice.messages.clear()  # only answers on the new socket count
    await alice.connect(resume=True)
    third = await alice.call(command, "retry-1")
    assert third == first
    await settle(alice, bob)
    assert [n.text for n in bob.workshop.notes.values()].count("only once") == 1
    assert [e for e in bob.seen if e == first["seq"]] == [first["seq"]]
    await close_all(alice, bob)


async def test_retry_after_reconnect_is_answered_with_the_first_result(server, second_server):
    """A retried delete or move, now impossible or a no-op, still gets its first seq, anywhere."""
    alice, _ = await facilitator(server)
    ack = await alice.call(add_note(alice, "doomed"))
    note = next(n.id for n in alice.workshop.notes.values() if n.text == "doomed")
    await alice.call(add_note(alice, "other"))
    move = {"type": "note.move", "note": note, **_to(alice, 0), "index": 1}
    moved = await alice.call(move, "move-1")
    delete = {"type": "note.delete", "note": note}
    deleted = await alice.call(delete, "delete-1")
    assert ack["type"] == moved["type"] == deleted["type"] == "ack"

    await alice.close()
    alice.messages.clear()  # only answers on the new socket count
    move_to(alice, second_server)
    await alice.connect(resume=True)
    assert await alice.call(delete, "delete-1") == deleted
    assert await alice.call(move, "move-1") == moved
    await alice.close()


async def test_many_quick_changes_keep_order_for_everyone(server):
    """A burst of 200 commands from one client reaches another client complete and in order."""
    alice, created = await facilitator(server)
    bob = await participant(server, created, "Bob")
    await alice.wait_for(lambda c: len(c.workshop.participants) >= 2)  # Bob's join is an entry
    start = alice.seq
    ops = [await alice.send(add_note(alice, f"burst {i}")) for i in range(100)]
    answers = [await alice.answer(op) for op in ops]
    assert [a["seq"] for a in answers] == list(range(start + 1, start + 101))
    await bob.wait_for(lambda c: c.seq >= start + 100)
    assert bob.seen[-100:] == list(range(start + 1, start + 101))
    texts = [n.text for n in bob.workshop.notes.values()]
    assert texts[-100:] == [f"burst {i}" for i in range(100)]
    await close_all(alice, bob)


def _answers(client: BoardClient, op_id: str) -> list[dict[str, Any]]:
    return [m for m in client.messages if m.get("op_id") == op_id and m["type"] != "event"]


def _to(client: BoardClient, stage: int) -> dict[str, str]:
    assert client.workshop is not None
    return {"stage": client.workshop.stages[stage].id, "lane": client.workshop.lanes[0].id}
