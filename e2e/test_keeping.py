"""No work lost to a wrong tap, in real browsers: undo, the trash, versions, deleting a workshop."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import BrowserContext, Page, expect

from e2e.pages import BoardPage, HomePage, describe
from server.embedded import EmbeddedRedis
from tests.servers import ServerProcess

_axe = Axe()
_BLOCKING = {"critical", "serious", "moderate"}


async def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's critical, serious and moderate violations on the page as it is now."""
    results = await _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in _BLOCKING]


async def _open(server: ServerProcess, desktop: BrowserContext) -> tuple[BoardPage, dict[str, str]]:
    page = await desktop.new_page()
    created = await (await HomePage(page, server.base).open()).create("Undo workshop")
    await page.click("#open-board")
    board = BoardPage(page)
    await board.ready()
    return board, created


async def test_ctrl_z_on_desktop_and_the_undo_button_on_a_phone(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """Ctrl+Z takes my note back, Ctrl+Shift+Z redoes it; a phone's Undo button undoes its own."""
    fay, created = await _open(app_server, desktop)
    samira = await BoardPage.join(phone, app_server.base, created["code"], "Samira")
    await fay.add_note(0, 0, "Fay's note")
    await samira.add_note(0, 1, "Samira's note")
    await expect(fay.note("Samira's note")).to_be_visible()
    await fay.page.locator("body").press("Control+z")
    await expect(fay.note("Fay's note")).to_have_count(0)
    await expect(samira.note("Fay's note")).to_have_count(0)
    await expect(fay.note("Samira's note")).to_be_visible()
    await fay.page.locator("body").press("Control+Shift+z")
    await expect(samira.note("Fay's note")).to_be_visible()
    undo = samira.page.locator("[data-keep=undo]")
    await expect(undo).to_be_enabled()
    box = await undo.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    await undo.tap()
    await expect(fay.note("Samira's note")).to_have_count(0)
    await expect(fay.note("Fay's note")).to_be_visible()
    assert not await violations(samira.page), describe(await violations(samira.page))


async def test_undo_tells_who_changed_the_note_since(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """Samira's undo leaves the text Fay wrote after her, and says so in one sentence."""
    fay, created = await _open(app_server, desktop)
    samira = await BoardPage.join(phone, app_server.base, created["code"], "Samira")
    await samira.add_note(0, 0, "first words")
    await fay.note("first words").click()
    dialog = fay.page.locator("dialog[open]")
    await dialog.locator("textarea").fill("Fay's better words")
    await dialog.locator("button[type=submit]").click()
    await expect(samira.note("Fay's better words")).to_be_visible()
    await samira.page.locator("[data-keep=undo]").tap()
    await expect(samira.page.locator(".toast").last).to_have_text(
        "Facilitator changed this note since: it was left as it is."
    )
    await expect(fay.note("Fay's better words")).to_be_visible()


async def test_a_deleted_note_comes_back_from_the_trash(
    app_server: ServerProcess, desktop: BrowserContext
) -> None:
    """A note deleted in the editor is in the trash with who deleted it; Restore puts it back."""
    fay, _ = await _open(app_server, desktop)
    await fay.add_note(1, 2, "Worth keeping")
    await fay.note("Worth keeping").click()
    await fay.page.locator("dialog[open] button.danger").click()
    await fay.page.locator("dialog[open] button.danger").click()
    await expect(fay.note("Worth keeping")).to_have_count(0)
    await fay.page.locator("[data-keep=trash]").click()
    trash = fay.page.locator("dialog[open]")
    await expect(trash.locator(".keep-row")).to_contain_text("Deleted by Facilitator")
    assert not await violations(fay.page), describe(await violations(fay.page))
    await trash.get_by_role("button", name="Restore: Worth keeping").click()
    await expect(fay.cell(1, 2).locator(".note", has_text="Worth keeping")).to_be_visible()


async def test_a_version_opens_read_only(
    app_server: ServerProcess, desktop: BrowserContext
) -> None:
    """The facilitator saves a version, then opens it: the board as it stood, nothing editable."""
    fay, _ = await _open(app_server, desktop)
    await fay.add_note(0, 0, "Before the vote")
    await fay.page.locator("[data-keep=versions]").click()
    dialog = fay.page.locator("dialog[open]")
    await dialog.locator("#version-label").fill("after the vote")
    await dialog.locator("[data-keep=save-version]").click()
    row = dialog.locator(".keep-row").first
    await expect(row).to_contain_text("Saved: after the vote")
    assert not await violations(fay.page), describe(await violations(fay.page))
    await dialog.locator("[data-keep=save-version]").press("Escape")
    await fay.add_note(0, 0, "After the version")
    await fay.page.locator("[data-keep=versions]").click()
    await fay.page.locator("dialog[open] .keep-row").first.get_by_role("link").click()
    await expect(fay.page.locator("html")).to_have_attribute("data-phase", "version")
    await expect(fay.page.locator(".keep-banner")).to_contain_text("Read only")
    await expect(fay.note("Before the vote")).to_be_visible()
    await expect(fay.note("After the version")).to_have_count(0)
    await expect(fay.page.locator(".add-note:visible")).to_have_count(0)
    assert not await violations(fay.page), describe(await violations(fay.page))


async def test_deleting_a_workshop_leaves_no_key_in_redis(
    app_server: ServerProcess,
    e2e_redis: EmbeddedRedis,
    desktop: BrowserContext,
    phone: BrowserContext,
) -> None:
    """After the confirmed delete every board is told, and SCAN on the hash tag finds nothing."""
    fay, created = await _open(app_server, desktop)
    samira = await BoardPage.join(phone, app_server.base, created["code"], "Samira")
    await samira.add_note(0, 0, "Soon gone")
    workshop = fay.page.url.rsplit("/", 1)[-1].split("#")[0]
    await fay.page.locator("[data-keep=versions]").click()
    await fay.page.locator("dialog[open] [data-keep=delete]").click()
    confirm = fay.page.locator("dialog[role=alertdialog]")
    await expect(confirm.get_by_role("button", name="Export first")).to_be_visible()
    assert not await violations(fay.page), describe(await violations(fay.page))
    await confirm.locator("[data-keep=delete-go]").click()
    for page in (fay.page, samira.page):
        await expect(
            page.get_by_text("This workshop was deleted by its facilitator.")
        ).to_be_visible()
    client = aioredis.from_url(e2e_redis.url)
    try:
        assert [k async for k in client.scan_iter(match=f"{{w:{workshop}}}*")] == []
    finally:
        await client.aclose()
