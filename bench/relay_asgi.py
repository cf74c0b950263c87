"""Baseline 2: the same relay as a bare Starlette endpoint under uvicorn, configured like Parcours.

``python -m bench.relay_asgi --port P``: one ``WebSocketRoute``, no Redis, no session; each
command is sent to every member in turn with ``send_text`` (what a first version would do).
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench import relay_core as core

_rooms: dict[str, core.RelayRoom] = {}


async def endpoint(ws: WebSocket) -> None:
    await ws.accept()
    try:
        workshop = core.parse_hello(await ws.receive_text())
    except (ValueError, KeyError, WebSocketDisconnect):
        await ws.close(1008)
        return
    room = _rooms.setdefault(workshop, core.RelayRoom())
    text, you = core.welcome(room, workshop)
    await ws.send_text(text)
    room.members.add(ws)
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            cmd = core.command(message.get("text") or message.get("bytes") or b"{}")
            room.seq += 1
            frame = core.event_frame(core.entry(room.seq, you, cmd))
            for member in list(room.members):
                try:
                    await member.send_text(frame)
                except (RuntimeError, WebSocketDisconnect):
                    room.members.discard(member)
            await ws.send_text(core.ack_frame(cmd.get("op_id", ""), room.seq))
    except WebSocketDisconnect:
        pass
    finally:
        room.members.discard(ws)


app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    ns = args.parse_args()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=ns.port,
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        log_level="warning",
        access_log=False,
        loop=ns.loop,
    )


if __name__ == "__main__":
    main()
