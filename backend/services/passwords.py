"""Password hashes for staff accounts: Argon2id through ``argon2-cffi``.

The stored string is Argon2's encoded form (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``): it
carries its own parameters and salt, so the parameters can be raised later and old hashes
are upgraded when their owner next signs in (:func:`needs_rehash`). The parameters are the
library's defaults, RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes).

Nothing here logs, and no exception raised here carries the password.
"""
from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
_dummy_hash: str | None = None
_dummy_lock = threading.Lock()


def hasher() -> PasswordHasher:
    return _hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a wrong one or an unreadable hash."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def _dummy() -> str:
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None or needs_rehash(_dummy_hash):
            _dummy_hash = _hasher.hash(secrets.token_urlsafe(24))
        return _dummy_hash


def spend_verification_time(password: str) -> None:
    """Verify against a hash of a random password, so an unknown email (or a disabled
    account) costs what a known one does: the answer's timing tells no one which emails
    have accounts."""
    verify_password(_dummy(), password)
