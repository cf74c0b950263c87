"""Led through the workshop: the agenda moves every phone, the phone-first shell, the truth about
the connection, a locked board, in French and English."""

from __future__ import annotations

import json
import os
import re
import statistics
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WORDS = {
    "en": {
        "done": "I'm done",
        "count": "2 of 3 done",
        "offline": "Offline",
        "waiting": "1 waiting",
    },
    "fr": {
        "done": "J'ai fini",
        "count": "2 sur 3 ont fini",
        "offline": "Hors ligne",
        "waiting": "1 en attente",
    },
}
SECTIONS = ["agenda", "personas", "journeys", "heatmap", "vote", "roadmap", "scenarios", "plan"]
LONG = "Une étape au titre très long pour vérifier que rien ne déborde sur un petit écran".ljust(
    80, "x"
)


_WATCH_SECTION = """() => new MutationObserver(() => { window.__sectionAt = Date.now(); })
  .observe(document.documentElement, {attributeFilter: ['data-section']})"""
_PRESS_NEXT = (
    """() => { const at = Date.now(); document.getElementById('step-next').click(); return at; }"""
)


async def _context(browser: Browser, lang: str, **options: object) -> BrowserContext:
    context = await browser.new_context(locale="fr-FR" if lang == "fr" else "en-US", **options)
    await context.add_init_script(f"localStorage.setItem('parcours:lang', '{lang}')")
    return context


async def _facilitator(
    server: ServerProcess, context: BrowserContext, title: str
) -> tuple[BoardPage, str]:
    page = await context.new_page()
    created = await (await HomePage(page, server.base).open()).create(title, "travel")
    await page.click("#open-board")
    board = BoardPage(page)
    await board.ready()
    return board, created["code"]


async def _section(page: Page, name: str) -> None:
    await expect(page.locator("html")).to_have_attribute("data-section", name)


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_phones_follow_the_facilitators_agenda(
    app_server: ServerProcess, browser: Browser, lang: str
) -> None:
    """Next moves three phones to the step's section; a wanderer comes back in one tap; done
    counts reach the facilitator; a vote that opens takes the phones to the ballot."""
    words = WORDS[lang]
    desk = await _context(browser, lang, viewport={"width": 1440, "height": 900})
    phones = [await _context(browser, lang, **PHONE) for _ in range(3)]
    try:
        title = "Atelier voyages en famille" if lang == "fr" else "Family trips workshop"
        facilitator, code = await _facilitator(app_server, desk, title)
        boards = [
            await BoardPage.join(context, app_server.base, code, name)
            for context, name in zip(phones, ["Ana", "Bruno", "Chloé"], strict=True)
        ]
        page = facilitator.page
        for board in boards:  # each phone notes (Date.now, same machine) when its section changes
            await board.page.evaluate(_WATCH_SECTION)
        delays = []
        expected = ["agenda", "personas", "journeys"]  # kick-off, personas, journeys
        for wanted in expected:
            pressed = await page.evaluate(_PRESS_NEXT)
            for board in boards:
                await _section(board.page, wanted)
            seen = [await board.page.evaluate("() => window.__sectionAt") for board in boards]
            delays.append(max(seen) - pressed)
        step = await page.locator("html").get_attribute("data-step")
        assert step
        for board in boards:
            await expect(board.page.locator("html")).to_have_attribute("data-step", step)

        if lang == "fr" and os.environ.get("PARCOURS_UPDATE_SCREENSHOT"):
            await boards[1].page.screenshot(path=str(ROOT / "docs" / "phone.png"))
        wanderer = boards[0].page
        await wanderer.click("a[data-section=roadmap]")
        await _section(wanderer, "roadmap")
        await wanderer.tap("#step-back")
        await _section(wanderer, "journeys")
        await expect(wanderer.locator("#step-back")).to_have_count(0)

        for board in boards[:2]:
            await board.page.tap("#step-done")
            await expect(board.page.locator("#step-done")).to_have_attribute("aria-pressed", "true")
        await expect(page.locator("#done-count summary")).to_have_text(words["count"])
        await page.click("#done-count summary")
        await expect(page.locator("#done-count li")).to_have_text(["Chloé"])

        await page.click("#step-next")  # the emotion curve: back on the journeys, done reset
        for board in boards:
            done = board.page.locator("#step-done")
            await expect(done).to_have_attribute("aria-pressed", "false")
            await expect(done).to_have_text(words["done"])

        await page.click("a[data-section=vote]")
        await page.fill("#objective-title", "Reassure families")
        await page.click("#objective-form button[type=submit]")
        await page.click("#round-start")
        for board in boards:
            await _section(board.page, "vote")
            await expect(board.page.locator(".ballot")).to_be_visible()
        figures = {
            "next_to_the_last_of_three_phones_ms": {
                "median": statistics.median(delays),
                "max": max(delays),
                "samples": delays,
            }
        }
        out = ROOT / "e2e" / "results"
        out.mkdir(exist_ok=True)
        (out / f"agenda-{lang}.json").write_text(json.dumps(figures, indent=2))
        print(f"\nNext -> three phones' section ({lang}): {figures}")
        for board in (facilitator, boards[0]):
            found = await serious_violations(board.page)
            assert not found, describe(found)
    finally:
        for context in (desk, *phones):
            await context.close()


