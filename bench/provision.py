"""Workshops and participants for a run, made through the public HTTP API like real people.

Parcours: ``POST /api/workshops`` then one ``POST /api/join`` per phone (each phone is its own
participant, with its own token). A room that works in groups is then set up by its facilitator
over a websocket, as on the board: personas added, the room split, group work (and walls) on.
Relays have no API and no access control: made-up ids.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bench.clients import LISTENER
from bench.wire import Http, Socket, open_socket
from sessions.model import id_number


@dataclass
class Made:
    workshop: str
    code: str
    facilitator: str
    """The facilitator's token."""
    tokens: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    """The participant id of each token, in the same order."""


async def _rooms(port: int, rooms: int, per_room: int, concurrency: int) -> list[Made]:
    http = Http(port)
    made: list[Made] = []
    for r in range(rooms):
        status, body = await http.post("/api/workshops", {"title": f"Bench room {r}"})
        if status != 201:
            raise RuntimeError(f"create workshop: {status} {body}")
        made.append(Made(body["workshop"], body["code"], body["token"]))
    await http.close()
    jobs = [(r, i) for i in range(per_room) for r in range(rooms)]
    cursor = iter(jobs)

    async def lane() -> None:
        client = Http(port)
        try:
            for r, i in cursor:
                status, body = await client.post(
                    "/api/join", {"code": made[r].code, "name": f"Phone {r}-{i}"}
                )
                if status != 200:
                    raise RuntimeError(f"join: {status} {body}")
                made[r].tokens.append(body["token"])
                made[r].people.append(body["participant"])
        finally:
            await client.close()

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return made


def parcours_rooms(
    port: int, rooms: int, per_room: int, concurrency: int = 16
) -> tuple[list[tuple[str, list[str]]], float]:
    """``rooms`` workshops with ``per_room`` joined participants each; and the seconds it took."""
    began = time.perf_counter()
    made = asyncio.run(_rooms(port, rooms, per_room, concurrency))
    return [(m.workshop, m.tokens) for m in made], time.perf_counter() - began


def relay_rooms(rooms: int, per_room: int) -> list[tuple[str, list[str]]]:
    return [(secrets.token_hex(5), ["relay"] * per_room) for _ in range(rooms)]


# -- a room in groups ---------------------------------------------------------------------


class _Desk:
    """The facilitator's socket while setting up: one command at a time, each answered."""

    def __init__(self) -> None:
        loop = asyncio.get_running_loop()
        self.welcome: asyncio.Future[dict[str, Any]] = loop.create_future()
        self.answer: asyncio.Future[dict[str, Any]] | None = None
        self.op = ""
        self.sock: Socket | None = None
        self.count = 0

    def _on_frame(self, payload: bytes | bytearray, _now: float) -> None:
        message = json.loads(payload)
        kind = message.get("type")
        if kind == "welcome" and not self.welcome.done():
            self.welcome.set_result(message)
        elif kind in ("ack", "error") and message.get("op_id") == self.op:
            answer = self.answer
            if answer is not None and not answer.done():
                answer.set_result(message)

    def _on_close(self, code: int, reason: str) -> None:
        for waiting in (self.welcome, self.answer):
            if waiting is not None and not waiting.done():
                waiting.set_exception(ConnectionError(f"closed {code} {reason}"))

    async def open(self, port: int, workshop: str, token: str) -> dict[str, Any]:
        """Connect as the facilitator; the snapshot the welcome brings."""
        self.sock = await open_socket(port, self._on_frame, self._on_close)
        hello = {"type": "hello", "protocol": 1, "workshop": workshop, "token": token}
        self.sock.send_text(json.dumps(hello).encode())
        async with asyncio.timeout(30):
            welcome = await self.welcome
        return welcome["snapshot"]

    async def send(self, command: dict[str, Any]) -> None:
        assert self.sock is not None
        self.count += 1
        self.op = f"setup-{self.count}"
        self.answer = asyncio.get_running_loop().create_future()
        self.sock.send_text(json.dumps({**command, "op_id": self.op}).encode())
        async with asyncio.timeout(30):
            answer = await self.answer
        if answer["type"] == "error":
            raise RuntimeError(f"{command['type']}: {answer.get('code')} {answer.get('message')}")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.abort()


def _dealt(people: list[str], personas: list[str], groups: int) -> dict[str, str]:
    """Participant -> persona, as ``sessions.groups.split`` deals them (members in the order
    they joined, group ``i`` gets persona ``i`` modulo the personas): the teams of a room that
    does not work in groups, so that its figures compare with the same phones' in groups."""
    joined = sorted(people, key=id_number)
    return {p: personas[(i % groups) % len(personas)] for i, p in enumerate(joined)}


async def _grouped_room(
    port: int, phones: int, groups: int, personas: int, grouped: bool, walls: bool
) -> tuple[Made, dict[str, str]]:
    (made,) = await _rooms(port, 1, phones, 16)
    desk = _Desk()
    try:
        snapshot = await desk.open(port, made.workshop, made.facilitator)
        for n in range(len(snapshot["personas"]), personas):
            await desk.send({"type": "persona.add", "name": f"Persona {n + 1}"})
        if grouped:
            await desk.send({"type": "groups.split", "count": groups})
            await desk.send({"type": "groups.set", "grouped": True, "walls": walls})
    finally:
        desk.close()
    desk = _Desk()  # again: the snapshot as it now is
    try:
        snapshot = await desk.open(port, made.workshop, made.facilitator)
    finally:
        desk.close()
    ids = [p["id"] for p in snapshot["personas"]]
    if grouped:
        team = {m: g["persona"] for g in snapshot["groups"] for m in g["members"]}
    else:
        team = _dealt(made.people, ids, groups)
    teams = {t: team[p] for t, p in zip(made.tokens, made.people, strict=True)}
    teams[made.facilitator] = LISTENER
    return made, teams


def parcours_groups(
    port: int, phones: int, groups: int, personas: int, grouped: bool, walls: bool
) -> tuple[tuple[str, list[str]], dict[str, str], float]:
    """One workshop of ``phones`` participants and ``personas`` personas; split into ``groups``
    working in groups (behind walls if asked) when ``grouped``. Returns the room (its tokens
    end with the facilitator's), each token's team (the facilitator: ``LISTENER``), and the
    seconds it took."""
    began = time.perf_counter()
    made, teams = asyncio.run(_grouped_room(port, phones, groups, personas, grouped, walls))
    room = (made.workshop, [*made.tokens, made.facilitator])
    return room, teams, time.perf_counter() - began
