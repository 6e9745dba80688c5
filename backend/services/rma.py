"""RMA numbers: short enough to read over the phone, random enough not to be guessed.

Format ``R-XXXX-XXXX``: eight symbols from Crockford's base32 alphabet (no I, L, O, U, so
nothing is misread), 40 random bits from :mod:`secrets`. With a few thousand returns a
year, a guess hits a real RMA about once in 10^8 tries, and lookups are rate-limited and
need the customer's email or phone on top.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RMA_RE = re.compile(r"^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
# What people type instead of the canonical symbols.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_rma() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"R-{body[:4]}-{body[4:]}"


def normalize_rma(text: str) -> str | None:
    """Canonical RMA from what a customer typed ("r 7k4m-2qx9" → "R-7K4M-2QX9"), or None."""
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    if compact.startswith("RMA"):
        compact = compact[3:]
    elif compact.startswith("R"):
        compact = compact[1:]
    compact = compact.translate(_CONFUSABLE)
    if len(compact) != 8:
        return None
    candidate = f"R-{compact[:4]}-{compact[4:]}"
    return candidate if _RMA_RE.match(candidate) else None
