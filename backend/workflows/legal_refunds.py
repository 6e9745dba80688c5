"""Refunds the law says are due now: whatever the policy's moment, a withdrawal is paid by
its legal deadline.

Why a sweep: the policy may pay at inspection (``refunds.issue_at``), but the law does not
wait for the warehouse. Under L221-24 a withdrawal is refunded within 14 days of the
request (``refund_due_on``), held back at most until the parcel is proved sent (the
carrier's scan) or received. So once a return is on its way or at the dock and its
deadline is tomorrow or past, its money goes out now (:func:`early_refund.pay_owed`, no
status change; the customer is told), and one already inspected is resolved. A refund the
provider refused is left to a person (it shows as late in the console and the measures),
so that a refusal is not retried every hour.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from backend.context import BackendContext
from backend.db.models import Refund, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.services.errors import ServiceError
from backend.workflows import early_refund, resolve

log = logging.getLogger(__name__)

# On its way (proved sent), at the dock, or inspected and not yet resolved.
GOODS_BACK = (S.IN_TRANSIT.value, S.RECEIVED.value, S.INSPECTED.value)
# Paid the day before the deadline at the latest: a transfer takes time to show.
MARGIN = dt.timedelta(days=1)


def returns_due(ctx: BackendContext) -> list[str]:
    """RMAs whose withdrawal refund is due by tomorrow, whose parcel is back, and that owe
    money with no refund tried yet (none, or only pending ones)."""
    tried = select(Refund.return_id).where(Refund.status.in_(("issued", "failed")))
    with session_scope(ctx.sessions) as session:
        return list(session.execute(
            select(ReturnRequest.rma).where(
                ReturnRequest.refund_due_on.is_not(None),
                ReturnRequest.refund_due_on <= ctx.today() + MARGIN,
                ReturnRequest.status.in_(GOODS_BACK),
                ReturnRequest.refund_amount_minor > 0,
                ReturnRequest.id.not_in(tried))
            .order_by(ReturnRequest.refund_due_on, ReturnRequest.id)).scalars())


def pay_refunds_due_by_law(ctx: BackendContext) -> list[str]:
    """Pay every refund :func:`returns_due` finds; the RMAs paid (or tried: a failure stays
    retryable by a person and is logged)."""
    paid: list[str] = []
    for rma in returns_due(ctx):
        try:
            with session_scope(ctx.sessions) as session:
                inspected = session.execute(select(ReturnRequest.status).where(
                    ReturnRequest.rma == rma)).scalar_one() == S.INSPECTED.value
            if inspected:
                resolve.resolve_return(ctx, rma, actor="system:legal-deadline")
            else:
                early_refund.pay_owed(ctx, rma, raise_failures=False)
            paid.append(rma)
        except ServiceError as exc:  # one return's trouble never stops the others
            log.warning("refund due by law for %s not paid (%s)", rma, exc.code)
    if paid:
        log.info("refunds due by law: %d paid", len(paid))
    return paid
