"""What a customer (or the assistant speaking for them) is told about a return.

Builds the plain-language timeline, the next step and the expected refund date from the
stored return, in both languages, so every channel words it the same way.
"""
from __future__ import annotations

import datetime as dt

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.domain.consumer_law import refund_deadline
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.policy_override import Change, overridable
from backend.domain.status_text import NEXT_STEPS, status_text
from backend.queries.labels import label_url
from backend.queries.returns import item_names
from common.formatting import format_date, format_money
from common.languages import fill, localized


def _reached(ret: ReturnRequest, status: S) -> dt.datetime | None:
    for change in ret.history:
        if change.to_status == status.value:
            return change.created_at
    return None


def expected_refund_by(ctx: BackendContext, ret: ReturnRequest) -> dt.date | None:
    """When the money should show up: counted from receipt (or issue), per the policy."""
    days = dt.timedelta(days=ctx.policy.refund_days_max)
    issued = [r.issued_at for r in ret.refunds if r.status == "issued" and r.issued_at]
    if issued:
        return max(issued).date() + days
    if ret.refund_amount_minor <= 0 or ret.status in (S.CANCELLED.value, S.EXPIRED.value,
                                                      S.REJECTED.value, S.CLOSED.value):
        return None
    received = _reached(ret, S.RECEIVED)
    if received:
        return received.date() + days
    return None


# A return in these states owes nothing any more: its refund cannot be late.
_NOTHING_OWED = (S.CANCELLED.value, S.EXPIRED.value, S.REJECTED.value)


def goods_back_on(ret: ReturnRequest) -> dt.date | None:
    """The first day the parcel was proved sent (carrier scan) or received, if it was."""
    days = [at.date() for at in (_reached(ret, S.IN_TRANSIT), _reached(ret, S.RECEIVED)) if at]
    return min(days) if days else None


def refund_late(ctx: BackendContext, ret: ReturnRequest) -> bool:
    """Is the refund late against its legal deadline (a withdrawal: ``refund_due_on``,
    L221-24, held back until the parcel is proved sent or received:
    :func:`backend.domain.consumer_law.refund_deadline`)? Late once that day has passed
    while money is owed and not every refund of the return is issued. Staff see it
    flagged; the customer sees the same answer."""
    if ret.refund_due_on is None:
        return False
    deadline = refund_deadline(ret.refund_due_on, goods_back_on(ret), returnless=ret.returnless)
    if deadline is None or ctx.today() <= deadline:
        return False
    if ret.status in _NOTHING_OWED or ret.refund_amount_minor <= 0:
        return False
    return not (ret.refunds and all(r.status == "issued" for r in ret.refunds))


def reduction_total(ret: ReturnRequest) -> int:
    """What the warehouse took off the refund (units missing at receipt, damage found at
    inspection), capped at each line's refund."""
    return sum(min(l.refund_reduction_minor or 0, l.refund_amount_minor) for l in ret.lines if l.eligible)


def refund_total(ret: ReturnRequest) -> int:
    """The money the customer gets back: what was paid when refunds are issued, else what
    was decided less the warehouse's reductions."""
    issued = [r.amount_minor for r in ret.refunds if r.status == "issued"]
    if issued and all(r.status == "issued" for r in ret.refunds):
        return sum(issued)
    return max(0, ret.refund_amount_minor - reduction_total(ret))


def next_step(ctx: BackendContext, ret: ReturnRequest) -> dict[str, str]:
    """What the customer should do or expect now (the words: ``status_text.NEXT_STEPS``)."""
    status = S(ret.status)
    days = ctx.policy.refund_days_max
    amount = lambda: localized(  # noqa: E731
        lambda lang: format_money(refund_total(ret), ret.currency, lang))
    label = ret.labels[-1] if ret.labels else None
    if status is S.NEEDS_REVIEW and "photo_required" in (ret.decision_reasons or []):
        return fill(NEXT_STEPS["send_photo"])
    if status is S.NEEDS_REVIEW:
        return fill(NEXT_STEPS["in_review"])
    if status is S.APPROVED and ret.returnless:
        return fill(NEXT_STEPS["keep_it"])
    if status is S.APPROVED:
        return fill(NEXT_STEPS["label_coming"])
    if status is S.LABEL_ISSUED and label:
        until = label.expires_at.date()
        return fill(NEXT_STEPS["send_parcel"], date=localized(lambda lang: format_date(until, lang)))
    if status in (S.IN_TRANSIT, S.RECEIVED, S.INSPECTED):
        return fill(NEXT_STEPS["refund_coming"], days=days)
    if status is S.REFUNDED:
        return fill(NEXT_STEPS["refunded"], amount=amount(), days=days)
    if status is S.CREDITED:
        return fill(NEXT_STEPS["credited"], amount=amount())
    if status is S.EXCHANGED:
        return fill(NEXT_STEPS["exchanged"])
    if status is S.REJECTED:
        return explanation(ret)
    if status is S.EXPIRED:
        return fill(NEXT_STEPS["expired"])
    return localized(lambda lang: status_text(status.value, lang) + ".")


