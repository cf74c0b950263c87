"""One replica per workshop per process: commits commands in batches, fans entries out.

A room holds the workshop at ``seq`` as this process last saw it. Commands queue up and are
decided in batches against a copy of it, then committed to Redis by one compare-and-set script
(``Store.commit``): if another process committed first, the room catches up from the op log and
decides again. Every entry, ours or another process's, reaches the sockets through ``_accept``,
strictly in seq order, once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import msgspec
from redis.exceptions import RedisError

from server.background import spawn
from server.store import SNAPSHOT_EVERY, Store
from server.versions import save_quietly
from sessions import agenda, errors, groups, views
from sessions.keeping import Draft, decide
from sessions.model import Workshop
from sessions.protocol import (
    Command,
    Entry,
    Event,
    GoToStep,
    GroupsSet,
    Online,
    ParticipantSaved,
    Presence,
    SetPhase,
    encoder,
    entry_decoder,
)
from sessions.rules import Actor, apply_all

log = logging.getLogger("parcours.rooms")

RING = 2000
BATCH = 128
PRESENCE_TTL = 30.0

Resolve = Callable[[int | errors.DomainError], None]


class RoomGone(Exception):
    """The workshop vanished from Redis (deleted, or Redis lost its data)."""


class Admission:
    """How much work waits in this process, and the bounds past which a socket's command is
    refused at once (``rate``: the browser sends it again a little later) instead of queued.

    Bounded by work waiting, not by time: the commands waiting in every room, those of the batch
    being committed included. Deciding, framing and sending a command costs more than its share
    of a commit, so commands, not commits, are what the process can take per second: 256 of them
    are about 100 ms of work on two cores, and bound the ack latency at saturation (measured:
    p99 about 0.2 s past capacity with 128, 1 s with 512). Counting commits let a phone's burst
    of held changes count as one, and queued seconds. A room's queue is bounded too (192), so one
    busy room cannot take the whole process's share; past it a vote of 300 phones at once holds
    the last ones a second, then they come in order. A refused command was never decided: it
    changed nothing, and its op id may be sent again."""

    __slots__ = ("process_queue", "refused", "room_queue", "waiting")

    def __init__(self, room_queue: int = 192, process_queue: int = 256) -> None:
        self.room_queue = room_queue
        self.process_queue = process_queue
        self.waiting = 0
        self.refused = 0


class Outbox(Protocol):
    """One socket's way out, as a room sees it. ``put`` never blocks: a socket that cannot keep
    up is closed (1013, "try again later"); its browser reconnects and resumes from its last
    seq, so it loses nothing, and the room never slows down for it. Frames put after ``close``
    are dropped."""

    @property
    def closed(self) -> bool: ...

    def put(self, frame: str) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


@dataclass(slots=True, eq=False)
class Member:
    conn: str
    participant: str
    role: str
    out: Outbox
    after: int = 0
    """The seq its welcome brought it to: later entries only."""


@dataclass(slots=True)
class _Pending:
    actor: Actor
    command: Command
    done: asyncio.Future[int]


@dataclass(slots=True, eq=False)
class Room:
    id: str
    store: Store
    workshop: Workshop
    seq: int
    epoch: str
    snap: int
    ring: deque[tuple[int, bytes]] = field(default_factory=lambda: deque(maxlen=RING))
    members: dict[str, Member] = field(default_factory=dict)
    idle_since: float = 0.0
    gone: bool = False
    listening: bool = False
    """Redis confirmed this process's subscription to the room's channel (``Hub._hear``)."""
    _pending: deque[_Pending] = field(default_factory=deque)
    _worker: asyncio.Task[None] | None = None
    _sync: asyncio.Lock = field(default_factory=asyncio.Lock)
    _presence_due: asyncio.Task[None] | None = None
    _presence_writing: asyncio.Task[None] | None = None
    _presence_again: bool = False
    _presence_reread: bool = True
    _people: dict[str, Online] | None = None
    """Who is here, as last read from Redis (their names are taken from the board when sent)."""
    _gone: list[str] = field(default_factory=list)
    _outgoing: list[tuple[Entry, bytes]] = field(default_factory=list)
    _flush_at: asyncio.Handle | None = None
    _public: dict[int, tuple[set[str], str]] = field(default_factory=dict)
    admission: Admission = field(default_factory=Admission)
    _committing: int = 0
    """Commands in the batch being committed."""
    _units: int = 0
    """What this room adds to ``admission.waiting`` (see :class:`Admission`)."""

    @property
    def busy(self) -> bool:
        return bool(self._pending) or (self._worker is not None and not self._worker.done())

    # -- commands -------------------------------------------------------------------------

    def admits(self) -> bool:
        """Whether a socket's next command may queue here (see :class:`Admission`)."""
        bounds = self.admission
        if len(self._pending) < bounds.room_queue and bounds.waiting < bounds.process_queue:
            return True
        bounds.refused += 1
        return False

    def submit(self, actor: Actor, command: Command) -> asyncio.Future[int]:
        """Queue a command; the future gives its seq, or raises the DomainError refusing it."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(actor, command, done))
        self._recount()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name=f"room-{self.id}")
        return done

    def _recount(self) -> None:
        units = len(self._pending) + self._committing
        self.admission.waiting += units - self._units
        self._units = units

    async def _work(self) -> None:
        try:
            await self._work_through()
        finally:
            self._committing = 0
            self._recount()
            # Let go of the finished task now: held until the room's next command, each idle
            # room's task, coroutine and frame outlived young collections and filled the old
            # generation, whose full collections then stalled every room for 100-200 ms.
            self._worker = None

    async def _work_through(self) -> None:
        while self._pending and not self.gone:
            batch = [self._pending.popleft() for _ in range(min(BATCH, len(self._pending)))]
            self._committing = len(batch)
            self._recount()
            try:
                await self._commit(batch)
            except RedisError as exc:  # Redis down, a failover, a migration: `unavailable`
                log.warning("commit failed in workshop %s: %r", self.id, exc)
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(exc)
            except Exception as exc:
                log.exception("commit failed in workshop %s", self.id)
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(exc)
        if self.gone:
            while self._pending:
                self._pending.popleft().done.set_exception(RoomGone(self.id))

    async def _commit(self, batch: list[_Pending]) -> None:
        open_items = batch
        while open_items:
            # decide() never changes the workshop: copy it only when a later command of the
            # batch needs the state after this one, and only as deep as its events need.
            work = Draft(self.workshop)
            seq = self.seq
            base = self.seq
            accepted: list[tuple[_Pending, Entry, bytes]] = []
            outcomes: dict[int, int | errors.DomainError] = {}
            in_batch: dict[str, int] = {}
            now = time.time()
            unchanged: list[int] = []
            # The snapshot is the board before this batch (the log after it replays the rest).
            state = encoder.encode(self.workshop) if base - self.snap >= SNAPSHOT_EVERY else None
            for index, item in enumerate(open_items):
                if item.command.op_id in in_batch:  # sent twice before the first was answered
                    outcomes[index] = in_batch[item.command.op_id]
                    continue
                try:
                    events = decide(work.board, item.actor, item.command, now)
                except errors.DomainError as refusal:
                    outcomes[index] = refusal
                    unchanged.append(index)
                    continue
                if not events:
                    outcomes[index] = seq
                    unchanged.append(index)
                    continue
                seq += 1
                if index < len(open_items) - 1:
                    work.apply(events)
                entry = Entry(seq=seq, op_id=item.command.op_id, actor=item.actor.id, events=events)
                accepted.append((item, entry, encoder.encode(entry)))
                in_batch[item.command.op_id] = seq
            if unchanged:
                await self._answer_retries(open_items, unchanged, outcomes)
            if not accepted:
                _settle(open_items, outcomes)
                return
            result = await self.store.commit(
                self.id,
                base,
                self.epoch,
                [(e, raw) for _, e, raw in accepted],
                state,
                listening=self.listening,
            )
            if result.outcome == "ok":
                self.snap = max(self.snap, result.snap)
                for _, entry, raw in accepted:
                    self._accept(entry, raw)
                if any(isinstance(item.command, SetPhase) for item, _, _ in accepted):
                    spawn(save_quietly(self, "phase"))
                if any(isinstance(item.command, GoToStep) for item, _, _ in accepted):
                    # A version at each step change: the board as the room leaves one step.
                    reached = agenda.current(self.workshop)
                    label = (reached.title or reached.kind) if reached is not None else ""
                    spawn(save_quietly(self, "step", label=label))
                by_item = {id(item): entry.seq for item, entry, _ in accepted}
                for index, item in enumerate(open_items):
                    if id(item) in by_item:
                        outcomes[index] = by_item[id(item)]
                _settle(open_items, outcomes)
                return
            if result.outcome == "dup":
                # Retries of commands already committed: answer them with their first seq.
                dup_items = {id(accepted[i][0]): s for i, s in (result.dups or {}).items()}
                for item in open_items:
                    if id(item) in dup_items and not item.done.done():
                        item.done.set_result(dup_items[id(item)])
                open_items = [item for item in open_items if id(item) not in dup_items]
                await self.catch_up()
                continue
            if result.outcome in ("conflict", "epoch"):
                await self.catch_up()
                continue
            self._vanish()
            for item in open_items:
                if not item.done.done():
                    item.done.set_exception(RoomGone(self.id))
            return

    async def _answer_retries(
        self,
        items: list[_Pending],
        unchanged: list[int],
        outcomes: dict[int, int | errors.DomainError],
    ) -> None:
        """Retries now refused or no-ops get their first run's seq: an op id's answer is stable."""
        first = await self.store.op_seqs(self.id, [items[i].command.op_id for i in unchanged])
        for index, seq in zip(unchanged, first, strict=True):
            if seq is not None:
                outcomes[index] = seq

    # -- entries --------------------------------------------------------------------------

    def _accept(self, entry: Entry, raw: bytes) -> bool:
        """Apply and fan out the next entry; anything but seq+1 is ignored here."""
        if entry.seq != self.seq + 1:
            return False
        walls = renames = False
        for event in entry.events:  # one pass, no generator: this runs for every change
            kind = type(event)
            walls = walls or kind is GroupsSet
            renames = renames or kind is ParticipantSaved
        before = self._hidden() if walls else {}
        apply_all(self.workshop, entry.events)
        if walls:
            self._resync_moved_walls(before)
        if renames and self.members:
            renamed = {e.participant.id for e in entry.events if isinstance(e, ParticipantSaved)}
            # Shown by their new name within 200 ms. The list in Redis keeps who is here, and
            # every process names them from its own board, so nothing is written: each process
            # applies this entry and sends its list again.
            here = {m.participant for m in self.members.values()} | set(self._people or ())
            if not renamed.isdisjoint(here):
                self.presence_poke(reread=False)
        self.seq = entry.seq
        self.ring.append((entry.seq, raw))
        self._outgoing.append((entry, raw))
        if self._flush_at is None:
            # Entries accepted in the same turn of the loop leave in one frame per socket.
            self._flush_at = asyncio.get_running_loop().call_soon(self._flush)
        return True

    def _hidden(self) -> dict[str, frozenset[str]]:
        walls = groups.walls(self.workshop)
        return {m.conn: groups.hidden_by(walls, m.participant) for m in self.members.values()}

    def _resync_moved_walls(self, before: dict[str, frozenset[str]]) -> None:
        """The walls between groups moved: whoever now sees other personas' work than before
        reloads a snapshot (an entry cannot bring back notes it never sent them)."""
        self._public.clear()  # renderings made behind the old walls
        for conn, hidden in self._hidden().items():
            if hidden != before.get(conn, hidden):
                self.members[conn].out.close(4001, "resync")

    def _flush(self) -> None:
        self._flush_at = None
        out, self._outgoing = self._outgoing, []
        if not out or not self.members:
            return
        # Each entry is encoded once for the public and once per insider (a voter, the author of
        # a private note), so a storm of N ballots costs O(N) encodings, not O(N^2).
        insiders = [views.insiders(entry, self.workshop) or set() for entry, _ in out]
        special = set().union(*insiders)
        # Behind walls most insiders are there for their group only: one frame per audience
        # (what a viewer may not see), not one per person; who sees an entry their own way
        # (its author, a voter) still gets a frame of their own.
        walls = groups.walls(self.workshop) if special else {}
        own: set[str] = set()
        if walls:
            own = set().union(*(views.personal(entry, self.workshop) or set() for entry, _ in out))
        # The public rendering of an entry that names insiders is made when a viewer needs it:
        # in a room of one, or of insiders only, nobody does.
        public: list[bytes | None] = [
            raw if not named else None for (_, raw), named in zip(out, insiders, strict=True)
        ]
        first = out[0][0].seq
        frames: dict[tuple[object, int], str] = {}
        for member in list(self.members.values()):
            start = max(0, member.after + 1 - first)
            if start >= len(out):
                continue
            viewer = member.participant if member.participant in special else views.PUBLIC
            audience: object = viewer
            if walls and viewer != views.PUBLIC and viewer not in own:
                audience = groups.hidden_by(walls, viewer)
            key = (audience, start)
            frame = frames.get(key)
            if frame is None:
                raws: list[bytes] = []
                for at in range(start, len(out)):
                    entry, raw = out[at]
                    if viewer in insiders[at]:
                        raws.append(self._encode(entry, raw, viewer))
                        continue
                    shown = public[at]
                    if shown is None:
                        shown = public[at] = self._encode(entry, raw, views.PUBLIC)
                    raws.append(shown)
                frame = frames[key] = _frame(raws)
            member.out.put(frame)

    def seen_by(self, raw: bytes, viewer: str) -> str:
        """An entry of the ring as ``viewer`` may see it (for a resuming client).

        Nearly every entry names an insider now (its sender's history): the public rendering of
        each seq is made once and kept, so a reconnect storm costs one redaction per entry, not
        one per entry and client."""
        plain = b'"dots.set"' not in raw and b'"hidden":true' not in raw and b'"history.' not in raw
        if plain and not (self.workshop.grouped and self.workshop.group_walls):
            return raw.decode()
        entry = entry_decoder.decode(raw)
        cached = self._public.get(entry.seq)
        if cached is None:
            named = views.insiders(entry, self.workshop) or set()
            cached = (named, self._encode(entry, raw, views.PUBLIC).decode())
            if len(self._public) >= RING:
                self._public.clear()
            self._public[entry.seq] = cached
        named, public = cached
        return public if viewer not in named else self._encode(entry, raw, viewer).decode()

    def _encode(self, entry: Entry, raw: bytes, viewer: str) -> bytes:
        shown = views.redact(entry, self.workshop, viewer)
        return raw if shown is entry else encoder.encode(shown)

    def on_published(self, raw: bytes) -> None:
        """An entry arrived on the pub/sub channel (ours or another process's)."""
        if raw.startswith(b'{"seq":'):  # our own entries come back: skip them undecoded
            end = raw.find(b",", 7, 40)
            if end > 0 and raw[7:end].isdigit() and int(raw[7:end]) <= self.seq:
                return
        try:
            entry = entry_decoder.decode(raw)
        except msgspec.DecodeError:
            log.warning("undecodable entry on the channel of workshop %s", self.id)
            return
        if entry.seq <= self.seq:
            return
        if not self._accept(entry, raw):
            spawn(self.catch_up())

    async def catch_up(self) -> None:
        """Read what this replica missed from the op log; reload when the log no longer reaches."""
        async with self._sync:
            held = self.seq  # read before Redis: Redis's seq is never below it, unless it lost data
            head = (await self.store.heads([self.id]))[0]
            if head is None:
                self._vanish()
                return
            newest, epoch = head
            if newest < held or epoch != self.epoch:
                if epoch == self.epoch:  # Redis went back in time: entries we hold are gone
                    log.warning(
                        "workshop %s: Redis is at seq %d, behind us (%d)", self.id, newest, held
                    )
                    await self.store.renew_epoch(self.id, self.epoch)
                await self._reload()
                return
            if newest <= self.seq:
                return
            raws = await self.store.read_log_raw(self.id, self.seq + 1, newest)
            for raw in raws:
                entry = entry_decoder.decode(raw)
                if entry.seq > self.seq and not self._accept(entry, raw):
                    break
            if self.seq < newest:
                await self._reload()

    async def _reload(self) -> None:
        loaded = await self.store.load(self.id)
        if loaded is None:
            self._vanish()
            return
        log.warning("workshop %s reloaded from its snapshot (log did not reach)", self.id)
        stale_epoch = loaded.epoch != self.epoch
        self.workshop, self.seq, self.epoch, self.snap = (
            loaded.workshop,
            loaded.seq,
            loaded.epoch,
            loaded.snap,
        )
        self.ring.clear()
        self._public.clear()
        for member in list(self.members.values()):
            member.out.close(4001, "epoch" if stale_epoch else "resync")

    def _vanish(self) -> None:
        self.gone = True
        for member in list(self.members.values()):
            member.out.close(4404, "workshop not found")

    def deleted(self) -> None:
        """The facilitator deleted the workshop: every board is told, with its own close code."""
        self.gone = True
        for member in list(self.members.values()):
            member.out.close(4410, "workshop deleted")

    def events_at(self, seq: int) -> list[Event]:
        """The events of entry ``seq`` if it is still in memory (empty otherwise)."""
        for at, raw in reversed(self.ring):
            if at == seq:
                return entry_decoder.decode(raw).events
            if at < seq:
                break
        return []

    async def backfill(self, last_seq: int) -> None:
        """Put entries after ``last_seq`` from the op log in front of the ring, if they fit.

        The ring only holds what this process saw: a room loaded after a client left (a client
        moving here from a stopped process) would otherwise answer its resume with a snapshot.
        """
        head = self.ring[0][0] if self.ring else self.seq + 1
        missing = head - 1 - last_seq
        if missing <= 0 or len(self.ring) + missing > RING:
            return
        raws = await self.store.read_log_raw(self.id, last_seq + 1, head - 1)
        still = self.ring[0][0] if self.ring else self.seq + 1
        if still != head or len(raws) != missing or len(self.ring) + missing > RING:
            return  # trimmed log, or the ring moved meanwhile: the client gets a snapshot
        for seq, raw in zip(range(head - 1, last_seq, -1), reversed(raws), strict=True):
            self.ring.appendleft((seq, raw))

    def entries_after(self, last_seq: int) -> list[bytes] | None:
        """Entries after ``last_seq`` from memory, or None when the ring does not reach back."""
        if last_seq == self.seq:
            return []
        if not self.ring or self.ring[0][0] > last_seq + 1:
            return None
        return [raw for seq, raw in self.ring if seq > last_seq]

    # -- presence -------------------------------------------------------------------------

    def join(self, member: Member) -> None:
        member.after = self.seq
        self.members[member.conn] = member
        self.presence_changed()

    def leave(self, member: Member) -> None:
        self.members.pop(member.conn, None)
        if not self.members:
            self.idle_since = time.monotonic()
        self.presence_changed(gone=member.conn)

    def presence_changed(self, gone: str | None = None) -> None:
        """Who is here changed: write it to Redis. One write at a time per room, and whatever
        changed meanwhile goes in the next one: a room that 300 phones join (or that its people
        rename themselves in) at once costs a few writes of everyone, not 300."""
        if gone is not None:
            self._gone.append(gone)
        if self._presence_writing is not None and not self._presence_writing.done():
            self._presence_again = True
            return
        self._presence_writing = spawn(self._presence_writes())

    async def _presence_writes(self) -> None:
        again = True
        while again:
            self._presence_again = False
            gone, self._gone = self._gone, []
            await self._presence_write(gone)
            again = self._presence_again

    def presence_rows(self) -> dict[str, bytes]:
        """Who is here through this process, as written to Redis (conn -> JSON)."""
        return {
            m.conn: encoder.encode(
                Online(
                    id=m.participant,
                    name=self._name(m.participant),
                    role="facilitator" if m.role == "facilitator" else "participant",
                )
            )
            for m in self.members.values()
        }

    async def _presence_write(self, gone: list[str]) -> None:
        mine = self.presence_rows()
        try:
            await self.store.presence_touch(self.id, mine, gone, time.time() + PRESENCE_TTL)
            await self.store.publish(self.id, b"presence")
        except RedisError as exc:  # presence is best effort: the next heartbeat repairs it
            log.warning("presence update failed for workshop %s: %r", self.id, exc)
        except Exception:
            log.warning("presence update failed for workshop %s", self.id, exc_info=True)

    def _name(self, participant_id: str) -> str:
        found = self.workshop.participants.get(participant_id)
        return found.name if found else "?"

    def presence_poke(self, reread: bool = True) -> None:
        """Someone joined or left somewhere (``reread``), or was renamed here: send the list
        again, at most every 200 ms."""
        self._presence_reread = self._presence_reread or reread
        if self._presence_due is None or self._presence_due.done():
            self._presence_due = asyncio.create_task(self._presence_send())

    async def _presence_send(self) -> None:
        await asyncio.sleep(0.2)
        if not self.members:
            return
        reread, self._presence_reread = self._presence_reread, False
        people = self._people
        if reread or people is None:
            try:
                found = await self.store.presence(self.id, time.time())
            except RedisError as exc:
                # Volatile, and sent again at the next heartbeat: a slot migration or a failover
                # that outlasts the client's retries is worth a line, not a traceback.
                log.warning("presence read failed for workshop %s: %r", self.id, exc)
                return
            except Exception:
                log.warning("presence read failed for workshop %s", self.id, exc_info=True)
                return
            people = {}
            for raw in found:
                online = msgspec.json.decode(raw, type=Online)
                people[online.id] = online
            self._people = people
        for online in people.values():
            online.name = self._name(online.id)
        ordered = sorted(people.values(), key=lambda o: (o.role != "facilitator", o.name.lower()))
        frame = encoder.encode(Presence(online=ordered)).decode()
        for member in list(self.members.values()):
            member.out.put(frame)
        if self._presence_reread:  # someone came or went while the list was read: again
            self._presence_due = asyncio.create_task(self._presence_send())


def _frame(raws: list[bytes]) -> str:
    if len(raws) == 1:
        return '{"type":"event","entry":' + raws[0].decode() + "}"
    return '{"type":"events","entries":[' + b",".join(raws).decode() + "]}"


def _settle(items: list[_Pending], outcomes: dict[int, int | errors.DomainError]) -> None:
    for index, item in enumerate(items):
        if item.done.done():
            continue
        outcome = outcomes.get(index)
        if isinstance(outcome, errors.DomainError):
            item.done.set_exception(outcome)
        elif outcome is not None:
            item.done.set_result(outcome)
