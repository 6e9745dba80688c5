"""Stock: promised to exchanges (reserve, consume, release) and moved by the warehouse
(restock, refurbish, outlet, write-offs), one movement per change.

Reservation happens in the same transaction as the return, so two customers cannot be
promised the last unit; on PostgreSQL the row is locked (SELECT … FOR UPDATE), on
SQLite writers are serialised by the database itself. How much is free to promise is a
read: :func:`backend.queries.stock.available`.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import InventoryItem, InventoryMovement, ReturnLine, Variant
from backend.domain.stock import DISPOSITION_STATE, REFURBISHED_TO, SELLABLE, STOCK_STATES
from backend.queries.inspected_lines import line_units
from backend.services.errors import Conflict

# Resolutions that send the customer a unit from stock, reserved when the return is made: an
# exchange (another size or colour) and the legal guarantee's replacement (the same SKU).
STOCK_RESOLUTIONS: tuple[str, ...] = ("exchange", "replacement")


def reserve(session: Session, variant: Variant, quantity: int) -> str | None:
    """Reserve ``quantity`` units at one location; the location, or None when out of stock."""
    stmt = (select(InventoryItem).where(InventoryItem.variant_id == variant.id,
                                        InventoryItem.state == SELLABLE)
            .order_by(InventoryItem.location).with_for_update())
    for item in session.execute(stmt).scalars():
        if item.on_hand - item.reserved >= quantity:
            item.reserved += quantity
            return item.location
    return None


def _item(session: Session, line: ReturnLine) -> InventoryItem | None:
    if line.exchange_variant_id is None or line.exchange_location is None:
        return None
    return session.execute(
        select(InventoryItem).where(InventoryItem.variant_id == line.exchange_variant_id,
                                    InventoryItem.location == line.exchange_location)
        .with_for_update()
    ).scalar_one_or_none()


def release(session: Session, line: ReturnLine) -> None:
    """Give back a reservation (return cancelled, expired or rejected)."""
    item = _item(session, line)
    if item is not None:
        item.reserved = max(0, item.reserved - line.quantity)
        line.exchange_location = None


def consume(session: Session, line: ReturnLine, *, actor: str = "system:resolve",
            at: dt.datetime | None = None) -> None:
    """The replacement ships: the reserved units leave the shelf (an ``exchange_shipped``
    movement, so that the stock row still equals the sum of its movements)."""
    item = _item(session, line)
    if item is not None:
        item.reserved = max(0, item.reserved - line.quantity)
        shipped = min(item.on_hand, line.quantity)
        if shipped:
            item.on_hand -= shipped
            session.add(InventoryMovement(
                variant_id=item.variant_id, location=item.location, state=item.state,
                quantity=-shipped, kind="exchange_shipped",
                unit_value_minor=line.exchange_variant.price_minor if line.exchange_variant else 0,
                return_line_id=line.id, actor=actor, created_at=at or dt.datetime.utcnow()))


# --- the warehouse's movements -----------------------------------------------------------


def _stock_row(session: Session, variant_id: int, location: str, state: str) -> InventoryItem:
    """The (variant, location, state) row, locked; created empty when the state is new there."""
    item = session.execute(
        select(InventoryItem).where(InventoryItem.variant_id == variant_id,
                                    InventoryItem.location == location,
                                    InventoryItem.state == state).with_for_update()
    ).scalar_one_or_none()
    if item is None:
        item = InventoryItem(variant_id=variant_id, location=location, state=state,
                             on_hand=0, reserved=0)
        session.add(item)
    return item


def record_movement(session: Session, *, variant_id: int, location: str, state: str,
                    quantity: int, kind: str, unit_value_minor: int, actor: str,
                    at: dt.datetime, return_line_id: int | None = None,
                    note: str | None = None) -> InventoryMovement:
    """One change of stock, in the caller's transaction: the movement, and the stock row
    it changes when ``state`` is a stock state. Why together: ``on_hand`` is always the sum
    of the row's movements, so stock is explained, never overwritten. Conflict when units
    would go below zero (they already left the shelf)."""
    if state in STOCK_STATES:
        item = _stock_row(session, variant_id, location, state)
        if item.on_hand + quantity < max(0, item.reserved if state == SELLABLE else 0):
            raise Conflict("stock_units_gone", state=state, location=location)
        item.on_hand += quantity
    movement = InventoryMovement(variant_id=variant_id, location=location, state=state,
                                 quantity=quantity, kind=kind, unit_value_minor=unit_value_minor,
                                 return_line_id=return_line_id, actor=actor, note=note,
                                 created_at=at)
    session.add(movement)
    return movement


def put_away(session: Session, line: ReturnLine, disposition: str, *, location: str,
             actor: str, at: dt.datetime, kind: str | None = None) -> None:
    """Move the line's received units where ``disposition`` says (nothing for 0 units)."""
    units = line_units(line)
    if units <= 0:
        return
    record_movement(session, variant_id=line.order_line.variant_id, location=location,
                    state=DISPOSITION_STATE[disposition], quantity=units,
                    kind=kind or disposition, unit_value_minor=line.order_line.unit_price_minor,
                    return_line_id=line.id, actor=actor, at=at)


def line_balances(session: Session, line: ReturnLine) -> dict[tuple[str, str], int]:
    """(location, state) → units of this line's item still counted there (net of movements)."""
    rows = session.execute(
        select(InventoryMovement.location, InventoryMovement.state,
               func.sum(InventoryMovement.quantity))
        .where(InventoryMovement.return_line_id == line.id,
               InventoryMovement.variant_id == line.order_line.variant_id)
        .group_by(InventoryMovement.location, InventoryMovement.state)).all()
    return {(loc, state): int(total) for loc, state, total in rows if total}


def take_back(session: Session, line: ReturnLine, *, actor: str, at: dt.datetime,
              note: str | None = None) -> None:
    """Undo where a line's units went, by compensating movements (never an edit): used by a
    disposition override before the units are put where the person said."""
    for (location, state), units in sorted(line_balances(session, line).items()):
        if units > 0:
            record_movement(session, variant_id=line.order_line.variant_id, location=location,
                            state=state, quantity=-units, kind="override_reversal",
                            unit_value_minor=line.order_line.unit_price_minor,
                            return_line_id=line.id, actor=actor, at=at, note=note)


def refurbish_done(session: Session, line: ReturnLine, to: str, *, actor: str,
                   at: dt.datetime) -> int:
    """The bench finished a line: its units leave ``refurbish`` for ``to`` (at the same
    location); the units moved."""
    waiting = [(loc, units) for (loc, state), units in line_balances(session, line).items()
               if state == "refurbish" and units > 0]
    if not waiting:
        raise Conflict("refurbish_not_waiting")
    location, units = sorted(waiting)[0]
    common = dict(variant_id=line.order_line.variant_id, location=location, kind="refurbish_done",
                  unit_value_minor=line.order_line.unit_price_minor, return_line_id=line.id,
                  actor=actor, at=at)
    record_movement(session, state="refurbish", quantity=-units, **common)
    record_movement(session, state=to, quantity=units, **common)
    return units
