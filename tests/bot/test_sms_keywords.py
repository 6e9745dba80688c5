"""STOP/START/HELP keywords, English and French, and the everyday words that are not."""
from __future__ import annotations

import pytest

from bot.channels.sms_keywords import HELP_TEXT, KeywordKind, classify, localised


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "CANCEL", "end",
                                  "Quit!", "ARRET", "arrêt", "Arrêt !"])
def test_opt_out_keywords(text):
    assert classify(text).kind is KeywordKind.OPT_OUT


@pytest.mark.parametrize("text", ["START", "start", "UNSTOP"])
def test_opt_in_keywords(text):
    assert classify(text).kind is KeywordKind.OPT_IN


@pytest.mark.parametrize("text,language", [("HELP", "en"), ("aide", "fr"), ("Aide ?", "fr"), ("INFO", None)])
def test_help_keywords_and_their_language(text, language):
    keyword = classify(text)
    assert keyword.kind is KeywordKind.HELP and keyword.language == language


@pytest.mark.parametrize("text", ["cancel my return", "cancel please", "annule", "annuler le retour",
                                  "stop sending me that", "I need help", "yes", "2", "", "   "])
def test_sentences_and_everyday_words_go_to_the_assistant(text):
    assert classify(text) is None


def test_yes_opts_back_in_only_a_number_that_opted_out():
    assert classify("yes", opted_out=False) is None
    assert classify("Yes", opted_out=True).kind is KeywordKind.OPT_IN


def test_help_text_follows_the_keyword_language_or_is_bilingual():
    assert localised(HELP_TEXT, "fr") == HELP_TEXT["fr"]
    both = localised(HELP_TEXT, None)
    assert HELP_TEXT["en"] in both and HELP_TEXT["fr"] in both
    assert "STOP" in HELP_TEXT["en"] and "STOP" in HELP_TEXT["fr"]
