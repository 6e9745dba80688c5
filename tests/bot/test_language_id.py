"""Language detection on the kinds of messages customers send."""
from __future__ import annotations

import random

import pytest

from bot.nlu.language_id import detect_language, requested_language
from common.identifiers import ALPHABET


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


def test_no_rma_the_backend_mints_says_a_language():
    # One in twelve used to read as French (single letters such as "n", "y", "j" inside the
    # code counted as French words) and switched an English chat.
    rng = random.Random(12)
    for _ in range(5000):
        body = "".join(rng.choice(ALPHABET) for _ in range(8))
        for rma in (f"R-{body[:4]}-{body[4:]}", f"r-{body[:4].lower()}-{body[4:].lower()}"):
            assert detect_language(rma) is None, rma
    assert detect_language("R-N3Y0-MYGP") is None and detect_language("R-J8NE-DSNR") is None


@pytest.mark.parametrize("text,expected", [
    # A sentence around a code is read without the code.
    ("my return is R-J8NE-DSNR", "en"), ("mon retour R-N3Y0-MYGP svp", "fr"),
    ("bm 100004 le maillot me va pa", "fr"),
    # One word that is a whole answer tells the language; any other lone word does not.
    ("pourquoi ?", "fr"), ("why?", "en"), ("cassé", "fr"), ("refund", "en"), ("merci", "fr"),
    ("la bleue", None), ("the", None), ("le", None), ("M", None), ("taille M", "fr"), ("size XL", "en"),
    ("agent", None), ("https://shop.example/fr/commande", None), ("www.example.com/thanks", None),
])
def test_the_language_changes_only_on_a_sentence_or_a_whole_answer(text, expected):
    assert detect_language(text) == expected
