"""SMS opt-outs, recorded by the SMS channel when a number texts STOP or START, and asked
by it before a message is passed on."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from backend.api import schemas
from backend.api.deps import get_ctx, require_service
from backend.context import BackendContext
from backend.services import sms_opt_outs

router = APIRouter(prefix="/api/v1/sms", tags=["sms"], dependencies=[Depends(require_service)])
ERRORS = {401: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut}}


@router.get("/opt-outs/{phone}", response_model=schemas.SmsOptOutOut, responses=ERRORS)
def opt_out_status(phone: str, ctx: BackendContext = Depends(get_ctx)) -> dict:
    """Has this number opted out (its own STOP, or a customer with it flagged)?"""
    e164, opted_out = sms_opt_outs.opt_out_status(ctx, phone)
    return {"phone": e164, "opted_out": opted_out}


@router.put("/opt-outs/{phone}", response_model=schemas.SmsOptOutOut, responses=ERRORS)
def opt_out(phone: str, ctx: BackendContext = Depends(get_ctx)) -> dict:
    """STOP: no more proactive SMS to this number (E.164, URL-encoded: %2B33639981234)."""
    return {"phone": sms_opt_outs.set_opt_out(ctx, phone, True), "opted_out": True}


@router.delete("/opt-outs/{phone}", response_model=schemas.SmsOptOutOut, responses=ERRORS)
def opt_back_in(phone: str, ctx: BackendContext = Depends(get_ctx)) -> dict:
    """START: this number may receive proactive SMS again."""
    return {"phone": sms_opt_outs.set_opt_out(ctx, phone, False), "opted_out": False}
