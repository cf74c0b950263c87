"""Workshops and participants for a run, made through the public HTTP API like real people.

Parcours: ``POST /api/workshops`` then one ``POST /api/join`` per phone (each phone is its own
participant, with its own token). Relays have no API and no access control: made-up ids.
"""

from __future__ import annotations

import asyncio
import secrets
import time

from bench.wire import Http


async def _rooms(
    port: int, rooms: int, per_room: int, concurrency: int
) -> list[tuple[str, list[str]]]:
    http = Http(port)
    made: list[tuple[str, str]] = []
    for r in range(rooms):
        status, body = await http.post("/api/workshops", {"title": f"Bench room {r}"})
        if status != 201:
            raise RuntimeError(f"create workshop: {status} {body}")
        made.append((body["workshop"], body["code"]))
    await http.close()
    tokens: list[list[str]] = [[] for _ in range(rooms)]
    jobs = [(r, i) for i in range(per_room) for r in range(rooms)]
    cursor = iter(jobs)

    async def lane() -> None:
        client = Http(port)
        try:
            for r, i in cursor:
                status, body = await client.post(
                    "/api/join", {"code": made[r][1], "name": f"Phone {r}-{i}"}
                )
                if status != 200:
                    raise RuntimeError(f"join: {status} {body}")
                tokens[r].append(body["token"])
        finally:
            await client.close()

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return [(made[r][0], tokens[r]) for r in range(rooms)]


def parcours_rooms(
    port: int, rooms: int, per_room: int, concurrency: int = 16
) -> tuple[list[tuple[str, list[str]]], float]:
    """``rooms`` workshops with ``per_room`` joined participants each; and the seconds it took."""
    began = time.perf_counter()
    made = asyncio.run(_rooms(port, rooms, per_room, concurrency))
    return made, time.perf_counter() - began


def relay_rooms(rooms: int, per_room: int) -> list[tuple[str, list[str]]]:
    return [(secrets.token_hex(5), ["relay"] * per_room) for _ in range(rooms)]
