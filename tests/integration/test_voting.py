"""Dot-voting through real servers: exact under a storm, hidden until revealed, facilitator-only."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

import httpx
import redis.asyncio as aioredis

from server.store import Store
from server.ws import HOLD_MS
from sessions.model import VoteRound
from tests.client import BoardClient, facilitator
from tests.integration.conftest import Dump
from tests.integration.people import close_all, participant, settle
from tests.servers import ServerProcess

T = TypeVar("T")

BUDGET = 3
PER_ITEM = 2
OBJECTIVES = 5
VOTERS = 300


async def bounded(jobs: Iterable[Awaitable[T]], at_once: int = 50) -> list[T]:
    """Await ``jobs`` with at most ``at_once`` of them in flight."""
    gate = asyncio.Semaphore(at_once)

    async def one(job: Awaitable[T]) -> T:
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


async def objectives(host: BoardClient, count: int) -> list[str]:
    for i in range(count):
        assert (await host.call({"type": "objective.add", "title": f"Goal {i}"}))["type"] == "ack"
    assert host.workshop is not None
    return [o.id for o in host.workshop.objectives]


async def start_round(host: BoardClient, **options: Any) -> str:
    ack = await host.call({"type": "round.start", **options})
    assert ack["type"] == "ack", ack
    await host.wait_for(lambda c: c.seq >= ack["seq"])
    assert host.workshop is not None
    return host.workshop.rounds[-1].id


def round_of(client: BoardClient, round_id: str) -> VoteRound:
    assert client.workshop is not None
    return next(r for r in client.workshop.rounds if r.id == round_id)


def me(client: BoardClient) -> str:
    assert client.welcome is not None
    return str(client.welcome["you"]["id"])


def entries(client: BoardClient) -> list[dict[str, Any]]:
    """Every entry the client received, from its welcome on, as the raw frames carried them."""
    assert client.welcome is not None
    found = list(client.welcome.get("entries") or [])
    for message in client.messages:
        if message["type"] == "event":
            found.append(message["entry"])
        elif message["type"] == "events":
            found.extend(message["entries"])
    return found


def leaks(client: BoardClient, round_id: str, revealed_at: int) -> list[Any]:
    """Others' dots that reached ``client`` at all, and the result if before ``revealed_at``."""
    mine = me(client)
    found: list[Any] = []
    assert client.welcome is not None
    snapshot = client.welcome.get("snapshot") or {}
    for vote in snapshot.get("rounds", []):
        if vote["id"] == round_id:
            found += [(v, d) for v, d in vote["dots"].items() if v != mine and d]
            found += [vote["result"]] if vote["result"] is not None else []
    for entry in entries(client):
        for event in entry["events"]:
            if event.get("round") != round_id:
                continue
            if event["type"] == "dots.set" and event["voter"] != mine and event["dots"]:
                found.append(event)
            early = entry["seq"] < revealed_at
            if event["type"] == "round.changed" and event.get("result") is not None and early:
                found.append(event)
    return found


def ranked(totals: dict[str, int], items: list[str]) -> list[dict[str, Any]]:
    """The result a reveal must give: most dots first, the round's order among ties."""
    order = sorted(items, key=lambda item: -totals.get(item, 0))
    return [
        {
            "item": item,
            "dots": totals.get(item, 0),
            "rank": 1 + sum(1 for v in totals.values() if v > totals.get(item, 0)),
        }
        for item in order
    ]


def result_of(client: BoardClient, round_id: str) -> list[dict[str, Any]]:
    result = round_of(client, round_id).result or []
    return [{"item": t.item, "dots": t.dots, "rank": t.rank} for t in result]


async def stored_round(redis_client: aioredis.Redis, workshop_id: str, round_id: str) -> VoteRound:
    """The round as Redis holds it (snapshot plus op log), never redacted."""
    loaded = await Store(redis_client).load(workshop_id)
    assert loaded is not None
    return next(r for r in loaded.workshop.rounds if r.id == round_id)


# -- the whole flow ---------------------------------------------------------------------


