"""The annual animation plan in real browsers: drafted on a desktop, edited on a phone."""

from __future__ import annotations

import os

from playwright.async_api import Browser, BrowserContext, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


async def test_the_plan_is_drafted_edited_on_a_phone_and_shown_as_a_calendar(
    app_server: ServerProcess, desktop: BrowserContext, browser: Browser
) -> None:
    """The facilitator drafts rows from the board (a second draft adds nothing); a 360 px phone
    edits one (the desktop sees it); the calendar shows the rows in their months inside its
    own scrolling region, the page never wider than the phone; axe finds nothing; the plan is
    then put to the vote."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Plan", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await page.click("a[data-section=plan]")
    rows = page.locator("article.plan-row")
    await expect(rows).to_have_count(5)
    await page.click("#plan-draft")
    await expect(rows).to_have_count(18)
    await expect(page.locator("#plan-status")).to_have_text("13 actions proposed from the board.")
    await page.click("#plan-draft")
    await expect(page.locator("#plan-status")).to_contain_text("Nothing new")
    await expect(rows).to_have_count(18)
    drafted = rows.nth(5)
    await expect(drafted.locator(".plan-title")).to_have_value("Quote follow-up")

    phone = await browser.new_context(locale="en-US", **PHONE)  # type: ignore[arg-type]
    participant = await BoardPage.join(phone, app_server.base, created["code"], "Zoé")
    mobile = participant.page
    await mobile.click("a[data-section=plan]")
    card = mobile.locator("article.plan-row").nth(5)
    await card.locator("[data-field=frequency]").fill("Weekly in season")
    await card.locator("[data-field=frequency]").blur()
    await card.locator("label", has_text="Mar").click()
    await card.locator("label", has_text="Apr").click()
    await expect(drafted.locator("[data-field=frequency]")).to_have_value("Weekly in season")
    await expect(drafted.locator("input[value='4']")).to_be_checked()
    found = await serious_violations(mobile)
    assert not found, describe(found)
    assert await mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    await mobile.click("[data-mode=calendar]")
    calendar = mobile.locator("#plan-calendar")
    await expect(calendar).to_be_visible()
    line = calendar.locator("tr", has_text="Quote follow-up")
    await expect(line.locator("td.plan-cal-on")).to_have_count(2)
    await expect(calendar.locator("tr", has_text="Trip preparation sequence")).to_contain_text(
        "On its trigger"
    )
    assert await mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert await calendar.evaluate("e => e.scrollWidth > e.clientWidth"), "scrolls in its region"
    found = await serious_violations(mobile)
    assert not found, describe(found)
    if os.environ.get("PARCOURS_SHOTS"):
        await mobile.screenshot(path=f"{os.environ['PARCOURS_SHOTS']}/plan-phone.png")
        await calendar.evaluate("e => { e.scrollLeft = 200; }")
        await calendar.screenshot(path=f"{os.environ['PARCOURS_SHOTS']}/plan-calendar.png")
        await page.screenshot(path=f"{os.environ['PARCOURS_SHOTS']}/plan-desktop.png")
    await page.click("[data-mode=calendar]")
    await expect(page.locator("#plan-calendar tbody tr")).to_have_count(18)
    await page.click("#lang-btn")  # in French: the same calendar, in French words
    await expect(page.locator("#plan-calendar thead th").nth(1)).to_have_text("janv.")
    await expect(page.locator("#plan-draft")).to_have_text("Brouillon depuis le tableau")
    found = await serious_violations(page)
    assert not found, describe(found)
    await page.click("#plan-vote")  # the room votes on the plan's actions, on the ballot
    await expect(page.locator("html")).to_have_attribute("data-section", "vote")
    await expect(page.locator(".vote-item")).to_have_count(18)
    await expect(mobile.locator(".vote-item")).to_have_count(18)
    await phone.close()
