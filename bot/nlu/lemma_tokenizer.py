"""A whitespace tokenizer that also gives each word its dictionary form, in English or French.

Customers write "returned", "returning", "cassée", "abîmées"; with lemmas the word-level
features see "return", "casser", "abîmer", so fewer training examples cover more ways of
saying a thing. Lemmas come from spaCy's lookup tables (spacy-lookups-data): no model
download. The table is chosen per message with the language detector; a word the table
does not know keeps its own form.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_id import detect_language


@lru_cache(maxsize=2)
def lemma_table(language: str) -> Any:
    """spaCy's lookup table (keys are stored hashed: look words up with ``.get``)."""
    from spacy.lookups import load_lookups

    return load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lemma_of(word: str, language: Optional[str]) -> str:
    lowered = word.lower()
    for lang in ([language] if language else ["en", "fr"]):
        table = lemma_table(lang)
        lemma = table.get(lowered)
        if isinstance(lemma, list):  # some tables list several lemmas: take the first
            lemma = lemma[0] if lemma else None
        if lemma:
            return fold(lemma)
    return fold(lowered)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class LemmaTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # "languages": which languages get lemmas; messages in others keep their words.
        return {**WhitespaceTokenizer.get_default_config(), "languages": ["en", "fr"]}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.languages = set(config.get("languages") or [])

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        language = detect_language(message.get(attribute)) if tokens else None
        if language is None and len(self.languages) < 2:
            return tokens  # unknown language: lemmatise only when every language is on
        if language is not None and language not in self.languages:
            return tokens
        for token in tokens:
            token.lemma = lemma_of(token.text, language)
        return tokens
