"""Stock of a SKU: on hand per location and state, and the movements behind it.

Who may call: the warehouse, supervisors and admins, and agents too (an agent checks
stock before offering an exchange). Read only.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api import schemas_warehouse as ws
from backend.api.deps import db_session, require_roles
from backend.domain.staff import ROLES
from backend.queries.inventory import stock_for_sku

ERRORS = {code: {"model": schemas.ErrorOut} for code in (401, 403, 404)}

router = APIRouter(prefix="/api/v1", tags=["inventory"],
                   dependencies=[Depends(require_roles(*ROLES))])


@router.get("/inventory/{sku}", response_model=ws.InventoryOut, responses=ERRORS)
def inventory(sku: str = Path(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
              session: Session = Depends(db_session)) -> dict:
    """``on_hand`` is the sellable stock in total (what an exchange can promise);
    ``by_state`` and ``locations`` add the grade-B, refurbishing and outlet stock; the last
    50 movements explain it (newest first). 404 for an unknown SKU."""
    return stock_for_sku(session, sku)
