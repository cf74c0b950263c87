"""A real websocket client that speaks the Parcours protocol, keeps a replica and checks order."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

import httpx
import msgspec
from websockets.asyncio.client import ClientConnection, connect

from sessions.model import Workshop
from sessions.protocol import PROTOCOL_VERSION, Entry
from sessions.rules import apply_all
from tests.timing import seconds

_ops = itertools.count(1)


async def create_workshop(base: str, title: str = "Test workshop", **extra: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post("/api/workshops", json={"title": title, **extra})
        answer.raise_for_status()
        created: dict[str, str] = answer.json()
        return created


async def join(base: str, code: str, name: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post("/api/join", json={"code": code, "name": name})
        answer.raise_for_status()
        joined: dict[str, str] = answer.json()
        return joined


class BoardClient:
    """One participant's socket: sends commands, applies entries to its own replica."""

    def __init__(self, ws_url: str, workshop: str, token: str, origin: str | None = None):
        self.ws_url = ws_url
        self.workshop_id = workshop
        self.token = token
        self.origin = origin or ws_url.replace("ws://", "http://").removesuffix("/ws")
        self.ws: ClientConnection | None = None
        self.workshop: Workshop | None = None
        self.seq = 0
        self.epoch: str | None = None
        self.seen: list[int] = []
        self.messages: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    async def connect(self, resume: bool = False) -> dict[str, Any]:
        self.ws = await connect(self.ws_url, origin=self.origin, max_size=2**24)  # type: ignore[arg-type]
        hello: dict[str, Any] = {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "workshop": self.workshop_id,
            "token": self.token,
        }
        if resume:
            hello |= {"last_seq": self.seq, "epoch": self.epoch}
        await self.ws.send(json.dumps(hello))
        welcome = json.loads(await asyncio.wait_for(self.ws.recv(), seconds(10)))
        if welcome["type"] != "welcome":
            raise RuntimeError(f"no welcome: {welcome}")
        self.welcome = welcome
        self.epoch = welcome["epoch"]
        if welcome.get("snapshot") is not None:
            self.workshop = msgspec.convert(welcome["snapshot"], Workshop)
            self.seq = welcome["seq"]
        for entry in welcome.get("entries") or []:
            self._apply(entry)
        self._reader = asyncio.create_task(self._read())
        return welcome

    def _apply(self, raw: dict[str, Any]) -> None:
        entry = msgspec.convert(raw, Entry)
        if entry.seq <= self.seq:
            raise AssertionError(f"entry {entry.seq} again (at {self.seq})")
        if entry.seq != self.seq + 1:
            raise AssertionError(f"gap: entry {entry.seq} after {self.seq}")
        assert self.workshop is not None
        apply_all(self.workshop, entry.events)
        self.seq = entry.seq
        self.seen.append(entry.seq)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                message = json.loads(frame)
                if message["type"] == "event":
                    self._apply(message["entry"])
                elif message["type"] == "events":  # entries committed together, one frame
                    for entry in message["entries"]:
                        self._apply(entry)
                self.messages.append(message)
                async with self._changed:
                    self._changed.notify_all()
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def send(self, command: dict[str, Any], op_id: str | None = None) -> str:
        assert self.ws is not None
        op_id = op_id or f"op-{next(_ops)}"
        await self.ws.send(json.dumps({**command, "op_id": op_id}))
        return op_id

    async def send_raw(self, frame: str | bytes) -> None:
        assert self.ws is not None
        await self.ws.send(frame)

    # A plain number, scaled by tests.timing.seconds() inside: callers never build a deadline.
    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> Any:  # noqa: ASYNC109
        """Wait until ``predicate(self)`` is truthy; returns its value."""
        async with asyncio.timeout(seconds(timeout)):
            async with self._changed:
                while not (found := predicate(self)):
                    if self._reader is not None and self._reader.done():
                        self._reader.result()
                        raise ConnectionError("socket closed while waiting")
                    await self._changed.wait()
                return found

    async def answer(self, op_id: str, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The ack or error that answers ``op_id``."""

        def found(client: BoardClient) -> dict[str, Any] | None:
            for message in client.messages:
                if message["type"] in ("ack", "error") and message.get("op_id") == op_id:
                    return message
            return None

        result: dict[str, Any] = await self.wait_for(found, timeout)
        return result

    async def call(self, command: dict[str, Any], op_id: str | None = None) -> dict[str, Any]:
        return await self.answer(await self.send(command, op_id))

    async def errors(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == "error"]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):  # the reader's end was seen (or not needed)
                await self._reader
        self.ws = None

    def cell(self) -> dict[str, str]:
        """The first persona, stage and lane: somewhere to put notes."""
        assert self.workshop is not None
        return {
            "persona": self.workshop.personas[0].id,
            "stage": self.workshop.stages[0].id,
            "lane": self.workshop.lanes[0].id,
        }


async def facilitator(server: Any, **extra: str) -> tuple[BoardClient, dict[str, str]]:
    created = await create_workshop(server.base, **extra)
    client = BoardClient(server.ws_url, created["workshop"], created["token"])
    await client.connect()
    return client, created
