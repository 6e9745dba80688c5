"""The customer writes while a person owns (or is about to own) the conversation.

The channel relays each message here; the agent sees it live. A customer still waiting
may cancel (the widget's button sends ``/cancel_handoff``; typed, it is the NLU intent
``cancel_handoff``): the bot takes the conversation back at once. When nobody could join
at once, the customer may choose a reply by SMS or email instead (``/handoff_callback``,
:mod:`backend.workflows.handoff.callback`).
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffMove, HandoffStatus
from backend.services import handoffs
from backend.domain.handoff_callback import parse_choice
from backend.services.errors import NotFound
from backend.workflows.handoff import callback
from backend.workflows.handoff.common import end_and_hand_back

CANCEL_PAYLOAD = "/cancel_handoff"
CANCEL_INTENT = "cancel_handoff"
CUSTOMER = handoffs.Actor(name="customer")
# How long after a handoff ended a customer message is taken as crossing the hand-back.
HANDING_BACK_SECONDS = 10


def is_cancel(text: str | None, intent: str | None) -> bool:
    return (text or "").strip().startswith(CANCEL_PAYLOAD) or intent == CANCEL_INTENT


def relay(ctx: BackendContext, conversation_id: str, *, text: str | None, intent: str | None,
          confidence: float | None, photo_ids: list[str]) -> dict:
    """Record the message in the open handoff; returns its id and status afterwards."""
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.find_open(session, conversation_id)
        if handoff is None:
            ending = handoffs.just_ended(session, conversation_id, now=now, within_seconds=HANDING_BACK_SECONDS)
            if ending is not None:
                # The agent's hand-back is on its way to the bot: the bot will answer, so
                # the channel must not wake it a second time (it does on a 404).
                return {"handoff_id": ending.id, "status": ending.status}
            raise NotFound("no_open_handoff")
        handoff_id, status = handoff.id, handoff.status
        # A callback button (a reply later by SMS or email): a choice, not words for the agent.
        choice = parse_choice(text)
        cancel = status == HandoffStatus.QUEUED.value and is_cancel(text, intent)
        if not cancel:
            if text and not text.startswith("/"):
                handoffs.add_message(session, handoff, "customer", text=text, intent=intent,
                                     confidence=confidence, at=now)
            for photo_id in photo_ids[:10]:
                handoffs.add_message(session, handoff, "customer", photo_public_id=photo_id[:40], at=now)
            handoff.updated_at = now
    if choice is not None:
        return callback.choose(ctx, handoff_id, choice)
    if cancel:
        ended = end_and_hand_back(ctx, handoff_id, HandoffMove.CANCEL, CUSTOMER, "cancelled")
        return {"handoff_id": ended["id"], "status": ended["status"]}
    return {"handoff_id": handoff_id, "status": status}
