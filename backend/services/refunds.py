"""Money back, the single steps: what is owed, the refund rows, paying them through the provider.

Refund rows are committed as ``pending`` before the payment provider is called, and the
provider gets an idempotency key per refund, so a crash or a retry can never pay twice.
A failed refund stays ``failed`` (retryable) and the return waits where it is; the return
moves to refunded/credited/exchanged only once every refund it needs is ``issued``
(that order of steps is the workflow's: ``backend.workflows.resolve``).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from dataclasses import dataclass

from backend.adapters.payments.base import RefundInstruction
from backend.context import BackendContext
from backend.db.models import Refund, ReturnLine, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S, check_transition, IllegalTransition
from backend.services.errors import Conflict, NotFound, Unavailable
from backend.services.transitions import illegal_transition

log = logging.getLogger(__name__)


def final_status(ret: ReturnRequest) -> S:
    """What resolving this return means: money back, credit, or a replacement."""
    resolutions = {line.resolution for line in ret.lines if line.eligible}
    if "refund" in resolutions:
        return S.REFUNDED
    if "store_credit" in resolutions:
        return S.CREDITED
    return S.EXCHANGED


def line_refund(line: ReturnLine) -> int:
    """What a line refunds: the amount decided at request, less what the warehouse took off
    (units missing at receipt, damage found at inspection), never below zero."""
    return max(0, line.refund_amount_minor - (line.refund_reduction_minor or 0))


def planned_amounts(ret: ReturnRequest) -> dict[str, int]:
    """Amount per refund method; the shipping fee comes off the card refund first.

    The order's delivery cost refunded with a withdrawal of the whole order (L221-24) is no
    line's: it goes back the way the goods' money goes, to the original payment unless the
    customer chose store credit for everything.
    """
    card = sum(line_refund(l) for l in ret.lines if l.eligible and l.resolution == "refund")
    credit = sum(line_refund(l) for l in ret.lines if l.eligible and l.resolution == "store_credit")
    delivery = ret.delivery_refund_minor or 0
    if delivery and (card or not credit):
        card += delivery
    elif delivery:
        credit += delivery
    fee = ret.shipping_fee_minor
    from_card = min(fee, card)
    card -= from_card
    credit = max(0, credit - (fee - from_card))
    return {"original_payment": card, "store_credit": credit}


def ensure_refund_rows(ctx: BackendContext, session: Session, ret: ReturnRequest) -> None:
    """A ``pending`` row per method still owed, committed before any provider call."""
    existing = {r.method for r in ret.refunds}
    for method, amount in planned_amounts(ret).items():
        if amount > 0 and method not in existing:
            session.add(Refund(return_request=ret, amount_minor=amount, currency=ret.currency,
                               method=method, status="pending", provider=ctx.payments.name,
                               created_at=ctx.now(), updated_at=ctx.now()))


def resolution_target(ret: ReturnRequest) -> S:
    """The status resolving this return leads to, or Conflict when it cannot get there now."""
    target = final_status(ret)
    try:
        check_transition(ret.status, target)
    except IllegalTransition as exc:
        raise illegal_transition(exc) from None
    return target


@dataclass(frozen=True)
class RefundToPay:
    refund_id: int
    amount_minor: int
    currency: str
    method: str


def unpaid_refunds(ret: ReturnRequest) -> list[RefundToPay]:
    return [RefundToPay(r.id, r.amount_minor, r.currency, r.method)
            for r in ret.refunds if r.status != "issued"]


def pay_refunds(ctx: BackendContext, todo: list[RefundToPay], payment_reference: str | None) -> None:
    """Call the provider once per refund (idempotency key per refund), recording each outcome.

    Every attempt is stored before anything is raised: Conflict when the provider refused
    for good, Unavailable when it may work on a retry.
    """
    failures: list[tuple[str, bool]] = []
    for item in todo:
        outcome = ctx.payments.issue_refund(RefundInstruction(
            refund_id=item.refund_id, amount_minor=item.amount_minor, currency=item.currency,
            method=item.method, payment_reference=payment_reference,
            idempotency_key=f"refund-{item.refund_id}"))
        with session_scope(ctx.sessions) as session:
            refund = session.get(Refund, item.refund_id)
            refund.attempts += 1
            refund.updated_at = ctx.now()
            if outcome.ok:
                refund.status = "issued"
                refund.provider_reference = outcome.provider_reference
                refund.failure_reason = None
                refund.issued_at = ctx.now()
            else:
                refund.status = "failed"
                refund.failure_reason = outcome.failure_reason
                failures.append((outcome.failure_reason or "unknown", outcome.retryable))
    if any(not retryable for _, retryable in failures):
        raise Conflict("refund_refused", extra={"reasons": [r for r, _ in failures]})
    if failures:
        raise Unavailable("refund_failed", extra={"reasons": [r for r, _ in failures]})


def retryable_refund_rma(ctx: BackendContext, refund_id: int) -> str:
    """The RMA of a refund that may be retried (known, and not already issued)."""
    with session_scope(ctx.sessions) as session:
        refund = session.get(Refund, refund_id)
        if refund is None:
            raise NotFound("refund_not_found")
        if refund.status == "issued":
            raise Conflict("refund_already_issued")
        return refund.return_request.rma
