"""Review decisions on a return: approve (then its label or returnless refund), hold for a
person, reject. Also the second look the policy takes when a missing photo arrives.

Approval commits first; the partner step that follows (carrier or payment provider) runs
after that commit, and if it fails the return stays approved and the step can be retried:
the partner's error is handed back for the answer, not raised.
"""
from __future__ import annotations

import logging

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import returns
from backend.services.errors import Unavailable
from backend.services.transitions import apply_transition
from backend.workflows.issue_label import issue_label
from backend.workflows.resolve import resolve_return
from backend.workflows.steps import move_and_announce

log = logging.getLogger(__name__)


def after_approval(ctx: BackendContext, rma: str, *, returnless: bool) -> dict | None:
    """The next step once a return is approved: its label, or the returnless resolution.

    Returns the partner's error (as a dict) when that step failed; the return then stays
    approved and the step can be retried.
    """
    try:
        if returnless:
            resolve_return(ctx, rma, actor="policy")
        else:
            issue_label(ctx, rma, actor="system")
    except Unavailable as exc:
        log.warning("follow-up for %s failed: %s", rma, exc)
        return exc.to_dict()
    return None


def approve(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> dict | None:
    """A person approves the return; then its label or refund (the partner's error, if any)."""
    ret = move_and_announce(ctx, rma, S.APPROVED, actor=actor, note=note)
    return after_approval(ctx, rma, returnless=ret.returnless)


def hold_for_review(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.NEEDS_REVIEW, actor=actor, note=note)


def reject(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    """Refuse the return (at review, or after inspection); stock held for it goes back."""
    move_and_announce(ctx, rma, S.REJECTED, actor=actor, note=note,
                      after=returns.release_reservations)


def reevaluate_after_photo(ctx: BackendContext, rma: str) -> dict | None:
    """A photo arrived for a return held for lack of one: decide again, move on if approved."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status != S.NEEDS_REVIEW.value:
            return None
        decision = returns.decide_for(ctx, session, ret)
        returns.apply_decision(ret, decision)
        if decision.outcome != "approved":
            return None
        apply_transition(session, ret, S.APPROVED, actor="policy", at=ctx.now(), note="photo received")
        returnless = ret.returnless
    return after_approval(ctx, rma, returnless=returnless)
