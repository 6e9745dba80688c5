"""Delivering the outbox's events to the partners: the sweep.

Run every ``BOOMERANG_OUTBOX_SWEEP_SECONDS`` by the API process (``backend.app``). The
guarantees (README, "Feed to logistics partners"):

* nothing lost: a delivery row stays owed until its destination accepted the event (a 2xx
  answer, a broker confirm); every failure is retried, with exponential back-off capped at
  ``BOOMERANG_OUTBOX_RETRY_MAX_SECONDS``, for as long as it takes;
* in order per return and destination: an event is not sent while an earlier event of the
  same return is still owed to the same destination;
* same id on redelivery: the stored body is sent again byte for byte (same event id, same
  signature), so a partner that answered too late and gets it twice can drop the copy;
* one sender at a time: a row is claimed with a conditional UPDATE that moves
  ``next_attempt_at`` past a lease, so two sweeps (two API workers) never send it at once,
  and a sweep that died mid-send leaves a row retried when the lease runs out (at least
  once, never nowhere).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from backend.adapters.partners.amqp import AmqpPublisher
from backend.adapters.partners.base import PartnerError, PartnerEvent, PartnerSender
from backend.adapters.partners.webhook import WebhookSender
from backend.context import BackendContext
from backend.db.models import OutboxDelivery, OutboxEvent
from backend.db.session import session_scope
from backend.domain.partner_events import AMQP_DESTINATION
from backend.services.outbox import webhook_targets

log = logging.getLogger(__name__)


@dataclass
class FeedSweepResult:
    delivered: int = 0
    failed: int = 0
    # Owed to destinations no longer configured: kept, and sent if configured again.
    unconfigured: int = 0
    delivered_ids: list[str] = field(default_factory=list)


def retry_delay(ctx: BackendContext, attempts: int) -> dt.timedelta:
    """The pause after the ``attempts``-th failed try: base × 2^(attempts − 1), capped."""
    base = ctx.settings.outbox_retry_seconds
    cap = ctx.settings.outbox_retry_max_seconds
    return dt.timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def _lease(ctx: BackendContext) -> dt.timedelta:
    return dt.timedelta(seconds=max(60.0, 3 * ctx.settings.partner_timeout_seconds))


def _senders(ctx: BackendContext) -> dict[str, PartnerSender]:
    s = ctx.settings
    senders: dict[str, PartnerSender] = {
        name: WebhookSender(url, s.partner_secret, s.partner_timeout_seconds)
        for name, url in webhook_targets(s).items()}
    if s.partner_amqp_url:
        senders[AMQP_DESTINATION] = AmqpPublisher(s.partner_amqp_url, s.partner_amqp_exchange,
                                                  s.partner_timeout_seconds)
    return senders


def _claim(ctx: BackendContext, delivery_id: int) -> PartnerEvent | None:
    """Claim the row if it is due and still owed; its event then, else None."""
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        row = session.get(OutboxDelivery, delivery_id)
        if row is None or row.delivered_at is not None or row.next_attempt_at > now:
            return None
        claimed = session.execute(
            update(OutboxDelivery)
            .where(OutboxDelivery.id == row.id, OutboxDelivery.delivered_at.is_(None),
                   OutboxDelivery.attempts == row.attempts)
            .values(attempts=row.attempts + 1, next_attempt_at=now + _lease(ctx))
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return None  # another sweep got there first
        event = row.event
        return PartnerEvent(event_id=event.event_id, type=event.type, body=event.body.encode("utf-8"))


def _deliver(ctx: BackendContext, delivery_id: int, destination: str,
             sender: PartnerSender) -> tuple[str, str | None]:
    """Send one owed row: ``delivered``, ``failed`` or ``waiting`` (not due, or claimed),
    and the event's id."""
    event = _claim(ctx, delivery_id)
    if event is None:
        return "waiting", None
    try:
        sender.send(event)
    except PartnerError as exc:
        with session_scope(ctx.sessions) as session:
            row = session.get(OutboxDelivery, delivery_id)
            row.next_attempt_at = ctx.now() + retry_delay(ctx, row.attempts)
            row.last_error = str(exc)[:200]
            attempts = row.attempts
        # The destination is already masked; the error names no URL nor secret.
        log.warning("partner event %s (%s) to %s failed (try %d): %s; retried later",
                    event.event_id, event.type, destination, attempts, exc)
        return "failed", event.event_id
    with session_scope(ctx.sessions) as session:
        row = session.get(OutboxDelivery, delivery_id)
        row.delivered_at, row.last_error = ctx.now(), None
    return "delivered", event.event_id


