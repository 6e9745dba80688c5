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
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jwt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import Customer, Order, ReturnRequest, VerificationAttempt, utcnow
from backend.domain.identifiers import (
    looks_like_email,
    normalize_email,
    normalize_order_number,
    phone_matches,
)
from backend.services.errors import RateLimited, ServiceError, Unauthorized
from backend.services.rma import normalize_rma
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.context import BackendContext

TOKEN_AUDIENCE = "boomerang-customer"

FAILED_MESSAGE_EN = (
    "We couldn't verify those details. Please check the order number and the email "
    "or phone number used for the order."
)
FAILED_MESSAGE_FR = (
    "Nous n'avons pas pu vérifier ces informations. Vérifiez le numéro de commande et "
    "l'e-mail ou le numéro de téléphone utilisés pour la commande."
)


@dataclass(frozen=True)
class CustomerClaims:
    """What a valid customer token proves."""

    customer_id: int
    order_id: int


@dataclass(frozen=True)
class VerificationResult:
    token: str
    expires_at: dt.datetime
    customer: Customer
    order: Order


def _reference_hash(settings: Settings, reference: str) -> str:
    return hmac.new(settings.secret_key.encode(), reference.encode(), hashlib.sha256).hexdigest()


def _recent_failures(session: Session, column, value: str, since: dt.datetime) -> int:
    stmt = select(func.count(VerificationAttempt.id)).where(
        column == value, VerificationAttempt.success.is_(False),
        VerificationAttempt.created_at >= since,
    )
    return int(session.execute(stmt).scalar_one())


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


def verify_customer(
    session: Session, settings: Settings, *, reference: str, contact: str, client_key: str,
    now: dt.datetime | None = None,
) -> VerificationResult:
    """Check reference + contact; raise :class:`Unauthorized` or :class:`RateLimited`.

    The attempt is recorded in the caller's transaction; the API commits it even when the
    verification fails, because a failure must count.
    """
    now = now or utcnow()
    since = now - dt.timedelta(seconds=settings.verify_window_seconds)
    ref_key = (normalize_rma(reference) or normalize_order_number(reference)
               or reference.strip().upper())
    ref_hash = _reference_hash(settings, ref_key)
    client_key = client_key[:128] or "unknown"

    if (_recent_failures(session, VerificationAttempt.reference_hash, ref_hash, since)
            >= settings.verify_max_failures_per_reference
            or _recent_failures(session, VerificationAttempt.client_key, client_key, since)
            >= settings.verify_max_failures_per_client):
        minutes = max(1, settings.verify_window_seconds // 60)
        raise RateLimited(
            f"Too many attempts. For your security, please try again in {minutes} minutes "
            "or ask for a person.",
            f"Trop de tentatives. Par sécurité, réessayez dans {minutes} minutes ou "
            "demandez à parler à un conseiller.",
            retry_after=settings.verify_window_seconds,
        )

    order = _find_order(session, reference)
    ok = order is not None and _contact_matches(order.customer, contact)
    session.add(VerificationAttempt(reference_hash=ref_hash, client_key=client_key,
                                    success=ok, created_at=now))
    if not ok or order is None:
        raise Unauthorized(FAILED_MESSAGE_EN, FAILED_MESSAGE_FR, code="verification_failed")

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
        raise Unauthorized(
            "Your verification has expired or is invalid. Please verify your order again.",
            "Votre vérification a expiré ou n'est pas valide. Merci de vérifier à nouveau "
            "votre commande.",
            code="customer_token_invalid",
        ) from None


def verify(ctx: "BackendContext", *, reference: str, contact: str, client_key: str) -> dict:
    """Verify and always keep the attempt, even a failed one (it counts for rate limiting)."""
    session = ctx.sessions()
    try:
        result = verify_customer(session, ctx.settings, reference=reference, contact=contact,
                                 client_key=client_key, now=ctx.now())
        view = {
            "customer_token": result.token,
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
