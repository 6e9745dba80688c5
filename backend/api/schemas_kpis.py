"""The measures' JSON (``GET /api/v1/kpis``), declared so OpenAPI documents it.

The shape is a contract with the dashboard page: figures are only ever added, never renamed
or moved. Every field is defined in ``docs/kpis.md``. Ratios are fractions (0.1234 is
12.34 %) rounded to 4 places, ``null`` when their base is zero; money is integer minor units
of ``currency``; times are hours. Lists (breakdowns, series) are lists of objects with a
``key``; the page words the keys in English or French.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class Names(BaseModel):
    en: str
    fr: str


class PeriodOut(BaseModel):
    from_: dt.date = Field(..., alias="from", description="First day, included (UTC)")
    to: dt.date = Field(..., description="Last day, included (UTC)")
    days: int

    class Config:
        allow_population_by_field_name = True


class DeliveriesOut(BaseModel):
    orders: int = Field(..., description="Orders delivered in the period")
    units: int
    value_minor: int = Field(..., description="What the customers paid for them")


class ReturnsOut(BaseModel):
    requests: int = Field(..., description="Return requests made in the period, whatever became of them")
    returns: int = Field(..., description="Of those, the ones that count as returns "
                                          "(not rejected, cancelled or expired)")
    orders: int = Field(..., description="Orders those returns were made on")
    units: int
    value_minor: int = Field(..., description="Paid value of the returned units")


class CohortOut(BaseModel):
    orders: int
    units: int
    value_minor: int
    orders_returned: int
    units_returned: int
    value_returned_minor: int
    return_rate_orders: Optional[float]
    return_rate_units: Optional[float]
    return_rate_value: Optional[float]


class StepTimeOut(BaseModel):
    key: str = Field(..., description="request_to_label | label_to_carrier_scan | received_to_inspected | "
                                      "inspected_to_refunded | request_to_refunded | dock_to_stock")
    count: int = Field(..., description="Returns that finished the step in the period")
    median_hours: Optional[float]
    p90_hours: Optional[float]


class RefundDeadlineOut(BaseModel):
    due: int = Field(..., description="Refunds whose legal deadline (refund_due_on) fell in the period")
    on_time: int
    late: int = Field(..., description="Paid after the deadline, or still unpaid past it")
    not_due_yet: int
    share_on_time: Optional[float] = Field(..., description="on_time ÷ (on_time + late)")


class RecoveryOut(BaseModel):
    lines: int
    units: int
    value_minor: int = Field(..., description="List price × units received, of the lines inspected in the period")
    value_recovered_minor: int


class DispositionOut(BaseModel):
    key: str
    lines: int
    units: int
    value_minor: int
    value_recovered_minor: int
    share_of_units: Optional[float]
    recovery_rate: Optional[float]


class RateBreakdownOut(BaseModel):
    key: str
    units_delivered: int
    value_delivered_minor: int
    lines: int = Field(..., description="Returned lines")
    units_returned: int
    value_returned_minor: int
    return_rate_units: Optional[float]
    return_rate_value: Optional[float]


class ProductBreakdownOut(RateBreakdownOut):
    name: Names
    category: str


class ReasonOut(BaseModel):
    key: str
    lines: int
    units: int
    value_minor: int
    share_of_returned_units: Optional[float]
    return_rate_units: Optional[float] = Field(..., description="Units returned for this reason ÷ units delivered")


class CostsOut(BaseModel):
    returns_with_label: int
    labels: int
    label_cost_minor: int
    handling_cost_per_return_minor: int
    handling_cost_minor: int
    total_cost_minor: int
    cost_per_return_minor: Optional[int]


class RefundsIssuedOut(BaseModel):
    count: int
    amount_minor: int


class WeekOut(BaseModel):
    week_start: dt.date = Field(..., description="The Monday; only the days inside the period are counted")
    returns: int
    units: int
    value_minor: int
    units_delivered: int
    value_delivered_minor: int
    return_rate_units: Optional[float]
    inspected_units: int
    value_inspected_minor: int
    value_recovered_minor: int
    recovery_rate: Optional[float]


class KpisOut(BaseModel):
    """The returns manager's measures over a period (see docs/kpis.md)."""

    period: PeriodOut
    today: dt.date
    currency: str
    return_rate_units: Optional[float]
    return_rate_orders: Optional[float]
    return_rate_value: Optional[float]
    recovery_rate: Optional[float]
    refund_on_time_rate: Optional[float]
    cost_per_return_minor: Optional[int]
    diversion_rate: Optional[float] = Field(..., description="Share of inspected units not disposed of")
    deliveries: DeliveriesOut
    returns: ReturnsOut
    cohort: CohortOut
    processing: list[StepTimeOut]
    refund_deadline: RefundDeadlineOut
    recovery: RecoveryOut
    disposition_mix: list[DispositionOut]
    by_category: list[RateBreakdownOut]
    by_product: list[ProductBreakdownOut]
    by_reason: list[ReasonOut]
    costs: CostsOut
    refunds_issued: RefundsIssuedOut
    weekly: list[WeekOut]
