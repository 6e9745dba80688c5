"""How many units of a variant can still be promised: stock on hand less what is reserved.

A read, so it lives with the queries: the returnable-lines lookup offers only exchanges
that are in stock, and the return service checks the same figure before it reserves
(:mod:`backend.services.inventory` does the reserving, consuming and releasing).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db.models import InventoryItem


def available(session: Session, variant_id: int) -> int:
    items = session.execute(select(InventoryItem).where(
        InventoryItem.variant_id == variant_id, InventoryItem.state == "sellable")).scalars()
    return sum(max(0, i.on_hand - i.reserved) for i in items)
