"""A customer (or the bot on their behalf) asks for a person.

Answers what the bot needs to tell the customer honestly: whether the team is open (and
when it opens), whether anyone is online, and a wait it can keep (see
``backend.domain.wait_estimate``).
"""
from __future__ import annotations

from sqlalchemy import select

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.db.session import session_scope
from backend.queries.handoffs import agents_online, handoff_view, wait_minutes
from backend.services import handoffs
from backend.domain.claims import CustomerClaims


def request_handoff(ctx: BackendContext, *, conversation_id: str, channel: str, language: str, reason: str,
                    summary: str | None, claims: CustomerClaims | None) -> dict:
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        return_id = None
        if claims is not None:
            return_id = session.execute(select(ReturnRequest.id).where(
                ReturnRequest.order_id == claims.order_id).order_by(ReturnRequest.id.desc())).scalars().first()
        handoff = handoffs.open_handoff(
            session, conversation_id=conversation_id, channel=channel, language=language, reason=reason,
            summary=summary, customer_id=claims.customer_id if claims else None,
            order_id=claims.order_id if claims else None, return_id=return_id, at=now)
        online = agents_online(session, now=now, within_seconds=ctx.settings.agent_online_seconds)
        wait = wait_minutes(session, handoff, now=now, agents=online)
        opens_at = ctx.support_hours.next_opening(now)
        return {**handoff_view(handoff), "open_now": ctx.support_hours.is_open(now), "agents_online": online,
                "wait_minutes": wait, "opens_at": opens_at, "shop_timezone": ctx.settings.support_timezone}
