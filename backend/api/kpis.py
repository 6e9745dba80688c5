"""The returns manager's measures (JSON and CSV), computed by SQL over the history.

``GET /api/v1/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD`` answers :class:`KpisOut`;
``GET /api/v1/kpis.csv`` the same figures in a long format (one figure a row). Both dates
are included, read in UTC; without them, the last 90 days up to today. A period that ends
before it starts, or covers more than 366 days, is refused (422). For the warehouse team
and the managers (supervisor, admin); agents get 403, anonymous callers 401. Every measure
is defined in ``docs/kpis.md``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Iterator, Optional

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from backend.api.deps import db_session, get_ctx, require_roles
from backend.api.errors import error_responses
from backend.api.schemas_kpis import KpisOut
from backend.context import BackendContext
from backend.domain.staff import ADMIN, SUPERVISOR, WAREHOUSE, StaffPrincipal
from backend.queries import disposal_register
from backend.queries.kpis import Period, kpis
from backend.services.errors import Invalid

router = APIRouter(prefix="/api/v1", tags=["kpis"])
KPI_ROLES = (WAREHOUSE, SUPERVISOR, ADMIN)
DEFAULT_DAYS = 90
MAX_DAYS = 366
# Dates a period may name (the calendar's own ends would overflow a week's or a day's sums).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
ERRORS = error_responses(401, 403, 422)
# Excel (French included) reads UTF-8 only when the file starts with a byte order mark.
CSV_BOM = "\ufeff"
CSV_COLUMNS = ("metric", "dimension", "key", "name", "value")


def period_from_query(ctx: BackendContext, start: Optional[dt.date], end: Optional[dt.date]) -> Period:
    """The asked period; ``to`` defaults to today, ``from`` to 90 days ending on ``to``."""
    end = end or ctx.today()
    if not EARLIEST <= end <= LATEST or (start is not None and not EARLIEST <= start <= LATEST):
        raise Invalid("kpi_date_out_of_range", earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise Invalid("kpi_range_reversed", start=start.isoformat(), to=end.isoformat())
    period = Period(start, end)
    if period.days > MAX_DAYS:
        raise Invalid("kpi_range_too_long", max=MAX_DAYS, days=period.days)
    return period


FROM = Query(None, alias="from", description="First day, included (YYYY-MM-DD, UTC); default: 89 days before `to`")
TO = Query(None, alias="to", description="Last day, included (YYYY-MM-DD, UTC); default: today")


def _figures(ctx: BackendContext, session: Session, start: Optional[dt.date], end: Optional[dt.date]) -> dict:
    period = period_from_query(ctx, start, end)
    return kpis(session, period, today=ctx.today(), currency=ctx.policy.currency,
                handling_cost_minor=ctx.settings.handling_cost_minor)


@router.get("/kpis", response_model=KpisOut, responses=ERRORS)
def get_kpis(start: Optional[dt.date] = FROM, end: Optional[dt.date] = TO,
             ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
             _who: StaffPrincipal = Depends(require_roles(*KPI_ROLES))) -> dict:
    """Return rates (by units, orders, value; by category, product and reason; the cohort of
    the period's deliveries), processing times, refunds against the legal deadline,
    recovery rate and disposition mix, cost per return, and weekly series."""
    return _figures(ctx, session, start, end)


CSV_RESPONSE = {200: {"content": {"text/csv": {}}, "description": "One figure a row: metric, dimension, key, name, value"}}


@router.get("/kpis.csv", responses={**ERRORS, **CSV_RESPONSE})
def get_kpis_csv(start: Optional[dt.date] = FROM, end: Optional[dt.date] = TO,
                 ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                 _who: StaffPrincipal = Depends(require_roles(*KPI_ROLES))) -> Response:
    """The same figures as ``/kpis``, one a row (UTF-8 with a byte order mark, comma
    separated, decimal point), for a spreadsheet."""
    figures = _figures(ctx, session, start, end)
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(figures))
    period = figures["period"]
    name = f"boomerang-kpis-{period['from'].isoformat()}-{period['to'].isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Objects of the answer flattened as ``<object>_<field>`` rows, and lists as one row per
# (entry, figure) with the list's name as the dimension.
_OBJECTS = ("deliveries", "returns", "cohort", "refund_deadline", "recovery", "costs", "refunds_issued")
_LISTS = {"processing": "step", "disposition_mix": "disposition", "by_category": "category",
          "by_product": "product", "by_reason": "reason", "weekly": "week"}


def csv_rows(figures: dict) -> Iterator[tuple[str, str, str, str, str]]:
    """The answer of ``/kpis`` as (metric, dimension, key, name, value) rows: top-level
    figures have no dimension; a breakdown's rows name it (``category``, ``week``…) and the
    entry's key; ``name`` is a product's English name (empty elsewhere)."""
    period = figures["period"]
    yield ("period_from", "", "", "", _value(period["from"]))
    yield ("period_to", "", "", "", _value(period["to"]))
    yield ("currency", "", "", "", figures["currency"])
    for metric in ("return_rate_units", "return_rate_orders", "return_rate_value", "recovery_rate",
                   "refund_on_time_rate", "cost_per_return_minor", "diversion_rate"):
        yield (metric, "", "", "", _value(figures[metric]))
    for obj in _OBJECTS:
        for field, value in figures[obj].items():
            yield (f"{obj}_{field}", "", "", "", _value(value))
    for name, dimension in _LISTS.items():
        for entry in figures[name]:
            key = _value(entry.get("key", entry.get("week_start")))
            label = entry["name"]["en"] if isinstance(entry.get("name"), dict) else ""
            for field, value in entry.items():
                if field in ("key", "week_start", "name"):
                    continue
                yield (field, dimension, key, label, _value(value))


DISPOSAL_RESPONSE = {200: {"content": {"text/csv": {}},
                           "description": "One row per returned line whose units left stock: "
                                          + ", ".join(disposal_register.COLUMNS)}}


@router.get("/warehouse/disposal-register.csv", responses={**ERRORS, **DISPOSAL_RESPONSE})
def get_disposal_register_csv(start: Optional[dt.date] = FROM, end: Optional[dt.date] = TO,
                              ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                              _who: StaffPrincipal = Depends(require_roles(*KPI_ROLES))) -> Response:
    """The disposal register of the period (same dates as ``/kpis``): every returned line
    whose units left stock (returned to the vendor, donated, recycled, disposed), with the
    rule, the law's guards, the e-waste record and dangerous-goods flags, and any override's
    reason. For the warehouse team and the managers."""
    period = period_from_query(ctx, start, end)
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(disposal_register.COLUMNS)
    for row in disposal_register.disposal_register(session, period.start, period.end):
        writer.writerow([_register_value(row[c]) for c in disposal_register.COLUMNS])
    name = f"boomerang-disposal-register-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _register_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return _value(value)
