"""A person overrides the policy's refusal: approve against it, with a reason, audited.

The override commits first (money, stock, status, audit row: ``services.policy_overrides``)
and the customer's SMS is queued with it; then, as after any approval, the label is bought
or the returnless resolution runs (``review.after_approval``), and a partner failure there
is handed back, not raised: the return stays approved and the step can be retried.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.queries.returns import get_return
from backend.services import notifications, policy_overrides
from backend.workflows.review import after_approval


def override_policy(ctx: BackendContext, rma: str, *, actor: str, staff_id: int | None,
                    reason: str) -> dict | None:
    """Approve a policy-refused return; the partner's error of the follow-up step, or None."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        policy_overrides.override(ctx, session, ret, actor=actor, staff_id=staff_id, reason=reason)
        queued = notifications.queue_for_status(ctx, session, ret)
        return_id, returnless = ret.id, ret.returnless
    if queued is not None:
        notifications.dispatch_for_return(ctx, return_id)
    return after_approval(ctx, rma, returnless=returnless)
