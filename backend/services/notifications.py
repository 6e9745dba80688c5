"""Proactive messages about a return (label issued, parcel received, refund issued): an outbox.

The row is written in the same transaction as the status change it announces, so a
change is never committed without its message, nor a message without its change. After
the commit the caller dispatches it; whatever fails then is left in the outbox for the
sweep (``python -m backend send-notifications`` and the API's periodic loop).

Each message takes one channel, chosen when it is queued (domain.notification_channel):
the web chat the return was made in, else SMS, else email. Sending is at most once per
(return, kind) – a unique constraint, whatever the channel – and a row is claimed with a
conditional UPDATE (status ``sending``) before the provider is called, so two dispatchers
never both send it. A dispatcher that dies mid-send leaves a ``sending`` row that is
retried once its lease has run out: after a crash a message may go twice, never silently
nowhere. Where it goes is checked again at send time: no phone, or STOP from that number,
makes an SMS row ``skipped``; so does an email row without a usable address, or a chat row
whose return no longer knows its conversation (erased).

A chat row is left to the sweep, never sent by the caller: the caller is often the
assistant itself, in the middle of the customer's turn in that very conversation, which
Rasa keeps locked until the turn ends (a message appended then would wait for the call
that waits for it).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.adapters.conversations.base import DeliveryFailed, ShopMessage
from backend.adapters.email.base import EmailError, OutgoingEmail
from backend.adapters.sms.base import SmsError, SmsMessage
from backend.context import BackendContext
from backend.db.models import Customer, Notification, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.notification_channel import CHAT, EMAIL, SMS, Route, choose_route, usable_email
from backend.domain.notification_text import notification_subject, notification_text
from backend.services.sms_opt_outs import is_opted_out

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)  # well beyond the provider timeout
# The status change each kind announces.
KIND_FOR_STATUS = {S.LABEL_ISSUED.value: "label_issued", S.RECEIVED.value: "parcel_received",
                   S.REFUNDED.value: "refund_issued", S.CREDITED.value: "refund_issued"}


@dataclass(frozen=True)
class Outgoing:
    """A claimed row, ready for its channel's provider."""

    channel: str
    to: str
    body: str
    subject: str = ""


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
    """The message of this kind already queued for the return, on any channel: one per
    kind, never two."""
    return session.execute(select(Notification).where(
        Notification.return_id == ret.id, Notification.kind == kind)).scalar_one_or_none()


def route_for(ctx: BackendContext, session: Session, ret: ReturnRequest, customer: Customer) -> Route:
    """Where a message about ``ret`` goes, from what the database says now."""
    return choose_route(
        conversation_id=ret.conversation_id, phone=customer.phone,
        sms_refused=is_opted_out(session, customer.phone, ctx.settings.secret_key),
        email=customer.email)


def _row(ctx: BackendContext, session: Session, ret: ReturnRequest, kind: str, text_kind: str,
         **words) -> Notification:
    """The outbox row for ``kind``, its words for the customer's language and channel."""
    customer = ret.customer or session.get(Customer, ret.customer_id)
    language = customer.preferred_language
    route = route_for(ctx, session, ret, customer)
    body = notification_text(text_kind, language, shop=ctx.settings.shop_name, rma=ret.rma,
                             currency=ret.currency, channel=route.channel, **words, **_reduction(ret))
    row = Notification(customer_id=customer.id, return_id=ret.id, kind=kind, channel=route.channel,
                       recipient=route.to, language=language, body=body, status="pending",
                       attempts=0, created_at=ctx.now())
    session.add(row)
    return row


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
    issued = [r for r in ret.refunds if r.status == "issued"]
    return _row(ctx, session, ret, kind, kind, label_url=label_url,
                amount_minor=sum(r.amount_minor for r in issued) if issued else ret.refund_amount_minor,
                store_credit=ret.status == S.CREDITED.value)


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


def _destination(ctx: BackendContext, session: Session, n: Notification) -> tuple[str | None, str | None]:
    """Where the row goes now, or why it goes nowhere: (recipient, None) or (None, reason)."""
    if n.channel == CHAT:
        ret = session.get(ReturnRequest, n.return_id)
        conversation = ret.conversation_id if ret is not None else None
        return (conversation, None) if conversation else (None, "the return's conversation is not known")
    customer = session.get(Customer, n.customer_id)
    if n.channel == EMAIL:
        email = customer.email
        return (email, None) if usable_email(email) else (None, "customer has no email address")
    phone = customer.phone
    if not phone:
        return None, "customer has no phone number"
    if is_opted_out(session, phone, ctx.settings.secret_key):
        return None, "opted out of SMS"
    return phone, None


