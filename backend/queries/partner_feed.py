"""Reading the partner feed's outbox: what is still owed to a partner, oldest first.

For the staff route that shows a returns manager which events a partner has not taken yet
(and why: the last error, the next try), e.g. after a partner's outage.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import OutboxDelivery, OutboxEvent


def undelivered(session: Session, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """How many deliveries are owed in all, and the ``limit`` oldest of them."""
    owed = OutboxDelivery.delivered_at.is_(None)
    total = session.execute(select(func.count(OutboxDelivery.id)).where(owed)).scalar_one()
    rows = session.execute(
        select(OutboxEvent, OutboxDelivery).join(OutboxDelivery, OutboxDelivery.event_id == OutboxEvent.id)
        .where(owed).order_by(OutboxEvent.id, OutboxDelivery.id).limit(limit)).all()
    return total, [{"event_id": e.event_id, "rma": e.rma, "type": e.type, "sequence": e.sequence,
                    "created_at": e.created_at, "destination": d.destination, "attempts": d.attempts,
                    "next_attempt_at": d.next_attempt_at, "last_error": d.last_error}
                   for e, d in rows]
