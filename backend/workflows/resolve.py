"""Resolve a return: pay what is owed (refund, store credit), ship the exchange, and move to
``refunded`` / ``credited`` / ``exchanged``.

Refund rows are committed as ``pending`` before the payment provider is called, and the
provider gets an idempotency key per refund, so a crash or a retry can never pay twice.
A failed refund stays ``failed`` (retryable) and the return waits where it is; the return
moves on only once every refund it needs is ``issued``, in the same transaction as the
exchange stock leaving the shelf and the SMS queued.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import inventory, notifications, refunds
from backend.services.errors import Conflict
from backend.services.transitions import apply_transition
from backend.workflows import early_refund


def resolve_return(ctx: BackendContext, rma: str, *, actor: str) -> str:
    """Pay what is owed and move the return to its final resolution status; that status."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        target = refunds.resolution_target(ret)
        refunds.ensure_refund_rows(ctx, session, ret)
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        payment_reference = ret.order.payment_reference
        todo = refunds.unpaid_refunds(ret)
    refunds.pay_refunds(ctx, todo, payment_reference)
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status == target.value:
            return ret.status
        for line in ret.lines:
            if line.eligible and line.resolution in inventory.STOCK_RESOLUTIONS:
                inventory.consume(session, line, actor=actor, at=ctx.now())
        apply_transition(session, ret, target, actor=actor, at=ctx.now())
        notifications.queue_for_status(ctx, session, ret)
        status, return_id = ret.status, ret.id
    notifications.dispatch_for_return(ctx, return_id)
    return status


def resolve_as(ctx: BackendContext, rma: str, status: S, *, actor: str) -> str:
    """Staff asked for a given resolution: it must be the one the return's lines call for."""
    with session_scope(ctx.sessions) as session:
        expected = refunds.final_status(get_return(session, rma))
    if status is not expected:
        raise Conflict("wrong_resolution", expected=expected.value, requested=status.value)
    return resolve_return(ctx, rma, actor=actor)


def retry_refund(ctx: BackendContext, refund_id: int, *, actor: str) -> str:
    """Try a failed refund again (and finish resolving its return if that was all it lacked).

    A refund paid early (policy ``refunds.issue_at``) is retried where the return stands,
    without moving it: the resolution comes after inspection as usual.
    """
    rma = refunds.retryable_refund_rma(ctx, refund_id)
    status = early_refund.retry_before_resolution(ctx, rma)
    if status is not None:
        return status
    return resolve_return(ctx, rma, actor=actor)
