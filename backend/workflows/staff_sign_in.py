"""Staff sign-in and sign-out: the order of the steps, in one unit of work.

Sign-in: the client's pause (if it still owes one) → the password check → the attempt
recorded (kept even when the sign-in fails: a failure must count) → a new session. The
API hands the token out as a bearer token; the pages put it in an HttpOnly cookie.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.context import BackendContext
from backend.domain.staff import StaffPrincipal
from backend.services import staff_accounts, staff_login, staff_sessions
from backend.services.errors import ServiceError, Unauthorized



@dataclass(frozen=True)
class SignedIn:
    token: str  # given out once; only its hash is stored
    expires_at: dt.datetime  # the session's absolute end
    principal: StaffPrincipal


def sign_in(ctx: BackendContext, *, email: str, password: str, client_key: str) -> SignedIn:
    now = ctx.now()
    session = ctx.sessions()
    try:
        digest = staff_login.email_hash(ctx.settings, email)
        wait = staff_login.retry_after(session, ctx.settings, digest, client_key, now)
        if wait > 0:
            raise staff_login.too_many(wait)
        account = staff_accounts.check_password(session, email, password)
        staff_login.record(session, digest, client_key, account is not None, now)
        if account is None:
            raise Unauthorized("staff_login_failed")
        token, row = staff_sessions.open_session(session, account, ctx.settings, now)
        account.last_login_at = now
        signed_in = SignedIn(token=token, expires_at=row.expires_at,
                             principal=staff_sessions.principal_of(account, row))
        session.commit()
        return signed_in
    except ServiceError:
        session.commit()  # the failed attempt counts
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def sign_out(ctx: BackendContext, token: str) -> bool:
    """End the session of this token (nothing to do when it had already ended)."""
    return staff_sessions.sign_out(ctx, token)
