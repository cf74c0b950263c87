"""Key moments and the scenarios' priorities through two real servers sharing one Redis."""

from __future__ import annotations

from sessions import moments
from tests.client import facilitator
from tests.integration.conftest import Dump
from tests.integration.people import add_note, close_all, participant
from tests.integration.test_method import board, lane, newest, ok, refused, same_boards
from tests.servers import ServerProcess


async def test_key_moments_and_scored_scenarios_reach_every_board(
    server: ServerProcess, second_server: ServerProcess, dump: Dump
) -> None:
    """Pat marks a key moment on an irritant and builds a scenario for it (answer, campaign,
    score) from another server; the facilitator sets the stage's macro-objective; refusals
    change no Redis key; both boards end equal, with the scenario ranked first."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    stage = board(pat).stages[0].id
    await ok(pat, {**add_note(pat, "Vouchers lost"), "lane": lane(pat, "irritants")})
    irritant = newest(board(pat).notes)
    await ok(pat, {"type": "moment.add", "title": "Before leaving", "note": irritant})
    moment = newest(board(pat).moments)
    await ok(pat, {"type": "scenario.add", "title": "Trip preparation"})
    card = newest(board(pat).scenarios)
    await ok(
        pat, {"type": "scenario.edit", "scenario": card, "field": "key_moment", "value": moment}
    )
    await ok(pat, {"type": "scenario.answer", "scenario": card, "note": irritant})
    await ok(
        pat, {"type": "scenario.campaign", "scenario": card, "channel": "email", "timing": "D-42"}
    )
    await ok(pat, {"type": "scenario.score", "scenario": card, "criterion": "roi", "value": 4})

    before = await dump(created["workshop"])
    solution = {**add_note(pat, "Wallet"), "lane": lane(pat, "solutions")}
    wrong = [
        ({"type": "stage.objective", "stage": stage, "objective": "loyalty"}, "forbidden"),
        ({"type": "moment.remove", "moment": moment}, "forbidden"),
        ({"type": "moment.add", "title": "Gone", "note": "n999"}, "not_found"),
        ({"type": "moment.add", "title": "Gone", "stage": "s999"}, "not_found"),
        ({"type": "moment.edit", "moment": "m999", "title": "Gone"}, "not_found"),
        ({"type": "scenario.uncampaign", "scenario": card, "campaign": "e999"}, "not_found"),
        ({"type": "scenario.score", "scenario": card, "criterion": "roi", "value": 9}, "invalid"),
    ]
    for command, code in wrong:
        assert await refused(pat, command) == code, command
    assert await dump(created["workshop"]) == before
    await ok(pat, solution)
    refusal = {"type": "scenario.answer", "scenario": card, "note": newest(board(pat).notes)}
    assert await refused(pat, refusal) == "invalid"

    await ok(host, {"type": "stage.objective", "stage": stage, "objective": "satisfaction"})
    seen = await same_boards(host, pat)
    marked = seen.moments[moment]
    assert (marked.note, marked.stage, moments.stage_objective(seen, marked)) == (
        irritant,
        stage,
        "satisfaction",
    )
    scenario = seen.scenarios[card]
    assert (scenario.key_moment, scenario.answers, scenario.campaigns[0].timing) == (
        moment,
        [irritant],
        "D-42",
    )
    assert [r.scenario for r in moments.first_three(seen)] == [card]
    await close_all(host, pat)
