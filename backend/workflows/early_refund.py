"""Refunds on the warehouse's word: pay before inspection when the policy says so.

The policy's ``refunds.issue_at`` names the moment (``carrier_scan``: the return went
in_transit; ``receipt``: the dock confirmed what arrived; ``inspection``: the default, paid
by :mod:`backend.workflows.resolve`). At an early moment the refund rows are created and
paid here, WITHOUT a status change: the return still goes through receipt and inspection,
and the resolution after inspection finds the money already issued and only moves the
status (no second payment: one row per method, idempotency key per refund; no second SMS:
one ``refund_issued`` message per return).

A payment failure never stops the parcel's way: the failed refund stays ``failed`` and is
retried like any other (``POST /api/v1/staff/refunds/{id}/retry``, see :func:`pay_owed`).
"""
from __future__ import annotations

import logging

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import notifications, refunds
from backend.services.errors import Conflict, Unavailable

log = logging.getLogger(__name__)

CARRIER_SCAN, RECEIPT = "carrier_scan", "receipt"
# The moments in the order a parcel passes them: a moment that went by unnoticed (a parcel
# the carrier never scanned, received at the dock) still releases its money at a later one.
MOMENTS = (CARRIER_SCAN, RECEIPT)
# Where a return must be for money to go out early: on its way, or at the dock before inspection.
EARLY_STATUSES = frozenset({S.IN_TRANSIT.value, S.RECEIVED.value})


def refund_if_due(ctx: BackendContext, rma: str, moment: str) -> bool:
    """At ``moment`` (carrier_scan | receipt): pay the refund if the policy's moment has come
    (this one or an earlier one); whether a payment was attempted. Never raises for the
    payment provider."""
    due = ctx.policy.refund_issue_at
    if due not in MOMENTS or MOMENTS.index(due) > MOMENTS.index(moment):
        return False
    return pay_owed(ctx, rma, raise_failures=False)


def pay_owed(ctx: BackendContext, rma: str, *, raise_failures: bool = True) -> bool:
    """Create the refund rows still owed, pay the unpaid ones, and tell the customer once all
    are issued. ``raise_failures`` (a person retrying) lets the provider's refusal through."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status not in EARLY_STATUSES:
            return False
        on_receipt = ret.status == S.RECEIVED.value
        refunds.ensure_refund_rows(ctx, session, ret)
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        payment_reference = ret.order.payment_reference
        todo = refunds.unpaid_refunds(ret)
    if not todo:
        return False
    try:
        refunds.pay_refunds(ctx, todo, payment_reference)
    except (Conflict, Unavailable) as exc:
        log.warning("early refund of return %s failed (%s); it stays retryable", rma, exc.code)
        if raise_failures:
            raise
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        queued = notifications.queue_refund_sent(ctx, session, ret, on_receipt=on_receipt)
        return_id = ret.id
    if queued is not None:
        notifications.dispatch_for_return(ctx, return_id)
    return True


def retry_before_resolution(ctx: BackendContext, rma: str) -> str | None:
    """A failed early refund retried while the return is still on its way or at the dock:
    pay it (nothing moves); the status, or None when the return is past that (the
    resolution pays then)."""
    with session_scope(ctx.sessions) as session:
        status = get_return(session, rma).status
    if status not in EARLY_STATUSES:
        return None
    pay_owed(ctx, rma)
    return status
