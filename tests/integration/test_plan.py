"""The animation plan through real servers on a real Redis: draft, edits, refusals, undo, vote."""

from __future__ import annotations

from sessions import plan
from tests.client import facilitator
from tests.integration.conftest import Dump
from tests.integration.people import close_all, participant, settle
from tests.integration.test_method import board, ok, refused, same_boards
from tests.servers import ServerProcess


async def test_the_plan_is_drafted_edited_voted_and_refusals_change_nothing(
    server: ServerProcess, second_server: ServerProcess, dump: Dump
) -> None:
    """The facilitator drafts the travel demo's plan on one process, a participant on another
    edits a row; bad rows are refused with their code and leave Redis byte for byte the same;
    the participant's undo takes back their edit; a vote on the rows writes their dots back."""
    host, created = await facilitator(server, template="travel")
    pat = await participant(second_server, created, "Pat")
    assert len(board(host).plan) == 5
    proposed = plan.draft(board(host))
    assert len(proposed) >= 8
    await ok(host, {"type": "plan.draft"})
    seen = await same_boards(host, pat)
    assert [r.id for r in seen.plan[5:]] == [r.id for r in proposed]
    again = await host.call({"type": "plan.draft"})
    assert again["type"] == "ack"
    assert len((await same_boards(host, pat)).plan) == len(seen.plan), "a second draft adds nothing"

    row = seen.plan[5]
    edit = {"type": "plan.edit", "row": row.id, "months": [11, 3], "frequency": "Weekly"}
    await ok(pat, edit)
    seen = await same_boards(host, pat)
    assert (seen.plan[5].months, seen.plan[5].frequency) == ([3, 11], "Weekly")

    before = await dump(created["workshop"])
    bad = [
        ({"type": "plan.add", "title": "x", "months": [13]}, "invalid"),
        ({"type": "plan.add", "title": "x", "channels": ["fax"]}, "invalid"),
        ({"type": "plan.add", "title": "x", "persona": "a999"}, "not_found"),
        ({"type": "plan.edit", "row": row.id, "objective": "o999"}, "not_found"),
        ({"type": "plan.edit", "row": "y999", "title": "x"}, "not_found"),
        ({"type": "plan.edit", "row": row.id, "title": "   "}, "invalid"),
        ({"type": "plan.remove", "row": row.id}, "forbidden"),
        ({"type": "plan.draft"}, "forbidden"),
    ]
    for command, code in bad:
        assert await refused(pat, command) == code, command
    assert await dump(created["workshop"]) == before

    await ok(pat, {"type": "history.undo"})
    seen = await same_boards(host, pat)
    assert seen.plan[5] == row

    items = [r.id for r in seen.plan[:3]]
    await ok(host, {"type": "round.start", "items": items, "budget": 1})
    vote = board(host).rounds[-1].id
    await ok(pat, {"type": "dot.add", "round": vote, "item": items[2]})
    assert await refused(host, {"type": "plan.remove", "row": items[2]}) == "conflict"
    await ok(host, {"type": "round.set", "round": vote, "action": "reveal"})
    await settle(host, pat)
    for client in (host, pat):  # the ballots stay as each may see them; the dots are everyone's
        assert [r.votes for r in board(client).plan[:3]] == [0, 0, 1]
    await close_all(host, pat)
