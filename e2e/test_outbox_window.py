"""The outbox: it lives as long as the server's idempotency window, never longer, and a change
the server was too busy to take is sent again in the order it was made."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import BrowserContext, expect

from e2e.pages import BoardPage, HomePage
from server.embedded import EmbeddedRedis
from tests.servers import ServerProcess

_REWRITE = """([workshop, days]) => {
  const key = `parcours:outbox:${workshop}`;
  const [[, command]] = JSON.parse(localStorage.getItem(key));
  const made = (ms) => `${(Date.now() - ms).toString(36)}-1234`;
  const ancient = made(days * 86400000), recent = made(60000);
  localStorage.setItem(key, JSON.stringify([
    [ancient, { ...command, op_id: ancient, text: "Ancient change" }],
    [recent, { ...command, op_id: recent, text: "Recent change" }],
  ]));
}"""


async def test_outbox_entries_older_than_the_window_are_dropped_and_reported(
    e2e_redis: EmbeddedRedis, e2e_logs: Path, desktop: BrowserContext
) -> None:
    """An unsent change older than 7 days is dropped and reported; a recent one is sent."""
    server = ServerProcess(e2e_redis.url).start(e2e_logs)
    try:
        page = await desktop.new_page()
        await HomePage(page, server.base).open()
        await HomePage(page, server.base).create("Outbox window")
        await page.click("#open-board")
        board = BoardPage(page)
        await board.ready()
        workshop = page.url.split("#")[0].rstrip("/").split("/")[-1]
        server.kill()
        await expect(page.locator("html")).to_have_attribute("data-connection", "offline")
        await board.add_note(0, 0, "Written offline")
        # The outbox reaches localStorage a moment after the note shows: wait for it there.
        await page.wait_for_function(
            "key => localStorage.getItem(key)", arg=f"parcours:outbox:{workshop}"
        )
        await page.evaluate(_REWRITE, [workshop, 8])
        url = page.url
        await page.close()  # its socket would send the in-memory outbox, not the rewritten one
        server.start(e2e_logs)
        again = await desktop.new_page()
        await again.goto(url)
        back = BoardPage(again)
        await back.ready()
        await expect(back.note("Recent change")).to_have_count(1)
        await expect(again.locator(".toast")).to_contain_text("more than 7 days ago")
        await expect(back.note("Ancient change")).to_have_count(0)
        await expect(back.note("Written offline")).to_have_count(0)
        await expect(again.locator(".pending-count")).to_have_count(0)
    finally:
        server.stop()


async def test_changes_refused_by_a_busy_server_land_in_the_order_they_were_made(
    e2e_redis: EmbeddedRedis, e2e_logs: Path, desktop: BrowserContext
) -> None:
    """Quick keyboard moves past the socket's rate: refused ones are held and sent again in
    order, so the note ends where it was last put, for everyone, and no error shows."""
    server = ServerProcess(
        e2e_redis.url, None, "--messages-per-second", "2", "--message-burst", "2"
    ).start(e2e_logs)
    try:
        page = await desktop.new_page()
        home = await HomePage(page, server.base).open()
        await home.create("Busy board")
        refusals: list[str] = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda frame: (
                    refusals.append(str(frame)) if '"code":"rate"' in str(frame) else None
                ),
            ),
        )
        await page.click("#open-board")
        board = BoardPage(page)
        await board.ready()
        await board.add_note(0, 0, "Moved in a hurry")
        await expect(page.locator(".pending-count")).to_have_count(0)
        await board.note("Moved in a hurry").focus()
        for key in ("Alt+ArrowRight",) * 4 + ("Alt+ArrowLeft", "Alt+Shift+ArrowDown"):
            await page.keyboard.press(key)
        # While held the header says the board is busy (and why, in its title), not offline.
        status = page.locator("#conn .conn-label")
        await expect(status).to_have_text("Busy…")
        await expect(status).to_have_attribute("title", re.compile("sent again"))
        await expect(board.cell(3, 1).locator(".note", has_text="Moved in a hurry")).to_be_visible()
        await expect(page.locator(".pending-count")).to_have_count(0, timeout=15_000)
        assert refusals, "the socket's rate was passed: some moves were refused and sent again"
        await expect(page.locator(".toast")).to_have_count(0)
        # A second board (another socket) reads what the server holds.
        again = BoardPage(await desktop.new_page())
        await again.page.goto(page.url)
        await again.ready()
        moved = again.cell(3, 1).locator(".note", has_text="Moved in a hurry")
        await expect(moved).to_be_visible()
    finally:
        server.stop()
