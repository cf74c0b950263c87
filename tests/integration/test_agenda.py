"""The agenda through real servers: a step moves every client, done counts, and a version of
the board is kept at each step change."""

from __future__ import annotations

import asyncio

import httpx

from tests.client import facilitator
from tests.integration.people import add_note, close_all, participant
from tests.integration.test_method import board, me, ok, refused, same_boards
from tests.servers import ServerProcess


async def test_steps_done_and_a_version_per_step(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Moving through two steps reaches a participant on another process, done resets on the
    next step, a participant cannot move the room, and each step change keeps a version."""
    host, created = await facilitator(server, template="travel")
    pat = await participant(second_server, created, "Pat")
    steps = board(host).agenda
    assert await refused(pat, {"type": "step.go", "step": steps[0].id}) == "forbidden"
    assert await refused(pat, {"type": "step.done", "done": True}) == "conflict"
    await ok(host, {"type": "step.go", "step": steps[0].id})
    await ok(pat, {"type": "step.done", "done": True})
    seen = await same_boards(host, pat)
    assert seen.step == steps[0].id and seen.done == [me(pat)]
    await ok(pat, add_note(pat, "written during the kick-off"))
    await ok(host, {"type": "step.go", "step": steps[1].id})
    seen = await same_boards(host, pat)
    assert seen.step == steps[1].id and seen.done == [] and seen.phase == "personas"
    auth = {"authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.base) as http:
        for _ in range(50):
            listed = (
                await http.get(f"/api/workshops/{created['workshop']}/versions", headers=auth)
            ).json()
            if len(listed) >= 2:
                break
            await asyncio.sleep(0.1)
    steps_saved = [v for v in listed if v["reason"] == "step"]
    assert len(steps_saved) == 2
    assert {v["label"] for v in steps_saved} == {"framing", "personas"}
    await close_all(host, pat)
