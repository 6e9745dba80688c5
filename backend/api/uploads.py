"""Reading uploads without trusting their size: stop as soon as the limit is passed."""
from __future__ import annotations

from fastapi import UploadFile

from backend.services.errors import PayloadTooLarge
from common.formatting import format_size
from common.languages import localized

CHUNK = 64 * 1024


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    chunks, total = [], 0
    while chunk := await file.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLarge(
                "photo_too_large", limit=localized(lambda language: format_size(max_bytes, language)))
        chunks.append(chunk)
    return b"".join(chunks)
