"""Slowing down password guessing on staff sign-in.

The same rule as customer verification (:mod:`backend.services.verification`), on its own
table and settings: failed sign-ins in the window are counted per email (a keyed hash of
what was typed) and per client (the caller's address).

* per client: past its free failures, a client waits a growing pause after each of its
  failures, whatever emails it tries;
* per email: past the email's free failures (counted over every client), the pause is
  measured from *this client's* last failure on that email. A client that has not failed
  on it is not held back, so someone guessing a colleague's password from elsewhere never
  locks the colleague out; with N addresses a guesser gets about N tries per pause.

A refused attempt (still in its pause) is not recorded: waiting, not retrying, lifts it.
With Argon2 and 12 characters at least, that pace leaves online guessing hopeless.
"""
from __future__ import annotations

from common.formatting import format_wait
from common.languages import localized

import datetime as dt
import hashlib
import hmac

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import StaffLoginAttempt
from backend.domain.staff import normalize_staff_email
from backend.services.errors import RateLimited
from backend.services.rate_limit import growing_pause
from backend.settings import Settings


def email_hash(settings: Settings, email: str) -> str:
    key = normalize_staff_email(email) or (email or "").strip().lower()
    return hmac.new(settings.secret_key.encode(), f"staff-login:{key}".encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def _failures(session: Session, since: dt.datetime, *conditions) -> tuple[int, dt.datetime | None]:
    stmt = select(func.count(StaffLoginAttempt.id), func.max(StaffLoginAttempt.created_at)).where(
        StaffLoginAttempt.success.is_(False), StaffLoginAttempt.created_at >= since, *conditions)
    count, last = session.execute(stmt).one()
    return int(count), last


def _pause(settings: Settings, failures: int, free: int) -> int:
    return growing_pause(failures, free, settings.staff_login_base_delay_seconds,
                         settings.staff_login_max_delay_seconds)


def retry_after(session: Session, settings: Settings, email_digest: str, client_key: str,
                now: dt.datetime) -> int:
    """Seconds this client must still wait before its sign-in is looked at (0: go)."""
    since = now - dt.timedelta(seconds=settings.staff_login_window_seconds)
    col = StaffLoginAttempt

    def wait(pause: int, last: dt.datetime | None) -> int:
        return 0 if not pause or last is None else max(0, int(pause - (now - last).total_seconds()))

    count, last = _failures(session, since, col.client_key == client_key)
    waits = [wait(_pause(settings, count, settings.staff_login_max_failures_per_client), last)]
    total, _ = _failures(session, since, col.email_hash == email_digest)
    pause = _pause(settings, total, settings.staff_login_max_failures_per_email)
    if pause:
        _, mine = _failures(session, since, col.email_hash == email_digest, col.client_key == client_key)
        waits.append(wait(pause, mine))
    return max(waits)


def record(session: Session, email_digest: str, client_key: str, success: bool, now: dt.datetime) -> None:
    session.add(StaffLoginAttempt(email_hash=email_digest, client_key=client_key[:128] or "unknown",
                                  success=success, created_at=now))


def too_many(retry_after_seconds: int) -> RateLimited:
    wait = max(1, retry_after_seconds)
    return RateLimited("too_many_sign_ins", retry_after=wait,
                       wait=localized(lambda language: format_wait(wait, language)))
