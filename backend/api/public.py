"""Unauthenticated endpoints: health, and label downloads behind unguessable links."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from sqlalchemy import text

from backend.api.deps import get_ctx
from backend.api.errors import error_responses
from backend.context import BackendContext
from backend.queries.labels import label_file

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
