"""One simulated phone: its socket, what it has seen (seq checks) and the changes it makes.

Every received ``event`` is checked against the phone's last seq: ``seq == last + 1`` is in
order; a seq above that leaves a gap (remembered: if the missing seq arrives later it was
reordered, if it never does it was lost); a seq at or below ``last`` that was not a gap is a
duplicate. Each change a phone makes only touches its own notes, so no change is ever refused
because of another phone, and the notes of a room stay bounded (``cap`` per phone).
"""

from __future__ import annotations

import asyncio
import heapq
import random
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import msgspec

from bench.wire import Socket, open_socket

if TYPE_CHECKING:
    from bench.loadgen import Worker


class _EntryHead(msgspec.Struct):
    seq: int
    op_id: str = ""
    events: msgspec.Raw = msgspec.Raw(b"[]")


class _You(msgspec.Struct):
    id: str


class _Message(msgspec.Struct):
    type: str
    entry: _EntryHead | None = None
    op_id: str | None = None
    seq: int | None = None
    epoch: str | None = None
    you: _You | None = None
    entries: list[_EntryHead] | None = None
    snapshot: msgspec.Raw = msgspec.Raw(b"")
    code: str | None = None
    retry_ms: int | None = None


RETRY_CODES = frozenset({"rate", "unavailable"})
"""Refusals that mean "not done, send it again later" (board/static/js/connection.js)."""
WINDOW = 16
"""Changes a phone has on the wire at once, unanswered, as the browser (connection.js)."""

TEAM, TEAM_N, TEAM_LAST, AT_SERVER = 8, 9, 10, 11
"""Where a change's record (``bench.loadgen``) holds its team, the team's receivers and last
arrival, and the last arrival through the first server."""
LISTENER = "*"
"""The team of a phone that only listens (the facilitator): it counts in every team."""


class _Id(msgspec.Struct):
    id: str


class _Cells(msgspec.Struct):
    personas: list[_Id]
    stages: list[_Id]
    lanes: list[_Id]


class _GroupHead(msgspec.Struct):
    members: list[str] = []
    persona: str = ""


class _Groups(msgspec.Struct):
    groups: list[_GroupHead] = []


class _NoteHead(msgspec.Struct):
    id: str
    version: int = 1


class _Saved(msgspec.Struct):
    type: str
    note: _NoteHead | str | None = None
    """Absent from the other events of the entry (its sender's ``history.shown``, say)."""


_decode = msgspec.json.Decoder(_Message).decode
_decode_cells = msgspec.json.Decoder(_Cells).decode
_decode_groups = msgspec.json.Decoder(_Groups).decode
_decode_events = msgspec.json.Decoder(list[_Saved]).decode
_encode = msgspec.json.Encoder().encode

WORDS = (
    "queue",
    "refund",
    "app crash",
    "friendly staff",
    "late train",
    "clear price",
    "wifi",
    "lost luggage",
    "quick checkout",
    "no signage",
    "helpful chatbot",
    "long form",
)


