"""Proving who a customer is before anything about an order is disclosed.

A customer proves identity with an order number (or an RMA) plus the email or phone on
that order. Unknown orders and wrong contacts get the very same answer, so the endpoint
tells an attacker nothing about which order numbers exist, and failed attempts are
counted per reference and per client so that guessing is throttled. Success yields a
short-lived signed token scoped to that customer and order; every other customer-facing
endpoint requires it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jwt
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.db.models import (
    ConversationSession,
    Customer,
    Order,
    ReturnRequest,
    VerificationAttempt,
    utcnow,
)
from backend.domain.claims import CustomerClaims
from backend.domain.identifiers import (
    MIN_PHONE_DIGITS,
    conversation_channel,
    looks_like_email,
    normalize_email,
    normalize_order_number,
    phone_matches,
)
from backend.services.errors import RateLimited, ServiceError, Unauthorized
from backend.services.rate_limit import growing_pause
from common.formatting import format_wait
from common.identifiers import normalize_rma
from common.languages import localized
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.context import BackendContext

TOKEN_AUDIENCE = "boomerang-customer"


@dataclass(frozen=True)
class VerificationResult:
    token: str
    expires_at: dt.datetime
    customer: Customer
    order: Order


def _keyed_hash(settings: Settings, text: str) -> str:
    """Attempts are stored under keyed hashes: the table is no list of orders or contacts."""
    return hmac.new(settings.secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def reference_hash(settings: Settings, reference: str) -> str:
    """The hash failures are counted under for an order number (or an unknown RMA)."""
    return _keyed_hash(settings, reference)


def contact_key(contact: str) -> str:
    """One key per email or phone, however it was typed ("06 39…" and "+33 6 39…" agree)."""
    if looks_like_email(contact):
        return normalize_email(contact) or contact.strip().lower()
    digits = re.sub(r"\D", "", contact)
    return digits[-MIN_PHONE_DIGITS:] if digits else contact.strip().lower()


def contact_hash(settings: Settings, contact: str) -> str:
    """The keyed hash failures are counted under for an email or phone (also what erasure deletes)."""
    return _keyed_hash(settings, f"contact:{contact_key(contact)}")


def _find_order(session: Session, reference: str) -> Order | None:
    rma = normalize_rma(reference)
    if rma:
        ret = session.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one_or_none()
        if ret is not None:
            return ret.order
    number = normalize_order_number(reference)
    if number:
        return session.execute(select(Order).where(Order.number == number)).scalar_one_or_none()
    return None


def _contact_matches(customer: Customer, contact: str) -> bool:
    if looks_like_email(contact):
        email = normalize_email(contact)
        return email is not None and hmac.compare_digest(email, customer.email)
    return phone_matches(customer.phone, contact)


def backoff_seconds(failures: int, free: int, settings: Settings) -> int:
    """The pause owed after ``failures`` failures when ``free`` of them cost nothing.

    It doubles with each failure past the free ones and never exceeds the cap, so an
    attacker slows down quickly while a customer is never locked out for long.
    """
    return growing_pause(failures, free, settings.verify_base_delay_seconds,
                         settings.verify_max_delay_seconds)


class _Throttle:
    """Failed attempts in the window, counted per reference, per contact and per client.

    * per client (the real identity a channel sees: browser address, SMS number): past
      its free failures the client waits a growing pause after each failure;
    * per reference (an RMA counts as its order) and per contact: the count is global,
      so a guesser spread over many clients raises the pause for all of them, but the
      pause is measured from *this client's* last failure on that reference or contact.
      A client that has not failed on it is not held back: the real customer typing the
      right order and contact gets in while their order is being guessed elsewhere.
    """

    def __init__(self, session: Session, settings: Settings, since: dt.datetime, now: dt.datetime) -> None:
        self.session, self.settings, self.since, self.now = session, settings, since, now

    def _failures(self, *conditions) -> tuple[int, dt.datetime | None]:
        stmt = select(func.count(VerificationAttempt.id), func.max(VerificationAttempt.created_at)).where(
            VerificationAttempt.success.is_(False), VerificationAttempt.created_at >= self.since, *conditions)
        count, last = self.session.execute(stmt).one()
        return int(count), last

    def _wait(self, pause: int, last: dt.datetime | None) -> int:
        if not pause or last is None:
            return 0
        return max(0, int(pause - (self.now - last).total_seconds()))

    def retry_after(self, ref_hash: str, contact_digest: str, client_key: str) -> int:
        """Seconds this client must still wait before this attempt is looked at (0: go)."""
        s = self.settings
        col = VerificationAttempt
        count, last = self._failures(col.client_key == client_key)
        waits = [self._wait(backoff_seconds(count, s.verify_max_failures_per_client, s), last)]
        for column, value in ((col.reference_hash, ref_hash), (col.contact_hash, contact_digest)):
            total, _ = self._failures(column == value)
            pause = backoff_seconds(total, s.verify_max_failures_per_reference, s)
            if pause:
                _, mine = self._failures(column == value, col.client_key == client_key)
                waits.append(self._wait(pause, mine))
        return max(waits)


def _too_many(retry_after: int) -> RateLimited:
    return RateLimited("too_many_attempts", retry_after=retry_after,
                       wait=localized(lambda language: format_wait(retry_after, language)))


def verify_customer(
    session: Session, settings: Settings, *, reference: str, contact: str, client_key: str,
    now: dt.datetime | None = None,
) -> VerificationResult:
    """Check reference + contact; raise :class:`Unauthorized` or :class:`RateLimited`.

    The attempt is recorded in the caller's transaction; the API commits it even when the
    verification fails, because a failure must count. An attempt refused for its pause
    is not recorded: waiting, not retrying, is what lifts it.
    """
    now = now or utcnow()
    since = now - dt.timedelta(seconds=settings.verify_window_seconds)
    order = _find_order(session, reference)
    # An RMA is counted as its order: guessing through the order's RMAs buys nothing.
    ref_key = (order.number if order is not None else
               normalize_rma(reference) or normalize_order_number(reference) or reference.strip().upper())
    ref_hash = reference_hash(settings, ref_key)
    contact_digest = contact_hash(settings, contact)
    client_key = client_key[:128] or "unknown"

    wait = _Throttle(session, settings, since, now).retry_after(ref_hash, contact_digest, client_key)
    if wait > 0:
        raise _too_many(wait)

    ok = order is not None and _contact_matches(order.customer, contact)
    session.add(VerificationAttempt(reference_hash=ref_hash, contact_hash=contact_digest,
                                    client_key=client_key, success=ok, created_at=now))
    if not ok or order is None:
        raise Unauthorized("verification_failed")

    expires_at = now + dt.timedelta(seconds=settings.customer_token_ttl_seconds)
    token = jwt.encode(
        {"cid": order.customer_id, "oid": order.id, "aud": TOKEN_AUDIENCE,
         "exp": expires_at.replace(tzinfo=dt.timezone.utc), "iat": now.replace(tzinfo=dt.timezone.utc)},
        settings.secret_key, algorithm="HS256",
    )
    return VerificationResult(token=token, expires_at=expires_at, customer=order.customer, order=order)


def decode_customer_token(settings: Settings, token: str) -> CustomerClaims:
    """The claims of a token this backend issued; :class:`Unauthorized` otherwise."""
    try:
        data = jwt.decode(token, settings.secret_key, algorithms=["HS256"], audience=TOKEN_AUDIENCE)
        return CustomerClaims(customer_id=int(data["cid"]), order_id=int(data["oid"]))
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise Unauthorized("customer_token_invalid") from None


def _bind_conversation(session: Session, conversation_id: str, result: VerificationResult,
                       now: dt.datetime) -> None:
    """Remember server-side that this conversation proved this customer and order."""
    row = session.execute(select(ConversationSession).where(
        ConversationSession.conversation_id == conversation_id)).scalar_one_or_none()
    if row is None:
        row = ConversationSession(conversation_id=conversation_id)
        session.add(row)
    row.channel = conversation_channel(conversation_id)
    row.customer_id, row.order_id = result.customer.id, result.order.id
    row.created_at, row.expires_at = now, result.expires_at


def _unbind_conversation(session: Session, conversation_id: str) -> None:
    session.execute(delete(ConversationSession).where(ConversationSession.conversation_id == conversation_id))


def verify(ctx: "BackendContext", *, reference: str, contact: str, client_key: str,
           conversation_id: str | None = None) -> dict:
    """Verify and always keep the attempt, even a failed one (it counts for throttling).

    With a ``conversation_id`` (the assistant's channels) the proof is kept server-side
    for that conversation and no bearer token is handed out; a failed attempt in that
    conversation also ends what it had proved before (whoever asks must prove again).
    Without one (a direct API caller), the answer carries a customer token.
    """
    session = ctx.sessions()
    try:
        try:
            result = verify_customer(session, ctx.settings, reference=reference, contact=contact,
                                     client_key=client_key, now=ctx.now())
        except Unauthorized:
            if conversation_id:
                _unbind_conversation(session, conversation_id)
            raise
        if conversation_id:
            _bind_conversation(session, conversation_id, result, ctx.now())
        view = {
            "customer_token": None if conversation_id else result.token,
            "conversation_id": conversation_id,
            "expires_at": result.expires_at,
            "customer": {"first_name": result.customer.name.split()[0],
                         "language": result.customer.preferred_language},
            "order": {"number": result.order.number, "ordered_at": result.order.ordered_at,
                      "delivered_on": result.order.delivered_on},
        }
        session.commit()
        return view
    except ServiceError:
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def conversation_claims(ctx: "BackendContext", conversation_id: str) -> CustomerClaims:
    """What a verified conversation proves; :class:`Unauthorized` when it proves nothing."""
    with ctx.sessions() as session:
        row = session.execute(select(ConversationSession).where(
            ConversationSession.conversation_id == conversation_id,
            ConversationSession.expires_at > ctx.now())).scalar_one_or_none()
        if row is None:
            raise Unauthorized("conversation_not_verified")
        return CustomerClaims(customer_id=row.customer_id, order_id=row.order_id)


def end_conversation_session(ctx: "BackendContext", conversation_id: str) -> None:
    with ctx.sessions() as session:
        _unbind_conversation(session, conversation_id)
        session.commit()
