"""Baselines 1 and 3: a minimal relay on the raw ``websockets`` library, alone or over Redis.

``python -m bench.relay_ws --port P`` relays each command to its room with ``broadcast()``
(compression off). With ``--redis-url`` every command goes through Redis pub/sub first: each
relay process subscribes to the channel of the rooms its sockets are in, numbers what arrives in
channel order (the same order in every process) and broadcasts it; the sender's process acks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

from bench import relay_core as core


class Relay:
    def __init__(self, redis_url: str | None) -> None:
        self.rooms: dict[str, core.RelayRoom] = {}
        self.redis_url = redis_url
        self.redis: Any = None
        self.pubsub: Any = None
        self.listener: asyncio.Task[None] | None = None
        self.local: dict[str, ServerConnection] = {}
        self.name = f"relay-{id(self):x}"
        self._conn_ids = 0

    async def start(self) -> None:
        if self.redis_url:
            import redis.asyncio as aioredis

            self.redis = aioredis.from_url(self.redis_url)
            self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            await self.pubsub.subscribe("relay:hello")
            self.listener = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            message = await self.pubsub.get_message(timeout=5.0)
            if message is None or message["type"] != "message":
                continue
            workshop = message["channel"].decode()[len("relay:") :]
            room = self.rooms.get(workshop)
            if room is None:
                continue
            wrapped = json.loads(message["data"])
            room.seq += 1
            frame = core.event_frame(core.entry(room.seq, wrapped["actor"], wrapped["cmd"]))
            broadcast(room.members, frame)
            sender = self.local.get(wrapped["from"])
            if sender is not None:
                broadcast([sender], core.ack_frame(wrapped["cmd"].get("op_id", ""), room.seq))

    async def handler(self, ws: ServerConnection) -> None:
        try:
            workshop = core.parse_hello(await ws.recv())
        except (ValueError, KeyError, ConnectionClosed):
            await ws.close(1008)
            return
        room = self.rooms.get(workshop)
        if room is None:
            room = self.rooms[workshop] = core.RelayRoom()
            if self.pubsub is not None:
                await self.pubsub.subscribe(f"relay:{workshop}")
        text, you = core.welcome(room, workshop)
        await ws.send(text)
        room.members.add(ws)
        self._conn_ids += 1
        conn = f"{self.name}:{self._conn_ids}"
        self.local[conn] = ws
        try:
            async for raw in ws:
                cmd = core.command(raw)
                if self.redis is not None:
                    wrapped = json.dumps({"from": conn, "actor": you, "cmd": cmd})
                    await self.redis.publish(f"relay:{workshop}", wrapped)
                    continue
                room.seq += 1
                broadcast(room.members, core.event_frame(core.entry(room.seq, you, cmd)))
                broadcast([ws], core.ack_frame(cmd.get("op_id", ""), room.seq))
        except ConnectionClosed:
            pass
        finally:
            room.members.discard(ws)
            self.local.pop(conn, None)


async def _main(port: int, redis_url: str | None) -> None:
    relay = Relay(redis_url)
    await relay.start()
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(
        relay.handler,
        "127.0.0.1",
        port,
        compression=None,
        max_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
        backlog=2048,  # uvicorn's default, which Parcours keeps
    ):
        await stop


def main() -> None:
    ns = core.options()
    runner = asyncio.run
    if ns.loop != "asyncio":
        with contextlib.suppress(ImportError):
            import uvloop

            runner = uvloop.run  # type: ignore[assignment]
    with contextlib.suppress(KeyboardInterrupt):
        runner(_main(ns.port, ns.redis_url))


if __name__ == "__main__":
    main()
