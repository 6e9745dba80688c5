"""An agent acts on the return of the conversation they hold: approve, reject, issue its
label, or override the policy's refusal.

Each action is the return's own workflow (``review``, ``issue_label``,
``override_policy``): the console is one more door to them, not a second writer. What is
checked here is the conversation: it must have a return, and the caller must hold it
(claimed by them; a supervisor or admin may step in, as ``check_owner`` says). Once the
return has moved, an ``event`` line is added to the transcript (``return_<action>:<rma>``,
with the staff member), which the console words in the agent's language.
"""
from __future__ import annotations

from dataclasses import dataclass

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffStatus
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import handoffs, policy_overrides
from backend.services.errors import Conflict, Invalid, NotFound
from backend.workflows import review
from backend.workflows.handoff.common import StaffActor, check_owner
from backend.workflows.issue_label import issue_label
from backend.workflows.override_policy import override_policy

NOTE_MAX = 1000
# The transcript's event codes, one per action.
APPROVED, REJECTED, LABEL_ISSUED, OVERRIDDEN = ("return_approved", "return_rejected",
                                                  "return_label_issued", "return_overridden")


@dataclass(frozen=True)
class Acting:
    """Who acts: the console's staff member, and how the return's history names them."""

    staff: StaffActor
    history_actor: str


def _return_rma(ctx: BackendContext, handoff_id: int, staff: StaffActor, *,
                in_review: bool = False) -> str:
    """The RMA of the handoff's return, once the caller may act on it (403/404/409 else).

    ``in_review``: the decision actions are for a return waiting for a person; the state
    machine would let "reject" also fail an inspected return, which is the warehouse's.
    """
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        if not staff.supervises and handoff.status != HandoffStatus.CLAIMED.value:
            raise Conflict("handoff_not_claimed_for_return", extra={"status": handoff.status})
        ret = session.get(ReturnRequest, handoff.return_id) if handoff.return_id else None
        if ret is None:
            raise NotFound("handoff_no_return")
        if in_review and ret.status != S.NEEDS_REVIEW.value:
            raise Conflict("return_not_in_review", status=ret.status, extra={"current_status": ret.status})
        return ret.rma


def _record(ctx: BackendContext, handoff_id: int, staff: StaffActor, code: str, rma: str) -> None:
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        handoffs.add_message(session, handoff, "event", text=f"{code}:{rma}", staff_id=staff.staff_id,
                             at=ctx.now())


def approve(ctx: BackendContext, handoff_id: int, who: Acting) -> tuple[str, dict | None]:
    """Approve the return held for review, then its label or returnless refund.

    (rma, the partner's error when that follow-up failed: the approval stands.)
    """
    rma = _return_rma(ctx, handoff_id, who.staff, in_review=True)
    error = review.approve(ctx, rma, actor=who.history_actor)
    _record(ctx, handoff_id, who.staff, APPROVED, rma)
    return rma, error


def reject(ctx: BackendContext, handoff_id: int, who: Acting, note: str | None) -> str:
    """Refuse the return held for review; the agent says why (kept in its history)."""
    text = (note or "").strip()
    if not text or len(text) > NOTE_MAX or "\x00" in text:
        raise Invalid("reject_note_required", max=NOTE_MAX)
    rma = _return_rma(ctx, handoff_id, who.staff, in_review=True)
    review.reject(ctx, rma, actor=who.history_actor, note=text)
    _record(ctx, handoff_id, who.staff, REJECTED, rma)
    return rma


def label(ctx: BackendContext, handoff_id: int, who: Acting) -> str:
    """Buy the label of an approved return that has none (503 when the carrier is down)."""
    rma = _return_rma(ctx, handoff_id, who.staff)
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status != S.APPROVED.value or ret.labels:
            raise Conflict("label_not_allowed", status=ret.status)
        if ret.returnless:
            raise Conflict("label_not_needed")
    issue_label(ctx, rma, actor=who.history_actor)
    _record(ctx, handoff_id, who.staff, LABEL_ISSUED, rma)
    return rma


def override(ctx: BackendContext, handoff_id: int, who: Acting, reason: str | None) -> tuple[str, dict | None]:
    """Approve a return the policy refused, with the agent's written reason (audited)."""
    policy_overrides.check_reason(reason)  # a bad reason is 422 before anything else is read
    rma = _return_rma(ctx, handoff_id, who.staff)
    error = override_policy(ctx, rma, actor=who.history_actor, staff_id=who.staff.staff_id,
                            reason=reason or "")
    _record(ctx, handoff_id, who.staff, OVERRIDDEN, rma)
    return rma, error