async def test_a_vote_from_start_to_reveal_across_two_processes(
    server: ServerProcess, second_server: ServerProcess
):
    """Objectives, a hidden round, dots, refusals, a proxy, a pause and a retry elsewhere: the
    reveal ranks exactly, writes back, and every live replica equals a fresh snapshot."""
    host, created = await facilitator(server)
    pat = await participant(second_server, created, "Pat")
    bob = await participant(server, created, "Bob")
    a, b, c = await objectives(host, 3)
    assert (await host.call({"type": "participant.add", "name": "Zoe"}))["type"] == "ack"
    assert host.workshop is not None
    zoe = next(p.id for p in host.workshop.participants.values() if p.proxy)
    vote = await start_round(host, budget=2, per_item=1)

    async def dot(client: BoardClient, item: str, op_id: str | None = None, **extra: Any) -> str:
        answer = await client.call({"type": "dot.add", "round": vote, "item": item, **extra}, op_id)
        return str(answer.get("code", answer["type"]))

    assert await dot(pat, a, "pat-a") == "ack"
    assert await dot(pat, a) == "vote_refused"  # per item
    assert await dot(pat, b) == "ack"
    assert await dot(pat, c) == "vote_refused"  # budget
    assert await dot(bob, b) == "ack"
    assert await dot(host, c) == "vote_refused"  # the facilitator opted out
    assert await dot(host, c, proxy=zoe) == "ack"
    assert await dot(host, a, proxy=me(pat)) == "forbidden"
    assert await dot(bob, a, proxy=zoe) == "forbidden"

    assert (await host.call({"type": "round.set", "round": vote, "action": "pause"}))["type"] == (
        "ack"
    )
    assert await dot(bob, c) == "vote_refused"
    await host.call({"type": "round.set", "round": vote, "action": "resume"})
    assert await dot(bob, c) == "ack"

    # Pat's first dot again, with its op id, through the other process: answered, not counted.
    again = BoardClient(server.ws_url, pat.workshop_id, pat.token)
    await again.connect()
    first = next(m for m in pat.messages if m.get("op_id") == "pat-a")
    assert await again.call({"type": "dot.add", "round": vote, "item": a}, "pat-a") == first

    await host.call({"type": "round.set", "round": vote, "action": "close"})
    assert await dot(bob, a) == "vote_refused"
    reveal = await host.call({"type": "round.set", "round": vote, "action": "reveal"})
    clients = (host, pat, bob, again)
    await settle(*clients)
    expected = ranked({a: 1, b: 2, c: 2}, [a, b, c])
    assert expected == [
        {"item": b, "dots": 2, "rank": 1},
        {"item": c, "dots": 2, "rank": 1},
        {"item": a, "dots": 1, "rank": 3},
    ]
    for client in clients:
        assert result_of(client, vote) == expected
        assert client.workshop is not None
        assert [o.votes for o in client.workshop.objectives] == [1, 2, 2]
        mine = {me(client)} | ({zoe} if client is host else set())
        ballots = {me(pat): {a: 1, b: 1}, me(bob): {b: 1, c: 1}, zoe: {c: 1}}
        assert round_of(client, vote).dots == {
            voter: dots if voter in mine else {} for voter, dots in ballots.items()
        }
    assert not leaks(bob, vote, reveal["seq"])
    for client in clients:
        fresh = BoardClient(client.ws_url, client.workshop_id, client.token)
        await fresh.connect()
        assert fresh.workshop == client.workshop
        await fresh.close()
    await close_all(*clients)


# -- a storm of dots --------------------------------------------------------------------


