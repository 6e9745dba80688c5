"""Stock promised to exchanges: reserve at request time, consume or release later.

Reservation happens in the same transaction as the return, so two customers cannot be
promised the last unit; on PostgreSQL the row is locked (SELECT … FOR UPDATE), on
SQLite writers are serialised by the database itself. How much is free to promise is a
read: :func:`backend.queries.stock.available`.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db.models import InventoryItem, ReturnLine, Variant

# Resolutions that send the customer a unit from stock, reserved when the return is made: an
# exchange (another size or colour) and the legal guarantee's replacement (the same SKU).
STOCK_RESOLUTIONS: tuple[str, ...] = ("exchange", "replacement")
# The states a unit in stock can be in (inventory_items.state): only sellable units are
# promised to exchanges.
SELLABLE = "sellable"
STOCK_STATES: tuple[str, ...] = (SELLABLE, "sellable_b", "refurbish", "resale_hold")


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


def consume(session: Session, line: ReturnLine) -> None:
    """The replacement ships: the reserved units leave the shelf."""
    item = _item(session, line)
    if item is not None:
        item.reserved = max(0, item.reserved - line.quantity)
        item.on_hand = max(0, item.on_hand - line.quantity)