def explanation(ret: ReturnRequest) -> dict[str, str]:
    """The policy's explanation as stored: one column per language (``explanation_en``,
    ``explanation_fr``); a third language would need a column and a data migration."""
    return {"en": ret.explanation_en, "fr": ret.explanation_fr}


def staff_history(ret: ReturnRequest) -> dict:
    """What only staff read: every change with who and their note, the policy overrides with
    their reasons (internal words, never in a customer's view), and whether the policy's
    refusal may still be overridden (so the console offers it only then)."""
    changes = [Change(h.from_status, h.to_status, h.actor) for h in ret.history]
    return {
        "may_override": overridable(ret.status, changes),
        "history": [{"from_status": h.from_status, "status": h.to_status, "actor": h.actor, "note": h.note,
                     "at": h.created_at} for h in ret.history],
        "overrides": [{"by": o.staff.display_name if o.staff is not None else o.actor, "actor": o.actor,
                       "reason": o.reason, "overridden_codes": list(o.overridden_codes or []),
                       "at": o.created_at} for o in ret.overrides],
    }


def return_view(ctx: BackendContext, ret: ReturnRequest, follow_up_error: dict | None = None, *,
                for_staff: bool = False) -> dict:
    """The return as told to its customer; ``for_staff`` adds :func:`staff_history`."""
    view = _customer_view(ctx, ret, follow_up_error)
    if for_staff:
        view.update(staff_history(ret))
    return view


def _customer_view(ctx: BackendContext, ret: ReturnRequest, follow_up_error: dict | None) -> dict:
    label = ret.labels[-1] if ret.labels else None
    return {
        "rma": ret.rma,
        "status": ret.status,
        "status_text": localized(lambda lang: status_text(ret.status, lang)),
        "order_number": ret.order.number,
        "language": ret.language,
        "channel": ret.channel,
        "created_at": ret.created_at,
        "decision": {
            "reason_codes": list(ret.decision_reasons or []),
            "explanation": explanation(ret),
            "policy_version": ret.policy_version,
            "returnless": ret.returnless,
        },
        "money": {"currency": ret.currency, "restocking_fee_minor": ret.restocking_fee_minor,
                  "shipping_fee_minor": ret.shipping_fee_minor,
                  "refund_amount_minor": ret.refund_amount_minor,
                  "delivery_refund_minor": ret.delivery_refund_minor or 0,
                  "refund_reduction_minor": reduction_total(ret)},
        "lines": [{
            "id": l.id, "order_line_id": l.order_line_id, "sku": l.order_line.variant.sku,
            "name": item_names(l.order_line),
            "quantity": l.quantity, "reason_code": l.reason_code, "reason_text": l.reason_text,
            "resolution": l.resolution,
            "exchange_sku": l.exchange_variant.sku if l.exchange_variant else None,
            "eligible": l.eligible, "reason_codes": list(l.decision_reasons or []),
            "restocking_fee_minor": l.restocking_fee_minor, "refund_amount_minor": l.refund_amount_minor,
            "photo_count": len(l.photos), "grade": l.grade, "disposition": l.disposition,
            "legal_basis": l.legal_basis or "commercial", "seal_intact": l.seal_intact,
        } for l in ret.lines],
        "label": None if label is None else {
            "url": label_url(ctx, label), "carrier": label.carrier,
            "tracking_number": label.tracking_number, "expires_at": label.expires_at},
        "refunds": [{"id": r.id, "amount_minor": r.amount_minor, "currency": r.currency,
                     "method": r.method, "status": r.status, "issued_at": r.issued_at}
                    for r in ret.refunds],
        "expected_refund_by": expected_refund_by(ctx, ret),
        "refund_due_on": ret.refund_due_on,
        "refund_late": refund_late(ctx, ret),
        "next_step": next_step(ctx, ret),
        "timeline": [{"status": h.to_status, "text": localized(lambda lang, s=h.to_status: status_text(s, lang)),
                      "at": h.created_at} for h in ret.history],
        "follow_up_error": follow_up_error,
    }
