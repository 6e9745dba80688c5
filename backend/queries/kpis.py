"""The returns manager's measures, computed by SQL over the history, never kept by hand.

Why computed: every figure below can be re-derived from the rows the workflows write
(orders and their deliveries, return requests and lines, the status history, labels,
refunds, inspections, inventory movements), so a figure is never out of step with what
happened and a new measure works on the past too. The definitions, in plain words, are in
``docs/kpis.md``; this module and that page must say the same thing.

Why SQL aggregates grouped by day, and the weeks, medians and percentiles in Python: the
queries are SQLAlchemy Core selects that run unchanged on SQLite and PostgreSQL (``date()``
exists on both; ``date_trunc``, ``strftime`` and ``percentile_cont`` do not), and what is
left to Python is a handful of rows per day or one row per return.

A period is two dates, both included, read in UTC like every timestamp the backend stores.
Ratios are fractions (0.1234 is 12.34 %), rounded to 4 places, ``None`` when the base is 0.
Money is integer minor units of the shop's currency.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.sql import Select
from sqlalchemy.orm import Session

from backend.db.models import (
    InventoryMovement,
    Label,
    Order,
    OrderLine,
    Product,
    Refund,
    ReturnLine,
    ReturnRequest,
    ReturnStatusChange,
    Variant,
)
from backend.domain import consumer_law
from backend.domain.disposition import DISPOSITIONS
from backend.queries.handoff_board import percentile

# A request in one of these states never became a return: refused (by the policy or a
# person), withdrawn by the customer before sending, or its label went unused.
NOT_RETURNED = ("rejected", "cancelled", "expired")
# The statuses that resolve a return with money or credit (the moment the customer is paid
# when no refund row says otherwise).
PAID_STATUSES = ("refunded", "credited")
# The statuses that prove the parcel is on its way back or here (the law's proof of dispatch).
GOODS_BACK = ("in_transit", "received")
# The processing steps, in the order a return lives them.
STEPS = ("request_to_label", "label_to_carrier_scan", "received_to_inspected",
         "inspected_to_refunded", "request_to_refunded", "dock_to_stock")
RATE_PLACES = 4


@dataclass(frozen=True)
class Period:
    """Two dates, both included, as the half-open range of naive UTC timestamps."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min)

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, moment: dt.datetime) -> bool:
        return self.since <= moment < self.until


def ratio(part: int | float, whole: int | float) -> float | None:
    """``part ÷ whole`` rounded to 4 places; None when there is nothing to divide by."""
    return round(part / whole, RATE_PLACES) if whole else None


