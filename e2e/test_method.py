"""The workshop method in real browsers: personas, emotion curve, private writing, lock, FR/EN."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations, travel
from tests.servers import ServerProcess


async def test_personas_switch_and_sheets_edit_live(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """The travel template has two personas; tabs switch journeys; a sheet edit reaches others."""
    facilitator, participant, _code = await travel(app_server, desktop, phone)
    page = facilitator.page
    await expect(page.locator(".tab")).to_have_count(2)
    await expect(facilitator.note("Stunning reef photos from other divers")).to_be_visible()
    await page.locator(".tab").nth(1).click()
    await expect(facilitator.note("Extra fees appear at the last step")).to_be_visible()
    await expect(facilitator.note("Stunning reef photos from other divers")).to_have_count(0)
    await participant.page.click("a[data-section=personas]")
    await page.click("a[data-section=personas]")
    insight = page.locator(".persona-card").first.locator("textarea[data-field=insight]")
    await insight.fill("She buys certainty, not a trip.")
    await insight.blur()
    shown = participant.page.locator(".persona-card").first.locator("textarea[data-field=insight]")
    await expect(shown).to_have_value("She buys certainty, not a trip.")
    found = await serious_violations(page)
    assert not found, describe(found)


async def test_rating_from_a_phone_moves_the_curve(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A phone rates a stage; the facilitator's curve summary shows the new median."""
    facilitator, participant, _code = await travel(app_server, desktop, phone)
    page = facilitator.page
    stage = page.locator("th.stage").nth(1)
    stage_id = await stage.get_attribute("data-stage")
    # The template's own value wins over ratings: clear it so the median shows.
    await page.select_option(f"#fix-{stage_id}", "")
    chart = page.locator(".curve-chart")
    await expect(chart).to_have_attribute("aria-label", re.compile("I book: no rating yet"))
    await participant.page.locator(".stage-nav button").nth(1).tap()  # next stage on the phone
    await participant.page.select_option(f"#rate-{stage_id}", "2")
    await expect(chart).to_have_attribute("aria-label", re.compile(r"I book: very positive \(2\)"))
    await expect(page.locator(".curve-stage").nth(1)).to_contain_text("from 2 to 2, 1 rating")


async def test_private_writing_hides_then_reveals(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext, browser: Browser
) -> None:
    """In private mode a participant's note is hidden from others until the facilitator reveals."""
    facilitator, participant, code = await travel(app_server, desktop, phone)
    other_context = await browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        other = await BoardPage.join(other_context, app_server.base, code, "Noé")
        await facilitator.page.click("#private-toggle")
        await expect(participant.page.locator("#private-banner")).to_be_visible()
        await participant.add_note(0, 0, "My secret idea")
        await expect(participant.note("My secret idea")).to_contain_text("private")
        await expect(facilitator.note("My secret idea")).to_be_visible()
        await other.add_note(0, 1, "Written after the secret one")
        await expect(facilitator.note("Written after the secret one")).to_be_visible()
        await expect(other.note("My secret idea")).to_have_count(0)
        await other.page.reload()
        await other.ready()
        await expect(other.note("My secret idea")).to_have_count(0)
        await expect(facilitator.page.locator("#reveal-notes")).to_contain_text("(2)")
        await facilitator.page.click("#reveal-notes")
        await expect(other.note("My secret idea")).to_be_visible()
        await expect(participant.note("My secret idea")).not_to_contain_text("private")
    finally:
        await other_context.close()


async def test_lock_makes_the_board_read_only_for_participants(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """When the facilitator locks the board, participants see a banner and cannot add notes."""
    facilitator, participant, _code = await travel(app_server, desktop, phone)
    await facilitator.page.click("#lock-toggle")
    await expect(participant.page.locator("#locked-banner")).to_be_visible()
    await expect(participant.page.locator(".add-note:visible")).to_have_count(0)
    await facilitator.page.click("#lock-toggle")
    await expect(participant.page.locator("#locked-banner")).to_have_count(0)
    await participant.add_note(0, 0, "Unlocked again")
    await expect(facilitator.note("Unlocked again")).to_be_visible()


async def test_french_screens(app_server: ServerProcess, desktop: BrowserContext) -> None:
    """The switch turns the whole board to French, template content included when created so."""
    page = await desktop.new_page()
    home = await HomePage(page, app_server.base).open()
    await page.click("#lang-btn")
    await expect(page.locator("#create-form h2")).to_have_text("Lancer un atelier")
    await page.fill("#create-title", "Atelier voyages")
    await page.select_option("#create-template", "travel")
    await page.click("#create-form button[type=submit]")
    await page.click("#open-board")
    board = BoardPage(page)
    await board.ready()
    await expect(page.locator("th.stage").first).to_contain_text("Je cherche un voyage")
    await expect(page.locator("th.lane").first).to_have_text("Enchantements")
    await expect(page.locator("a[data-section=vote]")).to_have_text("Vote")
    await expect(page.locator(".curve h2")).to_contain_text("Courbe d'émotion")
    found = await serious_violations(page)
    assert not found, describe(found)
    assert home
