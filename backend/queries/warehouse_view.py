"""What the warehouse sees of a return: its lines as they arrived and as they were judged.

One view for the dock, the inspection page and the warehouse API, so the pages and the API
agree. The customer's contact details are masked: the warehouse needs the parcel, not the
person. Customer photos are linked through the warehouse's own photo route.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from backend.context import BackendContext
from backend.db.models import DispositionOverride, ReturnLine, ReturnRequest
from backend.domain.disposition import DispositionRules, decide
from backend.domain.disposition_text import DISPOSITION_NAMES
from backend.queries.inspected_lines import inspected_line
from backend.queries.return_view import expected_refund_by, refund_late, staff_history
from backend.queries.returns import item_names
from backend.domain.status_text import status_text
from common.languages import localized
from common.pii import mask_email, mask_phone

PHOTO_ROUTE = "/api/v1/warehouse/photos/{public_id}"


def _photos(line: ReturnLine, source: str) -> list[dict]:
    return [{"public_id": p.public_id, "url": PHOTO_ROUTE.format(public_id=p.public_id)}
            for p in line.photos if (p.source or "customer") == source]


_OVERRIDDEN = {"en": "Changed by {actor} from {before} to {after}: “{reason}”.",
               "fr": "Modifié par {actor} : {before} remplacé par {after} : « {reason} »."}


def _overrides(line: ReturnLine, rows: list[DispositionOverride]) -> list[dict]:
    return [{"from_disposition": o.from_disposition, "to_disposition": o.to_disposition,
             "reason": o.reason, "actor": o.actor, "at": o.created_at} for o in rows]


def _explanation(line: ReturnLine, rules: DispositionRules | None,
                 rows: list[DispositionOverride]) -> dict | None:
    """Why the line goes where it goes, en/fr: the rules' decision replayed from what is
    stored (only while the rules file is the version that decided; an older decision keeps
    its rule name and version, shown beside), then each override with its reason."""
    if rules is None or line.grade is None or line.disposition is None or line.inspected_at is None:
        return None
    if line.disposition_rules_version != rules.version:
        return None
    try:
        decision = decide(rules, inspected_line(line, line.grade, list(line.inspection_flags or [])),
                          line.inspected_at.date())
    except ValueError:
        return None
    text = dict(decision.explanation)
    for o in rows:
        for lang in text:
            names = {k: v[lang] for k, v in DISPOSITION_NAMES.items()}
            text[lang] += " " + _OVERRIDDEN[lang].format(
                actor=o.actor, before=names.get(o.from_disposition, o.from_disposition),
                after=names.get(o.to_disposition, o.to_disposition), reason=o.reason)
    return text


def line_view(line: ReturnLine, rules: DispositionRules | None = None,
              overrides: list[DispositionOverride] | None = None) -> dict:
    """One line: what was asked, what arrived, what inspection found and where it goes."""
    variant = line.order_line.variant
    product = variant.product
    return {
        "id": line.id, "sku": variant.sku, "name": item_names(line.order_line),
        "category": product.category, "hygiene": bool(product.hygiene),
        "unit_value_minor": line.order_line.unit_price_minor,
        "quantity": line.quantity, "received_quantity": line.received_quantity,
        "reason_code": line.reason_code, "reason_text": line.reason_text,
        "resolution": line.resolution, "eligible": line.eligible,
        "legal_basis": line.legal_basis or "commercial", "seal_intact": line.seal_intact,
        "refund_amount_minor": line.refund_amount_minor,
        "refund_reduction_minor": line.refund_reduction_minor or 0,
        "refund_reduction_reason": line.refund_reduction_reason,
        "customer_photos": _photos(line, "customer"),
        "warehouse_photos": _photos(line, "warehouse"),
        "grade": line.grade, "inspection_flags": list(line.inspection_flags or []),
        "inspection_notes": line.inspection_notes, "mismatches": list(line.mismatches or []),
        "inspected_at": line.inspected_at,
        "disposition": line.disposition, "disposition_rule": line.disposition_rule,
        "disposition_rules_version": line.disposition_rules_version,
        "disposition_guards": list(line.disposition_guards or []),
        "recovery_percent": line.recovery_percent,
        "value_recovered_minor": line.value_recovered_minor,
        "disposition_explanation": _explanation(line, rules, overrides or []),
        "overrides": _overrides(line, overrides or []),
    }


def _overrides_by_line(ret: ReturnRequest) -> dict[int, list[DispositionOverride]]:
    session = object_session(ret)
    ids = [l.id for l in ret.lines]
    if session is None or not ids:
        return {}
    out: dict[int, list[DispositionOverride]] = {}
    for row in session.execute(select(DispositionOverride)
                               .where(DispositionOverride.return_line_id.in_(ids))
                               .order_by(DispositionOverride.id)).scalars():
        out.setdefault(row.return_line_id, []).append(row)
    return out


def warehouse_view(ctx: BackendContext, ret: ReturnRequest) -> dict:
    """The return for warehouse staff (``schemas_warehouse.WarehouseReturnOut``)."""
    customer = ret.customer
    label = ret.labels[-1] if ret.labels else None
    history = staff_history(ret)
    overrides = _overrides_by_line(ret)
    return {
        "rma": ret.rma, "status": ret.status,
        "status_text": localized(lambda lang: status_text(ret.status, lang)),
        "order_number": ret.order.number, "language": ret.language, "channel": ret.channel,
        "created_at": ret.created_at, "currency": ret.currency,
        "customer": {"name": customer.name, "email": mask_email(customer.email),
                     "phone": mask_phone(customer.phone) if customer.phone else None},
        "label": None if label is None else {"carrier": label.carrier,
                                             "tracking_number": label.tracking_number},
        "lines": [line_view(l, getattr(ctx, "dispositions", None), overrides.get(l.id))
                  for l in ret.lines],
        "unexpected_items": [{"id": u.id, "code": u.code, "quantity": u.quantity, "note": u.note,
                              "actor": u.actor, "at": u.created_at}
                             for u in ret.unexpected_items],
        "refunds": [{"id": r.id, "amount_minor": r.amount_minor, "currency": r.currency,
                     "method": r.method, "status": r.status, "issued_at": r.issued_at}
                    for r in ret.refunds],
        "refund_due_on": ret.refund_due_on, "refund_late": refund_late(ctx, ret),
        "expected_refund_by": expected_refund_by(ctx, ret),
        "history": history["history"],
    }
