"""Persona photos through real servers: upload, refusals that change nothing, serving, undo."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile

import httpx
from PIL import Image

from server import photos
from tests.client import BoardClient, facilitator
from tests.integration.people import close_all, participant, settle
from tests.unit.test_photos import header_only_png


def png(width: int = 900, height: int = 600, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(width: int = 1200, height: int = 800) -> bytes:
    """A JPEG carrying EXIF (a GPS position and a camera name) that must not survive."""
    image = Image.new("RGB", (width, height), "orange")
    exif = Image.Exif()
    exif[0x0110] = "Spy camera"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _url(base: str, created: dict[str, str], persona: str) -> str:
    return f"{base}/api/workshops/{created['workshop']}/personas/{persona}/photo"


async def _upload(
    base: str, created: dict[str, str], persona: str, body: bytes, token: str | None = None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token or created['token']}"}
    async with httpx.AsyncClient() as http:
        return await http.post(
            _url(base, created, persona), content=body, headers=headers, timeout=30
        )


def _persona(client: BoardClient) -> tuple[str, str]:
    assert client.workshop is not None
    first = client.workshop.personas[0]
    return first.id, first.photo


async def test_an_uploaded_photo_reaches_every_board_and_is_served_by_any_process(
    server, second_server
):
    """The facilitator uploads on A; Bob on B sees the reference live; both processes serve the
    shrunk, metadata-free JPEG with nosniff, same-origin and an immutable cache."""
    ann, created = await facilitator(server, template="travel")
    bob = await participant(second_server, created, "Bob")
    persona, _ = _persona(ann)
    answer = await _upload(server.base, created, persona, jpeg_with_gps())
    assert answer.status_code == 200, answer.text
    ref = answer.json()["photo"]
    assert photos.is_ref(ref)
    await bob.wait_for(lambda c: _persona(c)[1] == ref)
    for base in (server.base, second_server.base):
        url = f"{base}/w/{created['workshop']}/photos/{ref}"
        async with httpx.AsyncClient() as http:
            served = await http.get(url)
            again = await http.get(url, headers={"if-none-match": f'"{ref}"'})
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["cross-origin-resource-policy"] == "same-origin"
        assert "immutable" in served.headers["cache-control"]
        assert again.status_code == 304
        image = Image.open(io.BytesIO(served.content))
        assert image.format == "JPEG" and max(image.size) == photos.SIDE
        assert not image.getexif(), "no EXIF (camera, GPS) survives the re-encoding"
        assert b"Spy camera" not in served.content
    await close_all(ann, bob)


async def test_refused_uploads_change_nothing(server, redis_client):
    """A participant's upload, a stranger's, a text file, a polyglot, a bomb and a file over
    5 MB are refused with their code; the board and the stored photos stay as they were."""
    ann, created = await facilitator(server, template="travel")
    bob = await participant(server, created, "Bob")
    persona, _ = _persona(ann)
    seq = await settle(ann, bob)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("evil.js", "alert(1)")
    cases = [
        (bob.token, png(), 403, "forbidden"),
        ("not-a-token", png(), 403, "forbidden"),
        (None, b"just some text, not an image", 400, "not_an_image"),
        (None, png() + b"<script>alert(1)</script>", 400, "not_an_image"),
        (None, jpeg_with_gps() + packed.getvalue(), 400, "not_an_image"),
        (None, header_only_png(20_000, 20_000), 400, "image_too_big"),
        (None, b"\x89PNG" + b"0" * (photos.UPLOAD_MAX + 1), 413, "too_large"),
    ]
    for token, body, status, code in cases:
        answer = await _upload(server.base, created, persona, body, token)
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
        assert answer.json()["message"]
    missing = await _upload(server.base, created, "a999", png())
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert await settle(ann, bob) == seq, "no event was committed"
    assert _persona(ann)[1] == ""
    assert not await redis_client.exists(f"{{w:{created['workshop']}}}:photo")
    refused = await bob.call(
        {"type": "persona.edit", "persona": persona, "field": "photo", "value": ""}
    )
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    await close_all(ann, bob)


async def test_removing_a_photo_then_undo_brings_it_back(server):
    """The facilitator removes the photo on the socket; undo puts the same reference back, and
    the image is still served; a workshop restored from a version serves it too."""
    ann, created = await facilitator(server, template="travel")
    persona, _ = _persona(ann)
    ref = (await _upload(server.base, created, persona, png(colour="navy"))).json()["photo"]
    await ann.wait_for(lambda c: _persona(c)[1] == ref)
    removed = await ann.call(
        {"type": "persona.edit", "persona": persona, "field": "photo", "value": ""}
    )
    assert removed["type"] == "ack"
    await ann.wait_for(lambda c: _persona(c)[1] == "")
    assert (await ann.call({"type": "history.undo"}))["type"] == "ack"
    await ann.wait_for(lambda c: _persona(c)[1] == ref)
    bearer = {"authorization": f"Bearer {created['token']}"}
    versions = f"{server.base}/api/workshops/{created['workshop']}/versions"
    async with httpx.AsyncClient() as http:
        served = await http.get(f"{server.base}/w/{created['workshop']}/photos/{ref}")
        saved = (await http.post(versions, json={"label": "with photo"}, headers=bearer)).json()
        restored = await http.post(f"{versions}/{saved['id']}/restore", headers=bearer)
        copy = await http.get(f"{server.base}/w/{restored.json()['workshop']}/photos/{ref}")
    assert served.status_code == 200
    assert copy.status_code == 200 and copy.content == served.content
    await close_all(ann)


def _normalised(raw: bytes, workshop_id: str) -> bytes:
    dated = re.sub(rb'"exported_at": "[^"]*"', b'"exported_at": ""', raw)
    return dated.replace(f'"id": "{workshop_id}"'.encode(), b'"id": "ID"')


async def test_the_json_export_carries_the_photo_and_round_trips_byte_identical(server):
    """Export, import, export: the photo travels in base64, the imported workshop serves it,
    and both exports are the same bytes apart from id and date; a tampered photo (metadata,
    its reference matching) makes the import fail and create nothing."""
    ann, created = await facilitator(server, template="travel")
    persona, _ = _persona(ann)
    ref = (await _upload(server.base, created, persona, png(colour="olive"))).json()["photo"]
    bearer = {"authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        first = await http.get(f"/api/workshops/{created['workshop']}/export/json", headers=bearer)
        assert list(json.loads(first.content)["photos"]) == [ref]
        imported = (await http.post("/api/import", content=first.content)).json()
        served = await http.get(f"/w/{imported['workshop']}/photos/{ref}")
        assert served.status_code == 200
        second = await http.get(
            f"/api/workshops/{imported['workshop']}/export/json",
            headers={"authorization": f"Bearer {imported['token']}"},
        )
        assert _normalised(second.content, imported["workshop"]) == _normalised(
            first.content, created["workshop"]
        )
        document = json.loads(first.content)
        forged = jpeg_with_gps(300, 200)
        forged_ref = photos.reference(forged)
        document["photos"] = {forged_ref: base64.b64encode(forged).decode()}
        document["workshop"]["personas"][0]["photo"] = forged_ref
        refused = await http.post("/api/import", content=json.dumps(document).encode())
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_snapshot")
        assert "metadata" in refused.json()["message"]
    await close_all(ann)
