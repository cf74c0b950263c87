"""The restitution from the browser: the facilitator downloads files; participants cannot."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pypdf
from playwright.async_api import BrowserContext, Page, expect

from e2e.pages import BoardPage, HomePage, describe, serious_violations
from server.export import palette
from tests.servers import ServerProcess


async def _download(page: Page, format_name: str) -> bytes:
    async with page.expect_download() as info:
        await page.click(f"[data-format={format_name}]")
    download = await info.value
    path = await download.path()
    return await asyncio.to_thread(Path(path).read_bytes)


async def test_facilitator_downloads_pdf_and_xlsx(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """The export menu gives a PDF with every persona, an xlsx with a sheet per persona, and the
    restitution pack, whose HTML report prints landscape in a handful of pages."""
    page = await desktop.new_page()
    created = await (await HomePage(page, app_server.base).open()).create("Restitution", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    web = await page.locator(".note.ch-web").first.evaluate("n => getComputedStyle(n).background")
    assert "rgb({}, {}, {})".format(*palette.rgb(palette.channel_colour("web"))) in web
    await page.click("#export-btn")
    await expect(page.locator("#export-title")).to_be_visible()
    found = await serious_violations(page)
    assert not found, describe(found)
    pdf = pypdf.PdfReader(io.BytesIO(await _download(page, "pdf")))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Léa, the image hunter" in text
    assert "The Martins, diving as a family" in text
    book = openpyxl.load_workbook(io.BytesIO(await _download(page, "xlsx")))
    assert len(book.sheetnames) >= 3
    raw = await _download(page, "json")
    assert json.loads(raw)["workshop"]["title"] == "Restitution"
    await page.check("#export-private")
    with zipfile.ZipFile(io.BytesIO(await _download(page, "pack"))) as pack:
        kinds = {name.rsplit(".", 1)[1] for name in pack.namelist()}
        report = pack.read("restitution.html").decode()
    assert kinds == {"json", "xlsx", "csv", "html", "pdf", "svg", "png"}

    printer = await desktop.new_page()
    await printer.set_content(report)
    printed = pypdf.PdfReader(io.BytesIO(await printer.pdf(prefer_css_page_size=True)))
    assert 8 <= len(printed.pages) <= 16, "the HTML report prints in a handful of pages"
    assert float(printed.pages[0].mediabox.width) > float(printed.pages[0].mediabox.height)
    await printer.close()

    participant = await BoardPage.join(phone, app_server.base, created["code"], "Yan")
    await expect(participant.page.locator("#export-btn")).to_be_hidden()
    token = await participant.page.evaluate(
        "() => Object.entries(localStorage).find(([k]) => k.startsWith('parcours:access:'))[1]"
    )
    workshop = participant.page.url.rstrip("/").split("/")[-1]
    async with httpx.AsyncClient(base_url=app_server.base) as http:
        answer = await http.get(
            f"/api/workshops/{workshop}/export/pdf",
            headers={"authorization": f"Bearer {json.loads(token)['token']}"},
        )
    assert answer.status_code == 403
    assert "facilitator" in answer.json()["message"]


async def test_import_from_the_home_page(
    app_server: ServerProcess, desktop: BrowserContext, tmp_path: Path
) -> None:
    """A JSON export imported from the home page becomes a new workshop with the same notes."""
    page = await desktop.new_page()
    await (await HomePage(page, app_server.base).open()).create("To be restored", "travel")
    await page.click("#open-board")
    await BoardPage(page).ready()
    await page.click("#export-btn")
    raw = await _download(page, "json")
    await page.keyboard.press("Escape")
    snapshot = tmp_path / "workshop.json"
    snapshot.write_bytes(raw)
    await HomePage(page, app_server.base).open()
    await page.set_input_files("#import-file", str(snapshot))
    await page.click("#import-form button[type=submit]")
    await expect(page.locator("html")).to_have_attribute("data-phase", "created")
    await page.click("#open-board")
    board = BoardPage(page)
    await board.ready()
    await expect(page.locator("#workshop-title")).to_have_text("To be restored")
    await expect(board.note("Stunning reef photos from other divers")).to_be_visible()
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 2, "workshop": {"title": 3}}')
    await HomePage(page, app_server.base).open()
    await page.set_input_files("#import-file", str(bad))
    await page.click("#import-form button[type=submit]")
    await expect(page.locator("#import-form .error")).to_be_visible()
