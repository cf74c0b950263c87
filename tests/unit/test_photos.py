"""Checking and re-encoding an uploaded photo (``server/photos.py``), and the report showing it."""

from __future__ import annotations

import io
import struct
import zlib

import msgspec
import pytest
from PIL import Image
from pypdf import PdfReader

from server import export, photos
from server.export import pdf, report
from sessions.templates import build


def encoded(image: Image.Image, fmt: str, **extra: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **extra)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_each_accepted_format_becomes_a_jpeg_of_at_most_512_px(fmt: str) -> None:
    """JPEG, PNG, WebP and GIF come out as a JPEG whose longest side is SIDE, whose reference is
    the hash of those bytes."""
    ref, jpeg = photos.prepare(encoded(Image.new("RGB", (1500, 1000), "teal"), fmt))
    out = Image.open(io.BytesIO(jpeg))
    assert (out.format, out.size) == ("JPEG", (photos.SIDE, 341))
    assert ref == photos.reference(jpeg) and photos.is_ref(ref)
    photos.check_carried(jpeg)  # what an export carries, an import takes back


def test_metadata_goes_orientation_stays_and_transparency_turns_white() -> None:
    """EXIF (camera, GPS) is dropped after turning the picture upright; a transparent PNG gets
    a white background; a small image is not enlarged."""
    exif = Image.Exif()
    exif[0x0110] = "Spy camera"
    exif[0x0112] = 6  # rotated: shown upright, it is taller than wide
    _, jpeg = photos.prepare(encoded(Image.new("RGB", (300, 200), "red"), "JPEG", exif=exif))
    upright = Image.open(io.BytesIO(jpeg))
    assert upright.size == (200, 300) and not upright.getexif() and b"Spy" not in jpeg
    _, flat = photos.prepare(encoded(Image.new("RGBA", (40, 40), (0, 0, 0, 0)), "PNG"))
    assert Image.open(io.BytesIO(flat)).getpixel((20, 20)) >= (250, 250, 250)


def header_only_png(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels and holds none: made in no time, it is
    what a decompression bomb looks like until it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _zip_end() -> bytes:
    return b"PK\x05\x06" + b"\0" * 18


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"", "not_an_image"),
        (lambda: b"GIF89a not really", "not_an_image"),
        (lambda: b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not_an_image"),
        (lambda: encoded(Image.new("RGB", (10, 10)), "BMP"), "not_an_image"),
        (lambda: encoded(Image.new("RGB", (10, 10)), "PNG") + b"<html>", "not_an_image"),
        (lambda: encoded(Image.new("RGB", (10, 10)), "PNG")[:-30], "not_an_image"),
        (lambda: encoded(Image.new("RGB", (10, 10)), "JPEG") + _zip_end(), "not_an_image"),
        (lambda: encoded(Image.new("RGB", (10, 10)), "WEBP") + b"tail", "not_an_image"),
        (lambda: header_only_png(photos.DIMENSION_MAX + 1, 8), "image_too_big"),
        (lambda: header_only_png(7000, 7000), "image_too_big"),
        (lambda: header_only_png(20_000, 20_000), "image_too_big"),
        (lambda: b"\xff\xd8" + b"0" * photos.UPLOAD_MAX, "too_large"),
    ],
    ids=[
        "empty",
        "fake-gif",
        "svg",
        "bmp",
        "png-then-html",
        "png-cut-short",
        "jpeg-then-zip",
        "webp-then-more",
        "too-wide",
        "49-megapixels",
        "bomb",
        "over-5-mb",
    ],
)
def test_what_is_not_a_plain_photo_is_refused_with_its_code(make: object, code: str) -> None:
    """Non-images, other formats, polyglots, cut files, huge dimensions and bombs, oversize."""
    with pytest.raises(photos.PhotoRefused) as caught:
        photos.prepare(make())  # type: ignore[operator]
    assert caught.value.code == code and caught.value.message.endswith(".")


def test_the_report_shows_a_persona_s_photo_in_the_pdf_and_the_html() -> None:
    """Given the photos, the PDF holds one more image on the personas' page and the HTML an
    inline JPEG with the persona's name as its alternative text; without them, neither."""
    workshop = build("travel", "en", "w0000001", "Trips", "Ann")
    ref, jpeg = photos.prepare(encoded(Image.new("RGB", (600, 600), "navy"), "PNG"))
    workshop.personas[0] = msgspec.structs.replace(workshop.personas[0], photo=ref)
    given = export.Options(photos={ref: jpeg})

    def images(body: bytes) -> int:
        return sum(len(page.images) for page in PdfReader(io.BytesIO(body)).pages)

    assert images(pdf.render(workshop, given)) == images(pdf.render(workshop, export.Options())) + 1
    html = report.render(workshop, given).decode()
    assert 'src="data:image/jpeg;base64,' in html and 'alt="Léa, the image hunter"' in html
    assert "data:image/jpeg" not in report.render(workshop, export.Options()).decode()
