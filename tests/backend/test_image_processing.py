"""Photo validation and re-encoding: what a customer may upload, and what we keep of it."""
from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin, features

from backend.documents import image_processing
from backend.documents.image_processing import (
    MAX_SIDE,
    REJECTION_CODES,
    ImageRejected,
    ProcessedImage,
    process_image,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
RED = (255, 0, 0)
BLUE = (0, 0, 255)


def run(data: bytes, **overrides) -> ProcessedImage:
    kwargs = {"max_bytes": MAX_BYTES, "max_pixels": MAX_PIXELS, **overrides}
    return process_image(data, **kwargs)


def reject(data: bytes, **overrides) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        run(data, **overrides)
    return info.value


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def two_tone(width: int = 40, height: int = 20) -> Image.Image:
    """Top half red, bottom half blue: which way it was rotated is visible in the pixels."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width, height // 2))
    return image


def noisy_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A JPEG with real entropy, so truncating it cuts into compressed image data."""
    noise = Image.effect_noise(size, 80).convert("RGB")
    return encode(noise, "JPEG", quality=90)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims ``width`` x ``height``: a decompression-bomb header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def opened(result: ProcessedImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected))


# --- metadata and orientation -------------------------------------------------------


@pytest.fixture
def phone_jpeg() -> bytes:
    """What a phone sends: rotated via EXIF, with GPS, XMP, an ICC profile and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        two_tone(), "JPEG", exif=exif, icc_profile=srgb, comment=b"home of J. Doe",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
    )
    # The fixture itself must carry what the test claims is stripped.
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "N"
    assert source.getexif()[0x0112] == 6
    assert {"exif", "icc_profile", "comment"} <= set(source.info)
    return data


def test_jpeg_output_has_no_metadata_at_all(phone_jpeg):
    result = run(phone_jpeg, declared_type="image/jpeg")

    assert result.content_type == "image/jpeg" and result.extension == "jpg"
    assert b"Exif" not in result.data
    assert b"adobe:ns:meta" not in result.data and b"home of J. Doe" not in result.data
    image = opened(result)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)


def test_exif_orientation_is_applied_before_it_is_dropped(phone_jpeg):
    result = run(phone_jpeg)

    assert (result.width, result.height) == (20, 40)  # 40x20 stored, displayed portrait
    image = opened(result).convert("RGB")
    assert image.size == (20, 40)
    # Rotating 90° clockwise moves the red top half to the right.
    assert close_to(image.getpixel((17, 20)), RED)
    assert close_to(image.getpixel((2, 20)), BLUE)


def test_sha256_and_dimensions_describe_the_output_bytes(phone_jpeg):
    result = run(phone_jpeg)

    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    assert result.size_bytes == len(result.data)
    assert opened(result).size == (result.width, result.height)


def test_png_text_chunks_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "customer address: 1 rue de Rivoli")
    image = Image.new("RGBA", (30, 30), (0, 255, 0, 128))
    result = run(encode(image, "PNG", pnginfo=info))

    assert b"rue de Rivoli" not in result.data
    assert "Comment" not in opened(result).info


# --- formats accepted and what they become -------------------------------------------


def test_png_with_transparency_stays_png_with_alpha():
    image = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 10, 20))
    result = run(encode(image, "PNG"))

    assert result.content_type == "image/png" and result.extension == "png"
    out = opened(result)
    assert out.format == "PNG" and out.mode == "RGBA"
    assert out.getpixel((25, 5))[3] == 0 and out.getpixel((5, 5)) == (255, 0, 0, 255)


def test_opaque_png_becomes_jpeg():
    result = run(encode(two_tone(), "PNG"))

    assert result.content_type == "image/jpeg"
    assert opened(result).format == "JPEG"
    assert (result.width, result.height) == (40, 20)


def test_png_with_an_alpha_channel_but_no_transparent_pixel_becomes_jpeg():
    screenshot = Image.new("RGBA", (30, 20), (10, 200, 10, 255))
    result = run(encode(screenshot, "PNG"))

    assert result.content_type == "image/jpeg"
    assert close_to(opened(result).getpixel((15, 10)), (10, 200, 10))


def test_gif_keeps_first_frame_only():
    frames = [Image.new("RGB", (16, 16), RED), Image.new("RGB", (16, 16), BLUE)]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    result = run(gif)

    assert result.content_type == "image/jpeg"
    assert close_to(opened(result).convert("RGB").getpixel((8, 8)), RED)


def test_transparent_gif_becomes_png():
    image = Image.new("P", (16, 16), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 8, 16))
    result = run(encode(image, "GIF", transparency=0))

    assert result.content_type == "image/png"
    assert opened(result).getpixel((12, 8))[3] == 0


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_webp_is_accepted():
    result = run(encode(two_tone(), "WEBP", quality=90))

    assert result.content_type == "image/jpeg"
    assert (result.width, result.height) == (40, 20)


def test_cmyk_jpeg_is_converted_to_rgb():
    result = run(encode(Image.new("CMYK", (20, 20), (0, 255, 255, 0)), "JPEG"))

    out = opened(result)
    assert out.mode == "RGB"
    assert close_to(out.getpixel((10, 10)), RED, tolerance=60)


def test_16_bit_greyscale_png_is_scaled_not_clipped_to_white():
    image = Image.new("I;16", (10, 10), 0x8000)  # mid grey in 16 bits
    result = run(encode(image, "PNG"))

    assert 110 <= opened(result).convert("L").getpixel((5, 5)) <= 145


def test_large_photo_is_downscaled_to_max_side():
    result = run(encode(Image.new("RGB", (3200, 1000), RED), "JPEG"))

    assert (result.width, result.height) == (MAX_SIDE, 800)
    assert opened(result).size == (MAX_SIDE, 800)


# --- refusals ---------------------------------------------------------------------------


def test_empty_upload_is_rejected():
    assert reject(b"").code == "empty"


def test_oversize_upload_is_rejected_before_any_decoding(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("decoding was attempted for an oversize upload")

    monkeypatch.setattr(image_processing.Image, "open", must_not_run)
    monkeypatch.setattr(image_processing, "sniff_format", must_not_run)
    error = reject(b"\xff\xd8\xff" + b"\x00" * 2048, max_bytes=2048)

    assert error.code == "too_large"
    assert "2 KB" in error.message("en") and "2 Ko" in error.message("fr")


def test_too_large_message_states_the_limit_in_megabytes():
    error = reject(b"x" * 20, max_bytes=10)
    assert error.code == "too_large"
    assert ImageRejected("too_large", limit_bytes=MAX_BYTES).message("fr").count("10 Mo") == 1
    assert "10 MB" in ImageRejected("too_large", limit_bytes=MAX_BYTES).message("en")


def test_text_file_named_jpg_is_not_an_image():
    data = b"This is my receipt, the item arrived broken.\n" * 10
    assert reject(data, declared_type="image/jpeg").code == "not_an_image"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100,
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64,
    ],
    ids=["pdf", "elf", "windows-exe", "mp4-video"],
)
def test_non_images_are_rejected(data):
    assert reject(data, declared_type="image/png").code == "not_an_image"


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64,
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        encode(Image.new("RGB", (8, 8)), "TIFF"),
        encode(Image.new("RGB", (8, 8)), "BMP"),
    ],
    ids=["heic", "avif", "svg", "tiff", "bmp"],
)
def test_other_image_formats_ask_for_jpeg_or_png(data):
    error = reject(data, declared_type="image/jpeg")

    assert error.code == "unsupported_type"
    assert "JPEG" in error.message("en") and "PNG" in error.message("en")
    assert "JPEG" in error.message("fr") and "PNG" in error.message("fr")


def test_huge_header_is_rejected_as_a_decompression_bomb():
    before = Image.MAX_IMAGE_PIXELS
    data = png_header_only(50_000, 50_000)
    assert len(data) < 200

    assert reject(data).code == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == before  # no lasting change to Pillow's global


def test_pixel_limit_is_checked_from_the_header_before_decoding(monkeypatch):
    def must_not_load(self):
        raise AssertionError("pixels were decoded for an over-limit image")

    # 9000 x 9000 = 81 MP: under Pillow's own bomb limit, over ours.
    data = png_header_only(9000, 9000)
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", must_not_load)
    assert reject(data, max_pixels=MAX_PIXELS).code == "too_many_pixels"


def test_real_image_over_a_small_pixel_limit_is_rejected():
    data = encode(Image.new("RGB", (300, 300), RED), "JPEG")
    assert reject(data, max_pixels=300 * 300 - 1).code == "too_many_pixels"
    assert run(data, max_pixels=300 * 300).width == 300


def test_truncated_jpeg_is_corrupt():
    data = noisy_jpeg()
    assert run(data).width == 400  # the intact file is fine
    assert reject(data[: len(data) // 2]).code == "corrupt"


def test_png_with_broken_header_is_corrupt():
    data = bytearray(encode(two_tone(), "PNG"))
    data[20] ^= 0xFF  # inside IHDR: its CRC no longer matches
    assert reject(bytes(data)).code == "corrupt"


# --- messages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "overrides", "code"),
    [
        (b"", {}, "empty"),
        (b"x" * 100, {"max_bytes": 10}, "too_large"),
        (b"plain text", {}, "not_an_image"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16, {}, "unsupported_type"),
        (png_header_only(50_000, 50_000), {}, "too_many_pixels"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, {}, "corrupt"),
    ],
    ids=["empty", "too_large", "not_an_image", "unsupported_type", "too_many_pixels", "corrupt"],
)
def test_every_refusal_has_english_and_french_sentences(data, overrides, code):
    error = reject(data, **overrides)

    assert error.code == code
    assert str(error) == error.message("en")
    assert error.message("en").endswith(".") and error.message("fr").endswith(".")
    assert error.message("fr") != error.message("en")
    assert error.text == {"en": error.message("en"), "fr": error.message("fr")}
    assert "{" not in error.message("en") + error.message("fr")  # no unformatted placeholder


def test_the_message_table_covers_exactly_the_documented_codes():
    assert set(REJECTION_CODES) == {
        "too_large", "not_an_image", "unsupported_type", "too_many_pixels", "corrupt", "empty",
    }
