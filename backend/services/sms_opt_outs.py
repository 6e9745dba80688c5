"""SMS opt-outs (STOP / START), remembered by phone number.

A number that texts STOP may not be a customer yet (or may belong to several), so the
opt-out is kept per number in ``sms_opt_outs``; ``Customer.sms_opt_out`` is kept in step
for every customer with that number, so either one is enough to stop a message.

When a customer's data is erased (``python -m backend erase-customer``), their STOP must
keep being honoured without keeping their number: the row's number is replaced by
:func:`erased_phone_key`, a keyed hash (HMAC with the backend's secret key, cut to fit the
column) that only that same number can match again.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import Customer, SmsOptOut
from backend.db.session import session_scope
from backend.domain.identifiers import normalize_phone_e164
from backend.services.errors import Invalid


ERASED_KEY_PREFIX = "#"


def erased_phone_key(secret_key: str, e164: str) -> str:
    """What an erased customer's opt-out keeps of the number: "#" + 15 characters of an
    HMAC-SHA256 (90 bits), never an E.164 number (those start with "+")."""
    digest = hmac.new(secret_key.encode(), f"sms-opt-out:{e164}".encode(), hashlib.sha256).digest()
    return ERASED_KEY_PREFIX + base64.urlsafe_b64encode(digest).decode()[:15]


def canonical_phone(phone: str) -> str:
    e164 = normalize_phone_e164(phone or "")
    if e164 is None:
        raise Invalid("phone_invalid")
    return e164


def set_opt_out(ctx: BackendContext, phone: str, opted_out: bool) -> str:
    """Record (STOP) or clear (START) an opt-out; idempotent. Returns the E.164 number."""
    e164 = canonical_phone(phone)
    try:
        with session_scope(ctx.sessions) as session:
            _apply(ctx, session, e164, opted_out)
    except IntegrityError:
        # A concurrent STOP for the same number stored the row first: the outcome is the same.
        with session_scope(ctx.sessions) as session:
            _apply(ctx, session, e164, opted_out)
    return e164


def opt_out_status(ctx: BackendContext, phone: str) -> tuple[str, bool]:
    """The E.164 number and whether it refuses SMS: asked by the SMS channel, which keeps
    no opt-outs of its own across restarts."""
    e164 = canonical_phone(phone)
    with ctx.sessions() as session:
        return e164, is_opted_out(session, e164, ctx.settings.secret_key)


def _apply(ctx: BackendContext, session: Session, e164: str, opted_out: bool) -> None:
    if opted_out:
        if session.get(SmsOptOut, e164) is None:
            session.add(SmsOptOut(phone=e164, created_at=ctx.now()))
    else:
        erased = erased_phone_key(ctx.settings.secret_key, e164)
        session.execute(delete(SmsOptOut).where(SmsOptOut.phone.in_((e164, erased))))
    session.execute(update(Customer).where(Customer.phone == e164).values(sms_opt_out=opted_out)
                    .execution_options(synchronize_session=False))


def is_opted_out(session: Session, phone: str | None, secret_key: str | None = None) -> bool:
    """Does this number refuse SMS (by its own STOP, an erased customer's STOP when
    ``secret_key`` is given, or a customer's flag)?"""
    if not phone:
        return False
    if session.get(SmsOptOut, phone) is not None:
        return True
    if secret_key and session.get(SmsOptOut, erased_phone_key(secret_key, phone)) is not None:
        return True
    flagged = session.execute(select(Customer.id).where(Customer.phone == phone,
                                                        Customer.sms_opt_out.is_(True))).first()
    return flagged is not None
