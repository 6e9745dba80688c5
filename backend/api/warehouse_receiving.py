"""The dock: scan a parcel's label, confirm what arrived, record a carrier scan.

Every route is for the warehouse, supervisors and admins (signed-in accounts, or the
install's staff token, an admin): 401 without credentials, 403 for an agent. Each answers
the return as the warehouse sees it (:func:`backend.queries.warehouse_view.warehouse_view`),
so the dock page and a script get the same thing.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api.deps import db_session, get_ctx, require_roles
from backend.api.schemas_warehouse import CarrierScanIn, ReceiptIn, ScanIn, WarehouseReturnOut
from backend.context import BackendContext
from backend.domain.staff import ADMIN, SUPERVISOR, WAREHOUSE, StaffPrincipal
from backend.queries.returns import get_return
from backend.queries.warehouse_view import warehouse_view
from backend.services.receiving import ExtraItem, LineCount, Receipt
from backend.workflows import receive

DOCK_ROLES = (WAREHOUSE, SUPERVISOR, ADMIN)
router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"])
ERRORS = {code: {"model": schemas.ErrorOut} for code in (401, 403, 404, 409, 422)}
RMA_PATH = "The return's RMA (R-XXXX-XXXX; case and dashes as typed are accepted)"


def _answer(ctx: BackendContext, session: Session, rma: str) -> dict:
    return warehouse_view(ctx, get_return(session, rma))


@router.get("/returns/{rma}", response_model=WarehouseReturnOut, responses=ERRORS,
            description=RMA_PATH)
def get_warehouse_return(rma: str, ctx: BackendContext = Depends(get_ctx),
                         session: Session = Depends(db_session),
                         _who: StaffPrincipal = Depends(require_roles(*DOCK_ROLES))) -> dict:
    """The return as the warehouse sees it (lines, counts, inspection, refunds, history)."""
    return _answer(ctx, session, rma)


@router.post("/scan", response_model=WarehouseReturnOut, responses=ERRORS)
def scan(body: ScanIn, ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
         who: StaffPrincipal = Depends(require_roles(*DOCK_ROLES))) -> dict:
    """A label scanned at the dock (``code``: the RMA its barcode holds, or the carrier's
    tracking number, case and spaces ignored). A parcel on its way (label issued, in
    transit) is received and the customer told; one already received or inspected just
    opens. 404 for a code that names no return; 409 for a return whose parcel must not be
    taken in (cancelled, expired, rejected, not yet labelled, already resolved)."""
    rma = receive.scan(ctx, body.code, actor=who.actor())
    return _answer(ctx, session, rma)


@router.post("/returns/{rma}/receipt", response_model=WarehouseReturnOut, responses=ERRORS,
             description=RMA_PATH)
def receipt(rma: str, body: ReceiptIn, ctx: BackendContext = Depends(get_ctx),
            session: Session = Depends(db_session),
            who: StaffPrincipal = Depends(require_roles(*DOCK_ROLES))) -> dict:
    """What arrived: units per line (a recount replaces the earlier count; units beyond a
    line's quantity become unexpected items of its SKU), and unexpected items (appended).
    Missing units take their share off the line's refund (``missing_items``). The return is
    received first if it was still on its way. Until inspection (409 after); 422 for a line
    of another return or counted twice."""
    counts = Receipt(lines=tuple(LineCount(l.line_id, l.received_quantity) for l in body.lines),
                     unexpected=tuple(ExtraItem(u.code, u.quantity, u.note or None) for u in body.unexpected),
                     note=body.note or None)
    receive.record_receipt(ctx, rma, counts, actor=who.actor())
    return _answer(ctx, session, rma)


@router.post("/returns/{rma}/carrier-scan", response_model=WarehouseReturnOut, responses=ERRORS,
             description=RMA_PATH)
def carrier_scan(rma: str, body: CarrierScanIn, ctx: BackendContext = Depends(get_ctx),
                 session: Session = Depends(db_session),
                 who: StaffPrincipal = Depends(require_roles(*DOCK_ROLES))) -> dict:
    """The carrier has the parcel (a person saw the scan, e.g. on the carrier's site): the
    return moves to in_transit, the proof of dispatch. 409 unless the label was issued."""
    receive.mark_in_transit(ctx, rma, actor=who.actor(), note=body.note or "carrier scan")
    return _answer(ctx, session, rma)
