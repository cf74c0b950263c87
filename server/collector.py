"""Young collections on a clock: however many objects a busy process keeps, none waits long.

Python starts a young collection when allocations outnumber deallocations by a threshold
(``server.cli.GC_YOUNG``). A busy board process replaces state rather than growing it: every
change frees old notes and undo steps as it makes new ones, so that count hardly moves while the
young generation fills with survivors. By the time it fires, a young collection walked 70,000
objects (up to 60 ms) and the middle one after it 110 ms, every room standing still while more
than the process queue's worth of commands arrived. Collecting every ``PACE`` seconds walks what a
twentieth of a second left: a few milliseconds each. The threshold still fires on real growth (a
crowd joining), and full collections keep Python's own rule.
"""

from __future__ import annotations

import asyncio
import gc

PACE = 0.05
"""Seconds between two paced young collections."""
MIDDLE_EVERY = 4
"""Paced young collections between two middle ones (survivors wait there to die first)."""


async def paced() -> None:
    """Run until cancelled; does nothing while the collector is disabled."""
    turns = 0
    while True:
        await asyncio.sleep(PACE)
        if gc.isenabled():
            turns += 1
            gc.collect(1 if turns % MIDDLE_EVERY == 0 else 0)
