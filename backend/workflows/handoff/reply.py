"""The agent writes to the customer, or leaves a note for colleagues.

The reply is stored first (so it is never lost), then delivered on the customer's own
channel; its ``delivery`` says whether it left, and a failed one can be sent again. When the
customer asked for a reply by SMS or email, a copy leaves that way too.
"""
from __future__ import annotations

from backend.adapters.conversations.base import AgentMessage, DeliveryFailed
from backend.context import BackendContext
from backend.db.models import HandoffMessage
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffStatus
from backend.queries.handoffs import message_view
from backend.services import handoffs
from backend.services.errors import Conflict
from backend.workflows.handoff import callback
from backend.workflows.handoff.common import StaffActor, check_owner


def reply(ctx: BackendContext, handoff_id: int, staff: StaffActor, text: str,
          photo_url: str | None = None) -> dict:
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        if handoff.status != HandoffStatus.CLAIMED.value:
            raise Conflict("handoff_not_claimed")
        check_owner(handoff, staff)
        message = handoffs.add_message(session, handoff, "agent", text=text, staff_id=staff.staff_id,
                                       at=ctx.now(), delivery="pending")
        message_id, conversation_id = message.id, handoff.conversation_id
    view = _deliver(ctx, message_id, conversation_id, AgentMessage(text, staff.name, photo_url))
    callback.send_copy(ctx, handoff_id, staff.name, text)
    return view


def _deliver(ctx: BackendContext, message_id: int, conversation_id: str, message: AgentMessage) -> dict:
    try:
        ctx.conversations.say(conversation_id, message)
        outcome = "delivered"
    except DeliveryFailed:
        outcome = "failed"
    with session_scope(ctx.sessions) as session:
        stored = session.get(HandoffMessage, message_id)
        stored.delivery = outcome
        return message_view(stored)


def retry(ctx: BackendContext, handoff_id: int, message_id: int, staff: StaffActor) -> dict:
    """Send a reply that failed to leave once more."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        stored = session.get(HandoffMessage, message_id)
        if stored is None or stored.handoff_id != handoff_id or stored.kind != "agent" or stored.delivery != "failed":
            raise Conflict("handoff_nothing_to_retry")
        text, conversation_id = stored.text or "", handoff.conversation_id
    return _deliver(ctx, message_id, conversation_id, AgentMessage(text, staff.name))


def note(ctx: BackendContext, handoff_id: int, staff: StaffActor, text: str) -> dict:
    """An internal note: kept with the conversation, never sent to the customer."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        message = handoffs.add_message(session, handoff, "note", text=text, staff_id=staff.staff_id,
                                       at=ctx.now())
        return message_view(message)


def typing(ctx: BackendContext, handoff_id: int, staff: StaffActor, is_typing: bool) -> None:
    """Show the customer that the agent is typing (web chat; best effort)."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        conversation_id = handoff.conversation_id
    ctx.conversations.typing(conversation_id, is_typing)
