"""From solutions to a roadmap and scenario cards, in real browsers (desktop and phone)."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

WALLET = "One wallet in the app for every travel document"
BADGE = "A 'guaranteed departure' badge on trips"


async def test_solutions_become_scored_classified_planned_items(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """Two solutions become items, a phone scores them, they land in their class and quarter."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Roadmap", "travel")
    await page.click("#open-board")
    facilitator = BoardPage(page)
    await facilitator.ready()
    await page.click("a[data-section=roadmap]")
    for text in (WALLET, BADGE):
        await page.locator(".solution", has_text=text).locator("input").check()
        await page.click("#make-item")
        await expect(page.locator(".item .item-title").last).to_have_value(text)
    wallet = page.locator("article.item").first
    await expect(wallet.locator("[data-role=source]")).to_contain_text("Vouchers and tickets")

    participant = await BoardPage.join(phone, app_server.base, created["code"], "Zoé")
    phone_page = participant.page
    await phone_page.click("a[data-section=roadmap]")
    scores = {"impact": "5", "cost": "2", "delay": "2", "complexity": "2"}
    phone_wallet = phone_page.locator(".item").first
    for criterion, value in scores.items():
        await phone_wallet.locator(f"[data-criterion={criterion}]").select_option(value)
    phone_badge = phone_page.locator(".item").nth(1)
    for criterion, value in {"impact": "5", "cost": "5", "delay": "4", "complexity": "5"}.items():
        await phone_badge.locator(f"[data-criterion={criterion}]").select_option(value)
    found = await serious_violations(phone_page)
    assert not found, describe(found)
    assert await phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    items = page.locator(".item")
    await expect(items.nth(0).locator(".class-badge")).to_have_text("Quick win")
    # Strong impact but costly and long: a nice to have in the method, not a waow.
    await expect(items.nth(1).locator(".class-badge")).to_have_text("Nice to have")
    await expect(page.locator(".matrix .dot.quick_win")).to_have_count(1)
    await expect(page.locator(".matrix .dot.nice_to_have")).to_have_count(1)
    await phone_badge.locator("[data-criterion=buzz]").select_option("5")
    await expect(items.nth(1).locator(".class-badge")).to_have_text("Waow")
    # Expected internally: a must have, which the method plans before any waow.
    await phone_wallet.locator("[data-criterion=internal]").select_option("5")
    await expect(items.nth(0).locator(".class-badge")).to_have_text("Must have")
    await expect(page.locator("#class-cover")).to_contain_text("1 must have is not planned")
    await items.nth(0).locator("[data-role=quarter]").select_option("2")
    await expect(page.locator("#class-cover")).to_be_hidden()
    await expect(page.locator("td[data-quarter='2'] .item-chip")).to_contain_text(WALLET)
    await expect(phone_page.locator(".item").first.locator("[data-role=quarter]")).to_have_value(
        "2"
    )
    await items.nth(1).locator("[data-role=override]").select_option("must_have")
    await expect(phone_page.locator(".item").nth(1).locator(".class-badge")).to_have_text(
        "Must have ✋"
    )
    found = await serious_violations(page)
    assert not found, describe(found)


async def test_scenario_card_fills_and_shows_completeness(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """The travel template's scenarios are there; a new card is filled and counts its fields."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Scenarios", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await page.click("a[data-section=scenarios]")
    await expect(page.locator(".scenario .scenario-title").first).to_have_value("Trip preparation")
    await page.fill("#scenario-new-title", "Birthday offer")
    await page.select_option("#sc-new-moment", "commercial")
    await page.click("#scenario-form button[type=submit]")
    card = page.locator(".scenario").last
    await expect(card.locator(".scenario-title")).to_have_value("Birthday offer")
    await expect(card.locator("[data-role=count]")).to_have_text("0 of 14 filled")
    participant = await BoardPage.join(phone, app_server.base, created["code"], "Abel")
    await participant.page.click("a[data-section=scenarios]")
    phone_card = participant.page.locator(".scenario").last
    await phone_card.locator("textarea[data-field=trigger]").fill("One week before the birthday")
    await phone_card.locator("textarea[data-field=trigger]").blur()
    await expect(card.locator("textarea[data-field=trigger]")).to_have_value(
        "One week before the birthday"
    )
    await expect(card.locator("[data-role=count]")).to_have_text("1 of 14 filled")
    found = await serious_violations(page)
    assert not found, describe(found)
