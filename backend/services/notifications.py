"""Proactive SMS about a return (label issued, parcel received, refund issued): an outbox.

The row is written in the same transaction as the status change it announces, so a
change is never committed without its message, nor a message without its change. After
the commit the caller dispatches it; whatever fails then is left in the outbox for the
sweep (``python -m backend send-notifications`` and the API's periodic loop).

Sending is at most once per (return, kind, channel) – a unique constraint – and a row is
claimed with a conditional UPDATE (status ``sending``) before the provider is called, so
two dispatchers never both send it. A dispatcher that dies mid-send leaves a ``sending``
row that is retried once its lease has run out: after a crash a message may go twice,
never silently nowhere. The phone number and the opt-out are checked at send time: no
phone, or STOP from that number, makes the row ``skipped``.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.adapters.sms.base import SmsError, SmsMessage
from backend.context import BackendContext
from backend.db.models import Customer, Notification, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.notification_text import notification_text
from backend.services.sms_opt_outs import is_opted_out

log = logging.getLogger(__name__)

CHANNEL = "sms"
LEASE = dt.timedelta(minutes=5)  # well beyond the provider timeout
# The status change each kind announces.
KIND_FOR_STATUS = {S.LABEL_ISSUED.value: "label_issued", S.RECEIVED.value: "parcel_received",
                   S.REFUNDED.value: "refund_issued", S.CREDITED.value: "refund_issued"}


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)


def _reduction(ret: ReturnRequest) -> dict:
    """What the warehouse took off the refund, and why (for the refund message)."""
    lines = [l for l in ret.lines if l.eligible and (l.refund_reduction_minor or 0) > 0]
    reasons: list[str] = []
    for line in lines:
        for reason in (line.refund_reduction_reason or "").split(","):
            if reason and reason not in reasons:
                reasons.append(reason)
    return {"reduction_minor": sum(min(l.refund_reduction_minor, l.refund_amount_minor) for l in lines),
            "reduction_reasons": tuple(reasons)}


def _existing(session: Session, ret: ReturnRequest, kind: str) -> Notification | None:
    """The message of this kind already queued for the return: one per kind, never two."""
    return session.execute(select(Notification).where(
        Notification.return_id == ret.id, Notification.kind == kind,
        Notification.channel == CHANNEL)).scalar_one_or_none()


def queue_for_status(ctx: BackendContext, session: Session, ret: ReturnRequest, *,
                     label_url: str | None = None) -> Notification | None:
    """In the status change's transaction: the outbox row announcing ``ret.status``, if any.

    A row that already exists for this return and kind is kept as it is (a repeated
    transition sends nothing new).
    """
    kind = KIND_FOR_STATUS.get(ret.status)
    if kind is None:
        return None
    existing = _existing(session, ret, kind)
    if existing is not None:
        return existing
    customer = ret.customer or session.get(Customer, ret.customer_id)
    language = customer.preferred_language
    issued = [r for r in ret.refunds if r.status == "issued"]
    body = notification_text(
        kind, language, shop=ctx.settings.shop_name, rma=ret.rma, label_url=label_url,
        amount_minor=sum(r.amount_minor for r in issued) if issued else ret.refund_amount_minor,
        currency=ret.currency, store_credit=ret.status == S.CREDITED.value,
        **_reduction(ret))
    row = Notification(customer_id=customer.id, return_id=ret.id, kind=kind, channel=CHANNEL,
                       recipient=customer.phone, language=language, body=body, status="pending",
                       attempts=0, created_at=ctx.now())
    session.add(row)
    return row


def _due(ctx: BackendContext, n: Notification, now: dt.datetime) -> bool:
    if n.attempts >= ctx.settings.notify_max_attempts:
        return False
    if n.status == "pending":
        return True
    if n.status == "failed":
        wait = dt.timedelta(seconds=ctx.settings.notify_retry_seconds * n.attempts)
        return n.claimed_at is None or n.claimed_at + wait <= now
    if n.status == "sending":
        return n.claimed_at is None or n.claimed_at + LEASE <= now
    return False


def _claim(ctx: BackendContext, notification_id: int) -> tuple[str, SmsMessage | None]:
    """Skip, leave, or claim the row; a claimed row comes back with its message."""
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        n = session.get(Notification, notification_id)
        if n is None:
            return "missing", None
        if not _due(ctx, n, now):
            return ("waiting" if n.status in ("pending", "failed", "sending") else n.status), None
        phone = session.get(Customer, n.customer_id).phone
        reason = ("customer has no phone number" if not phone
                  else "opted out of SMS" if is_opted_out(session, phone, ctx.settings.secret_key) else None)
        if reason:
            n.status, n.last_error, n.recipient = "skipped", reason, phone
            return "skipped", None
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == n.id, Notification.status == n.status,
                   Notification.attempts == n.attempts)
            .values(status="sending", attempts=n.attempts + 1, claimed_at=now, recipient=phone)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return "waiting", None  # another dispatcher got there first
        return "sending", SmsMessage(to=phone, body=n.body)


def dispatch(ctx: BackendContext, notification_id: int) -> str:
    """Send one outbox row if it is due; its status afterwards. Never raises for the provider."""
    status, message = _claim(ctx, notification_id)
    if message is None:
        return status
    try:
        receipt = ctx.sms.send(message)
    except SmsError as exc:
        log.warning("SMS notification %s failed: %s", notification_id, exc)
        with session_scope(ctx.sessions) as session:
            n = session.get(Notification, notification_id)
            n.status, n.last_error = "failed", str(exc)[:2000]
            if not exc.retryable:  # a refused number will not be accepted later either
                n.attempts = max(n.attempts, ctx.settings.notify_max_attempts)
        return "failed"
    with session_scope(ctx.sessions) as session:
        n = session.get(Notification, notification_id)
        n.status, n.provider, n.provider_message_id = "sent", receipt.provider, receipt.message_id[:64]
        n.sent_at, n.last_error = ctx.now(), None
    return "sent"


def dispatch_for_return(ctx: BackendContext, return_id: int) -> None:
    """After a status change committed: send what it queued. Failures stay for the sweep."""
    try:
        with session_scope(ctx.sessions) as session:
            ids = list(session.execute(select(Notification.id).where(
                Notification.return_id == return_id,
                Notification.status == "pending")).scalars())
        for notification_id in ids:
            dispatch(ctx, notification_id)
    except Exception:  # the status change is done; the sweep will deliver the message
        log.exception("dispatching notifications for return %s failed", return_id)


def send_pending_notifications(ctx: BackendContext, limit: int = 200) -> SweepResult:
    """The sweep: every row still owed (pending, failed, or stuck sending) that is due."""
    result = SweepResult()
    with session_scope(ctx.sessions) as session:
        ids = list(session.execute(
            select(Notification.id)
            .where(Notification.status.in_(("pending", "failed", "sending")),
                   Notification.attempts < ctx.settings.notify_max_attempts)
            .order_by(Notification.id).limit(limit)).scalars())
    for notification_id in ids:
        outcome = dispatch(ctx, notification_id)
        if outcome in ("sent", "failed", "skipped"):
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.ids.append(notification_id)
    if result.sent or result.failed or result.skipped:
        log.info("notification sweep: %d sent, %d failed, %d skipped", result.sent, result.failed,
                 result.skipped)
    return result


def queue_refund_sent(ctx: BackendContext, session: Session, ret: ReturnRequest, *,
                      on_receipt: bool) -> Notification | None:
    """In the transaction that saw an early refund issued: the SMS telling the customer.

    Stored as kind ``refund_issued``, the one message a customer gets about their money: the
    resolution that follows inspection then finds it and sends nothing twice. Nothing is
    queued while a refund is still unpaid (a failed one is retried, then announced).
    """
    if not ret.refunds or any(r.status != "issued" for r in ret.refunds):
        return None
    kind = KIND_FOR_STATUS[S.REFUNDED.value]
    existing = _existing(session, ret, kind)
    if existing is not None:
        return existing
    customer = ret.customer or session.get(Customer, ret.customer_id)
    language = customer.preferred_language
    body = notification_text(
        "refund_sent", language, shop=ctx.settings.shop_name, rma=ret.rma,
        amount_minor=sum(r.amount_minor for r in ret.refunds), currency=ret.currency,
        store_credit=all(r.method == "store_credit" for r in ret.refunds), on_receipt=on_receipt,
        **_reduction(ret))
    row = Notification(customer_id=customer.id, return_id=ret.id, kind=kind, channel=CHANNEL,
                       recipient=customer.phone, language=language, body=body, status="pending",
                       attempts=0, created_at=ctx.now())
    session.add(row)
    return row