async def test_the_facilitator_edits_the_agenda(
    app_server: ServerProcess, browser: Browser
) -> None:
    """Rename and skip a step in the agenda editor: Next passes over the skipped one."""
    desk = await _context(browser, "en", viewport={"width": 1280, "height": 800})
    try:
        facilitator, _code = await _facilitator(app_server, desk, "Agenda edit")
        page = facilitator.page
        await page.click("a[data-section=agenda]")
        await page.click("#agenda-edit")
        await page.fill("#agenda-name-0", "Welcome and stakes")
        await page.check("#agenda-skip-1")
        await page.click("#agenda-save")
        await expect(page.locator(".agenda-step").first).to_contain_text("Welcome and stakes")
        await page.click("#step-next")
        await expect(page.locator(".step-name")).to_have_text("Welcome and stakes")
        await page.click("#step-next")
        await expect(page.locator(".step-name")).to_have_text("Journeys")  # personas skipped
        await _section(page, "journeys")
        found = await serious_violations(page)
        assert not found, describe(found)
    finally:
        await desk.close()


_OVERFLOW = """() => ({sw: document.documentElement.scrollWidth, iw: window.innerWidth})"""
_SMALL = """() => {
  const small = [];
  const targets = 'a[href]:not(.skip), button, select, summary, textarea, '
    + 'input:not([type=checkbox]):not([type=radio])';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.width < 43.5 || box.height < 43.5) {
      small.push(`${el.tagName}#${el.id}.${el.className} ${Math.round(box.width)}x`
        + `${Math.round(box.height)} "${(el.textContent || '').trim().slice(0, 24)}"`);
    }
  }
  for (const el of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const label = el.labels && el.labels[0];
    const area = (label ? label.closest('.check') : null) || el.closest('.check') || el;
    const hit = area.getBoundingClientRect();
    if (hit.height < 43.5) small.push(`checkbox ${el.id} ${Math.round(hit.height)}`);
  }
  return small;
}"""


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_every_view_fits_a_360_px_phone(
    app_server: ServerProcess, browser: Browser, lang: str
) -> None:
    """At 360 x 740, with 80-character titles, no view scrolls sideways, no target is under
    44 px (facilitator and participant), and the header is one line of at most 56 px."""
    facilitator_phone = await _context(browser, lang, **PHONE)
    participant_phone = await _context(browser, lang, **PHONE)
    try:
        facilitator, code = await _facilitator(app_server, facilitator_phone, LONG[:80])
        page = facilitator.page
        await page.click("#add-stage")
        await page.locator("dialog[open] input").fill(LONG)
        await page.locator("dialog[open] button[type=submit]").click()
        await expect(page.locator("dialog[open]")).to_have_count(0)
        await page.click("a[data-section=personas]")
        name = page.locator(".persona-name").first
        await name.fill(LONG)
        await name.press("Tab")
        await page.click("#controls-btn")
        await page.click("#step-next")
        participant = await BoardPage.join(participant_phone, app_server.base, code, LONG[:60])
        for board in (facilitator, participant):
            header = await board.page.locator("header.top").bounding_box()
            assert header and header["height"] <= 56, header
            for name in SECTIONS:
                await board.page.evaluate("(name) => { location.hash = name; }", name)
                await _section(board.page, name)
                size = await board.page.evaluate(_OVERFLOW)
                assert size["sw"] <= size["iw"], (name, size)
                small = await board.page.evaluate(_SMALL)
                assert not small, (name, small)
                found = await serious_violations(board.page)
                assert not found, (name, describe(found))
    finally:
        await facilitator_phone.close()
        await participant_phone.close()


