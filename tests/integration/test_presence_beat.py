"""The presence heartbeat: every room's rows written again in one go, published only on change.

Every 10 s each process writes who is here through it again, so that its people outlive the
30 s expiry, and drops whoever expired (their process stopped without saying goodbye). A room
where nobody came or went is not published: before, every heartbeat made every process reread
every room's list and send it to every phone. These run the store against the real Redis, on
the commit lane and through the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator

import msgspec
import pytest
import redis.asyncio as aioredis

from server import store as store_module
from server.embedded import EmbeddedRedis
from server.fanout import Hub
from server.rooms import Member
from server.store import Store, channel
from tests.integration.test_presence_writes import Kept
from tests.unit.workshops import fresh

TTL = 30.0


@pytest.fixture(params=["lane", "pool"])
async def store(
    request: pytest.FixtureRequest, redis_server: EmbeddedRedis
) -> AsyncIterator[Store]:
    client = aioredis.from_url(redis_server.url)
    made = Store(client)
    if request.param == "pool":
        await made.aclose()
        made._lane = None  # as on a cluster, or behind TLS: each room's script on its own
    yield made
    await made.aclose()
    await client.aclose()


async def _workshop(store: Store) -> str:
    workshop = fresh()
    workshop.id = secrets.token_hex(6)
    await store.create(workshop, "facilitator-token")
    return workshop.id


async def _published(store: Store, workshop_id: str, beat: object) -> list[bytes]:
    """What the room's channel carried while ``beat`` (a coroutine) ran."""
    pubsub = store.redis.pubsub()
    await pubsub.subscribe(channel(workshop_id))
    await pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    await beat  # type: ignore[misc]
    heard: list[bytes] = []
    while (message := await pubsub.get_message(timeout=0.3)) is not None:
        if message["type"] == "message":
            heard.append(message["data"])
    await pubsub.aclose()
    return heard


async def _online(store: Store, workshop_id: str) -> dict[str, bytes]:
    rows = await store.redis.hgetall(f"{{w:{workshop_id}}}:whois")
    return {k.decode(): v for k, v in rows.items()}


async def test_an_unchanged_room_is_written_again_and_not_published(store: Store) -> None:
    room = await _workshop(store)
    rows = {"c1": b'{"id":"p1"}', "c2": b'{"id":"p2"}'}
    now = time.time()
    await store.presence_touch(room, rows, [], now + 5)
    heard = await _published(store, room, store.presence_beat([(room, rows)], now + TTL, now))
    assert heard == []
    expiry = await store.redis.zscore(f"{{w:{room}}}:who", "c1")
    assert expiry == pytest.approx(now + TTL), "the beat moved its expiry on"


async def test_whoever_expired_is_dropped_and_the_room_told(store: Store) -> None:
    room = await _workshop(store)
    now = time.time()
    await store.presence_touch(room, {"gone": b'{"id":"p9"}'}, [], now - 1)  # a stopped process
    mine = {"c1": b'{"id":"p1"}'}
    await store.presence_touch(room, mine, [], now + 5)
    changed: list[list[int]] = []

    async def beat() -> None:
        changed.append(await store.presence_beat([(room, mine)], now + TTL, now))

    heard = await _published(store, room, beat())
    assert changed == [[1]]
    assert heard == [b"presence"]
    assert await _online(store, room) == mine
    assert [m.decode() for m in await store.presence(room, time.time())] == ['{"id":"p1"}']


async def test_rows_redis_lost_are_written_back_and_told(store: Store) -> None:
    room = await _workshop(store)
    mine = {"c1": b'{"id":"p1"}'}  # never written: as after a failover that lost the last write
    now = time.time()
    heard = await _published(store, room, store.presence_beat([(room, mine)], now + TTL, now))
    assert heard == [b"presence"]
    assert await _online(store, room) == mine


async def test_many_rooms_in_one_beat_each_answered_on_its_own(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BEAT_CHUNK", 2)  # writes of 2, 2 and 1 on the lane
    rooms = [await _workshop(store) for _ in range(5)]
    now = time.time()
    for room in rooms[:3]:
        await store.presence_touch(room, {"c": b"{}"}, [], now + 5)
    found = await store.presence_beat([(room, {"c": b"{}"}) for room in rooms], now + TTL, now)
    assert found == [0, 0, 0, 1, 1]


async def test_a_deleted_workshop_gets_no_keys_back(store: Store) -> None:
    room = await _workshop(store)
    await store.delete(room)
    now = time.time()
    assert await store.presence_beat([(room, {"c1": b"{}"})], now + TTL, now) == [0]
    assert await store.redis.exists(f"{{w:{room}}}:who", f"{{w:{room}}}:whois") == 0


async def test_a_redis_that_forgot_the_script_still_beats(store: Store) -> None:
    room = await _workshop(store)
    await store.redis.script_flush()  # as a restarted Redis: EVALSHA answers NOSCRIPT
    now = time.time()
    assert await store.presence_beat([(room, {"c1": b"{}"})], now + TTL, now) == [1]
    assert await store.presence_beat([(room, {"c1": b"{}"})], now + TTL, now) == [0]


async def test_a_sweep_tells_a_room_s_phones_that_someone_s_process_stopped(
    store: Store,
) -> None:
    """The hub's heartbeat drops a person whose process went without a goodbye, and the phones
    in the room get the list without them; the next beat, with nothing new, sends nothing."""
    hub = Hub(store, store.redis)
    room_id = await _workshop(store)
    runner = asyncio.create_task(hub.run())
    try:
        room = await hub.room(room_id)
        assert room is not None
        for _ in range(200):
            if room.listening:
                break
            await asyncio.sleep(0.01)
        out = Kept()
        room.join(Member("c1", "p-host", "facilitator", out))
        ghost = b'{"id":"p-ghost","name":"Ghost","role":"participant"}'
        await store.presence_touch(room_id, {"ghost": ghost}, [], time.time() + 0.6)
        await asyncio.sleep(1.0)  # the join's list (with the ghost) is out; the ghost expired
        out.frames.clear()
        await hub._sweep(heartbeat=True)
        for _ in range(100):
            if out.frames:
                break
            await asyncio.sleep(0.02)
        lists = [msgspec.json.decode(f) for f in out.frames]
        assert lists and all(m["type"] == "presence" for m in lists)
        assert "p-ghost" not in {o["id"] for o in lists[-1]["online"]}
        assert await _online(store, room_id) == room.presence_rows()

        out.frames.clear()
        await hub._sweep(heartbeat=True)
        await asyncio.sleep(0.5)  # a list would come 200 ms after the publish
        assert out.frames == []
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