def _day(value: Any) -> dt.date:
    """``date()`` answers a date on PostgreSQL and ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


# --- the pieces -------------------------------------------------------------------------------

def _unit_paid():
    """What the customer paid for one unit (the discount spread evenly, the remainder kept by
    the shop, as ``OrderLine.unit_paid_minor``). The remainder is taken off first so the
    division is exact: the same on SQLite and PostgreSQL, whether ``/`` divides integers
    or not."""
    return (OrderLine.paid_minor - OrderLine.paid_minor % OrderLine.quantity) / OrderLine.quantity


def _counted_lines():
    """Return lines that count as returned: eligible, on a request that became a return."""
    return and_(ReturnLine.eligible.is_(True), ReturnRequest.status.not_in(NOT_RETURNED))


def deliveries_by_day_and_category(session: Session, period: Period) -> list[tuple]:
    """(day, category, product id, orders, units, value) of orders delivered in the period."""
    rows = session.execute(
        select(Order.delivered_on, Product.category, Product.id,
               func.count(func.distinct(Order.id)), func.sum(OrderLine.quantity),
               func.sum(OrderLine.paid_minor))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Variant, Variant.id == OrderLine.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(Order.delivered_on >= period.start, Order.delivered_on <= period.end)
        .group_by(Order.delivered_on, Product.category, Product.id)).all()
    return [(_day(d), c, p, int(o), int(u or 0), int(v or 0)) for d, c, p, o, u, v in rows]


def delivered_orders(session: Session, period: Period) -> int:
    return session.execute(select(func.count()).select_from(Order).where(
        Order.delivered_on >= period.start, Order.delivered_on <= period.end)).scalar_one()


def returned_lines_by_day(session: Session, period: Period) -> list[tuple]:
    """(day, category, product id, reason, lines, units, value) of the counted lines of
    returns requested in the period."""
    day = func.date(ReturnRequest.created_at)
    rows = session.execute(
        select(day, Product.category, Product.id, ReturnLine.reason_code,
               func.count(), func.sum(ReturnLine.quantity),
               func.sum(_unit_paid() * ReturnLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .join(Variant, Variant.id == OrderLine.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(ReturnRequest.created_at >= period.since, ReturnRequest.created_at < period.until,
               _counted_lines())
        .group_by(day, Product.category, Product.id, ReturnLine.reason_code)).all()
    return [(_day(d), c, p, r, int(n), int(u or 0), int(v or 0)) for d, c, p, r, n, u, v in rows]


def returns_by_day(session: Session, period: Period) -> dict[dt.date, int]:
    """Day → returns (requests that count as returns) requested that day."""
    day = func.date(ReturnRequest.created_at)
    return {_day(d): int(n) for d, n in session.execute(
        select(day, func.count(func.distinct(ReturnRequest.id)))
        .join(ReturnLine, ReturnLine.return_id == ReturnRequest.id)
        .where(ReturnRequest.created_at >= period.since, ReturnRequest.created_at < period.until,
               _counted_lines()).group_by(day))}


def return_totals(session: Session, period: Period) -> dict[str, int]:
    """Requests made in the period (all), and those that count as returns: how many, on
    how many orders."""
    in_period = and_(ReturnRequest.created_at >= period.since, ReturnRequest.created_at < period.until)
    requests = session.execute(select(func.count()).select_from(ReturnRequest).where(in_period)).scalar_one()
    counted = session.execute(
        select(func.count(func.distinct(ReturnRequest.id)), func.count(func.distinct(ReturnRequest.order_id)))
        .join(ReturnLine, ReturnLine.return_id == ReturnRequest.id)
        .where(in_period, _counted_lines())).one()
    return {"requests": int(requests), "returns": int(counted[0]), "orders": int(counted[1])}


def cohort(session: Session, period: Period) -> dict[str, Any]:
    """Of the orders delivered in the period, what has been returned so far (whenever)."""
    delivered = and_(Order.delivered_on >= period.start, Order.delivered_on <= period.end)
    orders, units, value = session.execute(
        select(func.count(func.distinct(Order.id)), func.sum(OrderLine.quantity), func.sum(OrderLine.paid_minor))
        .join(OrderLine, OrderLine.order_id == Order.id).where(delivered)).one()
    r_orders, r_units, r_value = session.execute(
        select(func.count(func.distinct(Order.id)), func.sum(ReturnLine.quantity),
               func.sum(_unit_paid() * ReturnLine.quantity))
        .select_from(ReturnLine)
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(delivered, _counted_lines())).one()
    orders, units, value = int(orders or 0), int(units or 0), int(value or 0)
    r_orders, r_units, r_value = int(r_orders or 0), int(r_units or 0), int(r_value or 0)
    return {"orders": orders, "units": units, "value_minor": value,
            "orders_returned": r_orders, "units_returned": r_units, "value_returned_minor": r_value,
            "return_rate_orders": ratio(r_orders, orders), "return_rate_units": ratio(r_units, units),
            "return_rate_value": ratio(r_value, value)}


def _first_times(session: Session, statuses: Iterable[str], return_ids: Select) -> dict[int, dict[str, dt.datetime]]:
    """Return id → status → the first time it entered that status (``return_ids``: a select
    of ids, never a list, so a long period never hits a database's limit of parameters)."""
    out: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    rows = session.execute(
        select(ReturnStatusChange.return_id, ReturnStatusChange.to_status, func.min(ReturnStatusChange.created_at))
        .where(ReturnStatusChange.to_status.in_(tuple(statuses)), ReturnStatusChange.return_id.in_(return_ids))
        .group_by(ReturnStatusChange.return_id, ReturnStatusChange.to_status)).all()
    for rid, status, at in rows:
        out[rid][status] = at
    return out


def _paid_times(session: Session, return_ids: Select) -> dict[int, dt.datetime]:
    """When each return's money went back: its last issued refund, once all its refunds are
    issued (a return with refund rows but one still owed is not paid yet)."""
    last = session.execute(select(Refund.return_id, func.max(Refund.issued_at))
                           .where(Refund.return_id.in_(return_ids)).group_by(Refund.return_id)).all()
    owed = set(session.execute(select(Refund.return_id).where(
        Refund.return_id.in_(return_ids), Refund.status != "issued")).scalars())
    return {rid: at for rid, at in last if rid not in owed and at is not None}


def _candidates(period: Period) -> Select:
    """Ids of the returns that may have finished a step in the period: a status change, a
    refund issued or an inventory movement in the period (every step ends with one)."""
    changed = select(ReturnStatusChange.return_id).where(
        ReturnStatusChange.created_at >= period.since, ReturnStatusChange.created_at < period.until)
    refunded = select(Refund.return_id).where(Refund.issued_at >= period.since, Refund.issued_at < period.until)
    restocked = (select(ReturnLine.return_id).join(InventoryMovement, InventoryMovement.return_line_id == ReturnLine.id)
                 .where(InventoryMovement.created_at >= period.since, InventoryMovement.created_at < period.until))
    return select(ReturnRequest.id).where(
        ReturnRequest.id.in_(changed) | ReturnRequest.id.in_(refunded) | ReturnRequest.id.in_(restocked))


def _restock_times(session: Session, return_ids: Select) -> dict[int, dt.datetime]:
    """Return id → its first restock movement (units back on the shelf at full price)."""
    return dict(session.execute(
        select(ReturnLine.return_id, func.min(InventoryMovement.created_at))
        .join(InventoryMovement, InventoryMovement.return_line_id == ReturnLine.id)
        .where(InventoryMovement.kind == "restock", InventoryMovement.quantity > 0,
               ReturnLine.return_id.in_(return_ids))
        .group_by(ReturnLine.return_id)).all())


def processing_times(session: Session, period: Period) -> list[dict[str, Any]]:
    """Per step: how many returns finished it in the period, median and p90 in hours."""
    ids = _candidates(period)
    candidates = session.execute(select(ReturnRequest.id, ReturnRequest.created_at).where(
        ReturnRequest.id.in_(ids))).all()
    firsts = _first_times(session, ("label_issued", "in_transit", "received", "inspected") + PAID_STATUSES, ids)
    paid = _paid_times(session, ids)
    restocked = _restock_times(session, ids)
    durations: dict[str, list[float]] = {step: [] for step in STEPS}
    for rid, requested_at in candidates:
        f = firsts.get(rid, {})
        paid_at = paid.get(rid) or min((f[s] for s in PAID_STATUSES if s in f), default=None)
        spans = {
            "request_to_label": (requested_at, f.get("label_issued")),
            "label_to_carrier_scan": (f.get("label_issued"), f.get("in_transit")),
            "received_to_inspected": (f.get("received"), f.get("inspected")),
            "inspected_to_refunded": (f.get("inspected"), paid_at),
            "request_to_refunded": (requested_at, paid_at),
            "dock_to_stock": (f.get("received"), restocked.get(rid)),
        }
        for step, (start, end) in spans.items():
            # Counted in the period its end fell in; a refund paid before inspection (an
            # early refund) has no inspected-to-refunded time.
            if start is not None and end is not None and end >= start and period.holds(end):
                durations[step].append(_hours(start, end))
    return [{"key": step, "count": len(values),
             "median_hours": _round_hours(percentile(values, 0.5)),
             "p90_hours": _round_hours(percentile(values, 0.9))}
            for step, values in durations.items()]


def _round_hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def refund_deadline(session: Session, period: Period, today: dt.date) -> dict[str, Any]:
    """Refunds owed by a legal deadline (``refund_due_on``, the withdrawal right) that fell
    in the period: paid on time, paid late, not paid and late, not due yet. The deadline is
    held back until the parcel is proved sent or received (L221-24), as the law allows."""
    owing = (ReturnRequest.refund_due_on >= period.start, ReturnRequest.refund_due_on <= period.end,
             ReturnRequest.status.not_in(NOT_RETURNED), ReturnRequest.refund_amount_minor > 0)
    rows = session.execute(select(ReturnRequest.id, ReturnRequest.refund_due_on).where(*owing)).all()
    ids = select(ReturnRequest.id).where(*owing)
    paid = _paid_times(session, ids)
    firsts = _first_times(session, PAID_STATUSES + GOODS_BACK, ids)
    returnless = dict(session.execute(select(ReturnRequest.id, ReturnRequest.returnless).where(*owing)).all())
    on_time = late = waiting = 0
    for rid, due in rows:
        seen = firsts.get(rid, {})
        paid_at = paid.get(rid) or min((seen[s] for s in PAID_STATUSES if s in seen), default=None)
        back = min((seen[s].date() for s in GOODS_BACK if s in seen), default=None)
        # L221-24: held back until the parcel is proved sent or received (consumer_law).
        deadline = consumer_law.refund_deadline(due, back, returnless=bool(returnless.get(rid)))
        if paid_at is not None:
            if deadline is None or paid_at.date() <= deadline:
                on_time += 1
            else:
                late += 1
        elif deadline is not None and today > deadline:
            late += 1
        else:
            waiting += 1
    return {"due": len(rows), "on_time": on_time, "late": late, "not_due_yet": waiting,
            "share_on_time": ratio(on_time, on_time + late)}


def inspected_lines_by_day(session: Session, period: Period) -> list[tuple]:
    """(day, disposition, lines, units, original value, value recovered) of the lines
    inspected in the period that have a disposition. Units are those received (the
    quantity asked for when no count was recorded); the original value is the list price."""
    day = func.date(ReturnLine.inspected_at)
    units = func.coalesce(ReturnLine.received_quantity, ReturnLine.quantity)
    rows = session.execute(
        select(day, ReturnLine.disposition, func.count(), func.sum(units),
               func.sum(OrderLine.unit_price_minor * units),
               func.sum(func.coalesce(ReturnLine.value_recovered_minor, 0)))
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .where(ReturnLine.inspected_at >= period.since, ReturnLine.inspected_at < period.until,
               ReturnLine.disposition.is_not(None))
        .group_by(day, ReturnLine.disposition)).all()
    return [(_day(d), k, int(n), int(u or 0), int(v or 0), int(r or 0)) for d, k, n, u, v, r in rows]


def label_costs(session: Session, period: Period, handling_cost_minor: int) -> dict[str, Any]:
    """Labels created in the period: their postage plus the handling cost of each return."""
    labels, returns, postage = session.execute(
        select(func.count(), func.count(func.distinct(Label.return_id)), func.sum(Label.cost_minor))
        .where(Label.created_at >= period.since, Label.created_at < period.until)).one()
    labels, returns, postage = int(labels), int(returns), int(postage or 0)
    handling = handling_cost_minor * returns
    total = postage + handling
    return {"returns_with_label": returns, "labels": labels, "label_cost_minor": postage,
            "handling_cost_per_return_minor": handling_cost_minor, "handling_cost_minor": handling,
            "total_cost_minor": total,
            "cost_per_return_minor": round(total / returns) if returns else None}


def refunds_issued(session: Session, period: Period) -> dict[str, int]:
    count, amount = session.execute(select(func.count(), func.sum(Refund.amount_minor)).where(
        Refund.status == "issued", Refund.issued_at >= period.since, Refund.issued_at < period.until)).one()
    return {"count": int(count), "amount_minor": int(amount or 0)}


def product_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    ids = list(ids)
    if not ids:
        return {}
    return {pid: (name, name_fr or name, category) for pid, name, name_fr, category in session.execute(
        select(Product.id, Product.name, Product.name_fr, Product.category).where(Product.id.in_(ids)))}


# --- the whole answer ----------------------------------------------------------------------

def _weeks(period: Period) -> list[dt.date]:
    first, out = week_start(period.start), []
    while first <= period.end:
        out.append(first)
        first += dt.timedelta(days=7)
    return out


def kpis(session: Session, period: Period, *, today: dt.date, currency: str,
         handling_cost_minor: int, product_limit: int = 50) -> dict[str, Any]:
    """Every measure of ``docs/kpis.md`` for ``period``, as the JSON the dashboard reads."""
    deliveries = deliveries_by_day_and_category(session, period)
    returned = returned_lines_by_day(session, period)
    inspected = inspected_lines_by_day(session, period)
    totals = return_totals(session, period)

    units_delivered = sum(r[4] for r in deliveries)
    value_delivered = sum(r[5] for r in deliveries)
    orders_delivered = delivered_orders(session, period)
    units_returned = sum(r[5] for r in returned)
    value_returned = sum(r[6] for r in returned)

    by_category = _breakdown(deliveries, returned, key_of_delivery=lambda r: r[1], key_of_return=lambda r: r[1])
    by_product = _breakdown(deliveries, returned, key_of_delivery=lambda r: r[2], key_of_return=lambda r: r[2])
    by_product = [row for row in by_product if row["units_returned"] > 0][:product_limit]
    names = product_names(session, [row["key"] for row in by_product])
    for row in by_product:
        name, name_fr, category = names[row["key"]]
        row.update(key=str(row["key"]), name={"en": name, "fr": name_fr}, category=category)

    reasons: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _day_, _cat, _pid, reason, n, units, value in returned:
        acc = reasons[reason]
        acc[0] += n
        acc[1] += units
        acc[2] += value
    by_reason = sorted(({"key": reason, "lines": n, "units": u, "value_minor": v,
                         "share_of_returned_units": ratio(u, units_returned),
                         "return_rate_units": ratio(u, units_delivered)}
                        for reason, (n, u, v) in reasons.items()),
                       key=lambda r: (-r["units"], -r["value_minor"], r["key"]))

    mix: dict[str, list[int]] = {d: [0, 0, 0, 0] for d in DISPOSITIONS}
    for _day_, disposition, n, units, value, recovered in inspected:
        acc = mix.setdefault(disposition, [0, 0, 0, 0])
        for i, figure in enumerate((n, units, value, recovered)):
            acc[i] += figure
    inspected_units = sum(a[1] for a in mix.values())
    inspected_value = sum(a[2] for a in mix.values())
    recovered_value = sum(a[3] for a in mix.values())
    disposition_mix = [{"key": d, "lines": a[0], "units": a[1], "value_minor": a[2],
                        "value_recovered_minor": a[3], "share_of_units": ratio(a[1], inspected_units),
                        "recovery_rate": ratio(a[3], a[2])} for d, a in mix.items()]
    disposed_units = mix.get("dispose", [0, 0, 0, 0])[1]

    deadline = refund_deadline(session, period, today)
    costs = label_costs(session, period, handling_cost_minor)
    return {
        "period": {"from": period.start, "to": period.end, "days": period.days},
        "today": today,
        "currency": currency,
        "return_rate_units": ratio(units_returned, units_delivered),
        "return_rate_orders": ratio(totals["orders"], orders_delivered),
        "return_rate_value": ratio(value_returned, value_delivered),
        "recovery_rate": ratio(recovered_value, inspected_value),
        "refund_on_time_rate": deadline["share_on_time"],
        "cost_per_return_minor": costs["cost_per_return_minor"],
        "diversion_rate": ratio(inspected_units - disposed_units, inspected_units),
        "deliveries": {"orders": orders_delivered, "units": units_delivered, "value_minor": value_delivered},
        "returns": {**totals, "units": units_returned, "value_minor": value_returned},
        "cohort": cohort(session, period),
        "processing": processing_times(session, period),
        "refund_deadline": deadline,
        "recovery": {"lines": sum(a[0] for a in mix.values()), "units": inspected_units,
                     "value_minor": inspected_value, "value_recovered_minor": recovered_value},
        "disposition_mix": disposition_mix,
        "by_category": by_category,
        "by_product": by_product,
        "by_reason": by_reason,
        "costs": costs,
        "refunds_issued": refunds_issued(session, period),
        "weekly": _weekly(period, deliveries, returned, inspected, returns_by_day(session, period)),
    }


def _breakdown(deliveries: list[tuple], returned: list[tuple], *, key_of_delivery, key_of_return) -> list[dict]:
    acc: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # units/value delivered, lines, units, value
    for row in deliveries:
        a = acc[key_of_delivery(row)]
        a[0] += row[4]
        a[1] += row[5]
    for row in returned:
        a = acc[key_of_return(row)]
        a[2] += row[4]
        a[3] += row[5]
        a[4] += row[6]
    rows = [{"key": key, "units_delivered": a[0], "value_delivered_minor": a[1], "lines": a[2],
             "units_returned": a[3], "value_returned_minor": a[4],
             "return_rate_units": ratio(a[3], a[0]), "return_rate_value": ratio(a[4], a[1])}
            for key, a in acc.items()]
    rows.sort(key=lambda r: (-r["units_returned"], -r["units_delivered"], str(r["key"])))
    return rows


def _weekly(period: Period, deliveries: list[tuple], returned: list[tuple], inspected: list[tuple],
            returns: dict[dt.date, int]) -> list[dict]:
    weeks = {w: {"week_start": w, "returns": 0, "units": 0, "value_minor": 0, "units_delivered": 0,
                 "value_delivered_minor": 0, "inspected_units": 0, "value_inspected_minor": 0,
                 "value_recovered_minor": 0} for w in _weeks(period)}
    for day, _c, _p, _o, units, value in deliveries:
        w = weeks[week_start(day)]
        w["units_delivered"] += units
        w["value_delivered_minor"] += value
    for day, n in returns.items():
        weeks[week_start(day)]["returns"] += n
    for day, _c, _p, _r, _n, units, value in returned:
        w = weeks[week_start(day)]
        w["units"] += units
        w["value_minor"] += value
    for day, _d, _n, units, value, recovered in inspected:
        w = weeks[week_start(day)]
        w["inspected_units"] += units
        w["value_inspected_minor"] += value
        w["value_recovered_minor"] += recovered
    out = []
    for w in weeks.values():
        w["return_rate_units"] = ratio(w["units"], w["units_delivered"])
        w["recovery_rate"] = ratio(w["value_recovered_minor"], w["value_inspected_minor"])
        out.append(w)
    return out
