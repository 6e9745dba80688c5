"""The conversation's language, as the assistant should answer in it."""
from __future__ import annotations

from rasa_sdk import Tracker

from common.languages import supported


def language_of(tracker: Tracker) -> str:
    """The ``language`` slot when we speak it, else the default (English)."""
    return supported(tracker.get_slot("language"))
