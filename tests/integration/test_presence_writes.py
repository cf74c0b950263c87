"""Presence is written once per change of a room's crowd, not once per person in it.

A room that many phones join, rename themselves in, or leave within a moment used to write
the whole list of who is here for each of them: 300 phones joining cost 300 writes of up to 300
people. These tests run a room against the real Redis and count the writes it makes.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from server.embedded import EmbeddedRedis
from server.rooms import Member, Room
from server.store import Store
from tests.unit.workshops import fresh

PHONES = 40


class Kept:
    """A socket's way out that keeps what the room sends it (the room writes presence to it)."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.closed = False

    def put(self, frame: str) -> None:
        self.frames.append(frame)

    def close(self, code: int, reason: str) -> None:
        self.closed = True


class Counted(Store):
    """The real store, counting its presence writes."""

    writes = 0

    async def presence_touch(self, *args: Any, **kwargs: Any) -> None:
        self.writes += 1
        await asyncio.sleep(0.01)  # a busy Redis: later changes arrive while this one is out
        await super().presence_touch(*args, **kwargs)


@pytest.fixture
async def room(redis_server: EmbeddedRedis) -> AsyncIterator[Room]:
    client = aioredis.from_url(redis_server.url)
    store = Counted(client)
    workshop = fresh()
    workshop.id = secrets.token_hex(6)
    await store.create(workshop, "facilitator-token")
    workshop_id = workshop.id
    loaded = await store.load(workshop_id)
    assert loaded is not None
    yield Room(
        id=workshop_id,
        store=store,
        workshop=loaded.workshop,
        seq=loaded.seq,
        epoch=loaded.epoch,
        snap=loaded.snap,
    )
    await store.delete(workshop_id)
    await client.aclose()


async def settled(room: Room) -> None:
    """Until the room has made no presence write for a while (each takes about 10 ms here)."""
    store = room.store
    assert isinstance(store, Counted)
    seen, quiet = -1, 0
    while quiet < 10:
        await asyncio.sleep(0.03)
        quiet = quiet + 1 if store.writes == seen else 0
        seen = store.writes


async def online(room: Room) -> set[str]:
    return {conn.decode() for conn in await room.store._r.zrange(f"{{w:{room.id}}}:who", 0, -1)}


async def test_a_crowd_joining_at_once_is_written_in_a_few_writes(room: Room) -> None:
    store = room.store
    assert isinstance(store, Counted)
    members = [Member(f"c{i}", "p1", "participant", Kept()) for i in range(PHONES)]
    for member in members:
        room.join(member)
    await settled(room)
    assert await online(room) == {m.conn for m in members}, "the last write has everyone"
    assert store.writes <= 3, f"{store.writes} writes for {PHONES} joins"

    store.writes = 0
    for _ in range(PHONES):
        room.presence_changed()  # as each of them renames themselves
    await settled(room)
    assert store.writes <= 3

    store.writes = 0
    for member in members[: PHONES // 2]:
        room.leave(member)
    await settled(room)
    assert await online(room) == {m.conn for m in members[PHONES // 2 :]}, "who left is gone"
    assert store.writes <= 3


async def test_a_change_during_a_write_is_written_after_it(room: Room) -> None:
    first = Member("c1", "p1", "participant", Kept())
    room.join(first)
    await asyncio.sleep(0)  # the write of c1 is out
    second = Member("c2", "p1", "participant", Kept())
    room.join(second)
    room.leave(first)
    await settled(room)
    assert await online(room) == {"c2"}
