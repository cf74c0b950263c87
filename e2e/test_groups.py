"""Big rooms in real browsers: six phones in three groups, each landing on its group's persona,
a facilitator who sees every group at a glance, and everyone back together for the vote."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


async def _context(browser: Browser, lang: str, **options: object) -> BrowserContext:
    context = await browser.new_context(locale="fr-FR" if lang == "fr" else "en-US", **options)
    await context.add_init_script(f"localStorage.setItem('parcours:lang', '{lang}')")
    return context


@pytest.mark.parametrize("lang", ["fr"])
async def test_six_phones_in_three_groups(
    app_server: ServerProcess, browser: Browser, lang: str
) -> None:
    """Split into 3 groups: each phone lands on its group's persona when group work starts, the
    facilitator's tiles show members, done counts and a help signal; Back together lets every
    phone write anywhere again."""
    desk = await _context(browser, lang, viewport={"width": 1440, "height": 900})
    phones = [await _context(browser, lang, **PHONE) for _ in range(6)]
    try:
        page = await desk.new_page()
        created = await (await HomePage(page, app_server.base).open()).create(
            "Grands groupes", "travel"
        )
        await page.click("#open-board")
        facilitator = BoardPage(page)
        await facilitator.ready()
        boards = [
            await BoardPage.join(context, app_server.base, created["code"], f"Personne {i}")
            for i, context in enumerate(phones)
        ]
        await page.click("a[data-section=agenda]")
        await page.fill("#groups-count", "3")
        await page.click("#groups-split")
        tiles = page.locator(".group-tile")
        await expect(tiles).to_have_count(3)
        for i in range(3):
            await expect(tiles.nth(i).locator(".group-members li")).to_have_count(2)
        personas = [
            await page.locator(
                f"#{await tiles.nth(i).locator('select').first.get_attribute('id')}"
            ).input_value()
            for i in range(3)
        ]
        await page.click("#step-next")  # kick-off
        await page.click("#step-next")  # personas
        await page.click("#step-next")  # journeys
        await page.click("a[data-section=agenda]")
        await page.click("#groups-work")
        for i, board in enumerate(boards):
            await expect(board.page.locator("html")).to_have_attribute("data-section", "journeys")
            pressed = board.page.locator(f".tab[data-persona='{personas[i % 3]}']")
            if await board.page.locator(".tab").count():
                await expect(pressed).to_have_attribute("aria-pressed", "true")
        own = boards[0]
        await own.add_note(0, 0, "Notre idée")
        await expect(own.note("Notre idée")).to_be_visible()
        await own.page.tap(f".tab[data-persona='{personas[1]}']")
        await expect(own.page.locator("#group-note")).to_be_visible()
        await expect(own.page.locator(".add-note:visible")).to_have_count(0)

        await boards[1].page.tap("#step-done")
        helper = boards[2].page
        await helper.evaluate("location.hash = 'agenda'")
        await helper.tap("#group-help")
        await expect(tiles.locator(".badge.help")).to_have_count(1)
        await expect(page.locator(".group-done").first).to_contain_text("sur 2")
        found = await serious_violations(page)
        assert not found, describe(found)
        found = await serious_violations(helper)
        assert not found, describe(found)

        # Walls: the other groups' notes leave the phones (they reload), the facilitator keeps all.
        await page.click("#groups-walls")
        await expect(page.locator("#groups-walls")).to_have_attribute("aria-pressed", "true")
        other = boards[1]
        await other.page.evaluate("location.hash = 'journeys'")
        await other.page.tap(f".tab[data-persona='{personas[0]}']")
        await expect(other.page.locator("#group-note")).to_contain_text("masquées")
        await expect(other.note("Notre idée")).to_have_count(0)
        await expect(own.page.locator("html")).to_have_attribute("data-connection", "online")

        await page.click("#groups-work")  # back together: the walls fall with group work
        await expect(other.note("Notre idée")).to_be_visible()
        await own.page.evaluate("location.hash = 'journeys'")
        await own.page.tap(f".tab[data-persona='{personas[1]}']")
        await expect(own.page.locator("#group-note")).to_be_hidden()
        await expect(own.page.locator(".add-note:visible").first).to_be_visible()

        # The tour: each group's journey on the presenter view in turn, phones follow.
        where, key = created["board"].split("#")
        screen = await desk.new_page()
        await screen.goto(f"{app_server.base}{where.rstrip('/')}/screen#{key}")
        await page.click("#groups-next")
        await expect(screen.locator(".screen-tour")).to_contain_text("Groupe 1 sur 3")
        await expect(screen.locator(".screen-tour-note", has_text="Notre idée")).to_be_visible()
        await page.click("#groups-next")
        await expect(screen.locator(".screen-tour")).to_contain_text("Groupe 2 sur 3")
        await expect(screen.locator(".screen-feeling").first).to_contain_text("→")  # today, target
        tab = other.page.locator(f".tab[data-persona='{personas[1]}']")
        if await other.page.locator(".tab").count():
            await expect(tab).to_have_attribute("aria-pressed", "true")
        await page.click("#groups-end-tour")
        await expect(screen.locator(".screen-tour")).to_have_count(0)

        # A vote counted per group: each group's result beside the room's, on a phone too.
        await page.click("a[data-section=vote]")
        await page.check("#round-by-group")
        await page.click("#round-start")
        for board in (own, other):
            await board.page.evaluate("location.hash = 'vote'")
            await board.page.locator(".ballot button[aria-label^='Ajouter']").first.tap()
        await expect(page.locator("#round-ctl")).to_contain_text("2")
        await page.click("[data-round-action=reveal]")
        table = other.page.locator(".group-results-table")
        await expect(table.locator("thead th")).to_have_count(4)
        await expect(page.locator(".group-results-table tbody tr").first).to_be_visible()
        assert await other.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        found = await serious_violations(other.page)
        assert not found, describe(found)
    finally:
        for context in (desk, *phones):
            await context.close()
