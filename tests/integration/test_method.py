"""The workshop method through real servers: personas, emotions, lanes, tags, facilitation,
private writing, the roadmap and scenarios, saving as a template, and facilitator-only rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from sessions import roadmap, summary
from sessions.model import ClassRules, Workshop
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    AddObjective,
    AddProxy,
    AddStage,
    EditGroup,
    EditObjective,
    MoveStage,
    MoveToGroup,
    RemoveObjective,
    RemoveStage,
    RenameStage,
    RenameWorkshop,
    SetRound,
    StartRound,
    tags,
)
from tests.client import BoardClient, create_workshop, facilitator
from tests.integration.conftest import Dump
from tests.integration.people import add_note, close_all, participant, settle
from tests.servers import ServerProcess


async def ok(client: BoardClient, command: dict[str, Any]) -> dict[str, Any]:
    """Send ``command``, check it is acknowledged, and wait until the client has its effect."""
    answer = await client.call(command)
    assert answer["type"] == "ack", (command, answer)
    await client.wait_for(lambda c: c.seq >= answer["seq"])
    return answer


async def refused(client: BoardClient, command: dict[str, Any]) -> str:
    """Send ``command``, check it is refused; its error code."""
    answer = await client.call(command)
    assert answer["type"] == "error", (command, answer)
    return str(answer["code"])


def board(client: BoardClient) -> Workshop:
    assert client.workshop is not None
    return client.workshop


def me(client: BoardClient) -> str:
    assert client.welcome is not None
    return str(client.welcome["you"]["id"])


def lane(client: BoardClient, kind: str) -> str:
    return next(lane.id for lane in board(client).lanes if lane.kind == kind)


def newest(ids: Iterable[str]) -> str:
    """The most recent of some ids (``n12`` after ``n9``)."""
    return max(ids, key=lambda i: int(i[1:]))


async def same_boards(*clients: BoardClient) -> Workshop:
    """Wait until every client has every change; check that their boards are equal."""
    await settle(*clients)
    first = board(clients[0])
    assert all(board(c) == first for c in clients[1:])
    return first


# -- personas, emotions, lanes, tags --------------------------------------------------------


async def test_personas_emotions_lanes_and_tags_through_two_processes(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Persona sheets, ratings and the facilitator's value, custom lanes and solution tags are
    accepted or refused by the real servers, and both people's boards agree."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    first = board(pat).personas[0].id
    stage = board(pat).stages[1].id

    await ok(pat, {"type": "persona.add", "name": "  Léa  ", "emoji": "📷"})
    lea = newest(p.id for p in board(pat).personas)
    await ok(pat, {"type": "persona.edit", "persona": lea, "field": "insight", "value": "Time"})
    assert await refused(pat, {"type": "persona.add", "name": " "}) == "invalid"
    edit_blank = {"type": "persona.edit", "persona": lea, "field": "name", "value": " "}
    assert await refused(pat, edit_blank) == "invalid"
    assert await refused(pat, {**edit_blank, "persona": "a999", "value": "X"}) == "not_found"
    await ok(host, {"type": "persona.move", "persona": lea, "index": 0})
    assert await refused(host, {"type": "persona.move", "persona": "a999", "index": 0}) == (
        "not_found"
    )

    rating = {"type": "emotion.rate", "persona": first, "stage": stage}
    await ok(pat, {**rating, "value": -2})
    await ok(host, {**rating, "value": 1})
    assert await refused(pat, {**rating, "value": 3}) == "invalid"
    assert await refused(pat, {**rating, "stage": "s999", "value": 1}) == "not_found"
    fixing = {"type": "emotion.fix", "persona": first, "stage": board(host).stages[2].id}
    await ok(host, {**fixing, "value": 2})
    assert await refused(host, {**fixing, "persona": "a999", "value": 0}) == "not_found"

    await ok(host, {"type": "lane.add", "title": "Staff"})
    staff = board(host).lanes[-1].id
    await ok(host, {"type": "lane.rename", "lane": staff, "title": "Team"})
    await ok(host, {"type": "lane.move", "lane": staff, "index": 0})
    irritants = lane(host, "irritants")
    rename = {"type": "lane.rename", "lane": irritants, "title": "X"}
    assert await refused(host, rename) == "conflict"
    assert await refused(host, {"type": "lane.remove", "lane": irritants}) == "conflict"
    await ok(pat, {**add_note(pat, "On the team lane"), "lane": staff})
    assert await refused(host, {"type": "lane.remove", "lane": staff}) == "conflict"
    await ok(host, {"type": "lane.remove", "lane": staff, "with_notes": True})

    solution = {**add_note(pat, "A chatbot"), "lane": lane(pat, "solutions")}
    await ok(pat, solution)
    chatbot = newest(board(pat).notes)
    await ok(pat, {"type": "note.tag", "note": chatbot, "tags": ["internal", "customer"]})
    assert await refused(pat, {"type": "note.tag", "note": "n999", "tags": ["customer"]}) == (
        "not_found"
    )
    assert await refused(pat, {"type": "note.tag", "note": chatbot, "tags": ["vip"]}) == "invalid"

    seen = await same_boards(host, pat)
    assert [p.id for p in seen.personas] == [lea, first]
    assert seen.personas[0].name == "Léa" and seen.personas[0].insight == "Time"
    assert [lane.kind for lane in seen.lanes] == [
        "enchantments",
        "irritants",
        "expectations",
        "solutions",
    ]
    assert seen.notes[chatbot].tags == ("customer", "internal")
    curve = summary.curve(seen, first)
    assert (curve[1].value, curve[1].low, curve[1].high, curve[1].count) == (-0.5, -2, 1, 2)
    assert (curve[2].value, curve[2].fixed) == (2.0, True)

    assert await refused(host, {"type": "persona.remove", "persona": lea}) == "conflict"
    await ok(host, {"type": "persona.remove", "persona": lea, "with_notes": True})
    assert await refused(host, {"type": "persona.remove", "persona": first}) == "conflict"
    seen = await same_boards(host, pat)
    assert [p.id for p in seen.personas] == [first] and chatbot not in seen.notes
    await close_all(host, pat)


# -- facilitation -------------------------------------------------------------------------


def _shown_online(name: str) -> Callable[[BoardClient], bool]:
    def shown(client: BoardClient) -> bool:
        return any(
            m["type"] == "presence" and name in {o["name"] for o in m["online"]}
            for m in client.messages
        )

    return shown


async def test_phase_timer_lock_and_follow_through_the_server(server: ServerProcess) -> None:
    """The facilitator's phase, countdown, lock and follow-me reach everyone; a locked board
    refuses participants' content but not their rename, which the others' presence list shows
    at once; follow clears with its persona."""
    host, created = await facilitator(server)
    pat = await participant(server, created, "Pat")

    await ok(host, {"type": "phase.set", "phase": "roadmap"})
    assert await refused(host, {"type": "phase.set", "phase": "lunch"}) == "invalid"
    await ok(host, {"type": "timer.set", "seconds": 300})
    assert board(host).timer_ends_at is not None
    assert await refused(host, {"type": "timer.set", "seconds": 0}) == "invalid"

    await ok(host, {"type": "board.lock", "locked": True})
    assert await refused(pat, add_note(pat)) == "locked"
    assert await refused(pat, {"type": "roadmap.add", "title": "Item"}) == "locked"

    await host.wait_for(_shown_online("Pat"))
    await ok(pat, {"type": "participant.rename", "name": "Patricia"})
    await host.wait_for(_shown_online("Patricia"), timeout=5)  # on the rename, not a heartbeat
    await ok(host, add_note(host, "the facilitator still writes"))
    await ok(host, {"type": "board.lock", "locked": False})
    await ok(pat, add_note(pat, "open again"))

    await ok(host, {"type": "persona.add", "name": "Max"})
    followed = newest(p.id for p in board(host).personas)
    await ok(host, {"type": "follow.set", "persona": followed})
    assert await refused(host, {"type": "follow.set", "persona": "a999"}) == "not_found"
    seen = await same_boards(host, pat)
    assert (seen.phase, seen.locked, seen.follow) == ("roadmap", False, followed)
    assert seen.participants[me(pat)].name == "Patricia"

    await ok(host, {"type": "timer.set", "seconds": None})
    await ok(host, {"type": "persona.remove", "persona": followed})
    seen = await same_boards(host, pat)
    assert (seen.timer_ends_at, seen.follow) == (None, None)
    await close_all(host, pat)


def carried(client: BoardClient) -> str:
    """Everything the client's socket received, as text: its welcome and every frame."""
    return json.dumps([client.welcome, *client.messages], ensure_ascii=False)


