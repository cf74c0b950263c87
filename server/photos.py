"""A persona's photo: checked, shrunk and re-encoded here, kept in Redis, served same-origin.

``prepare`` is pure (bytes in, a JPEG and its reference out) and runs in a worker thread: a
large photo takes a while to decode. Whatever was uploaded, only the JPEG made here is ever
stored or served, so no metadata (EXIF, GPS) and no hidden payload survives.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings

from PIL import Image, ImageOps

from sessions.limits import PHOTO_PATTERN

UPLOAD_MAX = 5 * 1024 * 1024
"""Largest upload read, in bytes."""
SIDE = 512
"""Longest side of the stored photo, in pixels."""
DIMENSION_MAX = 12_000
PIXELS_MAX = 40_000_000
"""Largest image decoded (a 40-megapixel phone photo passes; a decompression bomb does not)."""
QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

_REF = re.compile(PHOTO_PATTERN)
# Markup inside an image file, or a zip archive's directory at its end: a polyglot, meant to be
# read as something else too. Long enough not to turn up by chance in compressed pixels.
_MARKUP = re.compile(rb"<script|<html|<\?php|<!doctype|<svg\s|<iframe", re.IGNORECASE)
_ZIP_END = b"PK\x05\x06"
_PNG_END = b"IEND\xae\x42\x60\x82"
_ELSEWHERE = "it was not made by Parcours."
_BAD_END = "does not end with its image (cut short, or more added)."


class PhotoRefused(Exception):
    """The upload is not a photo this server keeps; ``code`` is stable, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_ref(value: str) -> bool:
    return bool(_REF.match(value))


def reference(jpeg: bytes) -> str:
    return hashlib.sha256(jpeg).hexdigest()[:32]


def _not_an_image() -> PhotoRefused:
    return PhotoRefused("not_an_image", "This file is not a photo: send a JPEG, PNG, WebP or GIF.")


def _check_whole(raw: bytes) -> None:
    """Refuse files that carry something after (or inside) the image: polyglots."""
    if _MARKUP.search(raw) or _ZIP_END in raw[-65_600:]:
        raise PhotoRefused(
            "not_an_image", "This file holds more than a photo (markup or an archive)."
        )
    if raw.startswith(b"\x89PNG") and not raw.endswith(_PNG_END):
        raise PhotoRefused(
            "not_an_image", "This PNG file does not end with its image (cut short, or more added)."
        )
    if raw.startswith(b"RIFF") and int.from_bytes(raw[4:8], "little") + 8 != len(raw):
        raise PhotoRefused(
            "not_an_image", "This WebP file does not end with its image (cut short, or more added)."
        )


def _too_big(width: int, height: int) -> PhotoRefused:
    return PhotoRefused(
        "image_too_big",
        f"This image is {width} × {height} pixels: send one of at most {DIMENSION_MAX} pixels a "
        f"side and {PIXELS_MAX // 1_000_000} megapixels.",
    )


def prepare(raw: bytes) -> tuple[str, bytes]:
    """The reference and JPEG of an uploaded image, at most ``SIDE`` pixels a side; raises
    PhotoRefused (``too_large``, ``not_an_image``, ``image_too_big``)."""
    if len(raw) > UPLOAD_MAX:
        raise PhotoRefused(
            "too_large", f"This photo is over {UPLOAD_MAX // (1024 * 1024)} MB: send a smaller one."
        )
    _check_whole(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(raw), formats=FORMATS)
            width, height = image.size
            if max(width, height) > DIMENSION_MAX or width * height > PIXELS_MAX:
                raise _too_big(width, height)
            image.draft("RGB", (SIDE * 2, SIDE * 2))  # JPEG: decode at a fraction of the size
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRefused(
                "image_too_big",
                f"This image has too many pixels to open: send one of at most "
                f"{PIXELS_MAX // 1_000_000} megapixels.",
            ) from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _not_an_image() from exc
    image.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    jpeg = out.getvalue()
    return reference(jpeg), jpeg


def check_carried(jpeg: bytes) -> None:
    """Raise PhotoRefused unless ``jpeg`` is one this server could have made: a plain JPEG of
    at most ``SIDE`` pixels a side, with no metadata (an imported snapshot carries it)."""
    _check_whole(jpeg)
    try:
        image = Image.open(io.BytesIO(jpeg), formats=("JPEG",))
        if max(image.size) > SIDE:
            raise PhotoRefused("image_too_big", f"This photo is over {SIDE} pixels: {_ELSEWHERE}")
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_an_image() from exc
    applist = getattr(image, "applist", [])
    if any(marker != "APP0" for marker, _ in applist) or "comment" in image.info:
        raise PhotoRefused("not_an_image", f"This photo carries metadata: {_ELSEWHERE}")
