"""How the board reads a socket's frames: itself for whole text frames and pongs, through
websockets for anything else, and never losing its place in the stream between the two.

Whatever way TCP cuts the bytes (a byte at a time, several frames in one read, a header split
from its payload), every command arrives whole, once, in order; a ping, a fragmented message or
a pipelined hello hands the stream to websockets at a frame's start, and the socket goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from tests.client import facilitator
from tests.faults.cluster import Cluster
from tests.faults.rawws import CLOSE, CONTINUATION, PING, TEXT, RawSocket, frame_bytes
from tests.servers import ServerProcess

PONG = 0xA


def rename(op_id: str, pad: int = 0) -> bytes:
    """A command the server acknowledges, padded with spaces to a given size (JSON allows)."""
    command = {"type": "participant.rename", "op_id": op_id, "name": "Me"}
    return (json.dumps(command) + " " * pad).encode()


@contextlib.asynccontextmanager
async def opened(server: Any) -> AsyncIterator[RawSocket]:
    """A facilitator's hand-driven socket, past its welcome."""
    host, created = await facilitator(server)
    raw = await RawSocket.open(server.port, server.base)
    try:
        assert raw.status == 101
        welcome = await raw.hello(created["workshop"], created["token"])
        assert welcome["type"] == "welcome"
        yield raw
    finally:
        raw.close()
        await host.close()


async def acks(raw: RawSocket, count: int) -> list[str]:
    """The op ids of the next ``count`` acks, in the order they came."""
    found: list[str] = []
    while len(found) < count:
        message = await raw.next_text()
        assert message["type"] != "error", message
        if message["type"] == "ack":
            found.append(str(message["op_id"]))
    return found


async def test_frames_cut_a_byte_at_a_time_arrive_whole_and_in_order(server: ServerProcess) -> None:
    async with opened(server) as raw:
        sizes = [0, 60, 125, 200, 4000]  # lengths in 7 bits, and in 16
        wire = b"".join(frame_bytes(TEXT, rename(f"b{i}", pad)) for i, pad in enumerate(sizes))
        for byte in range(len(wire)):
            raw.writer.write(wire[byte : byte + 1])
            await raw.writer.drain()
            if byte % 97 == 0:
                await asyncio.sleep(0.001)  # some reads of one byte, some of many
        assert await acks(raw, len(sizes)) == [f"b{i}" for i in range(len(sizes))]


async def test_many_frames_in_one_read_are_each_answered(server: ServerProcess) -> None:
    async with opened(server) as raw:
        raw.writer.write(b"".join(frame_bytes(TEXT, rename(f"m{i}")) for i in range(12)))
        await raw.writer.drain()
        assert await acks(raw, 12) == [f"m{i}" for i in range(12)]


async def test_after_a_ping_websockets_reads_on_and_the_socket_works(
    server: ServerProcess,
) -> None:
    async with opened(server) as raw:
        raw.writer.write(
            frame_bytes(TEXT, rename("p1"))
            + frame_bytes(PING, b"are you there")
            + frame_bytes(TEXT, rename("p2"))
        )
        await raw.writer.drain()
        pong = None
        found: list[str] = []
        while pong is None or len(found) < 2:
            frame = await raw.recv()
            assert frame is not None
            if frame.opcode == PONG:
                pong = frame.payload
            elif frame.opcode == TEXT and (message := json.loads(frame.payload))["type"] == "ack":
                found.append(message["op_id"])
        assert pong == b"are you there"
        assert found == ["p1", "p2"]
        raw.send_frame(TEXT, rename("p3", 300))
        assert await acks(raw, 1) == ["p3"]


async def test_a_fragmented_message_after_whole_ones_is_put_together(
    server: ServerProcess,
) -> None:
    async with opened(server) as raw:
        message = rename("f2", 50)
        raw.writer.write(
            frame_bytes(TEXT, rename("f1"))
            + frame_bytes(TEXT, message[:20], fin=False)
            + frame_bytes(CONTINUATION, message[20:40], fin=False)
        )
        await raw.writer.drain()
        await asyncio.sleep(0.05)  # the last fragment in a read of its own
        raw.send_frame(CONTINUATION, message[40:])
        assert await acks(raw, 2) == ["f1", "f2"]


async def test_a_client_that_does_not_wait_for_the_101_is_closed_cleanly(
    server: ServerProcess,
) -> None:
    """RFC 6455 (4.1): a client waits for the handshake's answer before it sends frames. One
    that does not (uvicorn keeps only the request of the read it upgrades on) is closed as a
    protocol error (1002), and the board goes on for everyone else."""
    host, created = await facilitator(server)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    hello = {"type": "hello", "protocol": 1, "workshop": created["workshop"]}
    hello["token"] = created["token"]
    request = (
        "GET /ws HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {server.base}\r\n\r\n"
    ).encode()
    whole = frame_bytes(TEXT, json.dumps(hello).encode())
    writer.write(request + whole[:7])
    await writer.drain()
    await asyncio.sleep(0.05)  # the handshake's read ends inside the hello's frame
    writer.write(whole[7:] + frame_bytes(TEXT, rename("h1")))
    raw = RawSocket(reader, writer)
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 101 " in head
    _, code = await raw.texts_until_close()
    assert code == 1002
    raw.close()
    cell = host.cell()
    assert (await host.call({"type": "note.add", **cell, "text": "still here"}))["type"] == "ack"
    await host.close()


async def test_a_client_answering_the_keepalive_pings_stays_open(cluster: Cluster) -> None:
    """The pongs the board reads itself count: a client that answers every ping is kept, one
    that stops answering is closed by the ping timeout."""
    [server] = await cluster.serve(1, "--ws-ping-interval", "0.3", "--ws-ping-timeout", "0.3")
    async with opened(server) as raw:
        pinged = 0
        ended = asyncio.get_running_loop().time() + 2.0
        while asyncio.get_running_loop().time() < ended:
            frame = await raw.recv()
            assert frame is not None and frame.opcode != CLOSE, f"closed: {frame}"
            if frame.opcode == PING:
                pinged += 1
                raw.send_frame(PONG, frame.payload)
        assert pinged >= 4
        raw.send_frame(TEXT, rename("k1"))
        assert await acks(raw, 1) == ["k1"]
        _, code = await raw.texts_until_close()  # no more pongs: the timeout closes it
        assert code == 1011
