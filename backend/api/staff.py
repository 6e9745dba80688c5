"""Endpoints for the shop's side: review decisions, warehouse scans, refunds, maintenance."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api.deps import db_session, get_ctx, require_staff
from backend.context import BackendContext
from backend.db.models import Refund
from backend.queries.return_view import return_view
from backend.queries.returns import get_return as find_return
from backend.queries import handoffs as handoff_queries
from backend.workflows import expire, resolve, staff_moves

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], dependencies=[Depends(require_staff)])
# Ids are 32-bit integer columns (PostgreSQL): a larger one is no id, and must not reach SQL.
DB_INT_MAX = 2**31 - 1
ERRORS = {401: {"model": schemas.ErrorOut}, 404: {"model": schemas.ErrorOut},
          409: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut},
          503: {"model": schemas.ErrorOut}}


@router.get("/returns/{rma}", response_model=schemas.ReturnOut, responses=ERRORS)
def get_return(rma: str, ctx: BackendContext = Depends(get_ctx),
               session: Session = Depends(db_session)) -> dict:
    return return_view(ctx, find_return(session, rma))


@router.post("/returns/{rma}/transitions", response_model=schemas.ReturnOut, responses=ERRORS)
def move_return(rma: str, body: schemas.TransitionIn, ctx: BackendContext = Depends(get_ctx),
                session: Session = Depends(db_session)) -> dict:
    """Move a return along its lifecycle; an illegal move answers 409 and changes nothing."""
    move = staff_moves.StaffMove(actor=body.actor, note=body.note, grades=body.grades or {},
                                 dispositions=body.dispositions or {})
    _, error = staff_moves.move_return(ctx, rma, body.to_status, move)
    return return_view(ctx, find_return(session, rma), error)


@router.post("/refunds/{refund_id}/retry", response_model=schemas.ReturnOut, responses=ERRORS)
def retry_refund(refund_id: int = Path(..., ge=1, le=DB_INT_MAX), ctx: BackendContext = Depends(get_ctx),
                 session: Session = Depends(db_session)) -> dict:
    resolve.retry_refund(ctx, refund_id, actor="staff")
    refund = session.get(Refund, refund_id)
    return return_view(ctx, refund.return_request)


@router.post("/maintenance/expire-labels", response_model=schemas.ExpiryOut)
def expire_labels(ctx: BackendContext = Depends(get_ctx)) -> dict:
    """Expire returns whose label went unused past the policy's validity (also runs hourly)."""
    return {"expired": expire.expire_unused_labels(ctx)}


@router.get("/handoffs", response_model=schemas.HandoffListOut)
def list_handoffs(status: str = "queued", ctx: BackendContext = Depends(get_ctx),
                  session: Session = Depends(db_session)) -> dict:
    """Handoffs by status (``open`` is the old name of ``queued``); the agent API has more."""
    wanted = {"open": "queued", "accepted": "claimed"}.get(status, status)
    statuses = (wanted,) if wanted else ("queued", "claimed", "returned", "closed", "cancelled")
    return {"handoffs": handoff_queries.queue(session, statuses, now=ctx.now())}
