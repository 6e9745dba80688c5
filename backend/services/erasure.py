"""Erasing one customer's personal data: ``python -m backend erase-customer``.

What "erased" means here (README, "Personal data"):

* The bookkeeping stays, detached from the person: orders, returns, refunds, labels'
  tracking numbers and amounts remain for the accounts, but the customer row becomes an
  anonymous placeholder (name "Erased customer", email ``erased-<id>@erased.invalid``,
  no phone) and the orders lose their shipping name and address (the country stays, for
  tax).
* What only served the conversation goes: photo files and rows, label PDFs (they print
  the customer's address), handoff requests, the customer's own words in return reasons,
  verification attempts of their orders and conversations, notification bodies and
  recipients (pending ones are skipped, never sent), the conversation each return was
  made in.
* A STOP keeps being honoured: the opt-out row keeps a keyed hash of the number instead
  of the number (``sms_opt_outs.erased_phone_key``).
* The conversations in Rasa's tracker store go too (see :func:`erase_tracker_conversations`).

The backend part is one transaction (a dry run rolls it back); files are deleted once it
has committed. Running it again finds nothing left to change: it is idempotent.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, delete, func, inspect, or_, select, text
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.domain.policy_override import REASON_MIN
from backend.db.models import (
    ConversationSession,
    Customer,
    HandoffMessage,
    HandoffRequest,
    Label,
    Notification,
    Order,
    Photo,
    Refund,
    ReturnLine,
    ReturnRequest,
    ReturnStatusChange,
    SmsOptOut,
    VerificationAttempt,
)
from backend.domain.identifiers import normalize_email, normalize_phone_e164
from backend.services.errors import Invalid
from backend.services.sms_opt_outs import erased_phone_key
from backend.services.verification import contact_hash, reference_hash
from common.conversation_ids import sms_id
from common.pii import mask_text

ERASED_NAME = "Erased customer"
ERASED_TEXT = "[erased]"
ERASED_EMAIL_DOMAIN = "erased.invalid"

# Tables that record which conversation a customer spoke in: (conversation id, customer id).
# Every conversation found here is erased from the backend and the tracker store.
# conversation_sessions (migration 0004) adds one line:
#     (ConversationSession.conversation_id, ConversationSession.customer_id),
CONVERSATION_ID_SOURCES = (
    (ConversationSession.conversation_id, ConversationSession.customer_id),
    (HandoffRequest.conversation_id, HandoffRequest.customer_id),
    (Photo.conversation_id, Photo.customer_id),
    (ReturnRequest.conversation_id, ReturnRequest.customer_id),  # migration 0013
)


def sms_conversation_ids(e164: str) -> list[str]:
    """The ids an SMS conversation with this number has had: "sms:+33…" and the legacy "+33…"."""
    return [sms_id(e164), e164]


@dataclass
class ErasureReport:
    """What was (or, in a dry run, would be) erased: counts only, never the data itself."""

    dry_run: bool = False
    customers: int = 0
    orders: int = 0
    reason_texts: int = 0
    return_conversations: int = 0
    status_notes: int = 0
    refund_notes: int = 0
    override_reasons: int = 0
    photos: int = 0
    photo_files: int = 0
    label_files: int = 0
    handoffs: int = 0
    conversation_sessions: int = 0
    notifications: int = 0
    opt_outs_hashed: int = 0
    verification_attempts: int = 0
    conversation_ids: list[str] = field(default_factory=list, repr=False)
    tracker_events: int | None = None
    tracker_note: str = ""
    files: list[Path] = field(default_factory=list, repr=False)

    def lines(self) -> list[str]:
        counts = [(f.name.replace("_", " "), getattr(self, f.name)) for f in dataclasses.fields(self)
                  if f.type == "int" and f.name not in ("tracker_events",)]
        out = [f"  {name}: {value}" for name, value in counts]
        out.append(f"  conversations: {len(self.conversation_ids)}")
        out.append(f"  tracker store: {self.tracker_note or 'not asked'}")
        return out


ERASED_REASON = "(erased with the customer's personal data)"


def _scrub(value: str | None, needles: list[str]) -> str | None:
    """``value`` without the customer's name, email or number, and with any contact masked."""
    if not value:
        return value
    for needle in needles:
        value = re.sub(re.escape(needle), ERASED_TEXT, value, flags=re.IGNORECASE)
    return mask_text(value)


def _paths(rows) -> list[Path]:
    return [Path(p) for p in rows if p]


