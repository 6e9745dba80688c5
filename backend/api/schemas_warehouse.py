"""The warehouse API's shapes: the return as the warehouse sees it
(:func:`backend.queries.warehouse_view.warehouse_view`) and the bodies of its routes."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import Field, constr

# The API's base model: timestamps in UTC with their zone, nullable fields said so in the schema.
from backend.api.schemas import BaseModel


class Localized(BaseModel):
    en: str
    fr: str


class WarehousePhotoOut(BaseModel):
    public_id: str
    url: str


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
