"""Staff: roles, who may do what to a return, the password rule, the signed-in principal.

Pure rules (no database, no HTTP), so the API, the pages and the command line agree:

* ``agent``: talks to customers; takes review decisions (approve, hold, reject), issues
  labels, cancels a return on the customer's word.
* ``warehouse``: carrier scans, receiving, inspection, the resolution that follows it
  (refund, exchange, credit), closing; retries a failed refund.
* ``supervisor`` and ``admin``: everything the two above do, plus maintenance (the label
  expiry sweep). ``admin`` is also what the install-wide staff token acts as.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from backend.domain.lifecycle import ReturnStatus as S

AGENT, SUPERVISOR, WAREHOUSE, ADMIN = "agent", "supervisor", "warehouse", "admin"
ROLES: tuple[str, ...] = (AGENT, SUPERVISOR, WAREHOUSE, ADMIN)
LANGUAGES: tuple[str, ...] = ("en", "fr")

ANY_STAFF: frozenset[str] = frozenset(ROLES)
MANAGERS: frozenset[str] = frozenset({SUPERVISOR, ADMIN})

# Who may ask for each target status on ``POST /api/v1/staff/returns/{rma}/transitions``.
# The state machine still decides whether the move is legal from where the return is.
MOVE_ROLES: dict[S, frozenset[str]] = {
    S.REQUESTED: ANY_STAFF,  # never legal: everyone gets the same 409
    S.APPROVED: MANAGERS | {AGENT},
    S.NEEDS_REVIEW: MANAGERS | {AGENT},
    S.REJECTED: MANAGERS | {AGENT, WAREHOUSE},  # an agent at review, the warehouse after inspection
    S.LABEL_ISSUED: MANAGERS | {AGENT, WAREHOUSE},
    S.IN_TRANSIT: MANAGERS | {WAREHOUSE},
    S.RECEIVED: MANAGERS | {WAREHOUSE},
    S.INSPECTED: MANAGERS | {WAREHOUSE},
    S.REFUNDED: MANAGERS | {WAREHOUSE},
    S.EXCHANGED: MANAGERS | {WAREHOUSE},
    S.CREDITED: MANAGERS | {WAREHOUSE},
    S.CLOSED: MANAGERS | {WAREHOUSE},
    S.CANCELLED: MANAGERS | {AGENT},
    S.EXPIRED: MANAGERS,
}
# Retrying a failed refund moves money: the roles that may refund.
REFUND_ROLES: frozenset[str] = MOVE_ROLES[S.REFUNDED]
# The handoff queue (the agent console).
HANDOFF_ROLES: frozenset[str] = MANAGERS | {AGENT}


def roles_for_move(status: S) -> frozenset[str]:
    return MOVE_ROLES.get(status, MANAGERS)


ROLE_NAMES = {
    "en": {AGENT: "Agent", SUPERVISOR: "Supervisor", WAREHOUSE: "Warehouse", ADMIN: "Administrator"},
    "fr": {AGENT: "Conseiller", SUPERVISOR: "Superviseur", WAREHOUSE: "Entrepôt", ADMIN: "Administrateur"},
}

# Passwords: a length floor (NIST SP 800-63B: length over composition rules) and a ceiling
# that keeps one login from costing more than hashing a long passphrase.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024


def password_problem(password: str) -> Optional[str]:
    """Why this password cannot be set (a key of backend.domain.error_text), or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "staff_password_too_short"
    if len(password) > PASSWORD_MAX_LENGTH:
        return "staff_password_too_long"
    if not password.strip():
        return "staff_password_blank"
    return None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normalize_staff_email(email: str) -> Optional[str]:
    """The stored form of a staff email (trimmed, lower-cased), or None if it is no email."""
    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        return None
    return email


@dataclass(frozen=True)
class StaffPrincipal:
    """Who is calling a staff route. ``id`` is None for the install-wide staff token."""

    id: Optional[int]
    email: str
    name: str
    role: str
    language: str = "en"
    session_id: Optional[int] = None

    @property
    def is_account(self) -> bool:
        return self.id is not None

    def may(self, roles: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        return self.role in roles

    def actor(self) -> str:
        """How the principal is recorded in a return's history."""
        return f"staff:{self.id}:{self.email}"[:80] if self.is_account else "staff-token"


STAFF_TOKEN_PRINCIPAL = StaffPrincipal(id=None, email="", name="staff token", role=ADMIN, language="en")
