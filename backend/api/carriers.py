"""Carriers' webhooks: EasyPost's tracker updates (signed), the proof a parcel left.

``POST /api/v1/carriers/easypost/webhook`` is called by EasyPost, not by a person: it has no
staff token, it has EasyPost's signature (``X-Hmac-Signature``, HMAC-SHA256 of the raw body
with ``BOOMERANG_EASYPOST_WEBHOOK_SECRET``). 404 while no secret is configured: the
webhook does not exist on this install and nothing is read, 401 for a missing or wrong signature. A tracker event saying the carrier has the
parcel moves its return from label_issued to in_transit, once per event id; an event for a
parcel that is not ours is answered 200 and ignored, so EasyPost does not retry it.
"""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from backend.api import schemas
from backend.api.deps import get_ctx
from backend.api.schemas_warehouse import CarrierWebhookOut
from backend.context import BackendContext
from backend.services import carrier_webhooks
from backend.services.errors import NotFound
from backend.workflows import receive

router = APIRouter(prefix="/api/v1/carriers", tags=["carriers"])
ERRORS = {code: {"model": schemas.ErrorOut} for code in (401, 404, 422)}


@router.post("/easypost/webhook", response_model=CarrierWebhookOut, responses=ERRORS)
async def easypost_webhook(request: Request, ctx: BackendContext = Depends(get_ctx),
                           x_hmac_signature: Optional[str] = Header(
                               None, description="hmac-sha256-hex=<HMAC-SHA256 of the body>")) -> dict:
    """EasyPost's ``tracker.created`` / ``tracker.updated`` events. ``outcome``: ``moved``
    (the return went in_transit), ``recorded`` (kept; the return was already past that),
    ``duplicate`` (this event id was handled before) or ``ignored``."""
    secret = ctx.settings.easypost_webhook_secret
    if not secret:
        raise NotFound("carrier_webhook_not_configured")
    body = await request.body()
    carrier_webhooks.check_signature(secret, body, x_hmac_signature)
    update = carrier_webhooks.tracking_update(body)
    if update is None:
        return {"outcome": "ignored"}
    return {"outcome": await run_in_threadpool(receive.carrier_update, ctx, update)}