def erase_customer(ctx: BackendContext, *, email: str | None = None, phone: str | None = None,
                   customer_id: int | None = None, dry_run: bool = False) -> ErasureReport:
    """Erase the customer(s) with this email, phone or id from the backend database.

    A phone also erases what belongs to the number without a customer behind it (a STOP,
    an SMS conversation that never verified). Files go after the commit.
    """
    wanted_email = normalize_email(email) if email else None
    if email and wanted_email is None:
        raise Invalid("email_invalid")
    wanted_phone = normalize_phone_e164(phone) if phone else None
    if phone and wanted_phone is None:
        raise Invalid("phone_invalid")
    report = ErasureReport(dry_run=dry_run)
    session = ctx.sessions()
    try:
        _erase(ctx, session, report, wanted_email, wanted_phone, customer_id)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if not dry_run:
        for path in report.files:
            path.unlink(missing_ok=True)
    return report


def _erase(ctx: BackendContext, session: Session, report: ErasureReport, email: str | None,
           phone: str | None, customer_id: int | None) -> None:
    conditions = []
    if email:
        conditions.append(Customer.email == email)
    if phone:
        conditions.append(Customer.phone == phone)
    if customer_id is not None:
        conditions.append(Customer.id == customer_id)
    customers = list(session.execute(select(Customer).where(or_(*conditions))).scalars()) if conditions else []
    ids = [c.id for c in customers]
    phones = sorted({p for p in [phone, *(c.phone for c in customers)] if p})
    needles = sorted({n for c in customers for n in (c.name, c.email, c.phone) if n and n != ERASED_NAME}
                     | set(phones) | ({email} if email else set()), key=len, reverse=True)

    conversations = {cid for p in phones for cid in sms_conversation_ids(p)}
    if ids:
        for conv_col, cust_col in CONVERSATION_ID_SOURCES:
            conversations |= set(session.execute(
                select(conv_col).where(cust_col.in_(ids), conv_col.isnot(None)).distinct()).scalars())
    report.conversation_ids = sorted(conversations)

    orders = list(session.execute(select(Order).where(Order.customer_id.in_(ids))).scalars()) if ids else []
    returns = list(session.execute(select(ReturnRequest).where(ReturnRequest.customer_id.in_(ids))).scalars()) \
        if ids else []
    return_ids = [r.id for r in returns]
    line_ids = [l.id for r in returns for l in r.lines]

    # Verification attempts: by the conversations that spoke, and by the orders/RMAs asked about.
    # and by the email or number given (their keyed hashes).
    refs = [o.number for o in orders] + [r.rma for r in returns]
    hashes = [reference_hash(ctx.settings, ref) for ref in refs]
    contacts = {c for c in [email, *phones, *(c.email for c in customers)] if c}
    contact_hashes = [contact_hash(ctx.settings, c) for c in contacts]
    client_keys = [f"client:{cid[:100]}" for cid in conversations]
    report.verification_attempts = session.execute(delete(VerificationAttempt).where(or_(
        VerificationAttempt.reference_hash.in_(hashes), VerificationAttempt.contact_hash.in_(contact_hashes),
        VerificationAttempt.client_key.in_(client_keys)))
        .execution_options(synchronize_session=False)).rowcount or 0

    # Photos: the customer's, those of their returns, those sent in their conversations
    # (by them, or by an agent: those are named only by the agent's transcript line).
    photo_filter = [Photo.conversation_id.in_(report.conversation_ids)]
    their_handoffs = [HandoffRequest.conversation_id.in_(report.conversation_ids)]
    if ids:
        photo_filter.append(Photo.customer_id.in_(ids))
        their_handoffs.append(HandoffRequest.customer_id.in_(ids))
    photo_filter.append(Photo.public_id.in_(
        select(HandoffMessage.photo_public_id)
        .join(HandoffRequest, HandoffRequest.id == HandoffMessage.handoff_id)
        .where(HandoffMessage.kind == "agent", HandoffMessage.photo_public_id.is_not(None),
               or_(*their_handoffs))))
    if line_ids:
        photo_filter.append(Photo.return_line_id.in_(line_ids))
    photos = list(session.execute(select(Photo).where(or_(*photo_filter))).scalars())
    photo_files = _paths(p.storage_path for p in photos)
    report.files += photo_files
    report.photo_files = sum(1 for f in photo_files if f.is_file())
    report.photos = len(photos)
    for photo in photos:
        session.delete(photo)

    handoff_filter = [HandoffRequest.conversation_id.in_(report.conversation_ids)]
    if ids:
        handoff_filter.append(HandoffRequest.customer_id.in_(ids))
    # Their transcript lines go with them (what the customer and the agent wrote).
    handoff_ids = select(HandoffRequest.id).where(or_(*handoff_filter)).scalar_subquery()
    session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(handoff_ids))
                    .execution_options(synchronize_session=False))
    report.handoffs = session.execute(delete(HandoffRequest).where(or_(*handoff_filter))
                                      .execution_options(synchronize_session=False)).rowcount or 0
    session_filter = [ConversationSession.conversation_id.in_(report.conversation_ids)]
    if ids:
        session_filter.append(ConversationSession.customer_id.in_(ids))
    report.conversation_sessions = session.execute(
        delete(ConversationSession).where(or_(*session_filter))
        .execution_options(synchronize_session=False)).rowcount or 0

    for ret in returns:
        if ret.conversation_id:  # where the return was made: the conversation goes, so does this
            ret.conversation_id = None
            report.return_conversations += 1
        for line in ret.lines:
            if line.reason_text:
                line.reason_text = None
                report.reason_texts += 1
        for change in ret.history:
            scrubbed = _scrub(change.note, needles)
            if scrubbed != change.note:
                change.note = scrubbed
                report.status_notes += 1
        for override in ret.overrides:  # staff words about the customer, kept as the audit's why
            scrubbed = _scrub(override.reason, needles)
            if scrubbed != override.reason:
                # The audit row needs a reason of REASON_MIN characters at least.
                override.reason = scrubbed if len(scrubbed) >= REASON_MIN else ERASED_REASON
                report.override_reasons += 1
        for refund in ret.refunds:
            scrubbed = _scrub(refund.failure_reason, needles)
            if scrubbed != refund.failure_reason:
                refund.failure_reason = scrubbed
                report.refund_notes += 1
        for label in ret.labels:  # the PDF prints the customer's name and address
            if label.storage_path:
                report.files.append(Path(label.storage_path))
                report.label_files += int(Path(label.storage_path).is_file())
                label.storage_path = ""

    if ids:
        for n in session.execute(select(Notification).where(Notification.customer_id.in_(ids))).scalars():
            status = "skipped" if n.status in ("pending", "sending", "failed") else n.status
            last_error = "customer data erased" if status != n.status else _scrub(n.last_error, needles)
            if (n.recipient, n.body, n.status, n.last_error) != (None, ERASED_TEXT, status, last_error):
                n.recipient, n.body, n.status, n.last_error = None, ERASED_TEXT, status, last_error
                report.notifications += 1

    for number in phones:
        row = session.get(SmsOptOut, number)
        if row is None:
            continue
        key = erased_phone_key(ctx.settings.secret_key, number)
        if session.get(SmsOptOut, key) is None:
            session.add(SmsOptOut(phone=key, created_at=row.created_at))
        session.delete(row)
        report.opt_outs_hashed += 1

    for order in orders:
        if (order.ship_name, order.ship_line1, order.ship_city, order.ship_postcode) != (ERASED_NAME, "", "", ""):
            order.ship_name, order.ship_line1, order.ship_city, order.ship_postcode = ERASED_NAME, "", "", ""
            report.orders += 1

    for customer in customers:
        erased = (ERASED_NAME, f"erased-{customer.id}@{ERASED_EMAIL_DOMAIN}", None)
        if (customer.name, customer.email, customer.phone) != erased:
            customer.name, customer.email, customer.phone = erased
            report.customers += 1
    session.flush()


