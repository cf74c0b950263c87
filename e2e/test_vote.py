"""Dot-voting from phones: a facilitator and two phones, one ranked result."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, Playwright, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "e2e" / "results"

OBJECTIVES = ["Win back lapsed divers", "Reassure families", "Cut drop-off at booking"]


async def _objectives_and_round(page: Page, budget: int = 2) -> None:
    await page.click("a[data-section=vote]")
    for title in OBJECTIVES:
        await page.fill("#objective-title", title)
        await page.fill("#objective-kpis", "Repeat bookings +10%")
        await page.click("#objective-form button[type=submit]")
        await expect(page.locator("#objective-list .objective", has_text=title)).to_be_visible()
    await page.fill("#round-budget", str(budget))
    await page.click("#round-start")
    await expect(page.locator(".ballot .vote-status")).to_contain_text("Vote open")


async def _phone(browser: Browser, playwright: Playwright) -> BrowserContext:
    return await browser.new_context(**playwright.devices["Pixel 7"], locale="en-US")


async def test_phones_vote_and_everyone_sees_the_same_ranking(
    app_server: ServerProcess, desktop: BrowserContext, browser: Browser, playwright: Playwright
) -> None:
    """Two phones join by code, vote, the facilitator reveals: all three see one ranking."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Vote workshop")
    await page.click("#open-board")
    facilitator = BoardPage(page)
    await facilitator.ready()
    await _objectives_and_round(page)

    phones = [await _phone(browser, playwright) for _ in range(2)]
    try:
        voters = []
        for context, name in zip(phones, ["Ana", "Bruno"], strict=True):
            board = await BoardPage.join(context, app_server.base, created["code"], name)
            await board.page.click("a[data-section=vote]")
            voters.append(board.page)
        ana, bruno = voters
        # Ana: both dots on different objectives; Bruno: one, then takes it back and moves it.
        await ana.get_by_role("button", name=f"Add a dot to {OBJECTIVES[1]}").tap()
        await ana.get_by_role("button", name=f"Add a dot to {OBJECTIVES[0]}").tap()
        await expect(ana.locator(".dots-left")).to_contain_text("2 of 2 saved")
        await expect(
            ana.get_by_role("button", name=f"Add a dot to {OBJECTIVES[2]}")
        ).to_be_disabled()
        await bruno.get_by_role("button", name=f"Add a dot to {OBJECTIVES[0]}").tap()
        await expect(bruno.locator(".dots-left")).to_contain_text("1 of 2 saved")
        await bruno.get_by_role("button", name=f"Take a dot back from {OBJECTIVES[0]}").tap()
        await bruno.get_by_role("button", name=f"Add a dot to {OBJECTIVES[1]}").tap()
        await expect(bruno.locator(".dots-left")).to_contain_text("1 of 2 saved")
        await expect(page.locator("#round-ctl")).to_have_text("2 of 2 have voted")
        SHOTS.mkdir(exist_ok=True)
        await ana.screenshot(path=str(SHOTS / "phone-vote.png"), full_page=True)

        for phone_page in voters:
            found = await serious_violations(phone_page)
            assert not found, describe(found)
            assert await phone_page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"
            )
            small = await phone_page.evaluate(
                """() => [...document.querySelectorAll('.ballot button, .sections a')]
                  .filter((el) => el.offsetParent !== null)
                  .map((el) => el.getBoundingClientRect())
                  .filter((r) => r.width < 44 || r.height < 44).length"""
            )
            assert small == 0

        await page.click("[data-round-action=reveal]")
        for viewer in (page, ana, bruno):
            first = viewer.locator(".ballot .result").first
            await expect(first).to_contain_text(OBJECTIVES[1])
            await expect(first).to_contain_text("2 dots")
            await expect(viewer.locator(".ballot .result").nth(1)).to_contain_text("#2")
        await page.screenshot(path=str(SHOTS / "facilitator-results.png"), full_page=True)
    finally:
        for context in phones:
            await context.close()


async def test_projector_shows_code_and_participation(
    app_server: ServerProcess, desktop: BrowserContext, browser: Browser, playwright: Playwright
) -> None:
    """The projector view shows the join code, a QR code and the live count of voters."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Projected workshop")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await _objectives_and_round(page, budget=1)
    screen = await desktop.new_page()
    board_path = page.url.split("#")[0]
    await screen.goto(f"{board_path}/screen")
    await expect(screen.locator(".screen-strip-code")).to_have_text(
        created["code"][:3] + " " + created["code"][3:]
    )
    await expect(screen.locator("img.screen-qr")).to_be_visible()
    await expect(screen.locator(".screen-count")).to_contain_text("0 / 0")
    phone = await _phone(browser, playwright)
    try:
        voter = await BoardPage.join(phone, app_server.base, created["code"], "Chloé")
        await voter.page.click("a[data-section=vote]")
        await voter.page.get_by_role("button", name=f"Add a dot to {OBJECTIVES[2]}").tap()
        await expect(screen.locator(".screen-count")).to_contain_text("1 / 1")
        found = await serious_violations(screen)
        assert not found, describe(found)
        await page.click("[data-round-action=reveal]")
        await expect(screen.locator(".result").first).to_contain_text(OBJECTIVES[2])
    finally:
        await phone.close()


async def test_facilitator_votes_by_proxy(
    app_server: ServerProcess, desktop: BrowserContext
) -> None:
    """Someone without a phone is added by the facilitator, who casts their dot."""
    page = await desktop.new_page()
    await (await HomePage(page, app_server.base).open()).create("Proxy workshop")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await _objectives_and_round(page, budget=1)
    await page.click("[data-key=proxy-add]")
    await page.locator("dialog[open] input").fill("Marcel")
    await page.locator("dialog[open] button[type=submit]").click()
    await expect(page.locator("#proxy-who option", has_text="Marcel")).to_be_attached()
    await page.select_option("#proxy-who", label="Marcel")
    await page.get_by_role("button", name=f"Add a dot to {OBJECTIVES[0]}").click()
    await expect(page.locator(".dots-left")).to_contain_text("1 of 1 saved")
    await expect(page.locator("#round-ctl")).to_have_text("1 of 1 has voted")
