"""People around a board in the integration tests: real sockets through tests/client.py."""

from __future__ import annotations

import itertools
from typing import Any

from tests.client import BoardClient, join
from tests.servers import ServerProcess

_texts = itertools.count(1)


async def participant(server: ServerProcess, created: dict[str, str], name: str) -> BoardClient:
    """Join by code over HTTP, then open a socket to ``server``."""
    joined = await join(server.base, created["code"], name)
    client = BoardClient(server.ws_url, joined["workshop"], joined["token"])
    await client.connect()
    return client


def add_note(client: BoardClient, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A note.add command for the client's first cell."""
    return {"type": "note.add", **client.cell(), "text": text or f"note {next(_texts)}", **extra}


def no_op(client: BoardClient) -> dict[str, Any]:
    """A command anyone may send that is acknowledged and changes nothing (rename to oneself)."""
    assert client.welcome is not None and client.workshop is not None
    me = client.workshop.participants[client.welcome["you"]["id"]]
    return {"type": "participant.rename", "name": me.name}


async def settle(*clients: BoardClient) -> int:
    """Wait until every client has seen the newest seq its server knows of; that seq.

    Call it once every change has been acknowledged: the no-op's ack carries the room's seq.
    """
    acks = [await client.call(no_op(client)) for client in clients]
    newest = max(ack["seq"] for ack in acks)
    for client in clients:
        await client.wait_for(lambda c: c.seq >= newest)
    return newest


async def close_all(*clients: BoardClient) -> None:
    for client in clients:
        await client.close()


def move_to(client: BoardClient, server: ServerProcess) -> None:
    """Make the client's next connect go to ``server`` (as a load balancer might)."""
    client.ws_url = server.ws_url
    client.origin = server.base
