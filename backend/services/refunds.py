"""Money back: refunds to the original payment and store credit, with retry after failure.

Refund rows are committed as ``pending`` before the payment provider is called, and the
provider gets an idempotency key per refund, so a crash or a retry can never pay twice.
A failed refund stays ``failed`` (retryable) and the return waits where it is; the return
moves to refunded/credited/exchanged only once every refund it needs is ``issued``.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from backend.adapters.payments.base import RefundInstruction
from backend.context import BackendContext
from backend.db.models import Refund, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S, check_transition, IllegalTransition
from backend.services import inventory, notifications
from backend.services.errors import Conflict, NotFound, Unavailable
from backend.services.returns import get_return
from backend.services.transitions import apply_transition

log = logging.getLogger(__name__)


def final_status(ret: ReturnRequest) -> S:
    """What resolving this return means: money back, credit, or a replacement."""
    resolutions = {line.resolution for line in ret.lines if line.eligible}
    if "refund" in resolutions:
        return S.REFUNDED
    if "store_credit" in resolutions:
        return S.CREDITED
    return S.EXCHANGED


def planned_amounts(ret: ReturnRequest) -> dict[str, int]:
    """Amount per refund method; the shipping fee comes off the card refund first."""
    card = sum(l.refund_amount_minor for l in ret.lines if l.eligible and l.resolution == "refund")
    credit = sum(l.refund_amount_minor for l in ret.lines if l.eligible and l.resolution == "store_credit")
    fee = ret.shipping_fee_minor
    from_card = min(fee, card)
    card -= from_card
    credit = max(0, credit - (fee - from_card))
    return {"original_payment": card, "store_credit": credit}


def _ensure_refund_rows(ctx: BackendContext, session: Session, ret: ReturnRequest) -> None:
    existing = {r.method for r in ret.refunds}
    for method, amount in planned_amounts(ret).items():
        if amount > 0 and method not in existing:
            session.add(Refund(return_request=ret, amount_minor=amount, currency=ret.currency,
                               method=method, status="pending", provider=ctx.payments.name,
                               created_at=ctx.now(), updated_at=ctx.now()))


def resolve_return(ctx: BackendContext, rma: str, *, actor: str) -> str:
    """Pay what is owed and move the return to its final resolution status."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        target = final_status(ret)
        try:
            check_transition(ret.status, target)
        except IllegalTransition as exc:
            raise Conflict(str(exc), code="illegal_transition",
                           extra={"current_status": ret.status, "requested_status": target.value}) from None
        _ensure_refund_rows(ctx, session, ret)
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        payment_reference = ret.order.payment_reference
        todo = [(r.id, r.amount_minor, r.currency, r.method) for r in ret.refunds if r.status != "issued"]
    failures: list[tuple[str, bool]] = []
    for refund_id, amount, currency, method in todo:
        outcome = ctx.payments.issue_refund(RefundInstruction(
            refund_id=refund_id, amount_minor=amount, currency=currency, method=method,
            payment_reference=payment_reference, idempotency_key=f"refund-{refund_id}"))
        with session_scope(ctx.sessions) as session:
            refund = session.get(Refund, refund_id)
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
        raise Conflict(
            "The payment provider refused this refund; our team will look into it.",
            "Le prestataire de paiement a refusé ce remboursement ; notre équipe va s'en occuper.",
            code="refund_refused", extra={"reasons": [r for r, _ in failures]})
    if failures:
        raise Unavailable(
            "The refund could not be issued right now; it will be retried.",
            "Le remboursement n'a pas pu être effectué pour le moment ; il sera relancé.",
            code="refund_failed", extra={"reasons": [r for r, _ in failures]})
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status == target.value:
            return ret.status
        for line in ret.lines:
            if line.eligible and line.resolution == "exchange":
                inventory.consume(session, line)
        apply_transition(session, ret, target, actor=actor)
        notifications.queue_for_status(ctx, session, ret)
        status, return_id = ret.status, ret.id
    notifications.dispatch_for_return(ctx, return_id)
    return status


def retry_refund(ctx: BackendContext, refund_id: int, *, actor: str) -> str:
    with session_scope(ctx.sessions) as session:
        refund = session.get(Refund, refund_id)
        if refund is None:
            raise NotFound("No such refund.", "Remboursement introuvable.")
        if refund.status == "issued":
            raise Conflict("This refund was already issued.", "Ce remboursement a déjà été effectué.",
                           code="refund_already_issued")
        rma = refund.return_request.rma
    return resolve_return(ctx, rma, actor=actor)
