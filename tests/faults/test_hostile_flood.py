"""Flooding: a socket that sends too fast is throttled, then closed with 1008; an address that
opens too many sockets gets 1008 for the extra ones. Everyone else carries on."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.client import BoardClient, facilitator
from tests.faults.cluster import Cluster
from tests.servers import ServerProcess
from tests.timing import seconds

CAP = 20


async def test_message_flood_is_throttled_then_closed(server: ServerProcess) -> None:
    """A flood gets `rate` errors past the burst, then 1008; others carry on."""
    host, created = await facilitator(server)
    flooder = BoardClient(server.ws_url, created["workshop"], created["token"])
    await flooder.connect()
    assert flooder.ws is not None
    me = flooder.welcome["you"]["name"] if flooder.welcome else "Facilitator"

    def rename(i: int) -> str:
        return json.dumps({"type": "participant.rename", "op_id": f"f{i}", "name": me})

    for i in range(130):  # just past the burst of 120: throttled
        await flooder.ws.send(rename(i))
    await flooder.wait_for(lambda c: any(m.get("code") == "rate" for m in c.messages))
    limited = [m for m in flooder.messages if m.get("code") == "rate"]
    assert all(m["op_id"].startswith("f") for m in limited), "refusals name their op ids"
    for i in range(130, 400):  # and on: closed
        try:
            await flooder.ws.send(rename(i))
        except ConnectionClosed:
            break
    await flooder.ws.wait_closed()
    assert flooder.ws.close_code == 1008
    assert (await host.call({"type": "note.add", **host.cell(), "text": "calm"}))["type"] == "ack"
    await host.close()


async def test_connections_over_the_per_address_cap_are_closed(cluster: Cluster) -> None:
    """Sockets over the per-address cap are closed with 1008 at once."""
    [server] = await cluster.serve(1, "--max-connections-per-ip", str(CAP))
    host, created = await facilitator(server)
    held: list[ClientConnection] = []
    for _ in range(CAP - 1):
        held.append(await connect(server.ws_url, origin=server.base))  # type: ignore[arg-type]
    extra = await connect(server.ws_url, origin=server.base)  # type: ignore[arg-type]
    await extra.wait_closed()
    assert extra.close_code == 1008
    assert (await host.call({"type": "note.add", **host.cell(), "text": "ok"}))["type"] == "ack"
    await held.pop().close()
    again = BoardClient(server.ws_url, created["workshop"], created["token"])
    for _ in range(50):  # the server counts the closed socket out a moment later
        try:
            await again.connect()
            break
        except ConnectionClosed:
            await asyncio.sleep(seconds(0.05))
    assert again.welcome is not None
    for ws in held:
        await ws.close()
    await again.close()
    await host.close()