class Phone:
    """A participant's socket and replica bookkeeping (no board: only seqs and own notes)."""

    __slots__ = (
        "adding",
        "cap",
        "closes",
        "connected_at",
        "epoch",
        "gaps",
        "held",
        "index",
        "inflight",
        "made",
        "me",
        "notes",
        "outbox",
        "pending",
        "port",
        "rcvbuf",
        "room",
        "seq",
        "server",
        "sock",
        "stalled_phase",
        "team",
        "token",
        "unsent",
        "welcomed",
        "window",
        "worker",
    )

    SIO = False
    """Speak Socket.IO (the peer) rather than the Parcours protocol."""

    def __init__(
        self, worker: Worker, room: Any, index: int, token: str, server: int, team: str = ""
    ) -> None:
        self.worker = worker
        self.room = room
        self.index = index
        self.token = token
        self.server = server
        self.team = team
        self.port = worker.plan.ports[server]
        self.sock: Socket | None = None
        self.seq = 0
        self.epoch: str | None = None
        self.me = ""
        self.gaps: set[int] = set()
        self.notes: list[str] = []
        self.pending: dict[str, str] = {}
        self.adding = 0
        """Adds made whose note has not come back yet: they count toward ``cap``."""
        self.outbox: dict[str, tuple[int, bytes]] = {}
        """Every change made and not answered yet: its number (the order made) and frame."""
        self.unsent: list[tuple[int, str]] = []
        """A heap of the changes still to send (again), the oldest made first."""
        self.inflight: set[str] = set()
        self.window = WINDOW
        """How many may be unanswered now: one after a refusal, one more per answer."""
        self.made = 0
        self.held: asyncio.TimerHandle | None = None
        self.cap = worker.plan.notes_per_client
        self.stalled_phase = -1
        self.welcomed: Any = None
        self.connected_at = 0.0
        self.closes: Counter[int] = Counter()
        self.rcvbuf: int | None = None

    @property
    def live(self) -> bool:
        return self.sock is not None and not self.sock.closed and self.welcomed is not None

    async def connect(self, resume: bool = False, rcvbuf: int | None = None) -> None:
        # What was on the old socket unanswered stays unacked (counted), never sent again.
        for op_id in self.inflight:
            self.outbox.pop(op_id, None)
        self.inflight.clear()
        self.welcomed = asyncio.get_running_loop().create_future()
        self.sock = await open_socket(
            self.port, self._on_frame, self._on_close, rcvbuf=rcvbuf or self.rcvbuf, sio=self.SIO
        )
        hello: dict[str, Any] = {
            "type": "hello",
            "protocol": 1,
            "workshop": self.room.workshop,
            "token": self.token,
        }
        if resume and self.epoch is not None:
            hello["last_seq"] = self.seq
            hello["epoch"] = self.epoch
        self.sock.send_text(_encode(hello))
        async with asyncio.timeout(30):
            await self.welcomed
        self.connected_at = time.perf_counter()

    def _on_close(self, code: int, reason: str) -> None:
        self.closes[code] += 1
        if self.welcomed is not None and not self.welcomed.done():
            self.welcomed.set_exception(ConnectionError(f"closed {code} {reason}"))

    # -- receiving ------------------------------------------------------------------------

    def _on_frame(self, payload: bytes | bytearray, now: float) -> None:
        worker = self.worker
        worker.frames += 1
        worker.bytes_in += len(payload)
        message = _decode(payload)
        kind = message.type
        if kind == "event":
            assert message.entry is not None
            self._entry(message.entry, now)
        elif kind == "events":  # entries committed in one loop turn leave in one frame
            for entry in message.entries or ():
                self._entry(entry, now)
        elif kind == "ack":
            self._ack(message.op_id or "", now)
        elif kind == "welcome":
            self._welcome(message)
        elif kind == "error":
            worker.errors[f"error:{message.code}"] += 1
            op_id = message.op_id
            if op_id and message.code in RETRY_CODES and op_id in self.inflight:
                self.inflight.discard(op_id)
                self.window = 1
                heapq.heappush(self.unsent, (self.outbox[op_id][0], op_id))
                self._hold(message.retry_ms or 1000)
            elif op_id:
                self.adding -= self.pending.pop(op_id, None) == "add"
                self._answered(op_id)
        else:
            worker.other_frames += 1

    def _ack(self, op_id: str, now: float) -> None:
        worker = self.worker
        rec = worker.ops.get(op_id)
        if rec is not None and rec[6] == 0.0:
            rec[6] = now
            worker.acked += 1
        kind_of = self.pending.pop(op_id, None)
        self._answered(op_id)
        self.adding -= kind_of == "add"
        if kind_of is not None and kind_of != "done":
            worker.noops += 1  # acknowledged without an event: the change changed nothing

    def _entry(self, entry: _EntryHead, now: float) -> None:
        worker = self.worker
        worker.deliveries += 1
        self._check(entry.seq)
        rec = worker.ops.get(entry.op_id)
        if rec is None:
            rec = worker.ops[entry.op_id] = worker.foreign(entry.op_id, self.room.index)
        if self.stalled_phase != rec[1] % 1000:
            rec[4] += 1
            rec[5] = now
            team = self.team
            if team and (team == rec[TEAM] or team == LISTENER):
                rec[TEAM_N] += 1
                rec[TEAM_LAST] = now
            if worker.split:
                rec[AT_SERVER + self.server] = now
        if entry.op_id in self.pending:
            self._mine(entry)

    def _check(self, seq: int) -> None:
        last = self.seq
        if seq == last + 1:
            self.seq = seq
        elif seq > last + 1:
            self.gaps.update(range(last + 1, seq))
            self.worker.gap_events += 1
            self.seq = seq
        elif seq in self.gaps:
            self.gaps.discard(seq)
            self.worker.reordered += 1
        else:
            self.worker.duplicated += 1

    def _mine(self, entry: _EntryHead) -> None:
        if self.pending.get(entry.op_id) == "add":
            self.adding -= 1
            for event in _decode_events(entry.events):
                note = event.note
                if event.type == "note.saved" and isinstance(note, _NoteHead) and note.version == 1:
                    self.notes.append(note.id)
                    break
        self.pending[entry.op_id] = "done"

    def _welcome(self, message: _Message) -> None:
        if message.you is not None:
            self.me = message.you.id
        if len(message.snapshot) > 4:  # neither absent nor null
            if self.room.cells is None:
                cells = _decode_cells(message.snapshot)
                self.room.cells = (
                    [p.id for p in cells.personas],
                    [s.id for s in cells.stages],
                    [lane.id for lane in cells.lanes],
                )
            self.seq = message.seq or 0
            self.gaps.clear()
            if self.team and self.team != LISTENER:
                self._own_group(message.snapshot)
        elif message.entries is not None:
            for entry in message.entries:
                self._check(entry.seq)
        self.epoch = message.epoch
        if self.welcomed is not None and not self.welcomed.done():
            self.welcomed.set_result(None)

    def _own_group(self, snapshot: msgspec.Raw) -> None:
        """In group work a phone writes on its group's persona, as its snapshot tells it (the
        plan's team is what the harness expects: a difference is counted, never hidden)."""
        for group in _decode_groups(snapshot).groups:
            if self.me in group.members and group.persona:
                if group.persona != self.team:
                    self.worker.errors["team_not_as_planned"] += 1
                self.team = group.persona
                return

    # -- sending --------------------------------------------------------------------------

    def _hold(self, ms: int) -> None:
        """What the browser does on ``rate``: send nothing for the hold and a random half more,
        then the refused and the new changes, in the order made."""
        if self.held is None:
            delay = ms / 1000 * (1 + random.random() / 2)
            self.held = asyncio.get_running_loop().call_later(delay, self._release)
            self.worker.holds += 1

    def _release(self) -> None:
        self.held = None
        self._pump()

    def _answered(self, op_id: str) -> None:
        self.inflight.discard(op_id)
        if self.window < WINDOW:
            self.window += 1
        if self.outbox.pop(op_id, None) is not None and self.unsent:
            self._pump()

    def _pump(self) -> None:
        """Send what waits, oldest first, while not held and fewer than WINDOW are unanswered."""
        sock, unsent, inflight = self.sock, self.unsent, self.inflight
        if self.held is not None or sock is None or sock.closed:
            return
        ops = self.worker.ops
        while unsent and len(inflight) < self.window:
            _, op_id = heapq.heappop(unsent)
            rec = ops.get(op_id)
            if rec is not None:
                rec[0] = time.perf_counter()  # the ack counts from the send that was taken
            inflight.add(op_id)
            sock.send_text(self.outbox[op_id][1])

    def change(self, op_id: str, rng: random.Random, mix: list[tuple[str, float]]) -> str | None:
        """Send one change (chosen by ``mix``), or hold it while the server asked us to wait;
        returns its kind, or None if the socket is down. Its record's send time is set when it
        leaves."""
        kind = _pick(rng, mix)
        if kind == "dot":
            raise NotImplementedError("dot votes: no vote command in the protocol yet")
        if kind != "add" and not self.notes:
            kind = "add"
        if kind == "add" and len(self.notes) + self.adding >= self.cap:
            # Held adds count: a backlog never grows the room past the cap.
            kind = "delete" if self.notes else "rename"
        personas, stages, lanes = self.room.cells
        cmd: dict[str, Any]
        if kind == "add":
            self.adding += 1
            cmd = {
                "type": "note.add",
                "op_id": op_id,
                "persona": self.team if self.team else rng.choice(personas),
                "stage": rng.choice(stages),
                "lane": rng.choice(lanes),
                "text": f"{rng.choice(WORDS)} {op_id}",
                "channel": "web",
            }
        elif kind == "delete":
            cmd = {"type": "note.delete", "op_id": op_id, "note": self.notes.pop(0)}
        elif kind == "rename":
            cmd = {"type": "participant.rename", "op_id": op_id, "name": f"Phone {self.made}"}
        elif kind == "edit":
            cmd = {
                "type": "note.edit",
                "op_id": op_id,
                "note": rng.choice(self.notes),
                "text": f"{rng.choice(WORDS)} {op_id}",
            }
        else:
            cmd = {
                "type": "note.move",
                "op_id": op_id,
                "note": rng.choice(self.notes),
                "stage": rng.choice(stages),
                "lane": rng.choice(lanes),
                "index": rng.randrange(4),
            }
        if self.sock is None or self.sock.closed or self.sock.transport is None:
            return None
        self.made += 1
        self.outbox[op_id] = (self.made, _encode(cmd))
        self.pending[op_id] = kind
        heapq.heappush(self.unsent, (self.made, op_id))
        self._pump()
        return kind


class PeerPhone(Phone):
    """A phone of the Socket.IO peer. Every change is relayed (no no-op), and the ack may come
    before the event (python-socketio's Redis manager sends its own process's events through
    Redis and the ack at once): an ack leaves the change pending until its event comes."""

    __slots__ = ()

    SIO = True

    def _ack(self, op_id: str, now: float) -> None:
        rec = self.worker.ops.get(op_id)
        if rec is not None and rec[6] == 0.0:
            rec[6] = now
            self.worker.acked += 1
        self._answered(op_id)

    def _mine(self, entry: _EntryHead) -> None:
        super()._mine(entry)
        del self.pending[entry.op_id]


class SplitPeerPhone(PeerPhone):
    """A phone of the peer over several processes: each process numbers the entries it relays
    (a Socket.IO app has no sequence across processes), so seqs from two counters interleave.
    No seq check here: the run counts, per change, whether every phone of its room got it."""

    __slots__ = ()

    def _check(self, seq: int) -> None:
        if seq > self.seq:
            self.seq = seq


def _pick(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    x = rng.random()
    for kind, upto in mix:
        if x < upto:
            return kind
    return mix[-1][0]
