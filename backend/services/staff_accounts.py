"""Staff accounts: create, list, disable or enable, set a password, check a password.

Single steps on a caller's database session (the command line, the setup step and the
sign-in workflow each own their unit of work). Passwords are never stored, logged or
echoed: only their Argon2 hash (:mod:`backend.services.passwords`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db.models import StaffAccount
from backend.domain.staff import (
    LANGUAGES,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    ROLES,
    normalize_staff_email,
    password_problem,
)
from backend.services import passwords, staff_sessions
from backend.services.errors import Conflict, Invalid, NotFound


def _email(email: str) -> str:
    normalized = normalize_staff_email(email)
    if normalized is None:
        raise Invalid("staff_email_invalid")
    return normalized


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem == "staff_password_too_short":
        raise Invalid("staff_password_too_short", length=PASSWORD_MIN_LENGTH)
    if problem == "staff_password_too_long":
        raise Invalid("staff_password_too_long", length=PASSWORD_MAX_LENGTH)
    if problem is not None:
        raise Invalid("staff_password_blank")


def find_account(session: Session, email: str) -> StaffAccount | None:
    normalized = normalize_staff_email(email)
    if normalized is None:
        return None
    return session.execute(select(StaffAccount).where(StaffAccount.email == normalized)).scalar_one_or_none()


def get_account(session: Session, email: str) -> StaffAccount:
    account = find_account(session, email)
    if account is None:
        raise NotFound("staff_account_not_found")
    return account


def create_account(session: Session, *, email: str, role: str, password: str, now: dt.datetime,
                   name: str | None = None, language: str = "en") -> StaffAccount:
    email = _email(email)
    if role not in ROLES:
        raise Invalid("staff_role_invalid", role=role, roles=", ".join(ROLES))
    if language not in LANGUAGES:
        raise Invalid("staff_language_invalid")
    _check_password(password)
    if find_account(session, email) is not None:
        raise Conflict("staff_account_exists")
    display_name = (name or "").strip()[:120] or email.split("@", 1)[0]
    account = StaffAccount(email=email, display_name=display_name, role=role,
                           password_hash=passwords.hash_password(password), active=True,
                           preferred_language=language, created_at=now)
    session.add(account)
    session.flush()
    return account


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.execute(select(StaffAccount).order_by(StaffAccount.email)).scalars())


def set_active(session: Session, email: str, active: bool, now: dt.datetime) -> StaffAccount:
    """Disable (every open session ends at once) or enable an account."""
    account = get_account(session, email)
    account.active = active
    if not active:
        staff_sessions.revoke_all(session, account.id, now)
    return account


def set_password(session: Session, email: str, password: str, now: dt.datetime) -> StaffAccount:
    """A new password; every open session of the account ends (whoever had it is out)."""
    account = get_account(session, email)
    _check_password(password)
    account.password_hash = passwords.hash_password(password)
    staff_sessions.revoke_all(session, account.id, now)
    return account


def check_password(session: Session, email: str, password: str) -> StaffAccount | None:
    """The active account this email and password open, else None.

    Unknown emails and disabled accounts cost one Argon2 verification like a real one,
    and get the same None as a wrong password. A hash made with older parameters is
    replaced by one with today's, now that the password is at hand.
    """
    account = find_account(session, email)
    if account is None or not account.active:
        passwords.spend_verification_time(password)
        return None
    if not passwords.verify_password(account.password_hash, password):
        return None
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return account
