"""What every route and socket of one process shares, in a module of its own.

``server/app.py`` builds one :class:`Context` in its lifespan; ``api``, ``exports_api`` and
``ws`` read it from ``app.state.ctx``. It lives here, below all of them, so that none of them
imports ``server.app`` (which imports them for its routes): the modules of ``server/`` form no
import cycle, and a test checks that they stay so.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass

from starlette.requests import Request

from server.fanout import Hub
from server.settings import Settings
from server.store import Store

WRONG_CODES_PER_MINUTE = 20


class ConnectionCaps:
    """How many sockets each address holds, capped (uvicorn's limit does not count sockets)."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self._open: Counter[str] = Counter()

    def take(self, address: str) -> bool:
        if self._open[address] >= self.per_address:
            return False
        self._open[address] += 1
        return True

    def give_back(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]


class WrongCodes:
    """Per-address count of wrong join codes in the last minute (guessing is slowed down)."""

    def __init__(self) -> None:
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def too_many(self, address: str) -> bool:
        seen = self._seen[address]
        while seen and seen[0] < time.monotonic() - 60:
            seen.popleft()
        return len(seen) >= WRONG_CODES_PER_MINUTE

    def add(self, address: str) -> None:
        self._seen[address].append(time.monotonic())


def limiter(request: Request, name: str, size: int) -> asyncio.Semaphore:
    """The process's semaphore called ``name`` (made on first use, in the running loop)."""
    state = request.app.state
    found: asyncio.Semaphore | None = getattr(state, name, None)
    if found is None:
        found = asyncio.Semaphore(size)
        setattr(state, name, found)
    return found


@dataclass(slots=True)
class Context:
    """What every route and socket of one process shares."""

    settings: Settings
    store: Store
    hub: Hub
    caps: ConnectionCaps
    wrong_codes: WrongCodes
