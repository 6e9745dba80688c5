"""What the seeding steps have made so far, handed from one step to the next.

Why a separate object: the steps run inside one transaction that is committed only at
the end, so a later step (orders need the variants by SKU, returns need the stock to
reserve exchanges) reads what an earlier one created from here rather than querying a
half-written session; the summary is counted from it too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from backend.db.models import Customer, InventoryItem, Order, Product, ReturnRequest, Variant


@dataclass
class Built:
    """Objects created in memory, kept for the later steps (and for the summary)."""

    products: list[Product] = field(default_factory=list)
    variants: dict[str, Variant] = field(default_factory=dict)  # by SKU
    stock: dict[str, dict[str, InventoryItem]] = field(default_factory=dict)  # SKU -> location
    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)
