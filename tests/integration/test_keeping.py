"""Undo across server processes, versions, and deleting a workshop: through real servers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from websockets.exceptions import ConnectionClosedError

from server import keeping_api
from server.store import Store
from tests.client import BoardClient, facilitator
from tests.integration.people import add_note, close_all, participant, settle


def _shown(client: BoardClient) -> list[dict[str, Any]]:
    """The history.shown events this client received (its own undo stack, as the server tells)."""
    found = []
    for message in client.messages:
        entries = [message["entry"]] if message["type"] == "event" else message.get("entries", [])
        for entry in entries:
            found += [e for e in entry["events"] if e["type"] == "history.shown"]
    return found


async def test_ann_undoes_on_one_process_while_bob_edits_on_another(server, second_server):
    """Ann's undo on A reverts only her own changes; Bob's edits on B all survive; boards agree."""
    ann, created = await facilitator(server)
    bob = await participant(second_server, created, "Bob")
    mine = await ann.call(add_note(ann, "Ann's note"))
    theirs = await bob.call(add_note(bob, "Bob's note"))
    await settle(ann, bob)
    assert ann.workshop is not None
    note_a = next(n.id for n in ann.workshop.notes.values() if n.text == "Ann's note")
    note_b = next(n.id for n in ann.workshop.notes.values() if n.text == "Bob's note")
    assert mine["type"] == theirs["type"] == "ack"
    await ann.call({"type": "note.edit", "note": note_a, "text": "Ann's note, edited"})
    await ann.call({"type": "note.edit", "note": note_a, "channel": "email"})

    async def bob_works() -> None:
        for i in range(10):
            await bob.send({"type": "note.edit", "note": note_b, "text": f"Bob {i}"})

    async def ann_undoes() -> None:
        for _ in range(2):
            answer = await ann.call({"type": "history.undo"})
            assert answer["type"] == "ack", answer

    await asyncio.gather(bob_works(), ann_undoes())
    await settle(ann, bob)
    assert ann.workshop == bob.workshop
    notes = ann.workshop.notes
    assert notes[note_b].text == "Bob 9", "Bob's note is never undone"
    assert (notes[note_a].text, notes[note_a].channel) == ("Ann's note", "web")
    # Bob rewrites Ann's note after her: her undo leaves his words and says it was him.
    await ann.call({"type": "note.edit", "note": note_a, "text": "Ann again"})
    await settle(ann, bob)
    await bob.call({"type": "note.edit", "note": note_a, "text": "Bob rewrote it"})
    await settle(ann, bob)
    await ann.call({"type": "history.undo"})
    await settle(ann, bob)
    assert ann.workshop == bob.workshop
    assert ann.workshop.notes[note_a].text == "Bob rewrote it"
    [*_, last] = _shown(ann)
    assert bob.welcome is not None
    assert [(s["facet"], s["by"]) for s in last["skipped"]] == [("text", bob.welcome["you"]["id"])]
    assert not [e for e in _shown(bob) if e["action"] != "push"], "Bob undid nothing"
    await close_all(ann, bob)


async def test_the_undo_stack_survives_a_reconnect(server):
    """The stacks live on the server: after a reload, the welcome says what can be undone."""
    ann, created = await facilitator(server)
    await ann.call(add_note(ann, "kept"))
    await ann.call({"type": "history.undo"})
    await ann.close()
    again = BoardClient(server.ws_url, created["workshop"], created["token"])
    welcome = await again.connect()
    assert (welcome["history"]["undo"], welcome["history"]["redo"]) == (0, 1)
    redo = await again.call({"type": "history.redo"}, op_id="redo-once")
    retry = await again.call({"type": "history.redo"}, op_id="redo-once")
    assert redo["seq"] == retry["seq"], "a retried redo is answered, never applied twice"
    await settle(again)
    assert [n.text for n in again.workshop.notes.values()] == ["kept"]
    await again.close()


async def test_versions_at_phase_changes_and_on_demand(server):
    """Phase changes save a version; the facilitator saves one, opens, exports and restores it."""
    ann, created = await facilitator(server)
    auth = {"authorization": f"Bearer {created['token']}"}
    base = f"/api/workshops/{created['workshop']}"
    await ann.call(add_note(ann, "before the vote"))
    await ann.call({"type": "phase.set", "phase": "vote"})
    async with httpx.AsyncClient(base_url=server.base) as http:
        for _ in range(50):
            listed = (await http.get(f"{base}/versions", headers=auth)).json()
            if listed:
                break
            await asyncio.sleep(0.1)
        assert [(v["reason"], v["phase"], v["counts"]["notes"]) for v in listed] == [
            ("phase", "vote", 1)
        ]
        saved = await http.post(f"{base}/versions", json={"label": "after the vote"}, headers=auth)
        assert saved.status_code == 201 and saved.json()["label"] == "after the vote"
        await ann.call(add_note(ann, "after the version"))
        opened = (await http.get(f"{base}/versions/{saved.json()['id']}", headers=auth)).json()
        assert [n["text"] for n in opened["workshop"]["notes"].values()] == ["before the vote"]
        assert opened["workshop"]["history"] == {}
        exported = await http.get(
            f"{base}/export/json", params={"version": saved.json()["id"]}, headers=auth
        )
        assert exported.status_code == 200 and b"after the version" not in exported.content
        restored = await http.post(f"{base}/versions/{saved.json()['id']}/restore", headers=auth)
        assert restored.status_code == 201
        copy = restored.json()
        assert copy["workshop"] != created["workshop"]
        other = BoardClient(server.ws_url, copy["workshop"], copy["token"])
        await other.connect()
        assert [n.text for n in other.workshop.notes.values()] == ["before the vote"]
        bob = await participant(server, created, "Bob")
        refused = await http.get(
            f"{base}/versions", headers={"authorization": f"Bearer {bob.token}"}
        )
        assert refused.status_code == 403
    await close_all(ann, other, bob)


async def test_deleting_a_workshop_removes_every_key_and_tells_every_board(
    server, second_server, redis_client: aioredis.Redis
):
    """After a delete, SCAN on the hash tag finds no key, the code is gone, boards are closed."""
    ann, created = await facilitator(server)
    bob = await participant(second_server, created, "Bob")
    await ann.call(add_note(ann, "soon gone"))
    await ann.call({"type": "phase.set", "phase": "vote"})
    await settle(ann, bob)
    auth = {"authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.base) as http:
        refused = await http.delete(
            f"/api/workshops/{created['workshop']}",
            headers={"authorization": f"Bearer {bob.token}"},
        )
        assert refused.status_code == 403
        answer = await http.delete(f"/api/workshops/{created['workshop']}", headers=auth)
        assert answer.status_code == 204
    for client in (ann, bob):
        assert client._reader is not None
        with contextlib.suppress(ConnectionClosedError):
            await asyncio.wait_for(client._reader, 10)
        assert client.ws is not None and client.ws.close_code == 4410
    await asyncio.sleep(0.5)  # a heartbeat or a late commit must not bring a key back
    pattern = f"{{w:{created['workshop']}}}*"
    assert [k async for k in redis_client.scan_iter(match=pattern)] == []
    assert await redis_client.get(f"parcours:code:{created['code']}") is None
    again = BoardClient(server.ws_url, created["workshop"], created["token"])
    with pytest.raises(RuntimeError, match="not_found"):
        await again.connect()
    await close_all(ann, bob)


async def test_retention_purges_only_workshops_idle_for_longer(server, redis_client):
    """A workshop idle for longer than the retention goes; one in use stays."""
    old, created_old = await facilitator(server)
    new, created_new = await facilitator(server)
    meta = f"{{w:{created_old['workshop']}}}:meta"
    await redis_client.hset(meta, "active", int(time.time() - 40 * 86400))
    store = Store(redis_client)
    purged = await keeping_api.purge_idle(store, days=30)
    assert created_old["workshop"] in purged and created_new["workshop"] not in purged
    assert not await store.exists(created_old["workshop"])
    assert await store.exists(created_new["workshop"])
    await close_all(old, new)
