"""Page objects: what a person does on each screen, in the words of the screen."""

from __future__ import annotations

import time
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import BrowserContext, Locator, Page, expect

_axe = Axe()
SERIOUS = {"moderate", "serious", "critical"}


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's moderate, serious and critical violations on the page as it is now."""
    results = await _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )


class HomePage:
    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base

    async def open(self) -> HomePage:
        await self.page.goto(self.base + "/")
        await expect(self.page.locator("html")).to_have_attribute("data-phase", "home")
        await expect(self.page.locator("#create-template option").first).to_be_attached()
        return self

    async def create(self, title: str, template: str = "blank") -> dict[str, str]:
        await self.page.fill("#create-title", title)
        await self.page.select_option("#create-template", template)
        await self.page.click("#create-form button[type=submit]")
        await expect(self.page.locator("html")).to_have_attribute("data-phase", "created")
        code = (await self.page.text_content("#created-code")) or ""
        board = await self.page.get_attribute("#open-board", "href") or ""
        return {"code": code, "board": board}


class BoardPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    @classmethod
    async def join(cls, context: BrowserContext, base: str, code: str, name: str) -> BoardPage:
        page = await context.new_page()
        await page.goto(f"{base}/j/{code}")
        await page.fill("#join-name", name)
        await page.click("#name-form button[type=submit]")
        board = cls(page)
        await board.ready()
        return board

    async def ready(self) -> None:
        await expect(self.page.locator("html")).to_have_attribute("data-phase", "board")
        await expect(self.page.locator("html")).to_have_attribute("data-connection", "online")

    def note(self, text: str) -> Locator:
        return self.page.locator(".note", has_text=text)

    def cell(self, stage: int, lane: int) -> Locator:
        return self.page.locator("tbody tr").nth(lane).locator("td.cell").nth(stage)

    async def add_note(self, stage: int, lane: int, text: str, channel: str | None = None) -> float:
        """Add a note through the editor; returns the moment it was sent (perf_counter)."""
        await self.cell(stage, lane).locator(".add-note").click()
        dialog = self.page.locator("dialog[open]")
        await dialog.locator("textarea").fill(text)
        if channel:
            await dialog.locator("select[name=channel]").select_option(channel)
        sent = time.perf_counter()
        await dialog.locator("button[type=submit]").click()
        await expect(dialog).to_have_count(0)
        return sent

    async def seq(self) -> int:
        return int(await self.page.locator("html").get_attribute("data-seq") or 0)


async def travel(
    server: Any, desktop: BrowserContext, phone: BrowserContext
) -> tuple[BoardPage, BoardPage, str]:
    """The travel demo opened by its facilitator on the desktop, joined by Inès on the phone;
    both boards and the join code."""
    page = await desktop.new_page()
    created = await (await HomePage(page, server.base).open()).create("Sports trips", "travel")
    await page.click("#open-board")
    facilitator = BoardPage(page)
    await facilitator.ready()
    participant = await BoardPage.join(phone, server.base, created["code"], "Inès")
    return facilitator, participant, created["code"]
