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
