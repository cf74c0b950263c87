"""The peer in Python: python-socketio as an ASGI app under uvicorn, configured like Parcours.

``python -m bench.peer_pysio --port P [--redis-url U]``: the same semantics as the Node peer
(``bench/peer_sio.mjs``) and the relays (``bench.relay_core``): a socket's first ``cmd`` is its
hello, acknowledged with a welcome; every other ``cmd`` is emitted to the room as an ``event``
and acknowledged by returning ``{"type": "ack"}`` from the handler. Websocket transport only,
no deflate. With ``--redis-url`` the server uses ``AsyncRedisManager``: every emit goes through
Redis pub/sub (the process's own sockets get it back from its subscription), so the ack, sent
at once, may reach the sender before the event does.
"""

from __future__ import annotations

from typing import Any

import socketio
import uvicorn

from bench import relay_core as core


def app(redis_url: str | None) -> Any:
    manager = socketio.AsyncRedisManager(redis_url) if redis_url else None
    sio = socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        transports=["websocket"],
        http_compression=False,
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
    )
    rooms: dict[str, core.RelayRoom] = {}
    members: dict[str, tuple[str, str, core.RelayRoom]] = {}

    @sio.on("cmd")  # type: ignore[untyped-decorator]
    async def cmd(sid: str, message: dict[str, Any]) -> dict[str, Any] | None:
        seat = members.get(sid)
        if seat is None:
            if not isinstance(message, dict) or message.get("type") != "hello":
                await sio.disconnect(sid)
                return None
            workshop = str(message["workshop"])
            room = rooms.setdefault(workshop, core.RelayRoom())
            hello, you = core.welcome_message(room, workshop)
            members[sid] = (workshop, you, room)
            await sio.enter_room(sid, workshop)
            return hello
        workshop, you, room = seat
        room.seq += 1
        entry = core.entry_body(room.seq, you, message)
        await sio.emit("event", {"type": "event", "entry": entry}, room=workshop)
        return {"type": "ack", "op_id": message.get("op_id", ""), "seq": room.seq}

    @sio.event  # type: ignore[untyped-decorator]
    async def disconnect(sid: str, *_: Any) -> None:
        members.pop(sid, None)

    return socketio.ASGIApp(sio, socketio_path="socket.io")


def main() -> None:
    ns = core.options()
    uvicorn.run(
        app(ns.redis_url),
        host="127.0.0.1",
        port=ns.port,
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        ws_ping_interval=None,  # Engine.IO pings itself
        log_level="warning",
        access_log=False,
        loop=ns.loop,
        backlog=2048,
    )


if __name__ == "__main__":
    main()