async def test_offline_is_said_and_notes_wait_visibly(
    app_server: ServerProcess, browser: Browser
) -> None:
    """Offline: the indicator says so within seconds, a note added offline shows at once as
    waiting, and is saved (and seen by others) when the link is back."""
    desk = await _context(browser, "fr", viewport={"width": 1280, "height": 800})
    phone = await _context(browser, "fr", **PHONE)
    try:
        facilitator, code = await _facilitator(app_server, desk, "Hors ligne")
        participant = await BoardPage.join(phone, app_server.base, code, "Inès")
        await phone.set_offline(True)
        html = participant.page.locator("html")
        await expect(html).to_have_attribute("data-connection", "offline", timeout=15000)
        await expect(participant.page.locator("#conn")).to_contain_text(WORDS["fr"]["offline"])
        await participant.add_note(0, 0, "Écrite hors ligne")
        note = participant.note("Écrite hors ligne")
        await expect(note).to_be_visible()
        await expect(note).to_have_class(lambda_class("pending"))
        await expect(participant.page.locator("#conn")).to_contain_text(WORDS["fr"]["waiting"])
        await expect(facilitator.note("Écrite hors ligne")).to_have_count(0)
        await phone.set_offline(False)
        await expect(html).to_have_attribute("data-connection", "online", timeout=15000)
        await expect(facilitator.note("Écrite hors ligne")).to_be_visible()
        await expect(note).not_to_have_class(lambda_class("pending"))
        await expect(participant.note("Écrite hors ligne")).to_have_count(1)
    finally:
        await desk.close()
        await phone.close()


def lambda_class(name: str) -> re.Pattern[str]:
    """A class-list pattern that matches one whole class name."""
    return re.compile(rf"(^|\s){name}(\s|$)")


async def test_locked_means_locked_and_nothing_typed_is_lost(
    app_server: ServerProcess, browser: Browser
) -> None:
    """While locked a participant's edit controls are disabled with the reason shown; a note
    being typed when the lock comes keeps its text and is saved after the unlock."""
    desk = await _context(browser, "fr", viewport={"width": 1280, "height": 800})
    phone = await _context(browser, "fr", **PHONE)
    try:
        facilitator, code = await _facilitator(app_server, desk, "Verrou")
        participant = await BoardPage.join(phone, app_server.base, code, "Inès")
        page = participant.page
        await participant.cell(0, 0).locator(".add-note").click()
        dialog = page.locator("dialog[open]")
        await dialog.locator("textarea").fill("Tapée avant le verrou")
        await facilitator.page.click("#lock-toggle")
        await expect(dialog.locator(".lock-note")).to_be_visible()
        await expect(dialog.locator("button[type=submit]")).to_be_disabled()
        await expect(dialog.locator("textarea")).to_have_value("Tapée avant le verrou")
        await facilitator.page.click("#lock-toggle")
        await expect(dialog.locator("button[type=submit]")).to_be_enabled()
        await dialog.locator("button[type=submit]").click()
        await expect(facilitator.note("Tapée avant le verrou")).to_be_visible()

        await facilitator.page.click("#lock-toggle")
        await expect(page.locator("#locked-banner")).to_be_visible()
        await expect(page.locator(".add-note:visible")).to_have_count(0)
        await expect(page.locator(".curve-stage select").first).to_be_disabled()
        await page.click("a[data-section=personas]")
        await expect(page.locator(".persona-card textarea").first).to_be_disabled()
        await page.click("a[data-section=scenarios]")
        await expect(page.locator(".scenario textarea").first).to_be_disabled()
        await page.click("a[data-section=journeys]")
        await expect(participant.note("Tapée avant le verrou")).to_be_disabled()
        await facilitator.page.click("#lock-toggle")
        await expect(participant.note("Tapée avant le verrou")).to_be_enabled()
        await expect(page.locator(".curve-stage select").first).to_be_enabled()
    finally:
        await desk.close()
        await phone.close()


async def test_refusals_are_in_the_boards_language(
    app_server: ServerProcess, browser: Browser
) -> None:
    """A wrong join code is explained in French on a French join page, not in English."""
    phone = await _context(browser, "fr", **PHONE)
    try:
        page = await phone.new_page()
        await page.goto(f"{app_server.base}/j/ZZZZZZ")
        await page.fill("#join-name", "Inès")
        await page.click("#name-form button[type=submit]")
        error = page.locator(".error:visible")
        await expect(error).to_contain_text("Aucun atelier")
    finally:
        await phone.close()
