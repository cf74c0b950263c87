"""A socket's bounded outgoing queue: the room never waits for a slow reader."""

from __future__ import annotations

import asyncio
from collections import deque

QUEUE_FRAMES = 1024


class Mailbox:
    """Frames waiting to be written to one socket.

    ``put`` never blocks: when the queue is full the socket is marked for closing (1013, "try
    again later"); the browser reconnects and resumes from its last seq, so it loses nothing,
    and the room never slows down for it.
    """

    __slots__ = ("_frames", "_size", "_waiter", "close_code", "close_reason", "closed")

    def __init__(self, size: int = QUEUE_FRAMES) -> None:
        # No queue while there is nothing to send: an idle socket holds none (a deque is
        # 760 bytes; ten thousand idle sockets are most of what a process holds).
        self._frames: deque[str] | None = None
        self._size = size
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.close_code = 1000
        self.close_reason = ""

    def put(self, frame: str) -> None:
        if self.closed:
            return
        if self._frames is None:
            self._frames = deque()
        elif len(self._frames) >= self._size:
            self.close(1013, "too slow: reconnect and resume")
            return
        self._frames.append(frame)
        self._wake()

    def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            self.close_code, self.close_reason = code, reason
            self._frames = None
            self._wake()

    async def get(self) -> str | None:
        """The next frame, or None once the mailbox is closed."""
        while not self._frames and not self.closed:
            self._frames = None
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
            self._waiter = None
        if self.closed or not self._frames:
            return None
        return self._frames.popleft()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
