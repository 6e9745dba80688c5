"""The conversation's language, as the assistant should answer in it."""
from __future__ import annotations

from rasa_sdk import Tracker

SUPPORTED = ("en", "fr")


def language_of(tracker: Tracker) -> str:
    value = tracker.get_slot("language")
    return value if value in SUPPORTED else "en"


def pick(texts: dict | None, language: str) -> str:
    """One language out of a backend ``{"en": ..., "fr": ...}`` pair."""
    if not texts:
        return ""
    return texts.get(language) or texts.get("en") or ""
