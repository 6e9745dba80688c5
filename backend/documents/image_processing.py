"""Customer photos of damaged items: validate untrusted bytes, hand back a clean re-encode.

Photos arrive from web uploads and Twilio MMS, so every byte is attacker-controlled. The
pipeline is ordered so that the cheap, safe checks run first and nothing is decoded until
we know it is worth decoding:

1. size in bytes (before any parsing),
2. the real format, sniffed from magic bytes (file names and declared MIME types lie),
3. dimensions from the header only (``Image.open`` is lazy), against ``max_pixels``,
4. a full decode (a truncated or corrupt file fails here, not later in a template),
5. EXIF orientation applied, then a re-encode from raw pixels only.

Re-encoding from raw pixels is what removes EXIF (GPS position of the customer's home),
XMP, ICC profiles and text chunks: the saved image carries no ``info`` at all. ICC profiles
are dropped rather than applied: a wide-gamut (Display P3) photo loses a little
saturation, which does not matter for judging damage, and untrusted profiles are never fed
to the colour-management library.

This module is pure (bytes in, bytes out): storage and database rows live elsewhere.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any, Literal, get_args

from PIL import Image, ImageOps, features

from backend.domain.error_text import error_text
from common.formatting import format_size
from common.languages import DEFAULT_LANGUAGE, localized, pick

RejectionCode = Literal[
    "too_large", "not_an_image", "unsupported_type", "too_many_pixels", "corrupt", "empty"
]

# Longest side of a stored photo: plenty to see a scuff or a torn seam, small enough that
# a returns manager's browser and the media directory are not filled with 48 MP originals.
MAX_SIDE = 2560
JPEG_QUALITY = 85

# Pillow's own resampling constants moved under Image.Resampling in 9.1; both spellings
# are supported because pyproject allows Pillow>=9.
_LANCZOS = getattr(Image, "Resampling", Image).LANCZOS

# Brands of ISO-BMFF files that are still images (HEIC/HEIF from iPhones, AVIF). Pillow
# cannot decode them without a plugin, so they get a "please send JPEG/PNG" answer.
_HEIF_BRANDS = {
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    b"mif1", b"msf1", b"avif", b"avis",
}
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}

REJECTION_CODES: tuple[str, ...] = get_args(RejectionCode)


class ImageRejected(Exception):
    """A photo we refuse, with a reason code for logs/APIs and sentences for the customer.

    The sentences are the backend's (``photo_<code>`` in :mod:`backend.domain.error_text`),
    not the bot's, so the web upload form and the SMS channel say exactly the same thing in
    every language; ``key`` and ``params`` let the service raise the same error.
    """

    def __init__(self, code: RejectionCode, *, limit_bytes: int | None = None) -> None:
        self.code: RejectionCode = code
        self.key = f"photo_{code}"
        self.params: dict[str, Any] = {}
        if code == "too_large":
            self.params["limit"] = localized(
                lambda language: format_size(limit_bytes, language) if limit_bytes else "")
        self.text: dict[str, str] = error_text(self.key, **self.params)
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, language: str) -> str:
        """The sentence in ``language`` (a language we do not speak gets English)."""
        return pick(self.text, language)


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded photo, safe to store and serve: pixels only, no metadata."""

    data: bytes
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # "jpg" or "png", without a dot
    width: int
    height: int
    sha256: str  # hex digest of ``data``

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def process_image(
    data: bytes, *, max_bytes: int, max_pixels: int, declared_type: str | None = None
) -> ProcessedImage:
    """Validate an uploaded photo and return a clean, metadata-free re-encode.

    ``declared_type`` (the MIME type a browser or Twilio claims) is accepted so callers can
    pass it along, but it never decides anything: the bytes are sniffed instead, because a
    declared type is just another attacker-controlled string.

    Raises :class:`ImageRejected` for every refusal; other exceptions mean a bug here.
    """
    del declared_type  # deliberately unused, see docstring
    data = bytes(data)
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", limit_bytes=max_bytes)
    pillow_format = sniff_format(data)
    image = _open_checked(data, pillow_format, max_pixels)
    image = _apply_orientation(image)
    image = _normalise_mode(image)
    image = _downscale(image)
    return _encode(image)