def erase_tracker_conversations(url: str, conversation_ids: list[str], dry_run: bool = False) -> int:
    """Delete these conversations from Rasa's SQL tracker store (its ``events`` table,
    one row per event, keyed by ``sender_id``); the number of events (to be) deleted."""
    if not conversation_ids:
        return 0
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as conn:
            params = {f"id{i}": cid for i, cid in enumerate(conversation_ids)}
            where = f"sender_id IN ({', '.join(':' + k for k in params)})"
            count = conn.execute(text(f"SELECT COUNT(*) FROM events WHERE {where}"), params).scalar_one()
            if not dry_run and count:
                conn.execute(text(f"DELETE FROM events WHERE {where}"), params)
        return int(count)
    finally:
        engine.dispose()


def clear_rasa_memory(rasa_url: str, token: str | None, conversation_ids: list[str],
                      dry_run: bool = False, timeout: float = 5.0) -> tuple[int | None, str]:
    """Empty these conversations in a running Rasa through its HTTP API (``--enable-api``).

    For the in-memory tracker store of the development setup, which Rasa's API cannot
    delete from: a conversation that exists is replaced by an empty one (its id stays
    until Rasa restarts; memory vanishes then anyway). None when Rasa did not answer.
    """
    import requests

    params = {"token": token} if token else {}
    cleared = 0
    try:
        for cid in conversation_ids:
            # Rasa (Sanic) takes the id from the path without decoding it: ":" and "+" as they are.
            base = f"{rasa_url.rstrip('/')}/conversations/{quote(cid, safe=':+')}"
            found = requests.get(f"{base}/story", params=params, timeout=timeout)
            if found.status_code == 404:
                continue
            if found.status_code in (401, 403):
                return None, f"Rasa at {rasa_url} refused the token (set RASA_AUTH_TOKEN to its --auth-token)"
            found.raise_for_status()
            if not dry_run:
                requests.put(f"{base}/tracker/events", params=params, json=[], timeout=timeout).raise_for_status()
            cleared += 1
    except requests.RequestException as exc:
        return None, f"Rasa at {rasa_url} not reachable ({type(exc).__name__})"
    return cleared, f"{cleared} conversations emptied in the running Rasa at {rasa_url}"
