"""Redis: workshop state, sequence numbers, the op log, idempotency and access tokens.

Every key of a workshop carries the hash tag ``{w:ID}`` so that the multi-key commit script
stays legal on a Redis Cluster. Per workshop:

- ``{w:ID}:meta``  hash: ``seq``, ``epoch``, ``state`` (JSON snapshot at ``snap``), ``snap``
- ``{w:ID}:log``   stream of entries, ids ``<seq>-1``, trimmed by count (about ``LOG_KEEP``)
- ``{w:ID}:op:X``  the seq that op id X was committed at, kept ``OP_TTL`` seconds (the
  idempotency window: a browser drops what it could not send within it, see connection.js)
- ``{w:ID}:auth``  hash: sha256(token) -> participant id
- ``{w:ID}:who``   sorted set of online connections (presence), scored by expiry time
- ``{w:ID}:ch``    pub/sub channel carrying each committed entry (a shard channel with
  ``SPUBLISH`` where the server has sharded pub/sub: it lives on the workshop's slot)
- ``{w:ID}:vinfo`` hash: version id -> its description (JSON); ``{w:ID}:vstate`` the board
  (zlib-compressed JSON); at most ``VERSIONS_KEEP``, outside the op log so trimming keeps them
- ``{w:ID}:photo`` hash: photo reference -> JPEG (``server/photos.py``), at most ``PHOTOS_KEEP``;
  never trimmed while the workshop lives (undo may bring a removed photo back), deleted with it

Outside any workshop: ``parcours:code:CODE`` -> workshop id (the join code), and
``parcours:templates`` (saved templates). Each is a single-key lookup, legal on a cluster.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
import zlib
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import AskError, ClusterError, NoScriptError, RedisError, TryAgainError

from server import commitlane
from server.replicawait import Waiter
from sessions.model import Workshop
from sessions.protocol import Entry, encoder, entry_decoder
from sessions.rules import apply_all

LOG_KEEP = 5000
OP_WINDOW_DAYS = 7
OP_TTL = OP_WINDOW_DAYS * 24 * 3600
"""How long a committed op id is remembered: a resend within it is answered, never applied.
board/static/js/connection.js drops outbox entries older than this (less a margin)."""
SNAPSHOT_EVERY = 100
BEAT_CHUNK = 200
"""Heartbeat scripts per write on the commit lane: the commits sent behind them wait for them in
Redis, a millisecond or two a chunk instead of 10-20 ms for 1,500 rooms at once."""
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PHOTOS_KEEP = 60
_SLOT_BUSY_ATTEMPTS = 20
"""Tries of a commit on a slot being migrated: 0.05 s doubling to 0.5 s apart, about 8 s."""

_workshop_decoder = msgspec.json.Decoder(Workshop)

# KEYS: meta, log, op keys (one per entry). ARGV: expected seq, epoch, channel, log keep,
# op ttl, state ('' = keep the old snapshot; else the board at the expected seq, before these
# entries: the replica has it at hand, with no copy to make), the publish command (PUBLISH or
# SPUBLISH: the channel shares the workshop's hash tag, so a shard channel is on this slot),
# '1' to write the op keys of retries again (so that a WAIT after it covers them), the PUBSUB
# subcommand counting the channel's subscribers on this node (NUMSUB, SHARDNUMSUB; '' to
# publish always), how many of them are the committing process (0 or 1), then one entry JSON
# per op key. An entry is published only if some other process listens: the committer applies
# it itself, and a process subscribing later reads the log after its subscribe (fanout.py).
# The script is atomic, so a subscribe lands wholly before it (and is counted) or after it.
_COMMIT = """
local cur = redis.call('HMGET', KEYS[1], 'seq', 'epoch', 'snap')
if not cur[1] then return {'missing'} end
if cur[2] ~= ARGV[2] then return {'epoch', cur[2]} end
local dups = {}
for i = 3, #KEYS do
  local done = redis.call('GET', KEYS[i])
  if done then
    table.insert(dups, i - 2); table.insert(dups, done)
    if ARGV[8] == '1' then redis.call('SET', KEYS[i], done, 'EX', ARGV[5]) end
  end