def sniff_format(data: bytes) -> str:
    """The Pillow format name of an accepted image, from its magic bytes alone.

    Raises ``unsupported_type`` for real images in formats we do not take (HEIC, TIFF,
    SVG...) so the customer is asked for a JPEG/PNG, and ``not_an_image`` for the rest
    (PDFs, text, executables, videos).
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        if not features.check("webp"):
            raise ImageRejected("unsupported_type")
        return "WEBP"
    if _is_other_image_format(data):
        raise ImageRejected("unsupported_type")
    raise ImageRejected("not_an_image")


def _is_other_image_format(data: bytes) -> bool:
    """Images Pillow might read but we do not accept: answered with a format hint."""
    if data[4:8] == b"ftyp":
        return data[8:12] in _HEIF_BRANDS  # other ftyp brands are videos (mp4, mov)
    if data.startswith((b"II*\x00", b"MM\x00*")):  # TIFF
        return True
    if data.startswith(b"BM") and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES:
        return True
    if data.startswith((b"\xff\x0a", b"\xff\x4f\xff\x51", b"\x00\x00\x00\x0cjP  ")):
        return True  # JPEG XL, JPEG 2000 codestream, JPEG 2000
    if data.startswith(b"\x00\x00\x00\x0cJXL "):
        return True
    return _looks_like_svg(data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head


def _open_checked(data: bytes, pillow_format: str, max_pixels: int) -> Image.Image:
    """Open with only the sniffed decoder, check dimensions, then decode fully.

    Pillow's global ``Image.MAX_IMAGE_PIXELS`` is left alone (mutating it is not
    thread-safe under FastAPI's thread pool); its ``DecompressionBombError`` still fires for
    absurd headers before ours does, and is reported as the same ``too_many_pixels``.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[pillow_format])
    except Image.DecompressionBombError:
        raise ImageRejected("too_many_pixels") from None
    except Exception:  # noqa: BLE001 - any header parse failure means a broken file
        raise ImageRejected("corrupt") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageRejected("corrupt")
    if width * height > max_pixels:
        raise ImageRejected("too_many_pixels")
    try:
        image.load()  # GIF/APNG/animated WebP: the first frame only
    except Image.DecompressionBombError:
        raise ImageRejected("too_many_pixels") from None
    except Exception:  # noqa: BLE001 - truncated data, bad CRC, bad Huffman tables...
        raise ImageRejected("corrupt") from None
    return image


def _apply_orientation(image: Image.Image) -> Image.Image:
    """Rotate as the camera meant, since the EXIF tag saying so is about to be dropped.

    A malformed EXIF block is not a reason to refuse a photo: it is then kept as stored.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - broken EXIF only loses the rotation hint
        return image


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, L or RGBA: the only modes the encoder sees.

    RGBA is kept only when some pixel is actually transparent, so an opaque screenshot
    saved as PNG or WebP becomes a (much smaller) JPEG.
    """
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        # 16-bit greyscale: scale down, since a plain convert("L") clips to white.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha_min, _ = rgba.getchannel("A").getextrema()
        if alpha_min < 255:
            return rgba
        image = rgba.convert("L") if image.mode in ("L", "LA", "La") else rgba.convert("RGB")
    if image.mode in ("1", "L"):
        return image.convert("L")
    return image.convert("RGB")


def _downscale(image: Image.Image) -> Image.Image:
    if max(image.size) <= MAX_SIDE:
        return image
    resized = image.copy()
    resized.thumbnail((MAX_SIDE, MAX_SIDE), _LANCZOS)
    return resized


def _encode(image: Image.Image) -> ProcessedImage:
    """Encode from raw pixels only, so no metadata can ride along from the original."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    if clean.mode == "RGBA":
        clean.save(buffer, format="PNG", optimize=False)
        content_type, extension = "image/png", "png"
    else:
        clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    encoded = buffer.getvalue()
    return ProcessedImage(
        data=encoded,
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(encoded).hexdigest(),
    )

