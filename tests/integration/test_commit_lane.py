"""The commit lane (server/commitlane.py) against the real Redis: replies in order, errors as
values, a lost connection replaced, a hung server given up on; and the commit script publishing
an entry only when some other process listens."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError, NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeout

from server import commitlane
from server.commitlane import Address, CommitLane, pack
from server.embedded import EmbeddedRedis
from server.fanout import Hub
from server.store import Store, channel
from sessions.protocol import Entry, NoteDeleted, encoder
from tests.unit.workshops import fresh


@pytest.fixture
async def client(redis_server: EmbeddedRedis) -> AsyncIterator[aioredis.Redis]:
    found = aioredis.from_url(redis_server.url)
    yield found
    await found.aclose()


def _lane(client: aioredis.Redis, deadline: float = commitlane.DEADLINE) -> CommitLane:
    address = commitlane.for_pool(client.connection_pool)
    assert address is not None
    return CommitLane(address, deadline)


async def test_replies_come_back_in_order_with_errors_as_values(client: aioredis.Redis) -> None:
    """Each command's reply is in its place; an error reply is an exception in the list, and a
    script Redis does not hold is a NoScriptError (the store then sends it the slow way)."""
    lane = _lane(client)
    key = f"lane:{secrets.token_hex(4)}"
    try:
        replies = await lane.call(
            [
                pack("SET", key, "1"),
                pack("INCR", key),
                pack("HGET", key, "x"),  # wrong type
                pack("EVALSHA", "0" * 40, 0),
                pack("GET", key),
            ]
        )
    finally:
        await lane.aclose()
    assert replies[:2] == [b"OK", 2]
    assert isinstance(replies[2], ResponseError) and "WRONGTYPE" in str(replies[2])
    assert isinstance(replies[3], NoScriptError)
    assert replies[4] == b"2"


async def test_the_database_of_the_url_is_the_lanes(redis_server: EmbeddedRedis) -> None:
    """A URL naming database 3 has the lane write there too, not in database 0."""
    url = redis_server.url.rsplit("/", 1)[0] + "/3"
    client = aioredis.from_url(url)
    lane = _lane(client)
    key = f"lane:db:{secrets.token_hex(4)}"
    try:
        await lane.call([pack("SET", key, "here")])
        assert await client.get(key) == b"here"
        zero = aioredis.from_url(redis_server.url)
        assert await zero.get(key) is None
        await zero.aclose()
    finally:
        await lane.aclose()
        await client.delete(key)
        await client.aclose()


async def test_a_connection_killed_between_two_turns_is_replaced(client: aioredis.Redis) -> None:
    """Redis dropping the lane's idle connection (a timeout, a restart) costs no error: the
    commands go again on a new connection."""
    lane = _lane(client)
    try:
        await lane.call([pack("CLIENT", "SETNAME", "lane-under-test")])
        killed = await client.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        assert int(killed) >= 1
        await asyncio.sleep(0.05)
        assert await lane.call([pack("PING")]) == [b"PONG"]
    finally:
        await lane.aclose()


async def test_a_server_that_does_not_answer_is_given_up_on(
    client: aioredis.Redis, redis_server: EmbeddedRedis
) -> None:
    """Past the deadline the commands fail with a timeout (their rooms answer `unavailable`),
    and the next call, once Redis answers again, works on a new connection."""
    lane = _lane(client, deadline=0.3)
    try:
        await lane.call([pack("PING")])
        sleeper = aioredis.from_url(redis_server.url)
        blocked = asyncio.create_task(sleeper.execute_command("DEBUG", "SLEEP", "1"))
        await asyncio.sleep(0.05)
        with pytest.raises(RedisTimeout):
            await lane.call([pack("PING")])
        await blocked
        await sleeper.aclose()
        assert await lane.call([pack("PING")]) == [b"PONG"]
    finally:
        await lane.aclose()


async def test_an_unreachable_redis_is_a_connection_error() -> None:
    """Nothing listening: a ConnectionError (a RedisError), never a hang or an OSError."""
    lane = CommitLane(Address(host="127.0.0.1", port=1), deadline=2.0)
    with pytest.raises(ConnectionError):
        await lane.call([pack("PING")])


def test_only_plain_connections_get_a_lane() -> None:
    """TLS and cluster clients keep redis-py's path; TCP and unix sockets get a lane."""
    tls = aioredis.BlockingConnectionPool.from_url("rediss://u:pw@example.org:6380/0")
    assert commitlane.for_pool(tls) is None
    unix = aioredis.BlockingConnectionPool.from_url("unix:///tmp/r.sock?db=2")
    assert commitlane.for_pool(unix) == Address(path="/tmp/r.sock", db=2)
    tcp = aioredis.BlockingConnectionPool.from_url("redis://:pw@h:7000/1")
    assert commitlane.for_pool(tcp) == Address(host="h", port=7000, password="pw", db=1)


async def test_an_entry_is_published_only_when_another_process_listens(
    client: aioredis.Redis,
) -> None:
    """The committer applies its entries itself: with Redis counting it as the only subscriber
    nothing is published; with one more subscriber (another process) every entry is."""
    store = Store(client)
    workshop = fresh()
    workshop.id = secrets.token_hex(6)
    await store.create(workshop, "facilitator-token")
    other = client.pubsub()
    await other.subscribe(channel(workshop.id))
    assert (await other.get_message(timeout=2))["type"] == "subscribe"  # type: ignore[index]

    loaded = await store.load(workshop.id)
    assert loaded is not None

    async def commit(seq: int, listening: bool) -> None:
        entry = Entry(seq=seq, op_id=f"op{seq}", actor="p1", events=[NoteDeleted(note="n9")])
        raw = encoder.encode(entry)
        done = await store.commit(
            workshop.id, seq - 1, loaded.epoch, [(entry, raw)], None, listening=listening
        )
        assert done.outcome == "ok"

    try:
        await commit(1, listening=True)  # Redis counts one subscriber: taken to be us
        assert await other.get_message(timeout=0.3) is None
        await commit(2, listening=False)  # that one is someone else: they hear it
        message = await other.get_message(timeout=2)
        assert message is not None and message["data"].startswith(b'{"seq":2')
    finally:
        await other.aclose()
        await store.aclose()


async def test_a_room_knows_once_redis_confirmed_its_subscription(client: aioredis.Redis) -> None:
    """The hub marks a room as listening when Redis confirms the subscribe (not when it is sent),
    and no longer once the room is dropped."""
    store = Store(client)
    hub = Hub(store, client)
    workshop = fresh()
    workshop.id = secrets.token_hex(6)
    await store.create(workshop, "facilitator-token")
    runner = asyncio.create_task(hub.run())
    try:
        room = await hub.room(workshop.id)
        assert room is not None
        for _ in range(200):
            if room.listening:
                break
            await asyncio.sleep(0.01)
        assert room.listening
        counted = await client.execute_command("PUBSUB", "NUMSUB", channel(workshop.id))
        assert int(counted[1]) == 1
        hub._drop(room)
        await asyncio.sleep(0.1)
        assert not room.listening
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await store.aclose()
