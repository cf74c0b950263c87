"""The target journey through real servers: target ratings, the facilitator's target value,
solutions chosen for the target journey, undo, and the exports that show them."""

from __future__ import annotations

import httpx

from sessions import summary
from tests.client import facilitator
from tests.integration.conftest import Dump
from tests.integration.people import close_all, participant
from tests.integration.test_method import board, lane, ok, refused, same_boards
from tests.servers import ServerProcess


async def test_target_curve_and_chosen_solutions_through_two_processes(
    server: ServerProcess, second_server: ServerProcess, dump: Dump
) -> None:
    """Target ratings and solutions are accepted or refused by both servers, undone, exported."""
    host, created = await facilitator(server, template="travel")
    pat = await participant(second_server, created, "Pat")
    seen = board(pat)
    first, stage = seen.personas[0].id, seen.stages[1].id
    rating = {"type": "emotion.rate", "persona": first, "stage": stage, "target": True}
    fixing = {"type": "emotion.fix", "persona": first, "stage": stage, "target": True}

    await ok(host, {**fixing, "value": None})  # the demo's value would hide the room's median
    before = await dump(created["workshop"])
    assert await refused(pat, {**rating, "value": 3}) == "invalid"
    assert await refused(pat, {**rating, "persona": "a999", "value": 1}) == "not_found"
    assert await refused(pat, {**fixing, "value": 1}) == "forbidden"
    assert await dump(created["workshop"]) == before, "refusals change nothing"
    await ok(pat, {**rating, "value": 2})
    await ok(host, {**rating, "value": 1})
    seen = await same_boards(host, pat)
    goal = summary.curve(seen, first, target=True)[1]
    assert (goal.value, goal.count, goal.fixed) == (1.5, 2, False)
    assert summary.curve(seen, first)[1].value == -1.0, "today's curve is untouched"

    solutions, irritants = lane(pat, "solutions"), lane(pat, "irritants")
    free = next(
        n.id
        for n in seen.notes.values()
        if n.lane == solutions and n.persona == first and not n.target
    )
    sore = next(n.id for n in seen.notes.values() if n.lane == irritants)
    assert await refused(pat, {"type": "note.target", "note": sore, "target": True}) == "invalid"
    assert await refused(pat, {"type": "note.target", "note": "n999", "target": True}) == (
        "not_found"
    )
    await ok(pat, {"type": "note.target", "note": free, "target": True})
    seen = await same_boards(host, pat)
    assert seen.notes[free].target
    assert free in {n.id for n in summary.target_solutions(seen, first)}

    await ok(pat, {"type": "history.undo"})
    await ok(pat, {"type": "history.undo"})
    seen = await same_boards(host, pat)
    assert not seen.notes[free].target
    assert summary.curve(seen, first, target=True)[1].count == 1, "Pat's rating undone, not Ann's"

    headers = {"authorization": f"Bearer {created['token']}"}
    base = f"{server.base}/api/workshops/{created['workshop']}/export"
    async with httpx.AsyncClient() as http:
        html = (await http.get(f"{base}/html", headers=headers)).text
    assert "Target journey of" in html and "Target curve" in html
    await close_all(host, pat)
