"""What every baseline relay answers, in the shape of the Parcours protocol, and nothing more.

A relay keeps no board: ``hello`` gets a ``welcome`` with a fixed small snapshot (the cells of
the blank template), each command gets an ``event`` carrying an entry of the same size and shape
as Parcours's (a ``note.saved`` or ``note.deleted`` with the op_id), sent to the whole room, and
an ``ack`` to the sender. So the generator drives relays and Parcours with the same code.
"""

from __future__ import annotations

import argparse
import itertools
from typing import Any

import msgspec

_LANES = [
    {"id": f"l{i}", "kind": k}
    for i, k in enumerate(("enchantments", "irritants", "expectations", "solutions"), start=2)
]
_STAGES = [{"id": f"s{i}", "title": f"Stage {i}"} for i in range(6, 11)]
_PERSONAS = [{"id": "a11", "name": "Persona 1", "emoji": ""}]
_ids = itertools.count(1000)
_decode = msgspec.json.Decoder(dict[str, Any]).decode
_encode = msgspec.json.Encoder().encode


class RelayRoom:
    """One room of a relay: a sequence number and the members' sockets."""

    __slots__ = ("members", "seq")

    def __init__(self) -> None:
        self.seq = 0
        self.members: set[Any] = set()


def parse_hello(raw: str | bytes) -> str:
    """The workshop a hello names (the token is not checked: a relay has no access control)."""
    hello = _decode(raw)
    if hello.get("type") != "hello":
        raise ValueError("hello first")
    return str(hello["workshop"])


def welcome(room: RelayRoom, workshop: str) -> tuple[str, str]:
    """The welcome frame and the participant id given to the new socket."""
    message, you = welcome_message(room, workshop)
    return _encode(message).decode(), you


def welcome_message(room: RelayRoom, workshop: str) -> tuple[dict[str, Any], str]:
    """The welcome (unencoded: a Socket.IO peer encodes it itself) and the participant id."""
    you = f"p{next(_ids)}"
    snapshot = {
        "id": workshop,
        "title": "Relay",
        "stages": _STAGES,
        "lanes": _LANES,
        "personas": _PERSONAS,
        "notes": {},
        "participants": {},
    }
    message = {
        "type": "welcome",
        "protocol": 1,
        "seq": room.seq,
        "epoch": "relay",
        "you": {"id": you, "name": "Relay", "role": "participant"},
        "snapshot": snapshot,
    }
    return message, you


def command(raw: str | bytes) -> dict[str, Any]:
    return _decode(raw)


def entry(seq: int, actor: str, cmd: dict[str, Any]) -> str:
    """An entry like the one Parcours would store for ``cmd``."""
    return _encode(entry_body(seq, actor, cmd)).decode()


def entry_body(seq: int, actor: str, cmd: dict[str, Any]) -> dict[str, Any]:
    """The entry, unencoded."""
    kind = cmd.get("type")
    if kind == "note.delete":
        events: list[dict[str, Any]] = [{"type": "note.deleted", "note": cmd.get("note", "")}]
    else:
        note_id = cmd.get("note") or f"n{seq + 1000}"
        events = [
            {
                "type": "note.saved",
                "note": {
                    "id": note_id,
                    "persona": cmd.get("persona", "a11"),
                    "stage": cmd.get("stage", "s6"),
                    "lane": cmd.get("lane", "l2"),
                    "text": cmd.get("text") or "a relayed note of ordinary length",
                    "channel": cmd.get("channel") or "web",
                    "pos": 1.0,
                    "author": actor,
                    "version": 1,
                },
            }
        ]
    return {"seq": seq, "op_id": cmd.get("op_id", ""), "actor": actor, "events": events}


def event_frame(entry_json: str) -> str:
    return '{"type":"event","entry":' + entry_json + "}"


def ack_frame(op_id: str, seq: int) -> str:
    return _encode({"type": "ack", "op_id": op_id, "seq": seq}).decode()


def options() -> argparse.Namespace:
    """A relay's (or peer's) command line: ``--port P [--redis-url U] [--loop L]``."""
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--redis-url")
    args.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    return args.parse_args()
