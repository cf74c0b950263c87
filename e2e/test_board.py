"""The live journey board in real browsers: two people, one board."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Dialog, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from tests.servers import ServerProcess

ROOT = Path(__file__).resolve().parent.parent


async def _facilitator_and_phone(
    server: ServerProcess, desktop: BrowserContext, phone: BrowserContext, template: str = "blank"
) -> tuple[BoardPage, BoardPage, dict[str, str]]:
    page = await desktop.new_page()
    home = await HomePage(page, server.base).open()
    created = await home.create("Journey of our clients", template)
    await page.click("#open-board")
    facilitator = BoardPage(page)
    await facilitator.ready()
    participant = await BoardPage.join(phone, server.base, created["code"], "Samira")
    return facilitator, participant, created


async def test_notes_travel_between_desktop_and_phone(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A note added on the desktop shows on the phone, and one added on the phone on the desktop."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await facilitator.add_note(0, 1, "Hard to compare the offers", "web")
    await expect(participant.note("Hard to compare the offers")).to_be_visible()
    await participant.add_note(0, 3, "A comparison assistant", "chatbot")
    await expect(facilitator.note("A comparison assistant")).to_be_visible()
    await expect(facilitator.note("A comparison assistant")).to_have_class("note ch-chatbot")
    await expect(facilitator.page.locator("#presence summary")).to_have_text("2 online")


async def test_change_reaches_the_other_browser_quickly(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """Measures send-to-visible time between two browsers (printed and saved, never asserted)."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await participant.page.evaluate(
        """() => {
          window.__seen = {};
          new MutationObserver(() => {
            for (const el of document.querySelectorAll('.note-text')) {
              if (!(el.textContent in window.__seen)) window.__seen[el.textContent] = Date.now();
            }
          }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    await facilitator.page.evaluate(
        """() => document.addEventListener('submit', (e) => {
             window.__sent = window.__sent || {};
             const text = e.target.querySelector('textarea')?.value;
             if (text) window.__sent[text] = Date.now();
           }, true)"""
    )
    delays = []
    for i in range(10):
        text = f"latency probe {i}"
        await facilitator.add_note(0, 0, text)
        await expect(participant.note(text)).to_be_visible()
        sent = await facilitator.page.evaluate("(t) => window.__sent[t]", text)
        seen = await participant.page.evaluate("(t) => window.__seen[t]", text)
        delays.append(seen - sent)
    figures = {
        "browser_to_browser_ms": {
            "median": statistics.median(delays),
            "max": max(delays),
            "samples": delays,
        }
    }
    print(f"\nbrowser-to-browser latency: {figures}")
    out = ROOT / "e2e" / "results"
    out.mkdir(exist_ok=True)
    (out / "latency.json").write_text(json.dumps(figures, indent=2))
    assert len(delays) == 10


async def test_drag_and_drop_moves_a_note_for_both(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A mouse drag to another cell moves the note on both boards."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await facilitator.add_note(0, 0, "Drag me")
    note = facilitator.note("Drag me")
    await expect(note).to_be_visible()
    # Saved (the pending note is replaced by the saved one): drag the note that stays.
    await expect(facilitator.page.locator("#conn")).to_have_attribute("data-pending", "0")
    await expect(participant.note("Drag me")).to_be_visible()
    target = facilitator.cell(0, 2)
    box = goal = None
    for _ in range(50):  # a re-render (presence, the phone's join) may replace the nodes a moment
        box, goal = await note.bounding_box(), await target.bounding_box()
        if box and goal:
            break
        await facilitator.page.wait_for_timeout(100)
    assert box and goal
    mouse = facilitator.page.mouse
    await mouse.move(box["x"] + 20, box["y"] + 10)
    await mouse.down()
    await mouse.move(box["x"] + 40, box["y"] + 40, steps=4)
    await mouse.move(goal["x"] + 30, goal["y"] + 20, steps=8)
    await mouse.up()
    await expect(facilitator.cell(0, 2).locator(".note", has_text="Drag me")).to_be_visible()
    await expect(participant.cell(0, 2).locator(".note", has_text="Drag me")).to_be_visible()
    await expect(participant.cell(0, 0).locator(".note", has_text="Drag me")).to_have_count(0)


async def test_keyboard_moves_and_reorders_notes(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """Alt+arrows move a focused note across stages and lanes, and reorder it in its cell."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await facilitator.add_note(0, 0, "First")
    await facilitator.add_note(0, 0, "Second")
    await expect(facilitator.cell(0, 0).locator(".note")).to_have_count(2)
    second = facilitator.note("Second")
    await second.focus()
    await facilitator.page.keyboard.press("Alt+ArrowUp")
    await expect(facilitator.cell(0, 0).locator(".note").first).to_contain_text("Second")
    await expect(participant.cell(0, 0).locator(".note").first).to_contain_text("Second")
    await facilitator.note("Second").focus()
    await facilitator.page.keyboard.press("Alt+ArrowRight")
    await expect(facilitator.cell(1, 0).locator(".note", has_text="Second")).to_be_visible()
    await expect(facilitator.note("Second")).to_be_focused()
    await facilitator.page.keyboard.press("Alt+Shift+ArrowDown")
    await expect(facilitator.cell(1, 1).locator(".note", has_text="Second")).to_be_visible()


