"""Masking personal data (emails and phone numbers) in text meant for people other than
the customer: staff screens (handoff summaries) and logs.

    mask_email("camille.martin@example.com")  -> "c***@example.com"
    mask_phone("+33 6 39 98 12 34")           -> "***34"
    mask_contact(value)                        -> either of the above, by the look of it
    mask_text("I'm camille@example.com, 06 39 98 12 34, order BM-100001")
        -> "I'm c***@example.com, ***34, order BM-100001"

What counts as a phone number in free text: a "+" (or "%2B", URL-encoded) followed by
8 to 15 digits, spaces, dots, hyphens or brackets; or, without "+", 9 to 15 digits
written in one block or in groups joined by one kind of separator ("0639981234",
"06 39 98 12 34", "06.39.98.12.34", "0033 6 39 98 12 34", "(555) 123-4567"). A number
glued to a letter, a hyphen, a dot, a slash or "#" is something else (BM-100001,
R-7K4M-2QX9, 49.90, 2024-05-01, 01/05/2024, 12:30), and so is anything of fewer than
9 digits, so order numbers, RMAs, prices, dates and times pass through unchanged.
"""
from __future__ import annotations

import re

# Local part as RFC 5322 allows it in practice; "%40" is an "@" in a URL.
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
EMAIL_RE = re.compile(rf"(?<![\w.%+\-])([^\W_][\w.%+\-]{{0,63}})(@|%40)({_LABEL}(?:\.{_LABEL})+)")

# Nothing that makes the digits part of a word, an identifier, a decimal or a date.
_BEFORE = r"(?<![\w+\-./#%@])"
_AFTER = r"(?![\w@]|[.\-/:]\d)"
_INTERNATIONAL = r"(?:\+|%2[Bb])\d(?:[ .\-]?\(?\d\)?){7,14}"
_GROUPED = "|".join(
    rf"\d{{1,5}}(?:{sep}\d{{1,8}})+" for sep in (" ", r"\.", "-")
)
_NATIONAL = rf"\d{{9,15}}|{_GROUPED}|\(\d{{2,5}}\) ?\d{{3,4}}[ .\-]?\d{{3,4}}"
# A "+" number may follow a slash (a URL path: /opt-outs/%2B33639981234).
PHONE_RE = re.compile(rf"(?:(?<![\w+\-.#%@]){_INTERNATIONAL}|{_BEFORE}(?:{_NATIONAL}))(?!\d){_AFTER}")

_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
MIN_NATIONAL_DIGITS = 9
MAX_DIGITS = 15


def mask_email(email: str) -> str:
    """"camille.martin@example.com" -> "c***@example.com" (first letter and domain kept)."""
    name, at, domain = email.partition("@")
    if not at:
        return "***"
    return f"{name[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """Any phone number -> "***" and its last two digits ("+33639981234" -> "***34")."""
    digits = re.sub(r"\D", "", phone)
    return f"***{digits[-2:]}" if len(digits) >= 2 else "***"


def mask_contact(contact: str) -> str:
    """An email or a phone number, whichever it looks like, masked."""
    return mask_email(contact) if "@" in contact else mask_phone(contact)


def _phone_or_not(match: re.Match) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text.replace("%2B", "+").replace("%2b", "+"))
    international = text.startswith(("+", "%2"))
    if not international and _IPV4_RE.fullmatch(text):
        return text
    low = 8 if international else MIN_NATIONAL_DIGITS
    if not low <= len(digits) <= MAX_DIGITS:
        return text
    return mask_phone(digits)


def _email(match: re.Match) -> str:
    return f"{match.group(1)[:1]}***{match.group(2)}{match.group(3)}"


def mask_text(text: str) -> str:
    """Every email address and phone number in ``text`` masked; everything else as it was."""
    if not text:
        return text
    if "@" in text or "%40" in text:
        text = EMAIL_RE.sub(_email, text)
    if sum(ch.isdigit() for ch in text) >= 8:
        text = PHONE_RE.sub(_phone_or_not, text)
    return text
