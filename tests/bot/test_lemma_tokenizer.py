"""Lemmas in both languages, chosen by the message's language."""
from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lemma_tokenizer import LemmaTokenizer, lemma_of


def lemmas(text: str) -> list[str]:
    tokenizer = LemmaTokenizer(LemmaTokenizer.get_default_config())
    return [t.lemma for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


def test_english_and_french_lemmas():
    assert lemmas("I returned the broken shoes") == ["i", "return", "the", "break", "shoe"]
    assert lemmas("les chaussures sont abîmées")[1:] == ["chaussure", "etre", "abimer"]


def test_unknown_words_keep_their_form_without_accents():
    assert lemma_of("BM-100001", None) == "bm-100001"
    assert lemma_of("Zélig", "fr") == "zelig"
