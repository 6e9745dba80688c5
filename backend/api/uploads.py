"""Reading uploads without trusting their size: stop as soon as the limit is passed."""
from __future__ import annotations

from fastapi import UploadFile

from backend.services.errors import PayloadTooLarge

CHUNK = 64 * 1024


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    chunks, total = [], 0
    while chunk := await file.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLarge(
                f"That photo is too large (limit {max_bytes // (1024 * 1024)} MB).",
                f"Cette photo est trop volumineuse (limite {max_bytes // (1024 * 1024)} Mo).",
                code="photo_too_large")
        chunks.append(chunk)
    return b"".join(chunks)