end
if #dups > 0 then return {'dup', dups} end
if cur[1] ~= ARGV[1] then return {'conflict', cur[1]} end
local seq = tonumber(cur[1])
local others = 1
if ARGV[9] ~= '' then others = redis.call('PUBSUB', ARGV[9], ARGV[3])[2] - tonumber(ARGV[10]) end
for i = 3, #KEYS do
  seq = seq + 1
  local entry = ARGV[i + 8]
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-1', 'e', entry)
  redis.call('SET', KEYS[i], seq, 'EX', ARGV[5])
  if others > 0 then redis.call(ARGV[7], ARGV[3], entry) end
end
local active = redis.call('TIME')[1]
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'seq', seq, 'state', ARGV[6], 'snap', ARGV[1], 'active', active)
  return {'ok', seq, ARGV[1]}
end
redis.call('HSET', KEYS[1], 'seq', seq, 'active', active)
return {'ok', seq, cur[3]}
"""

# KEYS: meta. ARGV: the epoch a replica holds, a new one (set only if the first is current).
_RENEW = """
if redis.call('HGET', KEYS[1], 'epoch') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[2])
end
"""


# KEYS: meta, who, whois. ARGV: expiry, then pairs of member, value: presence is written only
# while the workshop exists, so a heartbeat never brings back a deleted workshop's keys.
_PRESENCE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
end
return 1
"""

# KEYS: meta, who, whois. ARGV: expiry, now, channel, the publish command, then pairs of member,
# value. A heartbeat: the same rows as the last write, and whoever expired (their process went
# without saying goodbye) is dropped. Published only when the list changed, so a room where
# nobody came or went costs one script every 10 s, and nobody rereads it.
_BEAT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local changed = 0
for i = 5, #ARGV, 2 do
  changed = changed + redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
for _, member in ipairs(stale) do
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[3], member)
end
changed = changed + #stale
if changed > 0 then redis.call(ARGV[4], ARGV[3], 'presence') end
return changed
"""

# KEYS: meta, photo. ARGV: reference, JPEG, keep. Written only while the workshop exists.
_PHOTO = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'ok' end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 'ok'
"""

# KEYS: meta, vinfo, vstate. ARGV: info JSON (with "id":"" to fill), packed board, keep.
# Nothing is written once the workshop is gone (deleted meanwhile).
_VERSION = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local id = 'v' .. redis.call('HINCRBY', KEYS[1], 'vnext', 1)
local info = string.gsub(ARGV[1], '"id":""', '"id":"' .. id .. '"', 1)
redis.call('HSET', KEYS[2], id, info)
redis.call('HSET', KEYS[3], id, ARGV[2])
local ids = redis.call('HKEYS', KEYS[2])
local over = #ids - tonumber(ARGV[3])
if over > 0 then
  local numbers = {}
  for i, v in ipairs(ids) do numbers[i] = tonumber(string.sub(v, 2)) end
  table.sort(numbers)
  for i = 1, over do
    redis.call('HDEL', KEYS[2], 'v' .. numbers[i])
    redis.call('HDEL', KEYS[3], 'v' .. numbers[i])
  end
end
return id
"""

VERSIONS_KEEP = 50
VERSION_MAX = 4 * 1024 * 1024
"""Largest compressed board a version holds (a full workshop of 2000 notes is about 300 KB)."""


def _key(workshop_id: str, part: str) -> str:
    return f"{{w:{workshop_id}}}:{part}"


def channel(workshop_id: str) -> str:
    return _key(workshop_id, "ch")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What people type ('k7q-m3p ') to what we store ('K7QM3P')."""
    return "".join(code.split()).replace("-", "").upper()


