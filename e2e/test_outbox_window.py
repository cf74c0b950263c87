"""The outbox lives as long as the server's idempotency window, never longer."""

from __future__ import annotations

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
