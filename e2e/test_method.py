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


async def test_edit_controls_work_by_keyboard_and_at_360_px(
    app_server: ServerProcess, desktop: BrowserContext, browser: Browser
) -> None:
    """The workshop's title, the lanes' order, tags of a new note, an objective's description
    and KPIs, a roadmap item's description and one's own name are edited from the board,
    by keyboard on a laptop and by thumb on a 360 px phone; the class rules are explained."""
    small = await browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="en-US"
    )
    try:
        facilitator, participant, _code = await travel(app_server, desktop, small)
        page, thumb = facilitator.page, participant.page
        dialog = page.locator("dialog[open]")

        await page.click("#rename-workshop-btn")
        await dialog.locator("input").fill("Dive trips 2027")
        await page.keyboard.press("Enter")
        await expect(thumb.locator("#workshop-title")).to_have_text("Dive trips 2027")

        await page.click("#add-lane")
        await dialog.locator("input").fill("Lived experience")
        await page.keyboard.press("Enter")
        lived = page.locator("th.lane", has_text="Lived experience")
        up = lived.locator("[data-lane-action=up]")
        await up.focus()
        for row in (3, 2, 1, 0):  # to the top, the focus staying on the lane's button
            await page.keyboard.press("Enter")
            await expect(page.locator("th.lane").nth(row)).to_contain_text("Lived experience")
        await expect(
            page.locator("th.lane").first.locator("[data-lane-action=up]")
        ).to_be_disabled()
        focused = await page.evaluate("document.activeElement.dataset.laneAction")
        assert focused == "down"
        await expect(thumb.locator("th.lane").first).to_contain_text("Lived experience")

        solutions = thumb.locator("tr[data-lane-kind=solutions] td.cell").first
        await solutions.locator(".add-note").tap()
        await thumb.locator("dialog[open] textarea").fill("Voucher wallet in the app")
        await thumb.locator("#tag-customer").check()
        await thumb.locator("dialog[open] button[type=submit]").tap()
        added = facilitator.note("Voucher wallet in the app")
        await expect(added.locator(".tag-customer")).to_have_count(1)
        await expect(participant.note("Voucher wallet in the app").locator(".tag")).to_have_count(1)

        await page.click("a[data-section=vote]")
        await page.locator("#objective-list [data-key^=edit-]").first.click()
        await dialog.locator("textarea").nth(0).fill("Fewer calls before departure")
        await dialog.locator("textarea").nth(1).fill("Calls per booking")
        await dialog.locator("button[type=submit]").click()
        first = page.locator("#objective-list .objective").first
        await expect(first).to_contain_text("Fewer calls before departure")
        await expect(first).to_contain_text("Calls per booking")

        await page.click("a[data-section=roadmap]")
        await page.fill("#item-title", "Trip app")
        await page.keyboard.press("Enter")
        await page.locator("article.item textarea[data-role=description]").fill("One app")
        await page.keyboard.press("Tab")
        await thumb.locator("a[data-section=roadmap]").tap()
        shown = thumb.locator("article.item textarea[data-role=description]")
        await expect(shown).to_have_value("One app")
        await thumb.locator("#class-help summary").tap()
        await expect(thumb.locator("#class-help [data-class=must_have]")).to_contain_text(
            "expected by customers or internally at 4"
        )
        found = await serious_violations(thumb)
        assert not found, describe(found)
        # A phone widens its layout viewport to fit what overflows: it must stay at 360.
        width = "[window.innerWidth, document.documentElement.scrollWidth]"
        assert await thumb.evaluate(width) == [360, 360]

        await thumb.locator("#menu-btn").tap()
        await thumb.locator("#presence summary").tap()
        await thumb.locator("#rename-me-btn").tap()
        await thumb.locator("dialog[open] input").fill("Inès B.")
        await thumb.locator("dialog[open] button[type=submit]").tap()
        await page.locator("#presence summary").click()
        await expect(page.locator("#presence .people")).to_contain_text("Inès B.")
        await thumb.locator("#menu-btn").tap()
        await thumb.locator("#lang-btn").tap()
        await expect(thumb.locator("#class-help [data-class=quick_win]")).to_contain_text(
            "effort de 2,5 ou moins"
        )
        await expect(thumb.locator("#presence summary")).to_contain_text("en ligne")
        for width in (1024, 800, 721):  # the header and the eight sections still fit
            await page.set_viewport_size({"width": width, "height": 900})
            for section in ("journeys", "roadmap"):
                await page.evaluate(f"location.hash = '{section}'")
                await expect(page.locator("html")).to_have_attribute("data-section", section)
                assert await page.evaluate("document.documentElement.scrollWidth") == width
        for viewer in (thumb, page):
            found = await serious_violations(viewer)
            assert not found, describe(found)
    finally:
        await small.close()


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
    await expect(page.locator("th.lane > span:first-child").first).to_have_text("Enchantements")
    await expect(page.locator("a[data-section=vote]")).to_have_text("Vote")
    await expect(page.locator(".curve h2")).to_contain_text("Courbe d'émotion")
    found = await serious_violations(page)
    assert not found, describe(found)
    assert home
