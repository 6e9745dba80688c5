"""Unauthenticated endpoints: health, and files behind unguessable links (labels, the
photos agents send to customers). The link is the only permission, so whoever holds it
may fetch the file: Twilio for an MMS, the customer's browser for the web chat."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.api.deps import db_session, get_ctx
from backend.api.errors import error_responses
from backend.context import BackendContext
from backend.queries.handoff_photos import sent_photo_file
from backend.queries.labels import label_file
from backend.services.agent_media import photo_for_token
from backend.services.errors import NotFound

router = APIRouter()


@router.get("/health", tags=["meta"])
def health(ctx: BackendContext = Depends(get_ctx)) -> dict:
    with ctx.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "policy_version": ctx.policy.version, "carrier": ctx.carrier.name}


@router.get("/labels/{token}.pdf", tags=["labels"], response_class=FileResponse,
            responses={200: {"description": "The label (PDF)", "content": {"application/pdf": {}}},
                       **error_responses(404)})
def download_label(token: str, ctx: BackendContext = Depends(get_ctx)) -> FileResponse:
    path = label_file(ctx, token)
    return FileResponse(path, media_type="application/pdf", filename=f"return-label-{token[:6]}.pdf",
                        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"})


@router.get("/media/agent/{token}.{extension}", tags=["media"], response_class=FileResponse,
            responses={200: {"description": "A photo an agent sent to a customer",
                             "content": {"image/jpeg": {}, "image/png": {}}},
                       **error_responses(404)})
def agent_photo(token: str, extension: str, ctx: BackendContext = Depends(get_ctx),
                session: Session = Depends(db_session)) -> FileResponse:
    """Anyone with the link (it is signed and expires: ``BOOMERANG_AGENT_MEDIA_TTL``);
    404 for an unknown, altered or expired link, or a photo since erased."""
    public_id = photo_for_token(ctx.settings, token, ctx.now())
    found = sent_photo_file(session, public_id)
    if found is None or found[0].suffix != f".{extension}":
        raise NotFound("agent_media_not_found")
    path, content_type = found
    return FileResponse(path, media_type=content_type,
                        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex",
                                 "X-Content-Type-Options": "nosniff"})
