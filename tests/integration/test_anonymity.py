"""An anonymous round through a real server: no frame, resume, snapshot or export names a voter."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.client import BoardClient, facilitator
from tests.integration.people import close_all, participant, settle
from tests.integration.test_voting import entries, me, objectives, start_round
from tests.servers import ServerProcess


def dots_entries(client: BoardClient) -> list[dict[str, Any]]:
    return [e for e in entries(client) if any(ev["type"] == "dots.set" for ev in e["events"])]


async def test_nobody_learns_who_voted_in_an_anonymous_round(server: ServerProcess):
    """Pat votes (op ids naming her) in an anonymous round: Bob's live frames, his resumed
    entries, his fresh snapshot, the presence list and the facilitator's JSON export never tie
    a dot to Pat; Pat herself sees her own ballot whole."""
    host, created = await facilitator(server)
    pat = await participant(server, created, "Pat")
    bob = await participant(server, created, "Bob")
    a, b, _ = await objectives(host, 3)
    vote = await start_round(host, anonymous=True, hidden=False, budget=2)
    before = bob.seq
    await bob.close()  # Bob comes back after the votes: his resume must be as blind as live
    watcher = await participant(server, created, "Cleo")
    for item, op_id in ((a, "pat-1"), (b, "pat-2")):
        answer = await pat.call({"type": "dot.add", "round": vote, "item": item}, op_id)
        assert answer["type"] == "ack", answer
    await settle(host, pat, watcher)
    await host.call({"type": "round.set", "round": vote, "action": "reveal"})
    await settle(host, pat, watcher)

    await bob.connect(resume=True)
    assert bob.welcome is not None and bob.welcome.get("entries") is not None
    assert bob.seq > before
    fresh = BoardClient(server.ws_url, bob.workshop_id, bob.token)
    await fresh.connect()
    assert fresh.welcome is not None and fresh.welcome["snapshot"]["rounds"][0]["voters"] == 1
    pat_id = me(pat)
    for seen in (bob, watcher, host, fresh):
        for entry in dots_entries(seen):
            assert (entry["actor"], entry["op_id"]) == ("", ""), entry
            assert [(e["voter"], e["dots"]) for e in entry["events"]] == [("", {})]
        assert seen.welcome is not None
        snapshot = seen.welcome.get("snapshot") or {"rounds": []}
        assert pat_id not in json.dumps(snapshot["rounds"])
        for message in seen.messages:  # presence says who is here, never who voted
            if message["type"] == "presence":
                assert set(message) == {"type", "online"}
                assert all(set(person) == {"id", "name", "role"} for person in message["online"])
    assert len(dots_entries(bob)) == 2 and len(dots_entries(watcher)) == 2
    assert [e["op_id"] for e in dots_entries(pat)] == ["pat-1", "pat-2"]
    assert pat.workshop is not None and pat.workshop.rounds[-1].dots == {pat_id: {a: 1, b: 1}}

    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.get(
            f"/api/workshops/{created['workshop']}/export/json",
            headers={"authorization": f"Bearer {created['token']}"},
        )
    answer.raise_for_status()
    exported = next(r for r in answer.json()["workshop"]["rounds"] if r["id"] == vote)
    assert (exported["spent"], exported["dots"], exported["voters"]) == ({}, {}, 1)
    assert {t["item"]: t["dots"] for t in exported["result"]}[a] == 1
    await close_all(host, pat, bob, watcher, fresh)