class Voter:
    """One simulated phone: its planned dots, retries and over-budget attempts."""

    def __init__(self, index: int, client: BoardClient, items: list[str], vote: str) -> None:
        self.index, self.client, self.vote = index, client, vote
        draw = random.Random(index)
        held: Counter[str] = Counter()
        while held.total() < BUDGET:
            item = draw.choice(items)
            if held[item] < PER_ITEM:
                held[item] += 1
        self.held = held
        self.frames: list[tuple[str, str]] = []  # (op id, item) in sending order
        for n, item in enumerate(sorted(held.elements())):
            op = f"v{index}-{n}"
            self.frames.append((op, item))
            if (index * BUDGET + n) % 10 == 0:  # 10% of the dots are sent twice
                self.frames.append((op, item))
        self.over = [f"v{index}-over"] if index % 7 == 0 else []
        self.frames += [(op, items[0]) for op in self.over]

    async def vote_all(self) -> None:
        sent = Counter(op for op, _ in self.frames)
        for op, item in self.frames:
            await self.client.send({"type": "dot.add", "round": self.vote, "item": item}, op)
        # As the browser: what a busy board refused (`rate`) goes again after the hold, in order.
        for _ in range(60):
            await self.client.wait_for(lambda c: self._answered(sent), 30)
            again = [(op, item) for op, item in dict(self.frames).items() if not self._settled(op)]
            if not again:
                return
            await asyncio.sleep(HOLD_MS / 1000 * 1.1)
            for op, item in again:
                sent[op] += 1
                await self.client.send({"type": "dot.add", "round": self.vote, "item": item}, op)
        raise AssertionError(f"voter {self.index}: still refused after 60 holds")

    def answers(self) -> dict[str, list[dict[str, Any]]]:
        """Every answer of each op id, but ``rate`` (not decided: sent again)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for message in self.client.messages:
            if message["type"] in ("ack", "error") and message.get("code") != "rate":
                found.setdefault(message["op_id"], []).append(message)
        return found

    def _answered(self, sent: Counter[str]) -> bool:
        got = Counter(m["op_id"] for m in self.client.messages if m["type"] in ("ack", "error"))
        return all(got[op] >= n for op, n in sent.items())

    def _settled(self, op: str) -> bool:
        return op in self.answers()

    def all_answered(self) -> bool:
        return all(self._settled(op) for op, _ in self.frames)


async def join_many(base: str, code: str, count: int, offset: int) -> list[dict[str, str]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def one(i: int) -> dict[str, str]:
            answer = await http.post("/api/join", json={"code": code, "name": f"Voter {i}"})
            answer.raise_for_status()
            joined: dict[str, str] = answer.json()
            return joined

        return await bounded(one(offset + 2 * i) for i in range(count))


async def connected(server: ServerProcess, joined: dict[str, str]) -> BoardClient:
    client = BoardClient(server.ws_url, joined["workshop"], joined["token"])
    await client.connect()
    return client


async def test_300_phones_over_two_processes_vote_exactly(
    server: ServerProcess, second_server: ServerProcess, redis_client: aioredis.Redis
):
    """300 participants on 2 processes cast their whole budget at once, 10% of dots retried and
    some over budget: tallies are exact, nobody exceeds the budget, every client converges, and
    no participant's socket ever carried someone else's dots, nor the result before the reveal."""
    host, created = await facilitator(server)
    items = await objectives(host, OBJECTIVES)
    vote = await start_round(host, budget=BUDGET, per_item=PER_ITEM, hidden=True)
    half = VOTERS // 2
    joined = await join_many(server.base, created["code"], half, 0)
    joined += await join_many(second_server.base, created["code"], VOTERS - half, 1)
    places = [server] * half + [second_server] * (VOTERS - half)
    pairs = zip(places, joined, strict=True)
    clients = await bounded((connected(s, j) for s, j in pairs), at_once=25)
    voters = [Voter(i, client, items, vote) for i, client in enumerate(clients)]
    everyone = [host, *clients]
    before_votes = await settle(host)

    await asyncio.gather(*(v.vote_all() for v in voters))
    await asyncio.gather(*(v.client.wait_for(lambda c, v=v: v.all_answered(), 30) for v in voters))

    for v in voters:
        answers = v.answers()
        for op, _ in v.frames:
            if op in v.over:
                assert [a.get("code") for a in answers[op]] == ["vote_refused"], answers[op]
            else:
                assert {a["type"] for a in answers[op]} == {"ack"}, answers[op]
                assert len({a["seq"] for a in answers[op]}) == 1, f"a retry got another seq: {op}"
    dot_seqs = {a["seq"] for v in voters for got in v.answers().values() for a in got if "seq" in a}
    assert len(dot_seqs) == VOTERS * BUDGET, "each dot is one entry, retries none"

    reveal = await host.call({"type": "round.set", "round": vote, "action": "reveal"})
    assert reveal["type"] == "ack"
    await bounded(c.wait_for(lambda c: c.seq >= reveal["seq"], 30) for c in everyone)

    totals = Counter[str]()
    for v in voters:
        totals.update(v.held)
    expected = ranked(dict(totals), items)
    assert sum(t["dots"] for t in expected) == VOTERS * BUDGET
    assert {c.seq for c in everyone} == {reveal["seq"]}
    for client in everyone:
        assert result_of(client, vote) == expected
    stored = await stored_round(redis_client, created["workshop"], vote)
    assert stored.status == "revealed" and stored.voters == VOTERS
    held = {me(v.client): v.held for v in voters}
    assert {voter: Counter(dots) for voter, dots in stored.dots.items()} == held
    assert set(stored.spent.values()) == {BUDGET}
    assert all(max(d.values()) <= PER_ITEM for d in stored.dots.values())
    assert round_of(host, vote).dots == {voter: {} for voter in stored.dots}

    for v in voters:
        assert not leaks(v.client, vote, reveal["seq"]), me(v.client)
        own = [
            e
            for entry in entries(v.client)
            if before_votes < entry["seq"] < reveal["seq"]
            for e in entry["events"]
            if e["type"] == "dots.set" and e["voter"] == me(v.client)
        ]
        assert Counter(own[-1]["dots"]) == v.held, "a voter sees their own dots live"
    for client in [host, *clients[:: VOTERS // 5]]:
        fresh = await connected(server, {"workshop": client.workshop_id, "token": client.token})
        assert fresh.workshop == client.workshop, "a live replica equals a fresh snapshot"
        await fresh.close()
    await bounded(c.close() for c in everyone)


# -- facilitator only -------------------------------------------------------------------


async def test_participant_is_refused_every_facilitator_vote_command(
    server: ServerProcess, second_server: ServerProcess, dump: Dump
):
    """Every facilitator vote command from a participant is refused with forbidden, and the
    workshop's keys in Redis stay byte for byte the same."""
    host, created = await facilitator(server)
    a, b = await objectives(host, 2)
    await host.call({"type": "participant.add", "name": "Zoe"})
    assert host.workshop is not None
    zoe = next(p.id for p in host.workshop.participants.values() if p.proxy)
    vote = await start_round(host, items=[a])
    assert (await host.call({"type": "dot.add", "round": vote, "item": a, "proxy": zoe}))[
        "type"
    ] == "ack"
    pat = await participant(second_server, created, "Pat")
    await settle(host, pat)
    commands: list[dict[str, Any]] = [
        {"type": "objective.add", "title": "Mine"},
        {"type": "objective.edit", "objective": a, "title": "Mine"},
        {"type": "objective.remove", "objective": b},
        {"type": "round.start", "items": [b]},
        *({"type": "round.set", "round": vote, "action": action} for action in _ACTIONS),
        {"type": "participant.add", "name": "Ghost"},
        {"type": "dot.add", "round": vote, "item": a, "proxy": zoe},
        {"type": "dot.remove", "round": vote, "item": a, "proxy": zoe},
    ]
    before = await dump(created["workshop"])
    for command in commands:
        answer = await pat.call(command)
        assert (answer["type"], answer.get("code")) == ("error", "forbidden"), command
    assert await dump(created["workshop"]) == before
    assert pat.workshop is not None and host.workshop is not None
    assert round_of(host, vote).status == "open" and len(host.workshop.objectives) == 2
    await close_all(host, pat)


_ACTIONS = ("pause", "resume", "close", "reveal", "restart")
