"""Order numbers and RMAs: minted, normalised and found in free text in one place.

The backend mints and looks them up; the assistant finds them in what a customer typed.
Two parsers used to disagree: the chat wanted a digit in an RMA while the backend mints
RMAs without one about one time in twenty (8 symbols from a 32-symbol alphabet, 22 of
them letters), so those customers could not find their return in the chat. Both sides
now use this module, and a test checks it against the NLU's regex for the ``rma`` entity.
"""
from __future__ import annotations

import re
import secrets

# --- order numbers ----------------------------------------------------------------------

ORDER_PREFIX = "BM"
_ORDER_RE = re.compile(r"^(?:BM)?(\d{4,10})$")
_ORDER_IN_TEXT_RE = re.compile(r"\b(?:bm[\s\-_]?)?(\d{4,10})\b", re.IGNORECASE)


def normalize_order_number(text: str) -> str | None:
    """"bm-104217", "#104217", "BM 104217" → "BM-104217"; None when it is no order number."""
    compact = re.sub(r"[\s\-_#.]", "", text.upper())
    m = _ORDER_RE.match(compact)
    return f"{ORDER_PREFIX}-{m.group(1)}" if m else None


def find_order_number(text: str) -> str | None:
    """The first order number in free text ("it's order 104217, thanks" → "BM-104217")."""
    m = _ORDER_IN_TEXT_RE.search(text)
    return f"{ORDER_PREFIX}-{m.group(1)}" if m else None


# --- RMAs ----------------------------------------------------------------------------------
# Format ``R-XXXX-XXXX``: eight symbols from Crockford's base32 alphabet (no I, L, O, U, so
# nothing is misread), 40 random bits from :mod:`secrets`.

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RMA_RE = re.compile(r"^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
# What people type instead of the canonical symbols.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
# In free text: "R-7K4M-2QX9", "r 7k4m 2qx9", "r7k4m2qx9", "RMA R-7K4M-2QX9".
_RMA_IN_TEXT_RE = re.compile(r"\b(?:rma[\s:#]*)?r(?P<sep1>[\s\-]?)(?P<a>[0-9a-z]{4})(?P<sep2>[\s\-]?)(?P<b>[0-9a-z]{4})\b",
                             re.IGNORECASE)


def new_rma() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"R-{body[:4]}-{body[4:]}"


def normalize_rma(text: str) -> str | None:
    """Canonical RMA from what a customer typed ("r 7k4m-2qx9" → "R-7K4M-2QX9"), or None.

    Accepts an optional "RMA" in front ("RMA R-7K4M-2QX9"); "R-MA12-3456" stays the RMA
    it is, because the eight symbols after the R are tried first.
    """
    compact = re.sub(r"[\s\-_.:#]", "", text.upper())
    candidates = []
    if compact.startswith("R") and len(compact) == 9:
        candidates.append(compact[1:])
    if compact.startswith("RMAR") and len(compact) == 12:
        candidates.append(compact[4:])
    elif compact.startswith("RMA") and len(compact) == 11:
        candidates.append(compact[3:])
    for body in candidates:
        body = body.translate(_CONFUSABLE)
        candidate = f"R-{body[:4]}-{body[4:]}"
        if _RMA_RE.match(candidate):
            return candidate
    return None


def find_rma(text: str) -> str | None:
    """The first RMA in free text.

    Without a digit, only the written-out form with both dashes counts ("R-ABCD-EFGH"):
    "rectangle" or "r them back" are words, not returns. This is the rule of the NLU's
    ``rma`` regex (data/nlu/regex.yml) too.
    """
    for m in _RMA_IN_TEXT_RE.finditer(text):
        body = m.group("a") + m.group("b")
        written_out = m.group("sep1") == "-" and m.group("sep2") == "-"
        if not (written_out or any(ch.isdigit() for ch in body)):
            continue
        rma = normalize_rma(f"R{body}")
        if rma:
            return rma
    return None


def find_reference(text: str) -> str | None:
    """An RMA ("R-7K4M-2QX9") or order number ("BM-104217", "104217") in what was typed."""
    return find_rma(text) or find_order_number(text)
