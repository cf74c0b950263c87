"""The pub/sub feeds of a process, feeding the rooms it holds.

Pub/sub is fire-and-forget: a message lost while a connection is down is never sent again.
So it is only the fast path. Every entry has a seq, every second the hub compares each room's
seq with Redis, and every room whose channel is (re)subscribed catches up from the op log.

One feed is one pub/sub connection. On one Redis there is one feed. On a Redis Cluster with
sharded pub/sub, a shard channel can only be subscribed on its slot's shard: there is one feed
per master that owns a channel of ours, and channels move between feeds when their slot does
(a failover, a migration: Redis tells us with an ``sunsubscribe``, or the feed's connection
dies). On a cluster with classic pub/sub, one feed on any node hears every ``PUBLISH``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from server import redisconn
from server.background import spawn
from server.rooms import PRESENCE_TTL, Admission, Room
from server.store import Store, channel

log = logging.getLogger("parcours.fanout")

SWEEP_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
IDLE_SECONDS = 60.0
_MAIN = "main"
_DATA = ("message", "smessage")


class _Feed:
    """One pub/sub connection and the channels subscribed on it."""

    def __init__(self, name: str, pubsub: Any, sharded: bool, own_client: Any = None) -> None:
        self.name = name
        self.pubsub = pubsub
        self.sharded = sharded
        self.channels: set[str] = set()
        self.leaving: set[str] = set()
        self.task: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        self._own_client = own_client

    async def add(self, name: str) -> None:
        # One at a time: a PubSub connects on its first command, and two first commands at
        # once would each open a connection, only the last of which is ever read.
        async with self.lock:
            if self.sharded:
                await self.pubsub.ssubscribe(name)
            else:
                await self.pubsub.subscribe(name)
            self.channels.add(name)

    async def remove(self, name: str) -> None:
        async with self.lock:
            self.channels.discard(name)
            self.leaving.add(name)
            if self.sharded:
                await self.pubsub.sunsubscribe(name)
            else:
                await self.pubsub.unsubscribe(name)

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
        if self._own_client is not None:
            with contextlib.suppress(Exception):
                await self._own_client.aclose()


class Hub:
    """The rooms of this process, and the feeds that keep them current."""

    def __init__(
        self,
        store: Store,
        client: Any,
        *,
        sharded: bool = False,
        target: redisconn.Target | None = None,
        admission: Admission | None = None,
    ) -> None:
        self.store = store
        self.admission = admission or Admission()
        self.target = target or redisconn.Target(url="", cluster=False)
        self._redis = client
        self.cluster = isinstance(client, RedisCluster)
        self.sharded = sharded
        self.rooms: dict[str, Room] = {}
        self._by_channel: dict[bytes, Room] = {}
        self._loading: dict[str, asyncio.Future[Room | None]] = {}
        self._feeds: dict[str, _Feed] = {}
        self._placed: dict[str, str] = {}
        """channel -> name of the feed it is subscribed on."""
        self._wanted: set[str] = set()
        self._dirty = asyncio.Event()
        self._stale_topology = False
        self._heard: set[bytes] = set()
        """Channels whose subscription Redis confirmed (and has not ended since)."""
        self._gaps: set[str] = set()
        """Channels that were unsubscribed by a fault: their rooms catch up once placed again."""
        self._ready = asyncio.Event()
        self.moves = 0
        """How many times a channel was subscribed again elsewhere (failover, migration)."""

    @property
    def mode(self) -> str:
        return "sharded" if self.sharded else "classic"

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
        name = channel(workshop_id)
        # Subscribe before reading: whatever is committed after the read arrives on the channel.
        self._wanted.add(name)
        await self._place_quietly(name)
        loaded = await self.store.load(workshop_id)
        if loaded is None:
            self._wanted.discard(name)
            await self._unplace(name)
            return None
        room = Room(
            id=workshop_id,
            store=self.store,
            workshop=loaded.workshop,
            seq=loaded.seq,
            epoch=loaded.epoch,
            snap=loaded.snap,
            idle_since=time.monotonic(),
            admission=self.admission,
        )
        room.listening = name.encode() in self._heard
        self.rooms[workshop_id] = room
        self._by_channel[name.encode()] = room
        return room

    # -- feeds ----------------------------------------------------------------------------

    def _owner(self, name: str) -> tuple[str, str, int] | None:
        """The feed a channel belongs on: (feed name, host, port); None while unknown."""
        if not self.cluster:
            return _MAIN, "", 0
        if not self.sharded:
            current = self._feeds.get(_MAIN)
            if current is not None:
                return _MAIN, "", 0
            node = self._redis.get_random_node()
            return _MAIN, node.host, node.port
        try:
            node = self._redis.get_node_from_key(name)
        except RedisError:
            return None
        if node is None:
            return None
        return node.name, node.host, node.port

    async def _feed(self, name: str, host: str, port: int) -> _Feed:
        found = self._feeds.get(name)
        if found is not None:
            return found
        if not self.cluster and not self.target.url:
            feed = _Feed(name, self._redis.pubsub(), self.sharded)
        elif not self.cluster:
            # Its own connection, no retries: a lost connection ends the feed, and every room
            # catches up at once when it is back (a silent reconnect would wait for the sweep).
            client = aioredis.Redis.from_url(
                self.target.url, retry=Retry(NoBackoff(), 0), health_check_interval=10
            )
            feed = _Feed(name, client.pubsub(), self.sharded, own_client=client)
        else:
            # A plain client on that one node, with no retries of its own: when the node dies
            # the feed dies, and its channels are placed again on the new owner.
            client = redisconn.node_client(
                self.target, host, port, retry=Retry(NoBackoff(), 0), health_check_interval=10
            )
            feed = _Feed(name, client.pubsub(), self.sharded, own_client=client)
        self._feeds[name] = feed
        return feed

    async def _place(self, name: str) -> None:
        """Subscribe ``name`` on the feed of its current owner (moving it if it was elsewhere)."""
        owner = self._owner(name)
        if owner is None:
            raise _Unplaced(name)
        feed_name, host, port = owner
        was = self._placed.get(name)
        if was == feed_name and feed_name in self._feeds:
            return
        if was is not None and was in self._feeds:
            old = self._feeds[was]
            with contextlib.suppress(RedisError, OSError):
                await old.remove(name)
        self._placed.pop(name, None)
        feed = await self._feed(feed_name, host, port)
        try:
            await feed.add(name)
        except BaseException:
            if not feed.channels and feed.task is None and self._feeds.get(feed_name) is feed:
                del self._feeds[feed_name]  # never worked (a dead node still in the slot map)
                spawn(feed.close())
            raise
        self._placed[name] = feed_name
        if feed.task is None:
            feed.task = asyncio.create_task(self._listen(feed), name=f"feed-{feed_name}")
        if was is not None or name in self._gaps:
            self._gaps.discard(name)
            self.moves += 1
            room = self._by_channel.get(name.encode())
            if room is not None:  # what was published meanwhile went nowhere: read the log
                spawn(room.catch_up())
                room.presence_poke()

    async def _place_quietly(self, name: str) -> None:
        try:
            await self._place(name)
        except (RedisError, OSError, _Unplaced) as exc:
            log.warning("cannot subscribe %s yet (%s); retrying", name, exc)
            self._stale_topology = True
            self._dirty.set()

    async def _unplace(self, name: str) -> None:
        self._hear(name.encode(), False)
        where = self._placed.pop(name, None)
        feed = self._feeds.get(where) if where else None
        if feed is not None:
            with contextlib.suppress(RedisError, OSError):
                await feed.remove(name)
            if not feed.channels and self._feeds.get(feed.name) is feed:
                del self._feeds[feed.name]
                await feed.close()

    def _lost(self, feed: _Feed, names: set[str]) -> None:
        """These channels of ``feed`` are no longer subscribed: place them again, soon."""
        for name in names:
            self._hear(name.encode(), False)
            feed.channels.discard(name)
            if self._placed.get(name) == feed.name:
                del self._placed[name]
            self._gaps.add(name)
        if self.cluster:
            self._stale_topology = True
        self._dirty.set()

    async def _listen(self, feed: _Feed) -> None:
        try:
            while True:
                message = await feed.pubsub.get_message(timeout=5.0)
                if message is None:
                    continue
                kind = message["type"]
                if kind in _DATA:
                    self._dispatch(message["channel"], message["data"])
                elif kind in ("ssubscribe", "subscribe"):
                    self._hear(message["channel"], True)
                elif kind in ("sunsubscribe", "unsubscribe"):
                    self._hear(message["channel"], False)
                    name = message["channel"].decode()
                    if name in feed.leaving:
                        feed.leaving.discard(name)
                    elif name in feed.channels:  # Redis moved the slot away (failover, migration)
                        log.warning("%s was unsubscribed by Redis (slot moved)", name)
                        self._lost(feed, {name})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("pub/sub feed %s lost (%s); subscribing again", feed.name, exc)
            if self._feeds.get(feed.name) is feed:
                del self._feeds[feed.name]
            feed.task = None
            self._lost(feed, set(feed.channels))
            spawn(feed.close())

    def _hear(self, name: bytes, listening: bool) -> None:
        """Redis confirmed (or ended) a subscription: while it holds, the room's commits are
        published only if another process listens too (see ``Store.commit``)."""
        if listening:
            self._heard.add(name)
        else:
            self._heard.discard(name)
        room = self._by_channel.get(name)
        if room is not None:
            room.listening = listening

    def _dispatch(self, name: bytes, data: bytes) -> None:
        room = self._by_channel.get(name)
        if room is None:
            return
        if data == b"presence":
            room.presence_poke()
        elif data == b"deleted":
            room.deleted()
        else:
            room.on_published(data)

    async def run(self) -> None:
        """Keep every wanted channel subscribed until cancelled; repair after each gap."""
        delay = 0.05
        sweeper = asyncio.create_task(self._sweep_forever(), name="hub-sweep")
        try:
            while True:
                self._dirty.clear()
                try:
                    await self._place_all()
                except (RedisError, OSError, _Unplaced) as exc:
                    log.warning("pub/sub not ready (%s); retrying", exc)
                    self._stale_topology = True
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
                    continue
                delay = 0.05
                self._ready.set()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(SWEEP_SECONDS):
                        await self._dirty.wait()
        finally:
            sweeper.cancel()
            for feed in list(self._feeds.values()):
                await feed.close()
            self._feeds.clear()

    async def _place_all(self) -> None:
        if self._stale_topology and self.cluster:
            await self._redis.nodes_manager.initialize()
            self._stale_topology = False
        if not self.cluster:
            await self._check_main()
        for name in sorted(self._wanted):
            await self._place(name)

    async def _check_main(self) -> None:
        """On one Redis, a feed with no channel yet still tells us Redis is there."""
        if not self._wanted:
            await self._redis.ping()

    # -- the sweep ------------------------------------------------------------------------

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
        if self.cluster and self.sharded:
            for room in rooms:  # the slot map moved (a MOVED seen by a command): follow it
                owner = self._owner(channel(room.id))
                if owner is not None and self._placed.get(channel(room.id)) != owner[0]:
                    self._dirty.set()
                    break
        held = [(room.seq, room.epoch) for room in rooms]  # before Redis: its seq is never lower
        heads = await self.store.heads([r.id for r in rooms])
        now = time.monotonic()
        for room, head, (seq, epoch) in zip(rooms, heads, held, strict=True):
            # Behind, gone, or Redis went back in time: catch_up sorts it out. A head between
            # the seq before the read and the seq now is the room's own commit, landed meanwhile.
            if head is None or head[1] != epoch or not seq <= head[0] <= room.seq:
                spawn(room.catch_up())
        if heartbeat:
            await self._beat([room for room in rooms if room.members and not room.gone])
        for room in rooms:
            if room.gone or (
                not room.members and not room.busy and now - room.idle_since > IDLE_SECONDS
            ):
                self._drop(room)

    async def _beat(self, rooms: list[Room]) -> None:
        """Every room's presence, written again so it outlives the next 30 s (and published
        only where the list changed: see ``Store.presence_beat``). Best effort: a failed beat
        is written again at the next one, 10 s later, well before anyone expires."""
        if not rooms:
            return
        now = time.time()
        beats = [(room.id, room.presence_rows()) for room in rooms]
        try:
            await self.store.presence_beat(beats, now + PRESENCE_TTL, now)
        except RedisError as exc:
            log.warning("presence heartbeat failed: %r", exc)

    def _drop(self, room: Room) -> None:
        room.listening = False
        if self.rooms.get(room.id) is room:
            del self.rooms[room.id]
            name = channel(room.id)
            self._by_channel.pop(name.encode(), None)
            self._wanted.discard(name)
            self._gaps.discard(name)
            spawn(self._unplace(name))


class _Unplaced(Exception):
    """No node owns this channel's slot right now (a failover in progress)."""
