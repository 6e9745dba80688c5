"""The one shape of a text in every language, and formatting per language."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common import formatting
from common.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_PATTERN,
    LANGUAGES,
    error_fields,
    fill,
    pick,
    supported,
    text_from_error,
)


def test_languages_and_the_fallback():
    assert LANGUAGES[0] == DEFAULT_LANGUAGE == "en"
    assert LANGUAGE_PATTERN == "^(en|fr)$"
    assert supported("fr") == "fr" and supported("de") == "en" and supported(None) == "en"
    assert pick({"en": "Hello", "fr": "Bonjour"}, "fr") == "Bonjour"
    assert pick({"en": "Hello", "fr": ""}, "fr") == "Hello"
    assert pick(None, "fr") == ""


def test_fill_gives_each_language_its_own_value():
    template = {"en": "Wait {wait} ({n})", "fr": "Attendez {wait} ({n})"}
    assert fill(template, wait={"en": "45 seconds", "fr": "45 secondes"}, n=2) == {
        "en": "Wait 45 seconds (2)", "fr": "Attendez 45 secondes (2)"}


def test_the_error_body_fields_round_trip():
    text = {"en": "No such label.", "fr": "Étiquette introuvable."}
    assert error_fields(text) == {"message": "No such label.", "message_fr": "Étiquette introuvable."}
    assert text_from_error({"code": "x", **error_fields(text)}) == text
    assert text_from_error({"message": "Only English"}) == {"en": "Only English", "fr": "Only English"}


def test_every_per_language_table_has_every_language():
    for table in (formatting.MONTHS, formatting.NUMBER_MARKS, formatting.PERCENT,
                  formatting.SIZE_UNITS, formatting.WAIT_UNITS, formatting.SEMICOLONS,
                  *formatting.CONJUNCTIONS.values(), *formatting.CURRENCY_SIGNS.values()):
        assert set(table) == set(LANGUAGES)


@pytest.mark.parametrize("day, en, fr", [
    (dt.date(2027, 3, 1), "1 March 2027", "1er mars 2027"),
    (dt.date(2026, 8, 12), "12 August 2026", "12 août 2026"),
])
def test_dates(day, en, fr):
    assert formatting.format_date(day, "en") == en
    assert formatting.format_date(day, "fr") == fr


def test_percents_sizes_waits_and_lists():
    assert [formatting.format_percent(Decimal("12.50"), lang) for lang in LANGUAGES] == ["12.5%", "12,5 %"]
    assert [formatting.format_size(1536 * 1024, lang) for lang in LANGUAGES] == ["1.5 MB", "1,5 Mo"]
    assert [formatting.format_size(2048, lang) for lang in LANGUAGES] == ["2 KB", "2 Ko"]
    assert [formatting.format_wait(45, lang) for lang in LANGUAGES] == ["45 seconds", "45 secondes"]
    assert formatting.format_wait(300, "fr") == "5 minutes"
    assert formatting.join_words(["a", "b", "c"], "fr", "or") == "a, b ou c"
    with pytest.raises(ValueError):
        formatting.format_date(dt.date(2026, 1, 1), "de")
