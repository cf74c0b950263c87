"""The persona sheet in real browsers: its structured fields, and a photo seen on every board."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import BrowserContext, expect

from e2e.pages import describe, serious_violations, travel
from tests.servers import ServerProcess


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(out, "PNG")
    return out.getvalue()


async def test_a_photo_uploaded_by_the_facilitator_shows_on_a_phone_at_360_px(
    app_server: ServerProcess, desktop: BrowserContext, phone: BrowserContext
) -> None:
    """The facilitator uploads a photo; the phone's sheet shows it (alt: the persona's name),
    its facts edit live, nothing scrolls sideways at 360 px, axe finds nothing on either board;
    removing the photo brings the emoji back."""
    facilitator, participant, _code = await travel(app_server, desktop, phone)
    page, mobile = facilitator.page, participant.page
    await mobile.set_viewport_size({"width": 360, "height": 780})
    await page.click("a[data-section=personas]")
    await mobile.click("a[data-section=personas]")

    sheet = page.locator(".persona-card").first
    await expect(sheet.locator("input[data-field=city]")).to_have_value("Paris")
    await sheet.locator(".persona-photo-file").set_input_files(
        {"name": "lea.png", "mimeType": "image/png", "buffer": _png()}
    )
    shown = mobile.locator(".persona-card").first.locator("img.persona-photo")
    await expect(shown).to_be_visible()
    await expect(shown).to_have_attribute("alt", "Léa, the image hunter")
    assert await shown.evaluate("img => img.complete && img.naturalWidth > 0")
    await expect(mobile.locator(".persona-photo-tools button")).to_have_count(0)

    job = mobile.locator(".persona-card").first.locator("input[data-field=job]")
    await job.fill("Data scientist")
    await job.press("Tab")
    await expect(sheet.locator("input[data-field=job]")).to_have_value("Data scientist")
    assert await mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for seen in (mobile, page):
        found = await serious_violations(seen)
        assert not found, describe(found)

    await sheet.get_by_role("button", name="Remove the photo: Léa, the image hunter").click()
    await expect(shown).to_be_hidden()
    await expect(mobile.locator(".persona-card").first.locator(".persona-emoji")).to_have_value(
        "🤿"
    )
