"""The target journey in real browsers: a phone rates the target curve, a desktop draws it."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, Playwright, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess


async def test_target_curve_rated_on_a_phone_and_a_solution_chosen(
    app_server: ServerProcess, desktop: BrowserContext, browser: Browser, playwright: Playwright
) -> None:
    """A 360 px phone rates the target curve and chooses a solution; the desktop shows both."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Trips", "travel")
    await page.click("#open-board")
    host = BoardPage(page)
    await host.ready()
    small = {**playwright.devices["Pixel 7"], "viewport": {"width": 360, "height": 740}}
    context = await browser.new_context(**small, locale="en-US")
    try:
        phone = await BoardPage.join(context, app_server.base, created["code"], "Inès")
        chart = page.locator(".curve-chart")
        # The demo ships a target curve: drawn dashed beside today's, named in the text alternative.
        await expect(page.locator(".curve-chart polyline.goal")).to_have_count(1)
        await expect(page.locator(".curve-legend")).to_contain_text("Target")
        await expect(chart).to_have_attribute("aria-label", re.compile(r"Target curve: .*very"))

        stage = await page.locator("th.stage").nth(1).get_attribute("data-stage")
        await page.click("[data-journey=target]")
        await expect(page.locator("table.grid.target-view")).to_have_count(1)
        await page.select_option(f"#fix-{stage}", "")  # the demo's fixed value would win
        await expect(chart).to_have_attribute(
            "aria-label", re.compile(r"Target curve: .*I book: no rating")
        )

        await phone.page.locator("[data-journey=target]").tap()
        await phone.page.locator(".stage-nav button").nth(1).tap()
        await phone.page.select_option(f"#rate-{stage}", "2")
        await expect(chart).to_have_attribute(
            "aria-label", re.compile(r"Target curve: .*I book: very positive \(2\)")
        )
        await expect(phone.page.locator(".journey-curve .curve-chart")).to_have_attribute(
            "aria-label", re.compile(r"Target curve: .*I book: very positive \(2\)")
        )
        # Today's journey keeps the solution that is not chosen yet; the target one hides it.
        live = "Live trip updates pushed to my phone"
        await expect(host.note(live)).to_have_count(0)
        await phone.page.locator("[data-journey=today]").tap()
        await phone.page.select_option(".stage-select", "3")
        await phone.note(live).tap()
        dialog = phone.page.locator("dialog[open]")
        await dialog.locator("label[for=note-target]").tap()
        await dialog.locator("button[type=submit]").tap()
        await expect(phone.note(live)).to_contain_text("Target journey")
        await expect(host.note(live)).to_contain_text("Target journey")
        await expect(page.locator(".note.answered").first).to_be_visible()
        wide = await phone.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 360, f"the phone scrolls sideways ({wide} px)"
        for seen in (page, phone.page):
            found = await serious_violations(seen)
            assert not found, describe(found)
        await page.click("a[data-section=heatmap]")
        cell = page.locator(".target-table td[data-stage]").nth(1)
        await expect(cell).to_have_attribute("aria-label", re.compile(r"target \+2"))
        found = await serious_violations(page)
        assert not found, describe(found)
    finally:
        await context.close()
