"""Fetching the photos of an MMS from Twilio, without trusting their size or type.

Twilio hands the webhook URLs (MediaUrlN) and declared types (MediaContentTypeN); the
files are fetched with the account's credentials (HTTP basic auth, which Twilio requires
when media protection is on; ``requests`` drops it when Twilio redirects to its storage
host). Only images are accepted, the size limit is enforced while the body streams in
(a missing or lying Content-Length changes nothing), and the bytes must open as an
image, so a bad file is refused here, before any photo of the message is uploaded.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Mapping

import requests
from PIL import Image, UnidentifiedImageError

CHUNK = 64 * 1024
MAX_MEDIA_PER_MESSAGE = 10  # Twilio's own limit for one MMS
TIMEOUT = (3.05, 20.0)  # connect, read (between bytes)


@dataclass(frozen=True)
class MediaItem:
    url: str
    content_type: str


@dataclass(frozen=True)
class Photo:
    data: bytes
    content_type: str
    filename: str


class MediaError(Exception):
    """A photo that could not be received; ``reason`` is for logs, never for the customer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedMedia(ValueError):
    """NumMedia / MediaUrlN fields that do not describe the media (a 400 for the webhook)."""


def media_items(form: Mapping[str, str]) -> list[MediaItem]:
    """The media a webhook's form announces: NumMedia, then MediaUrlN / MediaContentTypeN."""
    raw = (form.get("NumMedia") or "0").strip()
    if not raw.isdigit() or int(raw) > MAX_MEDIA_PER_MESSAGE:
        raise MalformedMedia(f"NumMedia must be 0..{MAX_MEDIA_PER_MESSAGE}, not {raw!r}")
    items = []
    for n in range(int(raw)):
        url = (form.get(f"MediaUrl{n}") or "").strip()
        if not url.lower().startswith(("https://", "http://")):
            raise MalformedMedia(f"MediaUrl{n} is missing or not an http(s) URL")
        content_type = (form.get(f"MediaContentType{n}") or "").split(";")[0].strip().lower()
        items.append(MediaItem(url, content_type))
    return items


def _is_image(content_type: str) -> bool:
    return content_type.startswith("image/")


def download_photo(item: MediaItem, auth: tuple[str, str], max_bytes: int, index: int,
                   session: requests.Session | None = None) -> Photo:
    """The photo's bytes; :class:`MediaError` for a non-image, an oversize file or no answer."""
    if not _is_image(item.content_type):
        raise MediaError(f"media {index} is {item.content_type or 'untyped'}, not an image")
    http = session or requests
    try:
        with http.get(item.url, auth=auth, timeout=TIMEOUT, stream=True) as response:
            if response.status_code != 200:
                raise MediaError(f"media {index}: HTTP {response.status_code}")
            served_type = (response.headers.get("Content-Type") or item.content_type).split(";")[0].strip().lower()
            if not _is_image(served_type):
                raise MediaError(f"media {index} was served as {served_type}, not an image")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise MediaError(f"media {index}: {declared} bytes, over the {max_bytes} limit")
            chunks, total = [], 0
            for chunk in response.iter_content(CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise MediaError(f"media {index}: over the {max_bytes}-byte limit")
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise MediaError(f"media {index}: {type(exc).__name__}") from exc
    data = b"".join(chunks)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise MediaError(f"media {index} is not a readable image") from exc
    extension = served_type.split("/", 1)[1].split("+")[0] or "img"
    return Photo(data, served_type, f"sms-photo-{index + 1}.{extension}")