def _claim(ctx: BackendContext, notification_id: int) -> tuple[str, Outgoing | None]:
    """Skip, leave, or claim the row; a claimed row comes back with its message."""
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        n = session.get(Notification, notification_id)
        if n is None:
            return "missing", None
        if not _due(ctx, n, now):
            return ("waiting" if n.status in ("pending", "failed", "sending") else n.status), None
        to, reason = _destination(ctx, session, n)
        if reason:
            n.status, n.last_error = "skipped", reason
            if n.channel == SMS:  # the number that said STOP, as it stands
                n.recipient = session.get(Customer, n.customer_id).phone
            return "skipped", None
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == n.id, Notification.status == n.status,
                   Notification.attempts == n.attempts)
            .values(status="sending", attempts=n.attempts + 1, claimed_at=now, recipient=to)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return "waiting", None  # another dispatcher got there first
        subject = ""
        if n.channel == EMAIL:
            rma = session.get(ReturnRequest, n.return_id).rma
            subject = notification_subject(n.kind, n.language, shop=ctx.settings.shop_name, rma=rma)
        return "sending", Outgoing(channel=n.channel, to=to, body=n.body, subject=subject)


def _send(ctx: BackendContext, message: Outgoing) -> tuple[str, str]:
    """Hand the message to its channel; (provider, message id). Raises the channel's error."""
    if message.channel == CHAT:
        ctx.conversations.announce(message.to, ShopMessage(message.body))
        return ctx.conversations.name, ""
    if message.channel == EMAIL:
        receipt = ctx.email.send(OutgoingEmail(to=message.to, subject=message.subject, body=message.body))
        return receipt.provider, receipt.message_id
    receipt = ctx.sms.send(SmsMessage(to=message.to, body=message.body))
    return receipt.provider, receipt.message_id


def dispatch(ctx: BackendContext, notification_id: int) -> str:
    """Send one outbox row if it is due; its status afterwards. Never raises for the provider."""
    status, message = _claim(ctx, notification_id)
    if message is None:
        return status
    try:
        provider, message_id = _send(ctx, message)
    except (SmsError, EmailError, DeliveryFailed) as exc:
        log.warning("%s notification %s failed: %s", message.channel, notification_id, exc)
        retryable = getattr(exc, "retryable", True)  # a conversation not reached may be later
        with session_scope(ctx.sessions) as session:
            n = session.get(Notification, notification_id)
            n.status, n.last_error = "failed", str(exc)[:2000]
            if not retryable:  # a refused number or address will not be accepted later either
                n.attempts = max(n.attempts, ctx.settings.notify_max_attempts)
        return "failed"
    with session_scope(ctx.sessions) as session:
        n = session.get(Notification, notification_id)
        n.status, n.provider, n.provider_message_id = "sent", provider[:20], (message_id or None) and message_id[:64]
        n.sent_at, n.last_error = ctx.now(), None
    return "sent"


def dispatch_for_return(ctx: BackendContext, return_id: int) -> None:
    """After a status change committed: send what it queued (a chat row waits for the
    sweep, see the module's note). Failures stay for the sweep."""
    try:
        with session_scope(ctx.sessions) as session:
            ids = list(session.execute(select(Notification.id).where(
                Notification.return_id == return_id, Notification.channel != CHAT,
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
    """In the transaction that saw an early refund issued: the message telling the customer.

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
    return _row(ctx, session, ret, kind, "refund_sent",
                amount_minor=sum(r.amount_minor for r in ret.refunds),
                store_credit=all(r.method == "store_credit" for r in ret.refunds), on_receipt=on_receipt)


def skip_said_in_conversation(ctx: BackendContext, session: Session, return_id: int) -> int:
    """The chat messages still pending for a return that its conversation has just shown
    (the label or the returnless refund, answered in the same reply that created the
    return): skipped, so the chat does not repeat them a minute later. How many."""
    rows = session.execute(select(Notification).where(
        Notification.return_id == return_id, Notification.channel == "chat",
        Notification.status == "pending")).scalars().all()
    for n in rows:
        n.status, n.last_error = "skipped", "said_in_conversation"
    return len(rows)
