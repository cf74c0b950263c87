"""A Parcours client written from docs/protocol.md alone: join by code, add notes, vote.

    pip install websockets
    python client.py http://127.0.0.1:8000 K7QF2M Ana --note "Long queue at the desk" --votes 2

It joins the workshop whose join code is given (POST /api/join), opens the socket with the
server's own Origin, says hello, adds each note to the first cell of the board (first persona,
first stage, first lane), then, if a vote is open (or opens within --wait seconds), casts up to
--votes dots, one per item, until the server refuses (budget spent: vote_refused). It prints
what it did as one JSON line. Only the standard library and `websockets` are used.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = 1
_ops = itertools.count(1)


def join(base: str, code: str, name: str) -> dict[str, Any]:
    """POST /api/join {code, name} -> {workshop, token, participant}."""
    request = urllib.request.Request(
        f"{base}/api/join",
        data=json.dumps({"code": code, "name": name}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        joined: dict[str, Any] = json.load(answer)
        return joined


class Board:
    """The socket and the little of the workshop this client needs, kept up to date."""

    def __init__(self, ws: ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.me: str = welcome["you"]["id"]
        self.seq: int = welcome["seq"]
        self.workshop: dict[str, Any] = welcome["snapshot"]  # a new client gets the snapshot

    def apply(self, entry: dict[str, Any]) -> None:
        """Apply one entry (in seq order; one already seen is skipped)."""
        if entry["seq"] <= self.seq:
            return
        for event in entry["events"]:
            kind = event["type"]
            if kind == "note.saved":
                self.workshop["notes"][event["note"]["id"]] = event["note"]
            elif kind == "note.deleted":
                self.workshop["notes"].pop(event["note"], None)
            elif kind == "round.started":
                rounds = [r for r in self.workshop["rounds"] if r["id"] != event["round"]["id"]]
                self.workshop["rounds"] = [*rounds, event["round"]]
            elif kind == "round.changed":
                for vote in self.workshop["rounds"]:
                    if vote["id"] == event["round"]:
                        vote["status"] = event["status"]
            elif kind in ("stages.set", "lanes.set"):
                self.workshop[kind.split(".")[0]] = event[kind.split(".")[0]]
        self.seq = entry["seq"]

    async def receive(self) -> dict[str, Any]:
        """The next message, after applying the entries it carries."""
        message: dict[str, Any] = json.loads(await self.ws.recv())
        if message["type"] == "event":
            self.apply(message["entry"])
        elif message["type"] == "events":
            for entry in message["entries"]:
                self.apply(entry)
        return message

    async def call(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send a command with a fresh op_id; its ack or error."""
        op_id = f"example-{next(_ops)}"
        await self.ws.send(json.dumps({**command, "op_id": op_id}))
        while True:
            message = await self.receive()
            if message["type"] in ("ack", "error") and message.get("op_id") == op_id:
                return message

    def open_round(self) -> dict[str, Any] | None:
        return next((r for r in self.workshop["rounds"] if r["status"] == "open"), None)


async def run(base: str, code: str, name: str, notes: list[str], votes: int, wait: float) -> dict:
    joined = join(base, code, name)
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    # Not a browser: send the Origin the server expects, its own (scheme://host[:port]).
    async with connect(f"{scheme}://{parts.netloc}/ws", origin=base) as ws:
        hello = {"type": "hello", "protocol": PROTOCOL, "workshop": joined["workshop"]}
        await ws.send(json.dumps({**hello, "token": joined["token"]}))
        welcome = json.loads(await ws.recv())
        if welcome["type"] != "welcome":
            raise SystemExit(f"refused: {welcome}")
        board = Board(ws, welcome)
        cell = {
            "persona": board.workshop["personas"][0]["id"],
            "stage": board.workshop["stages"][0]["id"],
            "lane": board.workshop["lanes"][0]["id"],
        }
        added = []
        for text in notes:
            answer = await board.call({"type": "note.add", **cell, "text": text})
            if answer["type"] == "error":
                raise SystemExit(f"note refused: {answer['code']}: {answer['message']}")
            added.append(answer["seq"])
        cast: list[str] = []
        refused = None
        try:
            async with asyncio.timeout(wait):
                while board.open_round() is None:
                    await board.receive()
        except TimeoutError:
            pass
        vote = board.open_round()
        for item in (vote or {}).get("items", [])[:votes]:
            answer = await board.call({"type": "dot.add", "round": vote["id"], "item": item})
            if answer["type"] == "error":
                refused = answer["code"]  # vote_refused once the budget is spent, say
                break
            cast.append(item)
        return {"me": board.me, "notes": len(added), "round": vote and vote["id"],
                "dots": cast, "refused": refused}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("code", help="the workshop's join code")
    parser.add_argument("name", help="your display name")
    parser.add_argument("--note", action="append", default=[], help="a note to add (repeat)")
    parser.add_argument("--votes", type=int, default=0, help="dots to cast, one per item")
    parser.add_argument("--wait", type=float, default=5.0, help="seconds to wait for a vote")
    args = parser.parse_args()
    done = asyncio.run(run(args.base.rstrip("/"), args.code, args.name, args.note, args.votes,
                           args.wait))  # fmt: skip
    sys.stdout.write(json.dumps(done) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
