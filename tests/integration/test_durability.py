"""Server processes come and go; the workshops and every acknowledged change stay."""

from __future__ import annotations

import signal

from server.store import SNAPSHOT_EVERY
from tests.client import BoardClient, facilitator
from tests.integration.people import add_note, close_all, move_to, participant, settle


async def snapshot_of(server, client: BoardClient) -> BoardClient:
    """A new socket with the client's token: the board as the server loads it from Redis."""
    fresh = BoardClient(server.ws_url, client.workshop_id, client.token)
    await fresh.connect()
    return fresh


async def test_restart_keeps_everything(own_server, redis_client):
    """SIGTERM then a new process on the same Redis and port: the board, seqs and links all stay."""
    first = own_server()
    alice, created = await facilitator(first)
    bob = await participant(first, created, "Bob")
    # More than SNAPSHOT_EVERY changes: the reload reads a snapshot and then the log after it.
    ops = [await alice.send(add_note(alice, f"alice {i}")) for i in range(SNAPSHOT_EVERY + 5)]
    for op in ops:
        assert (await alice.answer(op))["type"] == "ack"
    for i in range(10):
        await bob.call(add_note(bob, f"bob {i}"))
    stage = alice.cell()["stage"]
    await alice.call({"type": "stage.rename", "stage": stage, "title": "Renamed"})
    await alice.call({"type": "stage.add", "title": "Added", "index": 0})
    await alice.call({"type": "workshop.rename", "title": "Kept"})
    await bob.call({"type": "participant.rename", "name": "Robert"})
    seq = await settle(alice, bob)
    board = alice.workshop

    snap = await redis_client.hget(f"{{w:{created['workshop']}}}:meta", "snap")
    assert 0 < int(snap) < seq, "the reload starts from a snapshot and reads the log after it"

    first.stop(signal.SIGTERM)
    assert first.process is None
    second = own_server(first.port)
    await close_all(alice, bob)

    welcome = await alice.connect(resume=True)
    assert welcome["seq"] == seq and welcome["entries"] == []
    await bob.connect()  # no resume: a full snapshot
    assert bob.workshop == alice.workshop == board
    assert board is not None and board.title == "Kept"
    assert board.participants[bob.welcome["you"]["id"]].name == "Robert"  # type: ignore[index]
    # The join code still works, and the next change continues the sequence.
    carol = await participant(second, created, "Carol")
    ack = await alice.call(add_note(alice, "after the restart"))
    assert ack["seq"] == seq + 2  # Carol's join, then the note
    await settle(alice, bob, carol)
    assert alice.workshop == bob.workshop == carol.workshop
    await close_all(alice, bob, carol)


async def test_sigkill_loses_no_acknowledged_change(own_server, second_server):
    """A process killed with SIGKILL mid-burst loses none of the changes it acknowledged."""
    doomed = own_server()
    alice, created = await facilitator(doomed)
    watcher = await participant(second_server, created, "Watcher")
    texts = {}
    for i in range(110):
        command = add_note(alice, f"burst {i}")
        texts[await alice.send(command)] = command["text"]

    def acked(client: BoardClient) -> list[dict]:
        return [m for m in client.messages if m["type"] == "ack" and m["op_id"] in texts]

    await alice.wait_for(lambda c: len(acked(c)) >= 30)
    doomed.kill()
    acks = acked(alice)
    await alice.close()

    survivor = await snapshot_of(second_server, alice)
    stored = {n.text for n in survivor.workshop.notes.values()}
    assert {texts[a["op_id"]] for a in acks} <= stored
    assert max(a["seq"] for a in acks) <= survivor.seq
    # The other process saw every committed entry, once and in order.
    await watcher.wait_for(lambda c: c.seq >= survivor.seq)
    assert watcher.seen == list(range(watcher.seen[0], survivor.seq + 1))
    assert watcher.workshop == survivor.workshop
    # The client that was on the killed process resumes elsewhere with exactly what it missed.
    move_to(alice, second_server)
    alice.messages.clear()
    welcome = await alice.connect(resume=True)
    assert welcome.get("snapshot") is None
    assert alice.workshop == survivor.workshop
    # Resending the unanswered commands (as the browser's outbox does) applies each once.
    for op_id, text in texts.items():
        await alice.send(add_note(alice, text), op_id)
    for op_id in texts:
        assert (await alice.answer(op_id))["type"] == "ack"
    await settle(alice, watcher)
    assert sorted(n.text for n in alice.workshop.notes.values()) == sorted(texts.values())
    await close_all(alice, watcher, survivor)
