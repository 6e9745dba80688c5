"""Reading uploads without trusting their size: stop as soon as the limit is passed."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from backend.services.errors import Invalid, PayloadTooLarge
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


@asynccontextmanager
async def photo_form(request: Request, max_bytes: int) -> AsyncIterator[tuple[FormData, bytes, str | None]]:
    """The multipart body of a one-photo upload: (its other fields, the photo's bytes read
    within ``max_bytes``, its declared type). Parsed only when the caller enters it (after
    the route has checked who is calling); the form's files are closed on the way out."""
    try:
        form = await request.form(max_files=1, max_fields=5)
    except (HTTPException, ValueError):  # python-multipart's parse errors are ValueErrors
        raise Invalid("upload_malformed") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise Invalid("photo_missing")
        yield form, await read_upload(file, max_bytes), file.content_type
    finally:
        await form.close()
