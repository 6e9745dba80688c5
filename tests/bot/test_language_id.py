"""Language detection on the kinds of messages customers send."""
from __future__ import annotations

import pytest

from bot.nlu.language_id import detect_language, requested_language


@pytest.mark.parametrize("text,expected", [
    ("the lamp arrived broken", "en"),
    ("le pull ne me va pas", "fr"),
    ("je veux etre rembourse", "fr"),
    ("Bonjour", "fr"),
    ("hello", "en"),
    ("oui", "fr"),
    ("yes please", "en"),
    ("c'est cassé", "fr"),
    ("where is my refund?", "en"),
    ("où est mon remboursement", "fr"),
    ("jveux renvoyer ma commande stp", "fr"),
    ("i want to send back my order", "en"),
    ("Mon colis est arrivé abîmé", "fr"),
    ("can i return swimwear", "en"),
])
def test_detects_clear_messages(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "BM-104217", "alice@example.com", "+33639981234", "R-7K4M-2QX9",
                                  "", None, '/choose{"return_item": "3"}', "👍"])
def test_stays_silent_when_message_says_nothing(text):
    assert detect_language(text) is None


@pytest.mark.parametrize("text,expected", [
    ("can we speak French?", "fr"),
    ("en anglais svp", "en"),
    ("in English please", "en"),
    ("je ne parle pas anglais", "fr"),
    ("I don't speak French", "en"),
    ("hello", None),
])
def test_requested_language(text, expected):
    assert requested_language(text) == expected
