"""The states returned goods can be in, and where each disposition puts them.

Pure names, kept in the domain: the inventory service moves units between them and the
stock read reports them, and a read must not depend on a command step.
"""
from __future__ import annotations

# The states a unit in stock can be in (inventory_items.state): only sellable units are
# promised to exchanges. sellable_b: refurbished or opened, sold as grade B; refurbish:
# waiting on the repair bench; resale_hold: kept for the outlet or a resale partner.
SELLABLE = "sellable"
STOCK_STATES: tuple[str, ...] = (SELLABLE, "sellable_b", "refurbish", "resale_hold")

# Where each disposition puts the units: a stock state (a row that keeps them), or the name
# of the way they left the shop (a movement only: units and value counted, not kept).
DISPOSITION_STATE: dict[str, str] = {
    "restock": SELLABLE, "refurbish": "refurbish", "resale_hold": "resale_hold",
    "return_to_vendor": "return_to_vendor", "donate": "donate", "recycle": "recycle",
    "dispose": "dispose"}
# Where units go when their refurbishing is done.
REFURBISHED_TO: tuple[str, ...] = ("sellable_b", "resale_hold")
