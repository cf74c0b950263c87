"""One Redis pub/sub connection per process, feeding the rooms this process holds.

Pub/sub is fire-and-forget: a message lost while the connection is down is never sent again.
So it is only the fast path. Every entry has a seq, every second the hub compares each room's
seq with Redis, and after a reconnect every room catches up from the op log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.background import spawn
from server.rooms import Room
from server.store import Store, channel

log = logging.getLogger("parcours.fanout")

SWEEP_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
IDLE_SECONDS = 60.0
_HOME = "parcours:hub"


class Hub:
    """The rooms of this process, and the one listener that feeds them."""

    def __init__(self, store: Store, client: aioredis.Redis) -> None:
        self.store = store
        self._redis = client
        self.rooms: dict[str, Room] = {}
        self._by_channel: dict[bytes, Room] = {}
        self._loading: dict[str, asyncio.Future[Room | None]] = {}
        self._pubsub: aioredis.client.PubSub | None = None
        self._ready = asyncio.Event()

    async def room(self, workshop_id: str) -> Room | None:
        """The room of a workshop, loaded (and subscribed) on first use; None if none exists."""
        found = self.rooms.get(workshop_id)
        if found is not None and not found.gone:
            found.idle_since = time.monotonic()  # not swept while its new socket settles in
            return found
        pending = self._loading.get(workshop_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Room | None] = asyncio.get_running_loop().create_future()
        self._loading[workshop_id] = future
        try:
            room = await self._load(workshop_id)
            future.set_result(room)
            return room
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: the caller gets it raised below
            raise
        finally:
            del self._loading[workshop_id]

    async def _load(self, workshop_id: str) -> Room | None:
        await self._ready.wait()
        # Subscribe before reading: whatever is committed after the read arrives on the channel.
        await self._subscribe(channel(workshop_id))
        loaded = await self.store.load(workshop_id)
        if loaded is None:
            await self._unsubscribe(channel(workshop_id))
            return None
        room = Room(
            id=workshop_id,
            store=self.store,
            workshop=loaded.workshop,
            seq=loaded.seq,
            epoch=loaded.epoch,
            snap=loaded.snap,
            idle_since=time.monotonic(),
        )
        self.rooms[workshop_id] = room
        self._by_channel[channel(workshop_id).encode()] = room
        return room

    async def _subscribe(self, name: str) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError):
                await self._pubsub.subscribe(name)

    async def _unsubscribe(self, name: str) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError):
                await self._pubsub.unsubscribe(name)

    async def run(self) -> None:
        """Listen until cancelled, reconnecting with capped backoff; repair after each gap."""
        delay = 0.05
        sweeper = asyncio.create_task(self._sweep_forever(), name="hub-sweep")
        try:
            while True:
                try:
                    await self._listen()
                except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                    log.warning("pub/sub connection lost (%s); reconnecting", exc)
                    self._ready.clear()
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
                    continue
                delay = 0.05
        finally:
            sweeper.cancel()
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _listen(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._pubsub = pubsub
        await pubsub.subscribe(_HOME, *[c.decode() for c in self._by_channel])
        self._ready.set()
        await self._repair_all()
        while True:
            message = await pubsub.get_message(timeout=5.0)
            if message is None or message["type"] != "message":
                continue
            room = self._by_channel.get(message["channel"])
            if room is None:
                continue
            data: bytes = message["data"]
            if data == b"presence":
                room.presence_poke()
            elif data == b"deleted":
                room.deleted()
            else:
                room.on_published(data)

    async def _repair_all(self) -> None:
        for room in list(self.rooms.values()):
            spawn(room.catch_up())
            room.presence_poke()

    async def _sweep_forever(self) -> None:
        beat = time.monotonic()
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self._sweep(heartbeat=time.monotonic() - beat >= HEARTBEAT_SECONDS)
            except RedisError as exc:
                log.warning("sweep failed: %s", exc)
                continue
            except Exception:
                log.exception("sweep failed")
                continue
            if time.monotonic() - beat >= HEARTBEAT_SECONDS:
                beat = time.monotonic()

    async def _sweep(self, heartbeat: bool) -> None:
        rooms = list(self.rooms.values())
        if not rooms:
            return
        held = [(room.seq, room.epoch) for room in rooms]  # before Redis: its seq is never lower
        heads = await self.store.heads([r.id for r in rooms])
        now = time.monotonic()
        for room, head, mine in zip(rooms, heads, held, strict=True):
            if head != mine:  # behind, gone, or Redis went back in time: catch_up sorts it out
                spawn(room.catch_up())
            if heartbeat:
                await room.heartbeat()
            if room.gone or (
                not room.members and not room.busy and now - room.idle_since > IDLE_SECONDS
            ):
                self._drop(room)

    def _drop(self, room: Room) -> None:
        if self.rooms.get(room.id) is room:
            del self.rooms[room.id]
            self._by_channel.pop(channel(room.id).encode(), None)
            spawn(self._unsubscribe(channel(room.id)))