_Grouped = tuple[list[str], list[bytes | str | int], "asyncio.Future[Any]"]


@dataclass(frozen=True, slots=True)
class Loaded:
    workshop: Workshop
    seq: int
    epoch: str
    snap: int


@dataclass(frozen=True, slots=True)
class CommitResult:
    outcome: Literal["ok", "missing", "epoch", "dup", "conflict"]
    seq: int = 0
    snap: int = 0
    dups: dict[int, int] | None = None


class Store:
    """Every Redis call Parcours makes, on one client (a pool, or a ``RedisCluster``).

    ``sharded`` publishes with ``SPUBLISH`` (Redis 7+). ``wait_replicas`` > 0 acknowledges a
    commit only once that many replicas hold it (``WAIT``); see docs/operations.md.
    """

    def __init__(
        self,
        client: Any,
        *,
        sharded: bool = False,
        wait_replicas: int = 0,
        wait_timeout_ms: int = 500,
        target: Any = None,
    ) -> None:
        self.redis = client
        # redis-py types replies as bytes | str (decode_responses); ours are always bytes.
        self._r: Any = client
        self._commit = client.register_script(_COMMIT)
        self._renew = client.register_script(_RENEW)
        self._presence = client.register_script(_PRESENCE)
        self._beat = client.register_script(_BEAT)
        self._version = client.register_script(_VERSION)
        self._photo = client.register_script(_PHOTO)
        self.sharded = sharded
        self.wait_replicas = wait_replicas
        self.wait_timeout_ms = wait_timeout_ms
        cluster = isinstance(client, RedisCluster)
        self._count_subscribers = "SHARDNUMSUB" if sharded else "" if cluster else "NUMSUB"
        """A classic PUBLISH on a cluster reaches every node's subscribers, which no node can
        count: there, entries are always published."""
        self._grouped = not cluster
        """Commits of one loop turn share a pipeline (on a cluster their keys are on many
        nodes, and each goes on its own)."""
        self._group: list[_Grouped] = []
        pool = getattr(client, "connection_pool", None)
        address = commitlane.for_pool(pool) if self._grouped and pool is not None else None
        self._lane = commitlane.CommitLane(address) if address is not None else None
        self._sending: set[asyncio.Task[None]] = set()
        self._waiter: Any = None
        if wait_replicas > 0:
            self._waiter = Waiter(client, target, _COMMIT, wait_replicas, wait_timeout_ms)

    async def aclose(self) -> None:
        """Close the commit lane (the client is closed by whoever made it)."""
        if self._lane is not None:
            await self._lane.aclose()

    async def ping(self) -> None:
        """Redis answers: one server, or any node of a cluster (a shard failing over leaves
        the others serving, so the process stays in its load balancer)."""
        if isinstance(self.redis, RedisCluster):
            await self._r.ping(target_nodes=RedisCluster.RANDOM)
        else:
            await self._r.ping()

    async def create(self, workshop: Workshop, facilitator_token: str) -> str:
        """Store a new workshop at seq 0 and give it a free join code."""
        epoch = secrets.token_hex(8)
        meta = _key(workshop.id, "meta")
        created = await self._r.hsetnx(meta, "epoch", epoch)
        if not created:
            raise ValueError(f"workshop {workshop.id} exists already")
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(
                meta,
                mapping={
                    "seq": 0,
                    "snap": 0,
                    "state": encoder.encode(workshop),
                    "active": int(time.time()),
                },
            )
            pipe.hset(
                _key(workshop.id, "auth"), token_hash(facilitator_token), _facilitator(workshop)
            )
            await pipe.execute()
        while True:
            code = new_code()
            if await self._r.set(f"parcours:code:{code}", workshop.id, nx=True):
                await self._r.hset(meta, "code", code)
                return code

    async def code_of(self, workshop_id: str) -> str | None:
        code = await self._r.hget(_key(workshop_id, "meta"), "code")
        return code.decode() if code else None

    async def find_code(self, code: str) -> str | None:
        found = await self._r.get(f"parcours:code:{normalise_code(code)}")
        return found.decode() if found else None

    async def exists(self, workshop_id: str) -> bool:
        return bool(await self._r.exists(_key(workshop_id, "meta")))

    async def load(self, workshop_id: str) -> Loaded | None:
        """The workshop at its newest seq: the snapshot plus the log entries after it."""
        raw = await self._r.hmget(_key(workshop_id, "meta"), "seq", "epoch", "state", "snap")
        seq, epoch, state, snap = raw
        if seq is None or state is None or epoch is None:
            return None
        workshop = _workshop_decoder.decode(state)
        at = int(snap or 0)
        for entry in await self.read_log(workshop_id, at + 1, int(seq)):
            if entry.seq != at + 1:
                raise RuntimeError(f"op log of {workshop_id} has a gap after seq {at}")
            apply_all(workshop, entry.events)
            at = entry.seq
        return Loaded(workshop=workshop, seq=at, epoch=epoch.decode(), snap=int(snap or 0))

    async def read_log(self, workshop_id: str, first: int, last: int) -> list[Entry]:
        """Entries ``first..last`` still in the log (the start may have been trimmed)."""
        if last < first:
            return []
        rows = await self._r.xrange(_key(workshop_id, "log"), f"{first}-1", f"{last}-1")
        return [entry_decoder.decode(fields[b"e"]) for _, fields in rows]

    async def read_log_raw(self, workshop_id: str, first: int, last: int) -> list[bytes]:
        if last < first:
            return []
        rows = await self._r.xrange(_key(workshop_id, "log"), f"{first}-1", f"{last}-1")
        return [fields[b"e"] for _, fields in rows]

    async def heads(self, workshop_ids: list[str]) -> list[tuple[int, str] | None]:
        """Each workshop's (seq, epoch) in Redis, or None where Redis has no such workshop."""
        found: list[Any]
        if self._lane is not None:  # every second for every room: the lean way
            metas = [_key(workshop_id, "meta") for workshop_id in workshop_ids]
            asked = [commitlane.pack("HMGET", meta, "seq", "epoch") for meta in metas]
            found = await self._lane.call(asked)
            for reply in found:
                if isinstance(reply, Exception):
                    raise reply
        else:
            async with self._r.pipeline(transaction=False) as pipe:
                for workshop_id in workshop_ids:
                    pipe.hmget(_key(workshop_id, "meta"), "seq", "epoch")
                found = await pipe.execute()
        return [(int(s), e.decode()) if s is not None and e is not None else None for s, e in found]

    async def renew_epoch(self, workshop_id: str, epoch: str) -> None:
        """Give the workshop a new epoch if it is still at ``epoch``.

        For when Redis went back in time (a restore, or the last second lost by a crash with
        ``appendfsync everysec``): replicas and browsers hold entries Redis no longer has, under
        seqs it will hand out again. A new epoch sends them all back to a snapshot.
        """
        await self._renew(keys=[_key(workshop_id, "meta")], args=[epoch, secrets.token_hex(8)])

    async def commit(
        self,
        workshop_id: str,
        expected: int,
        epoch: str,
        entries: list[tuple[Entry, bytes]],
        state: bytes | None,
        listening: bool = False,
    ) -> CommitResult:
        """Append ``entries`` atomically, if the seq is still ``expected``.

        ``listening``: Redis confirmed this process's subscription to the workshop's channel,
        so the entries are published only if another subscriber is counted there too."""
        keys = [_key(workshop_id, "meta"), _key(workshop_id, "log")]
        keys += [_key(workshop_id, f"op:{entry.op_id}") for entry, _ in entries]
        args: list[bytes | str | int] = [
            str(expected),
            epoch,
            channel(workshop_id),
            LOG_KEEP,
            OP_TTL,
            state or b"",
            "SPUBLISH" if self.sharded else "PUBLISH",
            "1" if self._waiter is not None else "",
            self._count_subscribers,
            1 if listening else 0,
        ]
        args += [raw for _, raw in entries]
        if self._waiter is not None:
            reply = await self._waiter.commit(keys, args)
        elif self._grouped:
            reply = await self._grouped_commit(keys, args)
        else:
            reply = await self._run_commit(keys, args)
        outcome = reply[0].decode()
        if outcome == "ok":
            return CommitResult("ok", seq=int(reply[1]), snap=int(reply[2] or 0))
        if outcome == "conflict":
            return CommitResult("conflict", seq=int(reply[1]))
        if outcome == "dup":
            flat = reply[1]
            dups = {int(flat[i]) - 1: int(flat[i + 1]) for i in range(0, len(flat), 2)}
            return CommitResult("dup", dups=dups)
        if outcome == "epoch":
            return CommitResult("epoch")
        return CommitResult("missing")

    async def _grouped_commit(self, keys: list[str], args: list[bytes | str | int]) -> Any:
        """The script, sent with every other room's commit of this turn of the loop in one
        pipeline: one write and one read for them all, not one round trip each. Each script
        is still atomic on its own, and answered on its own."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._group.append((keys, args, future))
        if len(self._group) == 1:  # after the other rooms that run in this turn have queued
            asyncio.get_running_loop().call_soon(self._send_group)
        return await future

    def _send_group(self) -> None:
        group, self._group = self._group, []
        task = asyncio.create_task(self._run_group(group), name="commit-group")
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _run_group(self, group: list[_Grouped]) -> None:
        sha = self._commit.sha
        if len(group) == 1 and self._lane is None:
            replies: list[Any] = [None]
        else:
            try:
                if self._lane is not None:
                    replies = await self._lane.call(
                        [commitlane.pack("EVALSHA", sha, len(k), *k, *a) for k, a, _ in group]
                    )
                else:
                    async with self._r.pipeline(transaction=False) as pipe:
                        for keys, args, _ in group:
                            pipe.evalsha(sha, len(keys), *keys, *args)
                        replies = await pipe.execute(raise_on_error=False)
            except Exception as exc:  # Redis down: each room answers `unavailable`
                for *_, future in group:
                    if not future.done():
                        future.set_exception(exc)
                return
        for (keys, args, future), reply in zip(group, replies, strict=True):
            try:
                if reply is None or isinstance(reply, NoScriptError):  # one at a time
                    reply = await self._run_commit(keys, args)
            except Exception as exc:
                reply = exc
            if future.done():
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _run_commit(self, keys: list[str], args: list[bytes | str | int]) -> Any:
        """The script, retried while its slot is half migrated: Redis runs a multi-key script on
        neither side then (``TRYAGAIN``; redis-py gives up after 16 tries, well within a
        migration). A retry of a commit that did run is answered ``dup``: never applied twice."""
        delay = 0.05
        for attempt in range(_SLOT_BUSY_ATTEMPTS):
            try:
                return await self._commit(keys=keys, args=args)
            except NoScriptError:  # pragma: no cover - redis-py reloads the script itself
                return await self._commit(keys=keys, args=args)
            except (TryAgainError, AskError, ClusterError):
                if attempt == _SLOT_BUSY_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
        raise RedisError("unreachable")  # pragma: no cover

    async def op_seq(self, workshop_id: str, op_id: str) -> int | None:
        """The seq a command with ``op_id`` was committed at, if it was (within OP_TTL)."""
        found = await self._r.get(_key(workshop_id, f"op:{op_id}"))
        return int(found) if found is not None else None

    async def op_seqs(self, workshop_id: str, op_ids: list[str]) -> list[int | None]:
        """For each op id, the seq it was committed at (within OP_TTL), or None."""
        found = await self._r.mget([_key(workshop_id, f"op:{op_id}") for op_id in op_ids])
        return [int(s) if s is not None else None for s in found]

    async def grant(self, workshop_id: str, token: str, participant_id: str) -> None:
        await self._r.hset(_key(workshop_id, "auth"), token_hash(token), participant_id)

    async def who_holds(self, workshop_id: str, token: str) -> str | None:
        """The participant id a token grants in this workshop, or None."""
        found = await self._r.hget(_key(workshop_id, "auth"), token_hash(token))
        return found.decode() if found else None

    async def presence_touch(
        self, workshop_id: str, members: dict[str, bytes], gone: list[str], expires: float
    ) -> None:
        key = _key(workshop_id, "who")
        if gone:
            async with self._r.pipeline(transaction=False) as pipe:
                pipe.hdel(_key(workshop_id, "whois"), *gone)
                pipe.zrem(key, *gone)
                await pipe.execute()
        if members:
            flat: list[bytes | str | float] = [expires]
            for member, value in members.items():
                flat += [member, value]
            keys = [_key(workshop_id, "meta"), key, _key(workshop_id, "whois")]
            await self._presence(keys=keys, args=flat)

    async def presence_beat(
        self, beats: list[tuple[str, dict[str, bytes]]], expires: float, now: float
    ) -> list[int]:
        """Every room's heartbeat in one go: each room's rows (conn -> JSON) live until
        ``expires``, and whoever expired by ``now`` is dropped. For each room, how much its list
        changed; a changed list is published as ``presence``, so every process sends it again.

        On one server they go on the commit lane, ``BEAT_CHUNK`` rooms a write: 1,500 rooms cost
        about as much as a few of them did through the pool, one by one."""
        calls: list[tuple[list[str], list[bytes | str | float]]] = []
        publish = "SPUBLISH" if self.sharded else "PUBLISH"
        for workshop_id, rows in beats:
            keys = [_key(workshop_id, part) for part in ("meta", "who", "whois")]
            args: list[bytes | str | float] = [expires, now, channel(workshop_id), publish]
            for member, value in rows.items():
                args += [member, value]
            calls.append((keys, args))
        replies: list[Any] = [None] * len(calls)
        if self._lane is not None:
            sha = self._beat.sha
            for start in range(0, len(calls), BEAT_CHUNK):
                chunk = calls[start : start + BEAT_CHUNK]
                replies[start : start + len(chunk)] = await self._lane.call(
                    [commitlane.pack("EVALSHA", sha, 3, *k, *a) for k, a in chunk]
                )
        changed: list[int] = []
        for (keys, args), reply in zip(calls, replies, strict=True):
            if reply is None or isinstance(reply, NoScriptError):  # no lane, or a fresh Redis
                reply = await self._beat(keys=keys, args=args)
            elif isinstance(reply, Exception):
                raise reply
            changed.append(int(reply))
        return changed

    async def presence(self, workshop_id: str, now: float) -> list[bytes]:
        key = _key(workshop_id, "who")
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.zrangebyscore(key, "-inf", now)
            pipe.zrangebyscore(key, now, "+inf")
            stale, live = await pipe.execute()
        if stale:
            async with self._r.pipeline(transaction=False) as pipe:
                pipe.zrem(key, *stale)
                pipe.hdel(_key(workshop_id, "whois"), *stale)
                await pipe.execute()
        if not live:
            return []
        found = await self._r.hmget(_key(workshop_id, "whois"), live)
        return [f for f in found if f is not None]

    async def save_template(self, template_id: str, raw: bytes) -> None:
        await self._r.hset("parcours:templates", template_id, raw)

    async def saved_templates(self) -> dict[str, bytes]:
        found: dict[bytes, bytes] = await self._r.hgetall("parcours:templates")
        return {k.decode(): v for k, v in found.items()}

    async def saved_template(self, template_id: str) -> bytes | None:
        found: bytes | None = await self._r.hget("parcours:templates", template_id)
        return found

    async def publish(self, workshop_id: str, message: bytes) -> None:
        if self.sharded:
            await self._r.spublish(channel(workshop_id), message)
        else:
            await self._r.publish(channel(workshop_id), message)

    # -- photos ---------------------------------------------------------------------------

    async def save_photo(
        self, workshop_id: str, ref: str, jpeg: bytes
    ) -> Literal["ok", "missing", "full"]:
        """Keep a persona's photo: ``missing`` when the workshop is gone, ``full`` past
        ``PHOTOS_KEEP`` photos."""
        keys = [_key(workshop_id, "meta"), _key(workshop_id, "photo")]
        found = await self._photo(keys=keys, args=[ref, jpeg, PHOTOS_KEEP])
        return "full" if found == b"full" else "missing" if found == b"missing" else "ok"

    async def photo(self, workshop_id: str, ref: str) -> bytes | None:
        found: bytes | None = await self._r.hget(_key(workshop_id, "photo"), ref)
        return found

    async def photos(self, workshop_id: str) -> dict[str, bytes]:
        """Every photo a workshop keeps, by reference."""
        found: dict[bytes, bytes] = await self._r.hgetall(_key(workshop_id, "photo"))
        return {k.decode(): v for k, v in found.items()}

    # -- versions, deletion, retention ----------------------------------------------------

    async def save_version(self, workshop_id: str, info: bytes, board: bytes) -> str | None:
        """Keep a version (``info`` with an empty ``id``, the board compressed), dropping the
        oldest beyond ``VERSIONS_KEEP``; its id, or None when the workshop is gone."""
        packed = zlib.compress(board, 6)
        if len(packed) > VERSION_MAX:
            raise ValueError(
                f"a version of workshop {workshop_id} would exceed {VERSION_MAX} bytes"
            )
        keys = [_key(workshop_id, "meta"), _key(workshop_id, "vinfo"), _key(workshop_id, "vstate")]
        found = await self._version(keys=keys, args=[info, packed, VERSIONS_KEEP])
        return found.decode() if found else None

    async def versions(self, workshop_id: str) -> list[bytes]:
        """The descriptions of a workshop's versions, oldest first."""
        found: dict[bytes, bytes] = await self._r.hgetall(_key(workshop_id, "vinfo"))
        return [found[k] for k in sorted(found, key=lambda v: int(v[1:]))]

    async def version_board(self, workshop_id: str, version_id: str) -> bytes | None:
        packed: bytes | None = await self._r.hget(_key(workshop_id, "vstate"), version_id)
        return zlib.decompress(packed) if packed is not None else None

    async def delete(self, workshop_id: str) -> int:
        """Remove every key of a workshop (and its join code); how many keys went."""
        code = await self.code_of(workshop_id)
        # The meta key first: commits and presence writes check it, so nothing comes back.
        removed = int(await self._r.unlink(_key(workshop_id, "meta")))
        pattern = f"{{w:{workshop_id}}}:*"
        batch: list[bytes] = []
        async for key in self._r.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                removed += int(await self._r.unlink(*batch))
                batch = []
        if batch:
            removed += int(await self._r.unlink(*batch))
        if code and await self._r.get(f"parcours:code:{code}") == workshop_id.encode():
            removed += int(await self._r.unlink(f"parcours:code:{code}"))
        return removed

    async def idle_since(self, before: float) -> list[str]:
        """Workshops with no change since ``before`` (seconds since the epoch)."""
        found: list[str] = []
        async for key in self._r.scan_iter(match="{w:*}:meta", count=1000):
            active = await self._r.hget(key, "active")
            if active is None:  # stored before activity was recorded: idle from now on
                await self._r.hsetnx(key, "active", int(time.time()))
            elif float(active) < before:
                found.append(key.decode()[3:].split("}", 1)[0])
        return found


def _facilitator(workshop: Workshop) -> str:
    for participant in workshop.participants.values():
        if participant.role == "facilitator":
            return participant.id
    raise ValueError("a workshop needs a facilitator")