async def test_edit_channel_and_delete_from_the_phone(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A tap opens the editor on a phone: text and channel change, then delete, for everyone."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await facilitator.add_note(0, 1, "Typo in thsi note")
    await participant.note("Typo in thsi note").tap()
    dialog = participant.page.locator("dialog[open]")
    await dialog.locator("textarea").fill("Typo fixed in this note")
    await dialog.locator("select[name=channel]").select_option("phone")
    await dialog.locator("button[type=submit]").tap()
    await expect(facilitator.note("Typo fixed in this note")).to_have_class("note ch-phone")
    await participant.note("Typo fixed in this note").tap()
    await participant.page.locator("dialog[open] .btn.danger").tap()
    await participant.page.locator("dialog[open] .btn.danger").tap()  # confirm
    await expect(facilitator.note("Typo fixed in this note")).to_have_count(0)


async def test_facilitator_manages_stages(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """The facilitator adds, renames, moves and removes stages; participants have no such tools."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    page = facilitator.page
    await page.click("#add-stage")
    await page.locator("dialog[open] input").fill("I tell my friends")
    await page.locator("dialog[open] button[type=submit]").click()
    await expect(page.locator("th.stage")).to_have_count(6)
    await expect(page.locator("th.stage").last).to_contain_text("I tell my friends")
    await page.locator("th.stage").last.locator("[data-action=rename]").click()
    await page.locator("dialog[open] input").fill("I recommend")
    await page.locator("dialog[open] button[type=submit]").click()
    await expect(page.locator("th.stage").last).to_contain_text("I recommend")
    await page.locator("th.stage").last.locator("[data-action=left]").click()
    await expect(page.locator("th.stage").nth(4)).to_contain_text("I recommend")
    await page.locator("th.stage").nth(4).locator("[data-action=remove]").click()
    await page.locator("dialog[open] .btn.danger").click()
    await expect(page.locator("th.stage")).to_have_count(5)
    await expect(participant.page.locator("[data-action]")).to_have_count(0)
    await expect(participant.page.locator(".stage-select option")).to_have_count(5)


async def test_reload_keeps_everything(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """After a reload both boards show the same notes, and the participant keeps its identity."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    await facilitator.add_note(0, 0, "Still here after reload")
    await participant.page.reload()
    await participant.ready()
    await expect(participant.note("Still here after reload")).to_be_visible()
    await facilitator.page.reload()
    await facilitator.ready()
    await expect(facilitator.note("Still here after reload")).to_be_visible()
    await expect(facilitator.page.locator("#presence summary")).to_have_text("2 online")


async def test_change_made_while_the_server_is_down_is_sent_when_back(
    e2e_redis, e2e_logs, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """A note added during an outage waits in the outbox, then reaches everyone once."""
    server = ServerProcess(e2e_redis.url).start(e2e_logs)
    try:
        facilitator, participant, _ = await _facilitator_and_phone(server, desktop, phone)
        server.kill()
        await expect(facilitator.page.locator("html")).to_have_attribute(
            "data-connection", "offline"
        )
        await facilitator.add_note(0, 0, "Written offline")
        await expect(facilitator.page.locator(".pending-count")).to_be_visible()
        server.start(e2e_logs)
        await facilitator.ready()
        await participant.ready()
        await expect(participant.note("Written offline")).to_have_count(1)
        await expect(facilitator.note("Written offline")).to_have_count(1)
        await expect(facilitator.page.locator(".pending-count")).to_have_count(0)
    finally:
        server.stop()


async def test_script_in_a_note_is_shown_as_text(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """HTML and script typed in a note show as plain text and never run."""
    facilitator, participant, _ = await _facilitator_and_phone(app_server, desktop, phone)
    dialogs: list[Dialog] = []
    for page in (facilitator.page, participant.page):
        page.on("dialog", lambda dialog: dialogs.append(dialog))
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    await facilitator.add_note(0, 0, payload)
    await expect(participant.note("<script>alert(2)</script>")).to_be_visible()
    assert await participant.page.locator(".note img, .note script").count() == 0
    assert dialogs == []


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_pages_pass_axe_in_both_languages(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext, lang: str
) -> None:
    """Home, join, board (desktop and phone) and the editor have no serious axe violation."""
    for context in (desktop, phone):
        await context.add_init_script(f"localStorage.setItem('parcours:lang', '{lang}')")
    page = await desktop.new_page()
    home = await HomePage(page, app_server.base).open()
    assert await page.evaluate("document.documentElement.lang") == lang
    found = await serious_violations(page)
    assert not found, describe(found)
    created = await home.create("Accessible workshop", "travel")
    found = await serious_violations(page)
    assert not found, describe(found)
    await page.click("#open-board")
    facilitator = BoardPage(page)
    await facilitator.ready()
    found = await serious_violations(page)
    assert not found, describe(found)
    await facilitator.cell(0, 0).locator(".add-note").click()
    found = await serious_violations(page)
    assert not found, describe(found)
    phone_page = await phone.new_page()
    await phone_page.goto(f"{app_server.base}/j/{created['code']}")
    found = await serious_violations(phone_page)
    assert not found, describe(found)
    await phone_page.fill("#join-name", "Léo")
    await phone_page.click("#name-form button[type=submit]")
    await BoardPage(phone_page).ready()
    found = await serious_violations(phone_page)
    assert not found, describe(found)
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= await phone_page.evaluate("window.innerWidth")


async def test_screenshot_for_the_readme(
    app_server: ServerProcess, desktop: BrowserContext
) -> None:
    """The travel demo board, as the README shows it (PARCOURS_UPDATE_SCREENSHOT=1 saves it)."""
    page = await desktop.new_page()
    await (await HomePage(page, app_server.base).open()).create("Sports trips workshop", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await expect(page.locator(".note").first).to_be_visible()
    await expect(page.locator("#presence summary")).to_have_text("1 online")
    # The README's picture is refreshed on demand, so that test runs leave the tree clean.
    update = os.environ.get("PARCOURS_UPDATE_SCREENSHOT") == "1"
    path = ROOT / "docs" / "screenshot.png" if update else ROOT / "e2e" / "results" / "board.png"
    path.parent.mkdir(exist_ok=True)
    await page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
