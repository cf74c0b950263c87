"""Resume: a client that was away gets exactly what it missed, or a snapshot when the log no
longer reaches back; op ids are remembered for the idempotency window (``OP_TTL``)."""

from __future__ import annotations

from typing import Any

import pytest

from server.store import LOG_KEEP, OP_TTL
from tests.client import BoardClient
from tests.faults.cluster import Cluster, crowd
from tests.faults.phones import Phone, bounded, stop_all, until
from tests.servers import ServerProcess

AWAY = 1000
WRITERS = 10


async def write(writers: list[Phone], count: int) -> None:
    """``count`` note edits spread over the writers (each stays under its rate burst)."""
    per = count // len(writers)
    assert per * len(writers) == count and per <= 100

    async def one(writer: Phone) -> None:
        assert writer.workshop is not None
        note = next(n for n in writer.workshop.notes.values() if n.author == writer.me)
        for i in range(per):
            await writer.order({"type": "note.edit", "note": note.id, "text": f"v{i}"})
        await until(lambda: not writer.outbox, 60, f"{writer.name}'s edits answered")

    await bounded((one(w) for w in writers), at_once=len(writers))


async def board(servers: list[ServerProcess], writers: int) -> tuple[Phone, list[Phone]]:
    host, phones, _ = await crowd(servers, writers)
    for phone in phones:
        await phone.order({"type": "note.add", **phone.cell(), "text": phone.name})
    await until(lambda: not any(p.outbox for p in phones), 10, "notes added")
    await until(lambda: len({p.seq for p in [host, *phones]}) == 1, 10, "everyone settled")
    return host, phones


def away_client(server: ServerProcess, host: Phone) -> BoardClient:
    return BoardClient(server.ws_url, host.workshop_id, host.token)


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same-process", "other-process"])
async def test_away_for_1000_ops_gets_exactly_what_it_missed(
    cluster: Cluster, elsewhere: bool
) -> None:
    """Away for 1,000 changes: exactly those entries, once, in order, no snapshot."""
    servers = await cluster.serve(2)
    host, writers = await board(servers, WRITERS)
    away = away_client(servers[0], host)
    await away.connect()
    left_at = away.seq
    await away.close()
    await write(writers, AWAY)
    await until(lambda: host.seq == left_at + AWAY, 10, "the host saw every change")

    away.ws_url = servers[1].ws_url if elsewhere else servers[0].ws_url
    away.origin = servers[1].base if elsewhere else servers[0].base
    welcome = await away.connect(resume=True)
    assert welcome.get("snapshot") is None, "no snapshot within 1,000 changes"
    assert [e["seq"] for e in welcome["entries"]] == list(range(left_at + 1, left_at + AWAY + 1))
    assert away.seen[-AWAY:] == list(range(left_at + 1, left_at + AWAY + 1))
    assert away.workshop == host.workshop
    await away.close()
    await stop_all([host, *writers])


async def test_beyond_the_log_a_snapshot_and_op_ids_still_remembered(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """Beyond the trimmed log a snapshot; op ids remembered for the whole window."""
    servers = await cluster.serve(1)
    host, writers = await board(servers, 60)
    first = writers[0]
    assert first.workshop is not None
    added = next(op for op in first.acks)
    note = next(n.id for n in first.workshop.notes.values() if n.author == first.me)
    edit = await first.order({"type": "note.edit", "note": note, "text": "first edit"})
    await until(lambda: edit in first.acks, 5, "the edit answered")
    away = away_client(servers[0], host)
    await away.connect()
    left_at = away.seq
    await away.close()

    for start in range(0, len(writers), WRITERS):
        await write(writers[start : start + WRITERS], 1000)
    redis: Any = cluster.client()
    workshop = host.workshop_id
    oldest = await redis.xrange(f"{{w:{workshop}}}:log", "-", "+", count=1)
    kept_from = int(oldest[0][0].split(b"-")[0])
    assert kept_from > left_at + 1, "the log was trimmed past the client's last seq"
    await until(lambda: host.seq == left_at + 6000, 10, "the host saw every change")

    welcome = await away.connect(resume=True)
    assert welcome.get("snapshot") is not None and welcome["seq"] == host.seq
    assert away.workshop == host.workshop

    ttl = await redis.ttl(f"{{w:{workshop}}}:op:{added}")
    assert OP_TTL - 60 <= ttl <= OP_TTL, "op ids are remembered for the whole window (7 days)"
    deleted = await first.order({"type": "note.delete", "note": note})
    await until(lambda: deleted in first.acks, 5, "the delete answered")
    seq = host.seq
    answered = {added: first.acks.pop(added), edit: first.acks.pop(edit)}
    await first.order({"type": "note.add", **first.cell(), "text": first.name}, added)
    await first.order({"type": "note.edit", "note": note, "text": "first edit"}, edit)
    await until(lambda: added in first.acks and edit in first.acks, 5, "the retries answered")
    assert {added: first.acks[added], edit: first.acks[edit]} == answered, "their first answers"
    assert host.seq == seq, "retries applied nothing"
    figures["resume"] = (
        f"{AWAY} missed entries replayed exactly (no snapshot); after 6,000 changes the log kept "
        f"seq {kept_from}.. (LOG_KEEP {LOG_KEEP}): a snapshot; op key TTL {ttl} s"
    )
    await away.close()
    await redis.aclose()
    await stop_all([host, *writers])