SECRET = "secret-4f2a-only-for-pat"


async def test_a_rename_on_another_process_reaches_the_presence_list_at_once(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Renamed on one process, a participant is shown by the new name to those on another, before
    any heartbeat: every process names who is here from its own board."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    await host.wait_for(_shown_online("Pat"))
    await ok(pat, {"type": "participant.rename", "name": "Patricia"})
    await host.wait_for(_shown_online("Patricia"), timeout=5)  # the heartbeat is every 10 s
    await ok(host, {"type": "participant.rename", "name": "Camille"})
    await pat.wait_for(_shown_online("Camille"), timeout=5)
    await close_all(host, pat)


async def private_note(host: BoardClient, pat: BoardClient, *others: BoardClient) -> str:
    """Private writing on, Pat writes and edits a note, the facilitator a visible one; its id."""
    await ok(host, {"type": "private.set", "private": True})
    await ok(pat, add_note(pat, SECRET))
    hidden = newest(board(pat).notes)
    await ok(pat, {"type": "note.edit", "note": hidden, "text": f"{SECRET}, edited"})
    await ok(host, add_note(host, "facilitator's note, visible"))
    await settle(host, pat, *others)
    return hidden


async def revealed(host: BoardClient, hidden: str, *others: BoardClient) -> None:
    """The facilitator reveals; each of ``others`` then holds the note, no longer hidden."""
    reveal = await ok(host, {"type": "notes.reveal"})
    for client in others:
        await client.wait_for(lambda c: c.seq >= reveal["seq"])
        assert board(client).notes[hidden].text == f"{SECRET}, edited"
        assert not board(client).notes[hidden].hidden


async def test_private_notes_never_reach_other_participants_before_the_reveal(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """In private mode a participant's note reaches its author and the facilitator only: the
    others' frames and a fresh snapshot never carry its text, and no roadmap item can be made of
    it; the reveal shows it to everyone."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    bob = await participant(server, created, "Bob")
    hidden = await private_note(host, pat, bob)
    assert board(pat).notes[hidden].hidden and board(host).notes[hidden].hidden
    assert hidden not in board(bob).notes
    assert "facilitator's note, visible" in {n.text for n in board(bob).notes.values()}
    assert await refused(bob, {"type": "roadmap.add", "notes": [hidden]}) == "conflict"

    reloaded = BoardClient(second_server.ws_url, bob.workshop_id, bob.token)
    await reloaded.connect()
    assert SECRET not in carried(bob)
    assert SECRET not in carried(reloaded), "a reconnecting participant's snapshot"
    assert SECRET in carried(pat) and SECRET in carried(host)
    assert board(host) == board(pat), "the author and the facilitator see the same board"

    await revealed(host, hidden, bob, reloaded)
    await ok(bob, {"type": "roadmap.add", "notes": [hidden]})
    await close_all(host, pat, bob, reloaded)


async def test_a_resuming_participant_never_gets_a_hidden_note(server: ServerProcess) -> None:
    """A participant who reconnects with its last seq gets the missed entries without another
    participant's hidden note, then the note at the reveal."""
    host, created = await facilitator(server)
    pat = await participant(server, created, "Pat")
    away = await participant(server, created, "Away")
    await settle(away)
    await away.close()
    hidden = await private_note(host, pat)
    resumed = BoardClient(server.ws_url, away.workshop_id, away.token)
    resumed.workshop, resumed.seq, resumed.epoch = away.workshop, away.seq, away.epoch
    await resumed.connect(resume=True)
    try:
        assert resumed.welcome is not None and resumed.welcome.get("entries"), "a resume"
        assert SECRET not in carried(resumed)
        await revealed(host, hidden, resumed)
    finally:
        await close_all(host, pat, resumed)


# -- roadmap and scenarios --------------------------------------------------------------------


async def test_roadmap_and_scenarios_through_two_processes(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Items from solution notes, scores, class by hand, quarter, matrix, thresholds and
    scenario cards are accepted or refused by the real servers; both boards agree."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    await ok(pat, {**add_note(pat, "Too many forms"), "lane": lane(pat, "irritants")})
    pain = newest(board(pat).notes)
    await ok(
        pat, {**add_note(pat, "One-click booking", channel="app"), "lane": lane(pat, "solutions")}
    )
    idea = newest(board(pat).notes)

    await ok(pat, {"type": "roadmap.add", "notes": [idea]})
    item = newest(board(pat).roadmap)
    assert await refused(pat, {"type": "roadmap.add", "notes": ["n999"]}) == "not_found"
    assert await refused(pat, {"type": "roadmap.add", "title": " "}) == "invalid"
    await ok(pat, {"type": "roadmap.edit", "item": item, "owner": "IT"})
    assert await refused(pat, {"type": "roadmap.edit", "item": "w999", "owner": "IT"}) == (
        "not_found"
    )
    for who, value in ((pat, 5), (host, 4)):
        await ok(
            who, {"type": "roadmap.score", "item": item, "criterion": "impact", "value": value}
        )
    await ok(pat, {"type": "roadmap.score", "item": item, "criterion": "cost", "value": 2})
    score = {"type": "roadmap.score", "item": item, "criterion": "cost", "value": 6}
    assert await refused(pat, score) == "invalid"
    await ok(pat, {"type": "roadmap.place", "item": item, "quarter": 3})
    assert await refused(pat, {"type": "roadmap.place", "item": item, "quarter": 8}) == "invalid"
    seen = await same_boards(host, pat)
    made = seen.roadmap[item]
    assert (made.title, made.notes, made.channel, made.answers) == (
        "One-click booking",
        [idea],
        "app",
        [pain],
    )
    assert summary.roadmap_class(made, seen.rules) == "quick_win"

    await ok(host, {"type": "roadmap.classify", "item": item, "class": "waow"})
    assert await refused(host, {"type": "roadmap.classify", "item": item, "class": "x"}) == (
        "invalid"
    )
    await ok(host, {"type": "roadmap.adjust", "item": item, "impact": 2, "effort": 4.5})
    assert await refused(
        host, {"type": "roadmap.adjust", "item": "w999", "impact": 2, "effort": 2}
    ) == ("not_found")
    await ok(host, {"type": "rules.set", "strong": 5, "light": 1.5, "expected": 3})
    assert await refused(host, {"type": "rules.set", "strong": 0, "light": 1, "expected": 3}) == (
        "invalid"
    )
    gap = {"type": "rules.set", "strong": 3, "light": 1, "expected": 3, "real": 4, "buzz": 4}
    assert await refused(host, gap) == "invalid"
    await ok(pat, {"type": "roadmap.score", "item": item, "criterion": "underway", "value": 4})
    kept = await same_boards(host, pat)
    assert kept.rules == ClassRules(strong=5, light=1.5, expected=3)
    assert kept.roadmap[item].scores["underway"] == {me(pat): 4}

    await ok(pat, {"type": "scenario.add", "title": "Abandoned cart", "moment": "commercial"})
    card = newest(board(pat).scenarios)
    await ok(
        pat, {"type": "scenario.edit", "scenario": card, "field": "trigger", "value": "Cart left"}
    )
    await ok(pat, {"type": "scenario.edit", "scenario": card, "field": "cta", "value": "Finish"})
    await ok(pat, {"type": "scenario.edit", "scenario": card, "field": "cta", "value": ""})
    await ok(
        pat,
        {
            "type": "scenario.edit",
            "scenario": card,
            "field": "persona",
            "value": board(pat).personas[0].id,
        },
    )
    moment = {"type": "scenario.edit", "scenario": card, "field": "moment", "value": "holiday"}
    assert await refused(pat, moment) == "invalid"
    assert await refused(pat, {"type": "scenario.add", "title": "x", "stage": "s999"}) == (
        "not_found"
    )
    seen = await same_boards(host, pat)
    made = seen.roadmap[item]
    assert (made.override, made.quarter, made.owner, summary.position(made)) == (
        "waow",
        3,
        "IT",
        (4.5, 2.0),
    )
    assert (seen.rules.strong, seen.rules.light, seen.rules.expected) == (5.0, 1.5, 3.0)
    assert seen.scenarios[card].fields == {"trigger": "Cart left"}
    assert roadmap.completeness(seen.scenarios[card])[0] == 1

    await ok(host, {"type": "scenario.remove", "scenario": card})
    assert await refused(host, {"type": "scenario.remove", "scenario": card}) == "not_found"
    await ok(host, {"type": "roadmap.remove", "item": item})
    assert await refused(host, {"type": "roadmap.remove", "item": item}) == "not_found"
    seen = await same_boards(host, pat)
    assert (seen.roadmap, seen.scenarios) == ({}, {})
    await close_all(host, pat)


# -- facilitator only -------------------------------------------------------------------------

_OLDER = {
    AddStage,
    RenameStage,
    MoveStage,
    RemoveStage,
    RenameWorkshop,
    AddObjective,
    EditObjective,
    RemoveObjective,
    StartRound,
    SetRound,
    AddProxy,
    EditGroup,  # they need a group to exist: tests/integration/test_groups.py
    MoveToGroup,
}
"""Facilitator commands of the board and of voting, tested with them."""


def method_commands(host: BoardClient) -> list[dict[str, Any]]:
    """One of each facilitator-only command of the method, each valid for the facilitator."""
    seen = board(host)
    second = seen.personas[1].id
    custom = next(lane.id for lane in seen.lanes if lane.kind == "custom")
    item, card = newest(seen.roadmap), newest(seen.scenarios)
    row = seen.plan[-1].id
    first, stage = seen.personas[0].id, seen.stages[0].id
    opening = seen.agenda[0].id
    return [
        {"type": "persona.move", "persona": second, "index": 0},
        {"type": "emotion.fix", "persona": first, "stage": stage, "value": -1},
        {"type": "lane.rename", "lane": custom, "title": "Renamed"},
        {"type": "lane.move", "lane": custom, "index": 0},
        {"type": "lane.remove", "lane": custom},
        {"type": "lane.add", "title": "Another"},
        {"type": "agenda.set", "steps": [{"id": opening, "kind": "framing", "minutes": 5}]},
        {"type": "step.go", "step": opening},
        {"type": "groups.split", "count": 2},
        {"type": "groups.set", "pick": True},
        {"type": "group.present"},
        {"type": "groups.clear"},
        {"type": "phase.set", "phase": "scenarios"},
        {"type": "timer.set", "seconds": 60},
        {"type": "board.lock", "locked": True},
        {"type": "private.set", "private": False},
        {"type": "notes.reveal"},
        {"type": "follow.set", "persona": second},
        {"type": "persona.remove", "persona": second},
        {"type": "roadmap.classify", "item": item, "class": "must_have"},
        {"type": "roadmap.adjust", "item": item, "impact": 3, "effort": 3},
        {"type": "roadmap.remove", "item": item},
        {"type": "rules.set", "strong": 3, "light": 3, "expected": 3},
        {"type": "stage.objective", "stage": stage, "objective": "conversion"},
        {"type": "moment.remove", "moment": newest(seen.moments)},
        {"type": "scenario.remove", "scenario": card},
        {"type": "plan.draft"},
        {"type": "plan.move", "row": row, "index": 0},
        {"type": "plan.remove", "row": row},
    ]


async def test_participant_is_refused_every_facilitator_command_of_the_method(
    server: ServerProcess, second_server: ServerProcess, dump: Dump
) -> None:
    """Each facilitator-only command of personas, emotions, lanes, facilitation, roadmap,
    scenarios and the animation plan from a participant is refused with forbidden, the
    workshop's Redis keys stay byte for byte the same; the facilitator's same commands are
    then accepted."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    await ok(host, {"type": "persona.add", "name": "Second"})
    await ok(host, {"type": "lane.add", "title": "Custom"})
    await ok(host, {"type": "private.set", "private": True})
    await ok(pat, add_note(pat, "hidden for now"))
    await ok(pat, {"type": "roadmap.add", "title": "Item"})
    await ok(pat, {"type": "scenario.add", "title": "Card"})
    await ok(pat, {"type": "moment.add", "title": "Moment"})
    await ok(pat, {"type": "plan.add", "title": "Action"})
    await settle(host, pat)
    commands = method_commands(host)
    facilitators = {tags(kind)[0] for kind in FACILITATOR_COMMANDS - _OLDER}
    assert {c["type"] for c in commands} == facilitators, "every one of them, and only them"

    before = await dump(created["workshop"])
    for command in commands:
        assert await refused(pat, command) == "forbidden", command
    assert await dump(created["workshop"]) == before
    for command in commands:
        await ok(host, command)
    seen = await same_boards(host, pat)
    assert (seen.locked, seen.private, seen.phase) == (True, False, "scenarios")
    assert not any(n.hidden for n in seen.notes.values())
    await close_all(host, pat)


# -- save as template -------------------------------------------------------------------------


async def test_a_workshop_saved_as_a_template_starts_a_new_one(server: ServerProcess) -> None:
    """The facilitator saves the workshop as a template over HTTP: it is listed as saved:ID and
    starts a workshop with the same stages and notes; a participant's token gets 403."""
    host, created = await facilitator(server)
    pat = await participant(server, created, "Pat")
    await ok(host, {"type": "stage.rename", "stage": board(host).stages[0].id, "title": "Dream"})
    await ok(pat, add_note(pat, "Browse photos", channel="social"))
    await ok(pat, {**add_note(pat, "Slow site"), "lane": lane(pat, "irritants")})
    await ok(host, {"type": "objective.add", "title": "Convert more", "kpis": "Rate"})
    url = f"/api/workshops/{created['workshop']}/template"
    async with httpx.AsyncClient(base_url=server.base) as http:
        denied = await http.post(url, json={"label": "Mine"}, headers=_bearer(pat.token))
        assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")
        assert (await http.post(url, json={"label": "Mine"})).status_code == 403
        saved = await http.post(url, json={"label": "Our journey"}, headers=_bearer(host.token))
        assert saved.status_code == 201, saved.text
        name = saved.json()["name"]
        assert name.startswith("saved:")
        listed = (await http.get("/api/templates")).json()
    assert {"name": name, "label": "★ Our journey"} in listed
    assert not any("Mine" in entry["label"] for entry in listed)

    again = await create_workshop(server.base, "From the template", template=name)
    copy = BoardClient(server.ws_url, again["workshop"], again["token"])
    await copy.connect()
    source, built = await same_boards(host, pat), board(copy)
    assert [s.title for s in built.stages] == [s.title for s in source.stages]
    assert notes_by_place(built) == notes_by_place(source)
    assert [(o.title, o.kpis) for o in built.objectives] == [
        (o.title, o.kpis) for o in source.objectives
    ]
    await close_all(host, pat, copy)


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def notes_by_place(workshop: Workshop) -> list[tuple[int, int, str, str, str]]:
    """Each note's persona and stage index, lane kind, text and channel, sorted."""
    persona_at = {p.id: i for i, p in enumerate(workshop.personas)}
    stage_at = {s.id: i for i, s in enumerate(workshop.stages)}
    kind = {lane.id: lane.kind for lane in workshop.lanes}
    return sorted(
        (persona_at[n.persona], stage_at[n.stage], kind[n.lane], n.text, n.channel)
        for n in workshop.notes.values()
    )