def _due_heads(ctx: BackendContext, destination: str, limit: int) -> list[int]:
    """Deliveries to ``destination`` that may go now: due, and the first one still owed of
    their return (no earlier event of the same return is owed to the same destination).

    Only heads are read, per destination: a return stuck behind a failing event, or rows
    owed to a destination no longer configured, never crowd the others out of the sweep.
    """
    earlier, earlier_event = aliased(OutboxDelivery), aliased(OutboxEvent)
    blocked = (select(earlier.id)
               .join(earlier_event, earlier.event_id == earlier_event.id)
               .where(earlier.destination == OutboxDelivery.destination, earlier.delivered_at.is_(None),
                      earlier_event.return_id == OutboxEvent.return_id, earlier_event.id < OutboxEvent.id)
               .exists())
    with session_scope(ctx.sessions) as session:
        return list(session.execute(
            select(OutboxDelivery.id)
            .join(OutboxEvent, OutboxDelivery.event_id == OutboxEvent.id)
            .where(OutboxDelivery.destination == destination, OutboxDelivery.delivered_at.is_(None),
                   OutboxDelivery.next_attempt_at <= ctx.now(), ~blocked)
            .order_by(OutboxEvent.id).limit(limit)).scalars())


def _next_owed(ctx: BackendContext, delivery_id: int) -> int | None:
    """After ``delivery_id`` was delivered: the next event of its return owed to its
    destination, if any."""
    with session_scope(ctx.sessions) as session:
        done = session.get(OutboxDelivery, delivery_id)
        return session.execute(
            select(OutboxDelivery.id)
            .join(OutboxEvent, OutboxDelivery.event_id == OutboxEvent.id)
            .where(OutboxDelivery.destination == done.destination, OutboxDelivery.delivered_at.is_(None),
                   OutboxEvent.return_id == done.event.return_id)
            .order_by(OutboxEvent.id).limit(1)).scalar()


def deliver_partner_events(ctx: BackendContext, limit: int = 500) -> FeedSweepResult:
    """The sweep: for each configured destination and each return with an event due, that
    event and then the return's later ones, in order, until one is not delivered (failed,
    or claimed by another sweep). At most ``limit`` returns per destination and sweep."""
    result = FeedSweepResult()
    senders = _senders(ctx)
    try:
        for destination, sender in senders.items():
            for head in _due_heads(ctx, destination, limit):
                delivery_id: int | None = head
                while delivery_id is not None:
                    outcome, event_id = _deliver(ctx, delivery_id, destination, sender)
                    if outcome != "delivered":
                        result.failed += outcome == "failed"
                        break  # the later events of this return wait for this one
                    result.delivered += 1
                    result.delivered_ids.append(event_id)
                    delivery_id = _next_owed(ctx, delivery_id)
    finally:
        for sender in senders.values():
            sender.close()
    with session_scope(ctx.sessions) as session:
        result.unconfigured = session.execute(
            select(func.count(OutboxDelivery.id))
            .where(OutboxDelivery.delivered_at.is_(None), OutboxDelivery.destination.not_in(list(senders)))
        ).scalar_one()
    if result.delivered or result.failed:
        log.info("partner feed sweep: %d delivered, %d failed", result.delivered, result.failed)
    return result
