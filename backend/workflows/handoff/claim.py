"""An agent takes a waiting conversation (or a supervisor gives it to someone).

The customer is told, on their channel and in their language, who has joined: the first
sign that a person, not the bot, is now reading.
"""
from __future__ import annotations

from backend.adapters.conversations.base import AgentMessage, DeliveryFailed
from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffMove
from backend.domain.handoff_text import joined_text
from backend.services import handoffs
from backend.services.errors import Forbidden
from backend.workflows.handoff.common import StaffActor, check_owner
from backend.queries.handoffs import describe


def claim(ctx: BackendContext, handoff_id: int, staff: StaffActor) -> dict:
    """Claim a queued handoff; a second agent claiming the same one gets 409."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        handoffs.move(session, handoff, HandoffMove.CLAIM, staff.actor, at=ctx.now())
        conversation_id, language = handoff.conversation_id, handoff.language
        view = describe(session, handoff)
    try:
        ctx.conversations.say(conversation_id, AgentMessage(joined_text(staff.name, language), staff.name))
    except DeliveryFailed:
        pass  # the claim stands; the agent's first reply will say who they are
    return view


def reassign(ctx: BackendContext, handoff_id: int, staff: StaffActor, to: StaffActor) -> dict:
    """Give a claimed conversation to another agent (its owner, or a supervisor)."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        if to.role not in ("agent", "supervisor", "admin"):
            raise Forbidden("handoff_assignee_role")
        handoffs.move(session, handoff, HandoffMove.REASSIGN, staff.actor, at=ctx.now(), assignee=to.actor)
        return describe(session, handoff)


def release(ctx: BackendContext, handoff_id: int, staff: StaffActor) -> dict:
    """Put a claimed conversation back in the queue for someone else."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        handoffs.move(session, handoff, HandoffMove.RELEASE, staff.actor, at=ctx.now())
        return describe(session, handoff)
