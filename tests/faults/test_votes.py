"""Votes under faults: a dot is counted at most once and budgets hold while processes die."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from server.store import Store
from tests.faults.cluster import Cluster, crowd, durability_report, op_log
from tests.faults.phones import paced, stop_all, until, violations

VOTERS = 300
ATTEMPTS = 20
BUDGET = 5
PER_ITEM = 2
OBJECTIVES = 8
PER_SECOND = 500


def plan(index: int, vote: str, items: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """A voter's ~20 attempts: adds (some over budget or over the per-item cap), removes (some
    of dots it does not hold), and resends of earlier ones with their op ids."""
    draw = random.Random(index)
    attempts: list[tuple[str, dict[str, Any]]] = []
    for n in range(ATTEMPTS):
        roll = draw.random()
        if attempts and roll > 0.8:
            attempts.append(draw.choice(attempts))  # the same op id again
            continue
        kind = "dot.add" if roll < 0.55 else "dot.remove"
        attempts.append(
            (f"v{index}-{n}", {"type": kind, "round": vote, "item": draw.choice(items)})
        )
    return attempts


async def test_300_voters_with_retries_while_two_processes_die(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """300 voters retrying while 2 processes die: budgets hold, tallies exact."""
    servers = await cluster.serve(4)
    host, voters, created = await crowd(servers, VOTERS, prefix="v", replica=False)
    for i in range(OBJECTIVES):
        await host.order({"type": "objective.add", "title": f"Goal {i}"})
    started = await host.order({"type": "round.start", "budget": BUDGET, "per_item": PER_ITEM})
    await until(lambda: started in host.acks and host.seq >= host.acks[started], 10, "round open")
    assert host.workshop is not None
    items = [o.id for o in host.workshop.objectives]
    vote = host.workshop.rounds[-1].id
    plans = [plan(i, vote, items) for i in range(VOTERS)]
    total = VOTERS * ATTEMPTS
    kills = {total // 3: servers[0], 2 * total // 3: servers[2]}

    async def act(i: int) -> None:
        if i in kills:
            kills[i].kill()
        voter, attempt = i % VOTERS, i // VOTERS
        op, command = plans[voter][attempt]
        await voters[voter].order(command, op)

    await paced(total, PER_SECOND, act)
    everyone = [host, *voters]
    await until(lambda: not any(p.outbox for p in everyone), 30, "every attempt answered")
    reveal = await host.order({"type": "round.set", "round": vote, "action": "reveal"})
    await until(lambda: reveal in host.acks, 10, "revealed")
    await until(lambda: host.seq >= host.acks[reveal], 10, "the host saw the reveal")
    assert not violations(everyone)

    redis = cluster.client()
    loaded = await Store(redis).load(created["workshop"])
    assert loaded is not None
    stored = next(r for r in loaded.workshop.rounds if r.id == vote)
    over = [v for v, spent in stored.spent.items() if spent > BUDGET]
    assert not over, "nobody spends more than the budget"
    assert all(max(d.values(), default=0) <= PER_ITEM for d in stored.dots.values())
    assert {v: sum(d.values()) for v, d in stored.dots.items() if d} == {
        v: s for v, s in stored.spent.items() if s
    }
    for voter in voters:
        commands = dict(plans[int(voter.name[1:])])
        adds = sum(1 for op in voter.acks if commands[op]["type"] == "dot.add")
        removes = len(voter.acks) - adds
        assert stored.spent.get(voter.me, 0) == adds - removes, f"{voter.name}: dots counted once"
        assert set(voter.acks) | set(voter.refused) == set(commands), "every op id answered"
    tallies = Counter[str]()
    for dots in stored.dots.values():
        tallies.update(dots)
    assert stored.result is not None
    assert {t.item: t.dots for t in stored.result} == {item: tallies[item] for item in items}
    assert host.workshop.rounds[-1].result == stored.result
    log = await op_log(redis, created["workshop"])
    assert durability_report(everyone, log) == {"missing": [], "doubled": [], "moved": []}
    moved = sum(1 for v in voters if 1006 in v.closes)
    figures["votes under faults"] = (
        f"{VOTERS} voters x {ATTEMPTS} attempts ({total} frames, {sum(len(v.acks) for v in voters)}"
        f" acked, {sum(len(v.refused) for v in voters)} refused) over 4 processes, 2 SIGKILLed "
        f"({moved} voters moved): 0 over budget, {sum(tallies.values())} dots = sum of tallies"
    )
    await stop_all(everyone)
    await redis.aclose()
