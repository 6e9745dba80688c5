"""The partner feed's outbox: every return status change written as an event, in its own
transaction.

``backend.services.transitions`` (the one writer of statuses) calls :func:`record_event`
for each change, so the event commits or rolls back with the change: the feed can neither
announce a change that did not happen nor miss one that did. One delivery row is made per
destination configured at that moment (the webhooks, and ``amqp`` for RabbitMQ); with none
configured the event is still kept, as an audit trail. Delivery happens later, in the sweep
(``backend.services.partner_feed``).

Which destinations and which CloudEvent ``source`` come from the settings through the
session factory (:func:`configure_sessions`, called by ``build_context``), so the status
writer's signature stays ``(session, ret, ...)``; a session made elsewhere (a bare factory in
a script) records events without deliveries.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.db.models import OutboxDelivery, OutboxEvent, ReturnRequest
from backend.domain.partner_events import (
    AMQP_DESTINATION,
    DISPOSED_TYPE,
    build_event_body,
    event_type,
    mask_url,
)
from backend.settings import Settings

SESSION_INFO_KEY = "boomerang.partner_feed"
DEFAULT_SOURCE = "urn:boomerang:returns"
MIN_SECRET_LENGTH = 32


class PartnerFeedConfigError(ValueError):
    """The partner feed's settings cannot work; the backend refuses to start with them."""


@dataclass(frozen=True)
class FeedConfig:
    """What the writer needs: the CloudEvent source and the destinations' names."""

    source: str = DEFAULT_SOURCE
    destinations: tuple[str, ...] = ()


def webhook_targets(settings: Settings) -> dict[str, str]:
    """Destination name (the URL masked) → the URL itself, checked.

    Webhooks need ``BOOMERANG_PARTNER_SECRET`` (at least 32 characters): a partner can verify
    only a signature made with a secret it was given, so none is drawn at random here; the
    backend refuses to start instead (README, "Feed to logistics partners").
    """
    targets: dict[str, str] = {}
    for url in settings.partner_webhooks:
        parts = url.split("://", 1)
        if len(parts) != 2 or parts[0].lower() not in ("http", "https") or not parts[1].split("/", 1)[0]:
            raise PartnerFeedConfigError(
                f"BOOMERANG_PARTNER_WEBHOOKS: {mask_url(url)!r} is not an http(s) URL")
        name = mask_url(url)
        if name in targets:
            raise PartnerFeedConfigError(
                f"BOOMERANG_PARTNER_WEBHOOKS: {name!r} is listed twice (perhaps with other credentials)")
        targets[name] = url
    if targets and len(settings.partner_secret) < MIN_SECRET_LENGTH:
        raise PartnerFeedConfigError(
            "BOOMERANG_PARTNER_WEBHOOKS is set but BOOMERANG_PARTNER_SECRET is missing or shorter "
            f"than {MIN_SECRET_LENGTH} characters: set the secret shared with the partners "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return targets


def feed_config(settings: Settings) -> FeedConfig:
    """The writer's view of the settings; raises :class:`PartnerFeedConfigError` if unusable."""
    destinations = tuple(webhook_targets(settings))
    if settings.partner_amqp_url:
        destinations += (AMQP_DESTINATION,)
    return FeedConfig(source=settings.public_base_url or DEFAULT_SOURCE, destinations=destinations)


def configure_sessions(sessions: sessionmaker, settings: Settings) -> None:
    """Give every session of ``sessions`` the feed's configuration (``Session.info``)."""
    sessions.configure(info={SESSION_INFO_KEY: feed_config(settings)})


def _config(session: Session) -> FeedConfig:
    config = session.info.get(SESSION_INFO_KEY)
    return config if isinstance(config, FeedConfig) else FeedConfig()


def _lines_summary(ret: ReturnRequest) -> list[dict[str, Any]]:
    """The return's lines without personal data: no customer words (``reason_text``), no
    names, emails, phones or addresses; what a warehouse or carrier plans with."""
    return [{
        "line_id": line.id,
        "sku": line.order_line.variant.sku,
        "quantity": line.quantity,
        "reason_code": line.reason_code,
        "resolution": line.resolution,
        "eligible": line.eligible,
        "exchange_sku": line.exchange_variant.sku if line.exchange_variant is not None else None,
        "grade": line.grade,
        "disposition": line.disposition,
    } for line in ret.lines]


def _next_sequence(session: Session, ret: ReturnRequest) -> int:
    """The return's next event number (the query flushes this transaction's earlier rows)."""
    last = session.execute(select(func.max(OutboxEvent.sequence))
                           .where(OutboxEvent.return_id == ret.id)).scalar()
    return (last or 0) + 1


def _add(session: Session, config: FeedConfig, ret: ReturnRequest, event_id: str, sequence: int, type_: str,
         body: bytes, at: dt.datetime) -> OutboxEvent:
    """The event row and one delivery per configured partner, due at once."""
    event = OutboxEvent(event_id=event_id, return_id=ret.id, rma=ret.rma, sequence=sequence,
                        type=type_, body=body.decode("utf-8"), created_at=at)
    session.add(event)
    for destination in config.destinations:
        event.deliveries.append(OutboxDelivery(destination=destination, attempts=0, next_attempt_at=at))
    return event


def record_event(session: Session, ret: ReturnRequest, *, from_status: str | None,
                 at: dt.datetime) -> OutboxEvent:
    """In the status change's transaction: the event announcing ``ret.status`` and its
    deliveries. ``ret.status`` is already the new status."""
    config = _config(session)
    if ret.id is None:
        session.flush()
    sequence = _next_sequence(session, ret)
    event_id = str(uuid.uuid4())
    data = {"rma": ret.rma, "order_number": ret.order.number, "status": ret.status,
            "from_status": from_status, "sequence": sequence, "returnless": bool(ret.returnless),
            "currency": ret.currency, "refund_amount_minor": ret.refund_amount_minor,
            "lines": _lines_summary(ret)}
    body = build_event_body(event_id=event_id, source=config.source, status=ret.status, rma=ret.rma,
                            at=at, data=data)
    return _add(session, config, ret, event_id, sequence, event_type(ret.status), body, at)


def record_disposed_event(session: Session, ret: ReturnRequest, *, at: dt.datetime) -> OutboxEvent:
    """In the inspection's transaction: ``org.boomerang.return.disposed``, where each line's
    units go (no personal data), next in the return's sequence so partners get it in order
    after ``inspected``. Why a separate event: a logistics partner acting on dispositions
    (collecting e-waste, donations) need not follow the whole lifecycle."""
    config = _config(session)
    session.flush()
    sequence = _next_sequence(session, ret)
    event_id = str(uuid.uuid4())
    data = {"rma": ret.rma, "order_number": ret.order.number, "status": ret.status,
            "sequence": sequence, "currency": ret.currency,
            "lines": [{"line_id": line.id, "sku": line.order_line.variant.sku,
                       "received_quantity": line.received_quantity, "grade": line.grade,
                       "disposition": line.disposition, "rule": line.disposition_rule,
                       "rules_version": line.disposition_rules_version,
                       "guards": list(line.disposition_guards or []),
                       "value_recovered_minor": line.value_recovered_minor}
                      for line in ret.lines if line.disposition is not None]}
    body = build_event_body(event_id=event_id, source=config.source, status=ret.status,
                            rma=ret.rma, at=at, data=data, type_=DISPOSED_TYPE)
    return _add(session, config, ret, event_id, sequence, DISPOSED_TYPE, body, at)
