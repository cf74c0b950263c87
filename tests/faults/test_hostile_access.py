"""Hostile access: foreign origins are refused before Redis is touched; missing, forged or
borrowed tokens and a participant's facilitator commands are refused and change nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sessions.commands import FACILITATOR_COMMANDS
from sessions.protocol import tags as union_tags
from tests.client import BoardClient, facilitator, join
from tests.faults.cluster import Cluster
from tests.faults.conftest import Dump
from tests.faults.rawws import RawSocket
from tests.servers import ServerProcess

ALLOWED = "https://board.example.org"
HOSTILE = [
    "https://evil.example",
    "null",
    None,
    "https://board.example.org.evil.com",
    "https://board.example.org@evil.com",
    "https://evil.board.example.org",
    "http://board.example.org",
    "wss://board.example.org",
    "https://board.example.org:8443",
    "https://board.example.org/",
    "https://board.example.org\r\nX-Injected: 1",
    "{own}",
]


async def command_calls(redis: Any) -> dict[str, int]:
    """Calls per Redis command so far, without the ones that read no data (INFO, PING)."""
    stats = await redis.info("commandstats")
    return {
        name: int(value["calls"])
        for name, value in stats.items()
        if name not in ("cmdstat_info", "cmdstat_ping")
    }


async def test_hostile_origins_are_refused_before_any_redis_command(cluster: Cluster) -> None:
    """Hostile origins get 403 at the handshake and Redis runs no command for them."""
    [server] = await cluster.serve(1, "--allow-origin", ALLOWED)
    async with httpx.AsyncClient(base_url=server.base) as http:
        created = (await http.post("/api/workshops", json={"title": "Origins"})).json()
    redis: Any = cluster.client()  # one connection: its own handshake is counted once
    before = await command_calls(redis)
    for origin in HOSTILE:
        shown = server.base if origin == "{own}" else origin
        if shown is not None and "\r\n" in shown:
            shown = shown.replace("\r\n", " ")  # a header cannot hold a line break
        raw = await RawSocket.open(server.port, shown)
        assert raw.status == 403, origin
        raw.close()
    assert await command_calls(redis) == before, "a refused handshake ran Redis commands"
    raw = await RawSocket.open(server.port, ALLOWED)  # the control: an allowed origin does
    assert raw.status == 101
    assert (await raw.hello(created["workshop"], created["token"]))["type"] == "welcome"
    raw.close()
    assert await command_calls(redis) != before
    await redis.aclose()


BAD_HELLOS: list[tuple[str, dict[str, Any], str, int]] = [
    ("no-token", {"workshop": "{w}"}, "invalid", 1008),
    ("empty-token", {"workshop": "{w}", "token": ""}, "invalid", 1008),
    ("token-too-long", {"workshop": "{w}", "token": "x" * 129}, "invalid", 1008),
    ("token-not-a-string", {"workshop": "{w}", "token": 12345}, "invalid", 1008),
    ("forged-token", {"workshop": "{w}", "token": "bm90IGEgdG9rZW4gYXQgYWxs"}, "not_found", 4404),
    ("other-workshop-token", {"workshop": "{w}", "token": "{other}"}, "not_found", 4404),
    ("other-participant-token", {"workshop": "{w}", "token": "{stranger}"}, "not_found", 4404),
    ("token-for-no-workshop", {"workshop": "zzzzzzzz", "token": "{token}"}, "not_found", 4404),
    ("bad-workshop-id", {"workshop": "../../etc", "token": "{token}"}, "invalid", 1008),
]


@pytest.mark.parametrize(
    ("name", "fields", "code", "close"), BAD_HELLOS, ids=[b[0] for b in BAD_HELLOS]
)
async def test_missing_forged_or_borrowed_token_is_refused(
    server: ServerProcess, dump: Dump, name: str, fields: dict[str, Any], code: str, close: int
) -> None:
    """A missing, forged or borrowed token is refused and changes no key."""
    host, created = await facilitator(server)
    other, other_created = await facilitator(server)
    stranger = await join(server.base, other_created["code"], "Stranger")
    values = {
        "{w}": created["workshop"],
        "{other}": other_created["token"],
        "{stranger}": stranger["token"],
        "{token}": created["token"],
    }
    hello: dict[str, Any] = {"type": "hello", "protocol": 1}
    for key, value in fields.items():
        hello[key] = values.get(value, value) if isinstance(value, str) else value
    before = [await dump(created["workshop"]), await dump(other_created["workshop"])]
    raw = await RawSocket.open(server.port, server.base)
    await raw.send_text(json.dumps(hello))
    texts, closed = await raw.texts_until_close()
    assert [(t["type"], t["code"]) for t in texts] == [("error", code)], name
    assert closed == close, name
    raw.close()
    assert [await dump(created["workshop"]), await dump(other_created["workshop"])] == before
    await host.close()
    await other.close()


def protocol_tags(classes: frozenset[type]) -> list[str]:
    """The ``type`` tag of each command class."""
    return [tag for cls in classes for tag in union_tags(cls)]


def _facilitator_commands() -> dict[str, dict[str, Any]]:
    """One well-formed example of every facilitator-only command (ids need not exist: the role
    is checked first)."""
    return {
        "stage.add": {"title": "Mine"},
        "stage.rename": {"stage": "s1", "title": "Mine"},
        "stage.move": {"stage": "s1", "index": 2},
        "stage.remove": {"stage": "s1", "with_notes": True},
        "workshop.rename": {"title": "Mine"},
        "objective.add": {"title": "Mine"},
        "objective.edit": {"objective": "o1", "title": "Mine"},
        "objective.remove": {"objective": "o1"},
        "round.start": {},
        "round.set": {"round": "r1", "action": "reveal"},
        "participant.add": {"name": "Ghost"},
        "persona.move": {"persona": "a1", "index": 1},
        "persona.remove": {"persona": "a1", "with_notes": True},
        "emotion.fix": {"persona": "a1", "stage": "s1", "value": -2},
        "lane.add": {"title": "Mine"},
        "lane.rename": {"lane": "l1", "title": "Mine"},
        "lane.move": {"lane": "l1", "index": 1},
        "lane.remove": {"lane": "l1", "with_notes": True},
        "phase.set": {"phase": "vote"},
        "timer.set": {"seconds": 60},
        "board.lock": {"locked": True},
        "private.set": {"private": True},
        "notes.reveal": {},
        "follow.set": {"persona": "a1"},
        "roadmap.classify": {"item": "m1", "class": "waow"},
        "roadmap.adjust": {"item": "m1", "impact": 5, "effort": 1},
        "roadmap.remove": {"item": "m1"},
        "rules.set": {"strong": 4, "light": 2, "expected": 3},
        "scenario.remove": {"scenario": "c1"},
        "moment.remove": {"moment": "m1"},
        "stage.objective": {"stage": "s1", "objective": "loyalty"},
        "agenda.set": {"steps": [{"kind": "vote"}]},
        "step.go": {"step": "g1"},
        "groups.split": {"count": 2},
        "group.edit": {"group": "k1", "name": "Mine"},
        "group.move": {"participant": "p2", "group": "k1"},
        "groups.set": {"grouped": True},
        "groups.clear": {},
        "group.present": {"group": "k1"},
        "plan.move": {"row": "y1", "index": 1},
        "plan.remove": {"row": "y1"},
        "plan.draft": {},
    }


async def test_participant_is_refused_every_facilitator_command(
    server: ServerProcess, dump: Dump
) -> None:
    """Every facilitator command from a participant is forbidden; keys unchanged."""
    examples = _facilitator_commands()
    tags = set(protocol_tags(FACILITATOR_COMMANDS))
    assert set(examples) == tags, "an example for each facilitator command, no more"
    host, created = await facilitator(server)
    joined = await join(server.base, created["code"], "Pat")
    pat = BoardClient(server.ws_url, created["workshop"], joined["token"])
    await pat.connect()
    before = await dump(created["workshop"])
    for kind, fields in examples.items():
        answer = await pat.call({"type": kind, **fields})
        assert (answer["type"], answer.get("code")) == ("error", "forbidden"), kind
    assert await dump(created["workshop"]) == before
    async with httpx.AsyncClient(base_url=server.base) as http:
        for token in (joined["token"], "forged", None):
            headers = {"authorization": f"Bearer {token}"} if token else {}
            path = f"/api/workshops/{created['workshop']}/export/csv"
            assert (await http.get(path, headers=headers)).status_code == 403
            template = f"/api/workshops/{created['workshop']}/template"
            refused = await http.post(template, headers=headers, json={"label": "Mine"})
            assert refused.status_code == 403
    assert await dump(created["workshop"]) == before
    await pat.close()
    await host.close()
