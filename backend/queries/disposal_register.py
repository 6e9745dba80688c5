"""The disposal register: every returned unit that left the shop's stock for good.

Why a register: the law asks for a record of what leaves by each route. Electrical goods
and batteries go to the e-waste route with a disposal record (WEEE, Code de
l'environnement R543-172 ff.), a damaged lithium battery travels only as dangerous goods
(ADR special provision 376), destruction needs its exception, and unsold goods given away
are counted (AGEC law). One row per inspected line whose disposition takes its units out
of stock (return to vendor, donation, recycling, disposal), read from what inspection and
its overrides stored: the rule and rules-file version, and the law's guards that applied
(``e_waste_route``, ``battery_hazard``), so a row never depends on today's rules file.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db.models import DispositionOverride, OrderLine, Product, ReturnLine, ReturnRequest, Variant
from backend.queries.inspected_lines import line_units

# Dispositions whose units leave the shop's stock (no stock row keeps them).
LEAVING = ("return_to_vendor", "donate", "recycle", "dispose")
COLUMNS = ("inspected_at", "rma", "line_id", "sku", "product", "category", "units", "unit_value_minor",
           "value_minor", "currency", "disposition", "rule", "rules_version", "e_waste_record",
           "battery_hazard", "guards", "override_reason")


def disposal_register(session: Session, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Rows for the lines inspected from ``start`` to ``end`` (both included, UTC) whose
    units left stock, oldest first."""
    since = dt.datetime.combine(start, dt.time())
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    rows = session.execute(
        select(ReturnLine, ReturnRequest.rma, ReturnRequest.currency, Variant.sku, Product.name,
               Product.category, OrderLine.unit_price_minor)
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .join(Variant, Variant.id == OrderLine.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(ReturnLine.inspected_at >= since, ReturnLine.inspected_at < until,
               ReturnLine.disposition.in_(LEAVING))
        .order_by(ReturnLine.inspected_at, ReturnLine.id)).all()
    overrides = _last_override_reasons(session, [line.id for line, *_ in rows])
    register = []
    for line, rma, currency, sku, name, category, unit in rows:
        units = line_units(line)
        guards = list(line.disposition_guards or [])
        register.append({
            "inspected_at": line.inspected_at, "rma": rma, "line_id": line.id, "sku": sku,
            "product": name, "category": category, "units": units, "unit_value_minor": unit,
            "value_minor": unit * units, "currency": currency, "disposition": line.disposition,
            "rule": line.disposition_rule, "rules_version": line.disposition_rules_version,
            "e_waste_record": "e_waste_route" in guards, "battery_hazard": "battery_hazard" in guards,
            "guards": guards, "override_reason": overrides.get(line.id)})
    return register


def _last_override_reasons(session: Session, line_ids: list[int]) -> dict[int, str]:
    if not line_ids:
        return {}
    rows = session.execute(select(DispositionOverride.return_line_id, DispositionOverride.reason)
                           .where(DispositionOverride.return_line_id.in_(line_ids))
                           .order_by(DispositionOverride.id)).all()
    return {line_id: reason for line_id, reason in rows}  # the last one wins
