"""The warehouse API's shapes: the return as the warehouse sees it
(:func:`backend.queries.warehouse_view.warehouse_view`) and the bodies of its routes."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import Field, constr, validator

# The API's base model: timestamps in UTC with their zone, nullable fields said so in the schema.
from backend.api.schemas import BaseModel


class Localized(BaseModel):
    en: str
    fr: str


class WarehousePhotoOut(BaseModel):
    public_id: str
    url: str


class DispositionOverrideOut(BaseModel):
    from_disposition: str
    to_disposition: str
    reason: str
    actor: str
    at: dt.datetime


class WarehouseLineOut(BaseModel):
    id: int
    sku: str
    name: Localized
    category: str
    hygiene: bool
    unit_value_minor: int
    quantity: int
    received_quantity: Optional[int] = None
    reason_code: str
    reason_text: Optional[str] = None
    resolution: str
    eligible: bool
    legal_basis: str
    seal_intact: Optional[bool] = None
    refund_amount_minor: int
    refund_reduction_minor: int
    refund_reduction_reason: Optional[str] = None
    customer_photos: list[WarehousePhotoOut]
    warehouse_photos: list[WarehousePhotoOut]
    grade: Optional[str] = None
    inspection_flags: list[str]
    inspection_notes: Optional[str] = None
    mismatches: list[str]
    inspected_at: Optional[dt.datetime] = None
    disposition: Optional[str] = None
    disposition_rule: Optional[str] = None
    disposition_rules_version: Optional[str] = None
    disposition_guards: list[str]
    recovery_percent: Optional[int] = None
    value_recovered_minor: Optional[int] = None
    # Why the line goes where it goes (the rule, the law's guards, the overrides), en/fr.
    disposition_explanation: Optional[Localized] = None
    overrides: list[DispositionOverrideOut] = []


class WarehouseCustomerOut(BaseModel):
    name: str
    email: str  # masked
    phone: Optional[str] = None  # masked


class WarehouseLabelOut(BaseModel):
    carrier: str
    tracking_number: str


class UnexpectedItemOut(BaseModel):
    id: int
    code: str
    quantity: int
    note: Optional[str] = None
    actor: str
    at: dt.datetime


class WarehouseRefundOut(BaseModel):
    id: int
    amount_minor: int
    currency: str
    method: str
    status: str
    issued_at: Optional[dt.datetime] = None


class WarehouseHistoryOut(BaseModel):
    from_status: Optional[str] = None
    status: str
    actor: str
    note: Optional[str] = None
    at: dt.datetime


class WarehouseReturnOut(BaseModel):
    rma: str
    status: str
    status_text: Localized
    order_number: str
    language: str
    channel: str
    created_at: dt.datetime
    currency: str
    customer: WarehouseCustomerOut
    label: Optional[WarehouseLabelOut] = None
    lines: list[WarehouseLineOut]
    unexpected_items: list[UnexpectedItemOut]
    refunds: list[WarehouseRefundOut]
    refund_due_on: Optional[dt.date] = None
    refund_late: bool
    expected_refund_by: Optional[dt.date] = None
    history: list[WarehouseHistoryOut]


# --- inspection, dispositions, inventory (issue 14, the inspection slice) ------------------

def _no_nul(value):
    """PostgreSQL cannot store a NUL character in text, and no one types one: 422, not 500."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain a NUL character")
    return value


class InspectionLineIn(BaseModel):
    line_id: int = Field(..., ge=1, le=2**31 - 1)
    grade: str = Field(..., max_length=1)
    flags: list[str] = Field(default_factory=list, max_items=20)
    notes: Optional[str] = Field(None, max_length=2000)
    reduction_minor: int = Field(0, ge=0, le=10**9)
    reduction_reason: Optional[str] = Field(None, max_length=40)
    mismatches: list[str] = Field(default_factory=list, max_items=10)
    # The inspector refuses the parcel for this line (grade D with a mismatch only); when
    # every graded line is refused, the return is rejected instead of refunded.
    refuse: bool = False

    _text = validator("notes", "reduction_reason", "grade", allow_reuse=True)(_no_nul)


class InspectionIn(BaseModel):
    lines: list[InspectionLineIn] = Field(..., max_items=200)
    note: Optional[str] = Field(None, max_length=500)

    _text = validator("note", allow_reuse=True)(_no_nul)


class DispositionOverrideIn(BaseModel):
    disposition: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=500)
    exception: Optional[str] = Field(None, max_length=20)

    _text = validator("reason", "disposition", "exception", allow_reuse=True)(_no_nul)


class RefurbishDoneIn(BaseModel):
    to: str = Field(..., max_length=20)


class RefurbishItemOut(BaseModel):
    line_id: int
    rma: str
    sku: str
    name: Localized
    units: int
    location: str
    grade: Optional[str] = None
    inspection_notes: Optional[str] = None
    unit_value_minor: int
    inspected_at: Optional[dt.datetime] = None


class RefurbishQueueOut(BaseModel):
    items: list[RefurbishItemOut]


class StockLocationOut(BaseModel):
    location: str
    state: str
    on_hand: int
    reserved: int


class StockMovementOut(BaseModel):
    at: dt.datetime
    kind: str
    state: str
    location: str
    quantity: int
    unit_value_minor: int
    rma: Optional[str] = None
    actor: str
    note: Optional[str] = None


class InventoryOut(BaseModel):
    sku: str
    name: Localized
    on_hand: int  # sellable units, every location
    by_state: dict[str, int]
    locations: list[StockLocationOut]
    movements: list[StockMovementOut]
# --- the dock's bodies (backend.api.warehouse_receiving) -------------------------------------
DB_INT_MAX = 2**31 - 1


class ScanIn(BaseModel):
    """What the label's barcode holds (the RMA), or the carrier's tracking number."""

    code: constr(strip_whitespace=True, min_length=1, max_length=80)


class ReceiptLineIn(BaseModel):
    line_id: int = Field(..., ge=1, le=DB_INT_MAX)
    # Units that arrived; more than the line's quantity: the extra become unexpected items.
    received_quantity: int = Field(..., ge=0, le=10_000)


class UnexpectedItemIn(BaseModel):
    # A SKU (linked to the catalogue when it is one of ours) or whatever is written on it.
    code: constr(strip_whitespace=True, min_length=1, max_length=64)
    quantity: int = Field(1, ge=1, le=10_000)
    note: Optional[constr(strip_whitespace=True, max_length=1000)] = None


class ReceiptIn(BaseModel):
    lines: list[ReceiptLineIn] = Field(default_factory=list, max_items=200)
    unexpected: list[UnexpectedItemIn] = Field(default_factory=list, max_items=200)
    note: Optional[constr(strip_whitespace=True, max_length=1000)] = None


class CarrierScanIn(BaseModel):
    note: Optional[constr(strip_whitespace=True, max_length=1000)] = None


class CarrierWebhookOut(BaseModel):
    # moved (label_issued → in_transit) | recorded | duplicate | ignored
    outcome: str
