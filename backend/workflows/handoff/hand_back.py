"""The agent gives the conversation back to the bot, which speaks first.

The bot keeps the slots it had (the order, the return in progress, the language); if the
customer's verification has expired meanwhile, it asks for it again.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.domain.handoff_lifecycle import HandoffMove
from backend.workflows.handoff.common import StaffActor, end_and_hand_back


def hand_back(ctx: BackendContext, handoff_id: int, staff: StaffActor) -> dict:
    return end_and_hand_back(ctx, handoff_id, HandoffMove.HAND_BACK, staff.actor, "agent", staff)
