"""What the handoff workflows share: who may act, and ending a handoff safely."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from backend.adapters.conversations.base import DeliveryFailed
from backend.context import BackendContext
from backend.db.models import HandoffRequest
from backend.db.session import session_scope
from backend.queries.handoffs import describe
from backend.domain.handoff_lifecycle import HandoffMove
from backend.services import handoffs
from backend.services.errors import Forbidden, Unavailable

SUPERVISING_ROLES = frozenset({"supervisor", "admin"})


@dataclass(frozen=True)
class StaffActor:
    """The signed-in person acting in the console."""

    staff_id: int | None
    name: str
    role: str

    @property
    def actor(self) -> handoffs.Actor:
        return handoffs.Actor(name=self.name, staff_id=self.staff_id)

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING_ROLES


def check_owner(handoff: HandoffRequest, staff: StaffActor) -> None:
    """Only the agent who claimed a conversation speaks in it (a supervisor may step in)."""
    if staff.supervises:
        return
    if handoff.assigned_staff_id is None or handoff.assigned_staff_id != staff.staff_id:
        raise Forbidden("handoff_not_yours")


def end_and_hand_back(ctx: BackendContext, handoff_id: int, what: HandoffMove, actor: handoffs.Actor,
                      reason: str, staff: StaffActor | None = None) -> dict:
    """End the handoff (hand back, close, cancel), then wake the bot on the customer's channel.

    When the bot cannot be reached, the handoff is put back as it was (the customer is
    still waiting for a person, not stranded with a silent bot) and 503 is answered.
    """
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        if staff is not None:
            check_owner(handoff, staff)
        before = (handoff.status, handoff.assigned_staff_id)
        handoffs.move(session, handoff, what, actor, at=ctx.now())
        conversation_id = handoff.conversation_id
    try:
        ctx.conversations.hand_back(conversation_id, reason)
    except DeliveryFailed:
        with session_scope(ctx.sessions) as session:
            session.execute(update(HandoffRequest).where(HandoffRequest.id == handoff_id).values(
                status=before[0], assigned_staff_id=before[1], ended_at=None, updated_at=ctx.now()))
            handoff = handoffs.get(session, handoff_id)
            handoffs.add_message(session, handoff, "event", text=f"{what.value}_failed", at=ctx.now(),
                                 staff_id=actor.staff_id)
        raise Unavailable("assistant_unreachable") from None
    with session_scope(ctx.sessions) as session:
        return describe(session, handoffs.get(session, handoff_id))
