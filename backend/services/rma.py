"""RMA numbers: short enough to read over the phone, random enough not to be guessed.

Format ``R-XXXX-XXXX``: eight symbols from Crockford's base32 alphabet, 40 random bits.
With a few thousand returns a year, a guess hits a real RMA about once in 10^8 tries, and
lookups need the customer's email or phone on top and are throttled. Minting and parsing
live in common/identifiers.py, shared with the assistant, so both sides read an RMA alike.
"""
from __future__ import annotations

from common.identifiers import ALPHABET, new_rma, normalize_rma  # noqa: F401
