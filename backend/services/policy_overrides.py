"""The one writer of ``policy_overrides``: a person approves a return the policy refused.

In the caller's transaction, all or nothing: the return is checked (a policy refusal,
never at the warehouse: ``backend.domain.policy_override``), its lines become eligible
with the money of an exception, stock is reserved for its exchanges, it moves
``rejected → approved`` (the one caller allowed that move) with the reason as the history
note, and the audit row is written. What follows an approval (label, returnless refund)
is the workflow's, after the commit.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import PolicyOverride, ReturnRequest
from backend.domain import policy_override as rules
from backend.domain.lifecycle import ReturnStatus as S
from backend.services import inventory
from backend.services.errors import Conflict, Invalid
from backend.services.transitions import apply_transition


def check_reason(reason: str | None) -> str:
    """The trimmed reason, or 422 in the user's language when it is too short or too long."""
    cleaned = rules.clean_reason(reason)
    if cleaned is None:
        raise Invalid("override_reason_length", min=rules.REASON_MIN, max=rules.REASON_MAX)
    return cleaned


def changes(ret: ReturnRequest) -> list[rules.Change]:
    return [rules.Change(h.from_status, h.to_status, h.actor) for h in ret.history]


def check_overridable(ret: ReturnRequest) -> None:
    if not rules.overridable(ret.status, changes(ret)):
        raise Conflict("override_not_allowed", status=ret.status, extra={"current_status": ret.status})


def override(ctx: BackendContext, session: Session, ret: ReturnRequest, *, actor: str,
             staff_id: int | None, reason: str) -> PolicyOverride:
    """Approve ``ret`` against the policy's refusal; 409 (nothing changed) when not allowed."""
    reason = check_reason(reason)
    check_overridable(ret)
    overridden = list(ret.decision_reasons or [])
    refunds, total = rules.override_amounts(
        rules.LineMoney(rl.resolution, rl.order_line.unit_paid_minor, rl.quantity) for rl in ret.lines)
    for rline, refund in zip(ret.lines, refunds):
        rline.eligible = True
        rline.decision_reasons = [rules.OVERRIDE_CODE]
        rline.restocking_fee_minor = 0
        rline.refund_amount_minor = refund
        if rline.resolution in inventory.STOCK_RESOLUTIONS and rline.exchange_location is None:
            rline.exchange_location = inventory.reserve(session, rline.exchange_variant, rline.quantity)
            if rline.exchange_location is None:
                raise Conflict("exchange_out_of_stock")
    ret.decision_reasons = [rules.OVERRIDE_CODE]
    ret.explanation_en = rules.EXPLANATION["en"]
    ret.explanation_fr = rules.EXPLANATION["fr"]
    ret.returnless = False  # an exception still brings the goods back to be looked at
    ret.restocking_fee_minor = 0
    ret.shipping_fee_minor = 0
    ret.refund_amount_minor = total
    now = ctx.now()
    apply_transition(session, ret, S.APPROVED, actor=actor, at=now, note=reason, policy_override=True)
    row = PolicyOverride(return_request=ret, staff_id=staff_id, actor=actor[:80], reason=reason,
                         overridden_codes=overridden, created_at=now)
    session.add(row)
    session.flush()
    return row
