"""Normalising what customers type: order numbers, emails and phone numbers.

Customers write "bm104217", "#104217" or "06 39 98 12 34"; the backend compares canonical
forms so that a typo in spacing is never mistaken for a wrong identity.
"""
from __future__ import annotations

import re

# Conversation ids, order numbers and RMAs are parsed in one place for the backend and
# the assistant alike (common/).
from common.conversation_ids import conversation_channel  # noqa: F401
from common.identifiers import ORDER_PREFIX, normalize_order_number  # noqa: F401

_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")
# A phone given without its country code must still carry this many national digits
# to count as a match, so "78" never matches a whole number.
MIN_PHONE_DIGITS = 9


def normalize_email(text: str) -> str | None:
    email = text.strip().lower()
    return email if _EMAIL_RE.match(email) else None


def normalize_phone_e164(text: str) -> str | None:
    """A phone number already in international form ("+33 6 12…", "0033 6…") → E.164."""
    raw = text.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    elif not raw.startswith("+"):
        return None
    candidate = f"+{digits}"
    return candidate if _E164_RE.match(candidate) else None


def phone_matches(stored_e164: str | None, typed: str) -> bool:
    """Does what the customer typed denote the stored number?

    Accepts the international form or the national one with its trunk zero
    ("0639981234" for +33639981234, "07700 900123" for +447700900123).
    """
    if not stored_e164:
        return False
    typed_digits = re.sub(r"\D", "", typed)
    if typed.strip().startswith("00"):
        typed_digits = typed_digits[2:]
    national = typed_digits.lstrip("0")
    stored_digits = stored_e164.lstrip("+")
    if len(national) < MIN_PHONE_DIGITS:
        return False
    return stored_digits == typed_digits or stored_digits.endswith(national)


def looks_like_email(text: str) -> bool:
    return "@" in text
