"""The protocol as a state machine: random sequences of commands, retries, garbage and
reconnects from three people on two real server processes; the boards agree after every step."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
import redis.asyncio as aioredis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from server.embedded import EmbeddedRedis
from server.store import Store
from sessions import views
from sessions.protocol import ClientMessage, tags
from tests.client import BoardClient, create_workshop, join
from tests.servers import ServerProcess
from tests.timing import seconds

T = TypeVar("T")

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
names = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1, max_size=20
)
who = st.integers(min_value=0, max_value=2)
pick = st.integers(min_value=0, max_value=10_000)


class _Loop:
    """An event loop in a thread: hypothesis's state machines are synchronous."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, job: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(job, self.loop).result(seconds(30))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(seconds(10))
        self.loop.close()


@pytest.fixture(scope="module")
def loop() -> Iterator[_Loop]:
    made = _Loop()
    yield made
    made.close()


def test_random_sessions_keep_every_board_equal(
    server: ServerProcess,
    second_server: ServerProcess,
    redis_server: EmbeddedRedis,
    loop: _Loop,
) -> None:
    """Random commands, retries, garbage and reconnects: all boards equal Redis's."""

    class Board(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.clients: list[BoardClient] = loop.run(self._open())
            self.answers: dict[str, dict[str, Any]] = {}
            self.commands: dict[str, dict[str, Any]] = {}

        async def _open(self) -> list[BoardClient]:
            created = await create_workshop(server.base, "Machine")
            tokens = [created["token"]]
            for name in ("Ann", "Bo"):
                tokens.append((await join(server.base, created["code"], name))["token"])
            clients = []
            for i, token in enumerate(tokens):
                place = server if i != 1 else second_server
                client = BoardClient(place.ws_url, created["workshop"], token)
                await client.connect()
                clients.append(client)
            return clients

        def _call(self, i: int, command: dict[str, Any]) -> dict[str, Any]:
            answer = loop.run(self.clients[i].call(command))
            self.answers[answer["op_id"]] = answer
            self.commands[answer["op_id"]] = command
            return answer

        def _notes(self) -> list[str]:
            board = self.clients[0].workshop
            assert board is not None
            return sorted(board.notes)

        @rule(i=who, text=texts)
        def add_note(self, i: int, text: str) -> None:
            self._call(i, {"type": "note.add", **self.clients[i].cell(), "text": text})

        @rule(i=who, n=pick, text=texts)
        def edit_note(self, i: int, n: int, text: str) -> None:
            notes = self._notes()
            note = notes[n % len(notes)] if notes else "n1"
            self._call(i, {"type": "note.edit", "note": note, "text": text})

        @rule(i=who, n=pick, at=st.integers(0, 5))
        def move_note(self, i: int, n: int, at: int) -> None:
            notes = self._notes()
            note = notes[n % len(notes)] if notes else "n1"
            cell = self.clients[i].cell()
            to = {"stage": cell["stage"], "lane": cell["lane"], "index": at}
            self._call(i, {"type": "note.move", "note": note, **to})

        @rule(i=who, n=pick)
        def delete_note(self, i: int, n: int) -> None:
            notes = self._notes()
            self._call(i, {"type": "note.delete", "note": notes[n % len(notes)] if notes else "n1"})

        @rule(i=who, title=names)
        def rename_stage(self, i: int, title: str) -> None:
            answer = self._call(
                i,
                {"type": "stage.rename", "stage": self.clients[i].cell()["stage"], "title": title},
            )
            if i != 0:
                assert answer.get("code") == "forbidden"

        @rule(i=who, name=names)
        def rename_self(self, i: int, name: str) -> None:
            self._call(i, {"type": "participant.rename", "name": name})

        @rule(i=who, n=pick)
        def retry(self, i: int, n: int) -> None:
            """Send an earlier command again with its op id: its first answer again."""
            mine = [op for op in self.answers if self.answers[op]["type"] == "ack"]
            if not mine:
                return
            op = mine[n % len(mine)]
            again = loop.run(self._resend(i, op))
            first = self.answers[op]["seq"]
            if op in self._committed():
                assert (again["type"], again["seq"]) == ("ack", first), "its first answer"
            else:  # a no-op left no entry and no op key: decided afresh (docs/reliability.md)
                assert again["type"] == "error" or again["seq"] >= first

        def _committed(self) -> set[str]:
            """Op ids that caused an entry (a no-op is acknowledged but never logged)."""
            found: set[str] = set()
            for message in self.clients[0].messages:
                for entry in message.get("entries") or [message.get("entry") or {}]:
                    found.add(str(entry.get("op_id")))
            return found

        async def _resend(self, i: int, op: str) -> dict[str, Any]:
            client = self.clients[i]
            seen = len(client.messages)
            await client.send(self.commands[op], op)
            found = await client.wait_for(
                lambda c: [m for m in c.messages[seen:] if m.get("op_id") == op]
            )
            return dict(found[0])

        @rule(i=who, junk=st.text(max_size=30))
        def garbage(self, i: int, junk: str) -> None:
            client = self.clients[i]
            seen = len(client.messages)
            loop.run(client.send_raw(junk))
            found = loop.run(
                client.wait_for(lambda c: [m for m in c.messages[seen:] if m["type"] == "error"])
            )
            assert found[0]["code"] == "invalid"

        @rule(i=who)
        def reconnect(self, i: int) -> None:
            client = self.clients[i]
            loop.run(client.close())
            welcome = loop.run(client.connect(resume=True))
            assert welcome.get("snapshot") is None, "a short absence resumes from the log"

        @invariant()
        def boards_agree(self) -> None:
            loop.run(self._agree())

        async def _agree(self) -> None:
            settles = [
                await c.call({"type": "participant.rename", "name": self._me(c)})
                for c in self.clients
            ]
            newest = max(a["seq"] for a in settles)
            for client in self.clients:
                await client.wait_for(lambda c: c.seq >= newest)
                if client.seen:
                    assert client.seen == list(range(client.seen[0], client.seq + 1))
            redis = aioredis.from_url(redis_server.url)
            loaded = await Store(redis).load(self.clients[0].workshop_id)
            await redis.aclose()
            assert loaded is not None and loaded.seq == newest
            for client in self.clients:
                assert client.welcome is not None
                you = client.welcome["you"]
                # What each browser may hold of Redis's state (no one's undo history, say).
                seen = views.redact_workshop(
                    loaded.workshop, you["id"], you["role"] == "facilitator"
                )
                assert client.workshop == seen

        def _me(self, client: BoardClient) -> str:
            assert client.welcome is not None and client.workshop is not None
            return client.workshop.participants[client.welcome["you"]["id"]].name

        def teardown(self) -> None:
            for client in self.clients:
                loop.run(client.close())

    run_state_machine_as_test(
        Board,
        settings=settings(
            max_examples=10,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )


SOCKETS = 4
FUZZED = 300
FIELDS = sorted({f for cls in ClientMessage.__args__ for f in cls.__struct_fields__})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
deep = st.integers(1, 3000).map(lambda n: "[" * n + "]" * n)
frames = st.one_of(
    st.builds(
        lambda tag, fields: json.dumps({"type": tag, "op_id": "fz", **fields}),
        st.sampled_from(tags(ClientMessage)) | st.text(max_size=10),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
    ),
    st.text(max_size=60),
    deep,
    deep.map(lambda d: '{"type": "note.add", "op_id": "fz", "text": ' + d + "}"),
)


def test_fuzzed_frames_over_the_wire_get_answers(server: ServerProcess, loop: _Loop) -> None:
    """Fuzzed frames on live sockets are each answered; no socket drops."""

    async def open_sockets() -> list[BoardClient]:
        created = await create_workshop(server.base, "Fuzz")
        clients: list[BoardClient] = []
        for _ in range(SOCKETS):  # each stays within its burst of 120: no frame is rate-limited
            client = BoardClient(server.ws_url, created["workshop"], created["token"])
            await client.connect()
            clients.append(client)
        return clients

    clients = loop.run(open_sockets())
    sent = [0]

    async def answered(frame: str) -> None:
        client = clients[sent[0] % SOCKETS]
        sent[0] += 1
        seen = len(client.messages)
        await client.send_raw(frame)
        found = await client.wait_for(
            lambda c: [m for m in c.messages[seen:] if m["type"] in ("ack", "error", "pong")]
        )
        assert found[0]["type"] in ("ack", "pong") or found[0]["code"] != "rate"

    @settings(max_examples=FUZZED, deadline=None, database=None)
    @given(frames)
    @example('{"type": "ping", "op_id": "fz"}')  # a heartbeat is answered with a pong
    def one(frame: str) -> None:
        loop.run(answered(frame))

    one()
    for client in clients:
        assert client.ws is not None and client.ws.close_code is None
        loop.run(client.close())
