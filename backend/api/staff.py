"""Endpoints for the shop's side: review decisions, warehouse scans, refunds, maintenance.

Every route needs a staff principal (a signed-in account, or the install's staff token,
which acts as ``admin``); what each role may do is :mod:`backend.domain.staff`'s table:
a move to a status is checked against ``MOVE_ROLES`` once the body says which status.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api.deps import check_role, current_staff, db_session, get_ctx, require_roles
from backend.context import BackendContext
from backend.db.models import Refund
from backend.domain.lifecycle import ReturnStatus
from backend.domain.staff import HANDOFF_ROLES, MANAGERS, REFUND_ROLES, ROLES, StaffPrincipal, roles_for_move
from backend.queries.return_view import return_view
from backend.queries.returns import get_return as find_return
from backend.queries import handoffs as handoff_queries
from backend.queries import partner_feed
from backend.workflows import expire, resolve, staff_moves

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], dependencies=[Depends(require_roles(*ROLES))])
# Ids are 32-bit integer columns (PostgreSQL): a larger one is no id, and must not reach SQL.
DB_INT_MAX = 2**31 - 1
ERRORS = {401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut}, 404: {"model": schemas.ErrorOut},
          409: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut},
          503: {"model": schemas.ErrorOut}}


@router.get("/returns/{rma}", response_model=schemas.ReturnOut, responses=ERRORS)
def get_return(rma: str, ctx: BackendContext = Depends(get_ctx),
               session: Session = Depends(db_session)) -> dict:
    return return_view(ctx, find_return(session, rma))


@router.post("/returns/{rma}/transitions", response_model=schemas.ReturnOut, responses=ERRORS)
def move_return(rma: str, body: schemas.TransitionIn, ctx: BackendContext = Depends(get_ctx),
                session: Session = Depends(db_session),
                principal: StaffPrincipal = Depends(current_staff)) -> dict:
    """Move a return along its lifecycle; an illegal move answers 409 and changes nothing.

    Who may ask for which status: review decisions (approved, needs_review, rejected) and
    cancelled by agents; carrier scans, receiving, inspection, refund/exchange/credit and
    closing by the warehouse (which may also reject after inspection); label_issued by
    both; expired by supervisors and admins, who may do everything (403 otherwise). A
    signed-in account is recorded in the history as itself (``staff:<id>:<email>``);
    ``actor`` names the person only for the install's staff token.
    """
    try:
        check_role(principal, roles_for_move(ReturnStatus(body.to_status)))
    except ValueError:
        pass  # an unknown status: the workflow answers 422
    actor = principal.actor() if principal.is_account else body.actor
    move = staff_moves.StaffMove(actor=actor, note=body.note, grades=body.grades or {},
                                 dispositions=body.dispositions or {})
    _, error = staff_moves.move_return(ctx, rma, body.to_status, move)
    return return_view(ctx, find_return(session, rma), error)


@router.post("/refunds/{refund_id}/retry", response_model=schemas.ReturnOut, responses=ERRORS)
def retry_refund(refund_id: int = Path(..., ge=1, le=DB_INT_MAX), ctx: BackendContext = Depends(get_ctx),
                 session: Session = Depends(db_session),
                 principal: StaffPrincipal = Depends(require_roles(*REFUND_ROLES))) -> dict:
    """Try a failed refund again (warehouse, supervisor, admin)."""
    resolve.retry_refund(ctx, refund_id, actor=principal.actor() if principal.is_account else "staff")
    refund = session.get(Refund, refund_id)
    return return_view(ctx, refund.return_request)


@router.post("/maintenance/expire-labels", response_model=schemas.ExpiryOut, responses=ERRORS,
             dependencies=[Depends(require_roles(*MANAGERS))])
def expire_labels(ctx: BackendContext = Depends(get_ctx)) -> dict:
    """Expire returns whose label went unused past the policy's validity (also runs hourly;
    supervisor, admin)."""
    return {"expired": expire.expire_unused_labels(ctx)}


@router.get("/partner-feed/undelivered", response_model=schemas.PartnerFeedOut, responses=ERRORS,
            dependencies=[Depends(require_roles(*MANAGERS))])
def partner_feed_undelivered(limit: int = Query(100, ge=1, le=500),
                             session: Session = Depends(db_session)) -> dict:
    """Partner-feed events not yet taken by a partner, oldest first, with the last error and
    the next try (supervisor, admin)."""
    total, rows = partner_feed.undelivered(session, limit)
    return {"total": total, "undelivered": rows}


@router.get("/handoffs", response_model=schemas.HandoffListOut, responses=ERRORS,
            dependencies=[Depends(require_roles(*HANDOFF_ROLES))])
def list_handoffs(status: str = "queued", ctx: BackendContext = Depends(get_ctx),
                  session: Session = Depends(db_session)) -> dict:
    """Handoffs by status (``open`` is the old name of ``queued``); the agent API has more."""
    wanted = {"open": "queued", "accepted": "claimed"}.get(status, status)
    statuses = (wanted,) if wanted else ("queued", "claimed", "returned", "closed", "cancelled")
    return {"handoffs": handoff_queries.queue(session, statuses, now=ctx.now())}
