"""The agent closes the conversation; the bot then asks the customer for a 1–5 rating."""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffMove
from backend.services import handoffs
from backend.workflows.handoff.common import StaffActor, end_and_hand_back


def close(ctx: BackendContext, handoff_id: int, staff: StaffActor) -> dict:
    return end_and_hand_back(ctx, handoff_id, HandoffMove.CLOSE, staff.actor, "closed", staff)


def rate(ctx: BackendContext, conversation_id: str, score: int | None) -> dict:
    """The customer's answer to the satisfaction question (None: they skipped it)."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.record_csat(session, conversation_id, score, at=ctx.now())
        return {"handoff_id": handoff.id, "csat_score": handoff.csat_score}
