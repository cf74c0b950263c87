"""Key moments and the scenarios to launch first, in real browsers (desktop and a 360 px phone)."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess


async def test_a_key_moment_marked_on_a_phone_and_a_scenario_scored_from_it(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A phone marks a key moment on a note (★ on the stage header, by thumb); the desktop
    board shows it, and marks one from a note's editor; the phone scores a scenario and the
    desktop's ranking of the first three changes; axe finds nothing, no sideways scroll."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Moments", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    marker = page.locator(".moment-marker[data-stage]")
    await expect(marker.first).to_have_text("★ 1")  # the demo's quote left without a booking

    participant = await BoardPage.join(phone, app_server.base, created["code"], "Zoé")
    mobile = participant.page
    await mobile.set_viewport_size({"width": 360, "height": 780})
    await mobile.locator(".stage-nav .btn").last.click()  # to the second stage, "I book"
    await mobile.locator(".moment-marker").click()
    dialog = mobile.locator("dialog[open]")
    await dialog.locator("#moment-new-title").fill("Booking confirmed")
    await dialog.locator("#moment-new-note").select_option(index=1)
    await dialog.locator("#moment-new-kind").select_option("customer")
    found = await serious_violations(mobile)
    assert not found, describe(found)
    await dialog.locator("#moment-form button[type=submit]").click()
    await expect(dialog).to_have_count(0)
    await expect(mobile.locator(".moment-marker")).to_have_text("★ 1")

    await expect(marker.nth(1)).to_have_text("★ 1")  # the second board
    await expect(page.locator(".note .tag.key-moment")).to_have_count(2)
    await page.locator(".note", has_text="Vouchers and tickets").click()  # from a note's editor
    await page.click("dialog[open] [data-role=mark-moment]")
    await page.fill("#moment-new-title", "Documents arrive")
    await page.click("#moment-form button[type=submit]")
    await expect(marker.nth(2)).to_have_text("★ 1")
    await expect(page.locator(".note .tag.key-moment")).to_have_count(3)

    await page.click("a[data-section=scenarios]")
    ranking = page.locator(".ranking .rank")
    await expect(ranking.first).to_contain_text("Quote follow-up")
    await expect(ranking.nth(1)).to_contain_text("Trip preparation")
    await mobile.click("a[data-section=scenarios]")
    card = mobile.locator("article.scenario").nth(1)
    for criterion in ("objective", "roi", "expected"):
        await card.locator(f"[data-priority={criterion}]").select_option("5")
    await expect(ranking.nth(1)).to_contain_text("After the trip")
    await expect(page.locator(".ranking .rank.first")).to_have_count(3)
    assert await mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    found = await serious_violations(mobile)
    assert not found, describe(found)
    found = await serious_violations(page)
    assert not found, describe(found)
