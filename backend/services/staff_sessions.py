"""Server-side staff sessions: open, resolve (and keep alive), revoke.

A session token is 256 random bits, handed to the client once (as a bearer token or in
an HttpOnly cookie); the database keeps only its SHA-256. A plain hash is enough here:
the token is random, not chosen by a person, so there is nothing to brute-force.

A session is valid while it is not revoked, its absolute end (``expires_at``, sign-in +
``staff_session_max_seconds``) is ahead, and it was used within the idle timeout
(``last_seen_at`` + ``staff_session_idle_seconds``). Using it moves ``last_seen_at``
(at most once a minute, so reading pages does not write on every request).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.db.models import StaffAccount, StaffSession
from backend.db.session import session_scope
from backend.domain.staff import StaffPrincipal
from backend.services.errors import Unauthorized
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.context import BackendContext

TOUCH_EVERY = dt.timedelta(seconds=60)


def not_signed_in() -> Unauthorized:
    # The code the staff token check always answered, so existing scripts keep working.
    return Unauthorized("staff_token_invalid")


def session_ended() -> Unauthorized:
    return Unauthorized("staff_session_expired")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def principal_of(account: StaffAccount, row: StaffSession | None = None) -> StaffPrincipal:
    return StaffPrincipal(id=account.id, email=account.email, name=account.display_name, role=account.role,
                          language=account.preferred_language, session_id=row.id if row is not None else None)


def open_session(session: Session, account: StaffAccount, settings: Settings,
                 now: dt.datetime) -> tuple[str, StaffSession]:
    """A new session for ``account``: (the token, given out once; the stored row)."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(token_hash=token_hash(token), account_id=account.id, created_at=now,
                       last_seen_at=now, expires_at=now + dt.timedelta(seconds=settings.staff_session_max_seconds))
    session.add(row)
    session.flush()
    return token, row


def idle_deadline(row: StaffSession, settings: Settings) -> dt.datetime:
    return row.last_seen_at + dt.timedelta(seconds=settings.staff_session_idle_seconds)


def is_live(row: StaffSession, settings: Settings, now: dt.datetime) -> bool:
    return row.revoked_at is None and now < row.expires_at and now < idle_deadline(row, settings)


def resolve(session: Session, token: str, settings: Settings, now: dt.datetime) -> StaffPrincipal:
    """The principal of a live session (its use recorded); :class:`Unauthorized` otherwise.

    An unknown token answers ``staff_token_invalid``; a known one that has ended (revoked,
    expired, idle, or its account disabled) answers ``staff_session_expired``.
    """
    if not token:
        raise not_signed_in()
    row = session.execute(select(StaffSession).where(StaffSession.token_hash == token_hash(token))
                          ).scalar_one_or_none()
    if row is None:
        raise not_signed_in()
    account = row.account
    if not is_live(row, settings, now) or not account.active:
        raise session_ended()
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return principal_of(account, row)


def revoke(session: Session, token: str, now: dt.datetime) -> bool:
    """End the session of this token; False when there was none still open."""
    result = session.execute(update(StaffSession).where(
        StaffSession.token_hash == token_hash(token), StaffSession.revoked_at.is_(None)).values(revoked_at=now))
    return bool(result.rowcount)


def revoke_all(session: Session, account_id: int, now: dt.datetime) -> int:
    """End every open session of an account (disabled, or its password changed)."""
    result = session.execute(update(StaffSession).where(
        StaffSession.account_id == account_id, StaffSession.revoked_at.is_(None)).values(revoked_at=now))
    return int(result.rowcount or 0)


# --- one unit of work each, for the API and the pages ------------------------------------

def principal_for_token(ctx: "BackendContext", token: str) -> StaffPrincipal:
    with session_scope(ctx.sessions) as session:
        return resolve(session, token, ctx.settings, ctx.now())


def session_expiry(ctx: "BackendContext", session_id: int) -> dt.datetime | None:
    """The absolute end of a session (for ``/auth/me``)."""
    with ctx.sessions() as session:
        row = session.get(StaffSession, session_id)
        return row.expires_at if row is not None else None


def sign_out(ctx: "BackendContext", token: str) -> bool:
    with session_scope(ctx.sessions) as session:
        return revoke(session, token, ctx.now())


def keep_alive(ctx: "BackendContext", session_id: int) -> bool:
    """A long-lived console connection (the live queue) counts as use: the session stays
    open and the agent counts as online. False once the session has ended, so the
    connection closes instead of outliving a sign-out."""
    with session_scope(ctx.sessions) as session:
        row = session.get(StaffSession, session_id)
        now = ctx.now()
        if row is None or not row.account.active or not is_live(row, ctx.settings, now):
            return False
        row.last_seen_at = now
        return True
