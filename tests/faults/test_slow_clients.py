"""Slow and silent clients: one that cannot keep up is cut off and resumes; one that went silent
is found by the ping timeout and leaves the presence list. Neither slows the room."""

from __future__ import annotations

import asyncio
import contextlib
import time

from server.sockets import QUEUE_BYTES
from tests.faults.cluster import Cluster, crowd, join_all, stored_seq
from tests.faults.phones import Phone, Target, paced, stop_all, until, violations
from tests.faults.proxy import Proxy

WRITERS = 10
OPS_PER_SECOND = 100
TEXT = 480
STALL_FRAMES = (QUEUE_BYTES + 256 * 1024) // 750 + 600
"""Entries produced while the reader crawls: what its transport buffer may hold before it is
cut off, plus the server's 256 KB kernel send buffer (frames of about 750 bytes), and a margin."""


async def test_slow_reader_is_cut_off_with_1013_and_resumes(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """A reader too slow for 100 ops/s is closed with 1013, then resumes."""
    [server] = await cluster.serve(1)
    host, writers, created = await crowd([server], WRITERS)
    proxy = await Proxy(server.port, small_buffers=True).start()
    slow = Phone(
        lambda _: Target(proxy.ws_url, proxy.origin), created["workshop"], host.token, "slow"
    )
    slow.start()
    await until(lambda: slow.connected.is_set(), 10, "the slow client connected")
    [link] = proxy.links
    link.throttle(1024)
    stalled_at = host.seq

    async def act(i: int) -> None:
        writer = writers[i % WRITERS]
        text = f"{i} ".ljust(TEXT, "x")
        await writer.order({"type": "note.edit", "note": notes[writer.name], "text": text})

    notes: dict[str, str] = {}
    for writer in writers:
        op = await writer.order({"type": "note.add", **writer.cell(), "text": writer.name})
        await until(lambda: op in writer.acks, 5, "note added")  # noqa: B023 - awaited here
        assert writer.workshop is not None
        notes[writer.name] = next(
            n.id for n in writer.workshop.notes.values() if n.author == writer.me
        )

    writing = asyncio.create_task(paced(OPS_PER_SECOND * 30, OPS_PER_SECOND, act))
    try:
        await until(lambda: host.seq >= stalled_at + STALL_FRAMES, 30, "the room moved on")
        link.throttle(None)  # the reader recovers: it reads what was queued, then the close
        await until(lambda: 1013 in slow.closes, 15, "the slow client was cut off with 1013")
    finally:
        writing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writing
    cut_at = slow.seen[-1] if slow.seen else stalled_at
    everyone = [host, *writers, slow]
    await until(lambda: not any(p.outbox for p in everyone), 10, "every command answered")
    redis = cluster.client()
    newest = await stored_seq(redis, created["workshop"])
    await redis.aclose()
    assert newest is not None
    await until(lambda: all(p.seq == newest for p in everyone), 10, "the slow client caught up")
    assert not violations(everyone)
    assert slow.workshop == host.workshop
    figures["slow reader"] = (
        f"1 KB/s reader under {OPS_PER_SECOND} ops/s: cut off with 1013 "
        f"{cut_at - stalled_at} entries after it stalled, resumed with "
        f"{slow.welcomes[-1]}, caught up"
    )
    await stop_all(everyone)
    await proxy.close()


async def test_silent_client_is_closed_by_ping_timeout_and_leaves_presence(
    cluster: Cluster, figures: dict[str, str]
) -> None:
    """A blackholed client is closed by the ping timeout and leaves presence."""
    [server] = await cluster.serve(1, "--ws-ping-interval", "1", "--ws-ping-timeout", "1")
    host, _, created = await crowd([server], 0)
    proxy = await Proxy(server.port).start()
    [joined] = await join_all([server.base], created["code"], ["Silent"])
    silent = Phone(
        lambda _: Target(proxy.ws_url, proxy.origin), created["workshop"], joined["token"], "s"
    )
    silent.start()
    await until(lambda: silent.connected.is_set(), 10, "the silent client connected")
    await until(lambda: silent.me in host.online, 5, "the facilitator sees the participant")
    [link] = proxy.links
    link.blackhole()
    went_silent = time.monotonic()
    await until(lambda: silent.me not in host.online, 10, "the silent client left presence")
    took = time.monotonic() - went_silent
    assert not silent.closes, "the silent client itself heard nothing"
    figures["silent client"] = (
        f"blackholed client closed by the ping timeout (interval 1 s, timeout 1 s) and gone "
        f"from presence {took:.2f} s after going silent"
    )
    await proxy.close()
    await stop_all([host, silent])
