"""Reads of the stock of returned goods: a SKU's stock per location and state with the
movements that explain it, and the repair bench's queue."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import (
    InventoryItem,
    InventoryMovement,
    ReturnLine,
    ReturnRequest,
    Variant,
)
from backend.queries.returns import item_names
from backend.services.errors import NotFound
from backend.domain.stock import SELLABLE, STOCK_STATES

MOVEMENTS_SHOWN = 50


def _variant_names(variant: Variant) -> dict[str, str]:
    product = variant.product
    details = [d for d in (variant.colour, variant.size) if d]
    details_fr = [d for d in (variant.colour_fr or variant.colour, variant.size) if d]
    return {"en": " ".join([product.name] + ([f"({', '.join(details)})"] if details else [])),
            "fr": " ".join([product.name_fr or product.name]
                           + ([f"({', '.join(details_fr)})"] if details_fr else []))}


def stock_for_sku(session: Session, sku: str) -> dict:
    """``GET /api/v1/inventory/{sku}``: on hand (sellable) in total, per state, per
    location and state, and the last movements (newest first). NotFound for an unknown SKU."""
    variant = session.execute(select(Variant).where(Variant.sku == sku)).scalar_one_or_none()
    if variant is None:
        raise NotFound("sku_not_found", sku=sku)
    items = session.execute(select(InventoryItem).where(InventoryItem.variant_id == variant.id)
                            .order_by(InventoryItem.location, InventoryItem.state)).scalars().all()
    by_state = {state: 0 for state in STOCK_STATES}
    for item in items:
        by_state[item.state] = by_state.get(item.state, 0) + item.on_hand
    rows = session.execute(
        select(InventoryMovement, ReturnRequest.rma)
        .outerjoin(ReturnLine, ReturnLine.id == InventoryMovement.return_line_id)
        .outerjoin(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .where(InventoryMovement.variant_id == variant.id)
        .order_by(InventoryMovement.created_at.desc(), InventoryMovement.id.desc())
        .limit(MOVEMENTS_SHOWN)).all()
    return {
        "sku": variant.sku, "name": _variant_names(variant),
        "on_hand": by_state[SELLABLE], "by_state": by_state,
        "locations": [{"location": i.location, "state": i.state, "on_hand": i.on_hand,
                       "reserved": i.reserved} for i in items],
        "movements": [{"at": m.created_at, "kind": m.kind, "state": m.state,
                       "location": m.location, "quantity": m.quantity,
                       "unit_value_minor": m.unit_value_minor, "rma": rma, "actor": m.actor,
                       "note": m.note} for m, rma in rows],
    }


def movement_sums(session: Session, variant_id: int) -> dict[tuple[str, str], int]:
    """(location, state) → the sum of the movements (what ``on_hand`` must equal)."""
    rows = session.execute(
        select(InventoryMovement.location, InventoryMovement.state,
               func.sum(InventoryMovement.quantity))
        .where(InventoryMovement.variant_id == variant_id)
        .group_by(InventoryMovement.location, InventoryMovement.state)).all()
    return {(loc, state): int(total) for loc, state, total in rows}


def refurbish_queue(session: Session) -> list[dict]:
    """Lines with units waiting on the repair bench, oldest inspection first."""
    waiting = (select(InventoryMovement.return_line_id, InventoryMovement.location,
                      func.sum(InventoryMovement.quantity).label("units"))
               .where(InventoryMovement.state == "refurbish",
                      InventoryMovement.return_line_id.is_not(None))
               .group_by(InventoryMovement.return_line_id, InventoryMovement.location)
               .subquery())
    rows = session.execute(
        select(ReturnLine, waiting.c.location, waiting.c.units)
        .join(waiting, waiting.c.return_line_id == ReturnLine.id)
        .where(waiting.c.units > 0)
        .order_by(ReturnLine.inspected_at, ReturnLine.id)).all()
    out = []
    for line, location, units in rows:
        out.append({
            "line_id": line.id, "rma": line.return_request.rma,
            "sku": line.order_line.variant.sku, "name": item_names(line.order_line),
            "units": int(units), "location": location, "grade": line.grade,
            "inspection_notes": line.inspection_notes,
            "unit_value_minor": line.order_line.unit_price_minor,
            "inspected_at": line.inspected_at})
    return out
