"""Endpoints the chat widget (and the SMS channel) call directly: photo uploads.

A photo is often the first thing a customer sends, before any order number, so these
routes need no customer token: an upload token bound to the conversation is enough.
The browser may call them from the shop's site (CORS, see app.py).
"""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from backend.api import schemas
from backend.api.customer import photo_out
from backend.api.deps import get_ctx, service_caller
from backend.api.uploads import photo_form
from backend.context import BackendContext
from backend.services import photos, upload_tokens

router = APIRouter(prefix="/api/v1/chat", tags=["chat"])
ERRORS = {401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut},
          422: {"model": schemas.ErrorOut}, 429: {"model": schemas.ErrorOut}}
MULTIPART_FILE = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/upload-token", response_model=schemas.UploadTokenOut, status_code=201, responses=ERRORS)
def upload_token(body: schemas.UploadTokenIn, request: Request, ctx: BackendContext = Depends(get_ctx),
                 trusted: bool = Depends(service_caller)) -> dict:
    """A short-lived token to upload photos into one conversation.

    Anonymous: a new ``web-…`` conversation (conversation_id null) or a refresh of one.
    With the service token: any conversation id (an SMS sender, for instance).
    """
    client = f"ip:{request.client.host if request.client else 'unknown'}"
    issued = upload_tokens.issue_upload_token(ctx, body.conversation_id, trusted=trusted, client_key=client)
    return {"conversation_id": issued.conversation_id, "upload_token": issued.token,
            "expires_in": issued.expires_in,
            "upload_url": f"{ctx.settings.public_base_url}/api/v1/chat/photos"}


@router.post("/photos", response_model=schemas.PhotoOut, status_code=201, openapi_extra=MULTIPART_FILE,
             responses={**ERRORS, 413: {"model": schemas.ErrorOut}, 415: {"model": schemas.ErrorOut}})
async def upload_chat_photo(request: Request, ctx: BackendContext = Depends(get_ctx),
                            authorization: Optional[str] = Header(None)) -> dict:
    """Upload a photo (multipart field ``file``) with ``Authorization: Bearer <upload_token>``.

    The token is checked before the body is read. The photo's id goes into the message
    metadata (``photo_ids``); the return created in the conversation claims it.
    """
    token = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else ""
    conversation_id = upload_tokens.decode_upload_token(ctx.settings, token)
    async with photo_form(request, ctx.settings.photo_max_bytes) as (_, data, declared_type):
        photo = await run_in_threadpool(photos.store_chat_photo, ctx, conversation_id, data, declared_type)
    return photo_out(photo)
