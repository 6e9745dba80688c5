"""Requests for a person. The agent console (a later step) reads and answers these.

The summary is the customer's last messages in their own words, with every email address
and phone number masked before it is stored ("c***@example.com", "***34"): agents see
what was asked, not the contact details. Rows stored before masking existed are masked
again when shown.
"""
from __future__ import annotations

from sqlalchemy import select

from backend.context import BackendContext
from backend.db.models import HandoffRequest
from backend.db.session import session_scope
from backend.services.verification import CustomerClaims
from common.pii import mask_text


def request_handoff(ctx: BackendContext, *, conversation_id: str, channel: str, language: str,
                    reason: str, summary: str | None, claims: CustomerClaims | None) -> HandoffRequest:
    """Open a handoff; asking twice in one conversation keeps the one already open."""
    summary = mask_text(summary) if summary else summary
    with session_scope(ctx.sessions) as session:
        existing = session.execute(select(HandoffRequest).where(
            HandoffRequest.conversation_id == conversation_id,
            HandoffRequest.status.in_(("open", "accepted")))).scalars().first()
        if existing is not None:
            if summary:
                existing.summary = summary
            return existing
        handoff = HandoffRequest(
            conversation_id=conversation_id, channel=channel, language=language if language in ("en", "fr") else "en",
            reason=reason, summary=summary, customer_id=claims.customer_id if claims else None,
            order_id=claims.order_id if claims else None, status="open", created_at=ctx.now(),
            updated_at=ctx.now())
        session.add(handoff)
        session.flush()
        return handoff


def handoff_view(h: HandoffRequest) -> dict:
    """What callers see of a handoff (no customer details beyond "verified or not")."""
    return {"id": h.id, "conversation_id": h.conversation_id, "channel": h.channel, "language": h.language,
            "reason": h.reason, "summary": mask_text(h.summary) if h.summary else h.summary, "status": h.status,
            "verified_customer": h.customer_id is not None, "created_at": h.created_at}


def list_handoffs(ctx: BackendContext, status: str | None = "open") -> list[HandoffRequest]:
    with session_scope(ctx.sessions) as session:
        stmt = select(HandoffRequest).order_by(HandoffRequest.id)
        if status:
            stmt = stmt.where(HandoffRequest.status == status)
        return list(session.execute(stmt).scalars())
