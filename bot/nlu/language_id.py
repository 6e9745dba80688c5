"""Telling English from French in a customer's message, without a model download.

Scores each word against English and French function words (spaCy's stop-word lists,
minus the words both languages share), accented letters and a few SMS spellings. It
answers only when the evidence is clear, so "ok", "BM-104217" or an email address leave
the conversation's language as it was.
"""
from __future__ import annotations

import re
from functools import lru_cache

FR_MARKERS = {"bonjour", "bonsoir", "salut", "merci", "oui", "non", "svp", "stp", "bjr", "slt", "cc",
              "jveux", "chui", "jsuis", "jai", "cest", "pk", "pcq", "rembourse", "remboursement",
              "commande", "colis", "retourner", "echanger", "taille", "casse", "abime", "recu",
              "veux", "voudrais", "aimerais", "mon", "ma", "mes", "quoi", "quand", "combien",
              "vous", "avez", "etes", "parler", "conseiller", "humain", "pas", "rien", "allo"}
EN_MARKERS = {"hello", "hi", "hey", "thanks", "thank", "yes", "yeah", "yep", "nope", "please", "pls",
              "plz", "want", "wanna", "return", "refund", "order", "item", "broken", "where", "my",
              "the", "is", "what", "how", "can", "could", "would", "talk", "speak", "human", "agent",
              "bye", "goodbye", "damaged", "size", "exchange", "policy", "money"}
# Words that carry no language (or both): never counted.
NEUTRAL = {"ok", "okay", "a", "i", "me", "on", "or", "six", "via", "bm", "rma", "sms", "email", "mail",
           "photo", "photos", "stop", "top", "super", "cool", "parfait", "menu", "service", "client"}
LANGUAGE_NAMES = {"english": "en", "anglais": "en", "inglés": "en", "french": "fr", "francais": "fr",
                  "français": "fr", "francés": "fr"}
NEGATION = re.compile(r"\b(don'?t|do not|can'?t|cannot|not|ne|n'|pas)\b")
ACCENTED = re.compile(r"[éèêëàâçùûüôîï]")
WORD = re.compile(r"[a-zà-ÿœ]+", re.IGNORECASE)


def _strip_accents(word: str) -> str:
    table = str.maketrans("éèêëàâçùûüôîïœ", "eeeeaacuuuoiio")
    return word.translate(table)


@lru_cache(maxsize=1)
def _lexicons() -> tuple[frozenset[str], frozenset[str]]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    en = {w for w in EN if w.isalpha()} | EN_MARKERS
    fr = {_strip_accents(w) for w in FR if w.replace("'", "").isalpha()} | FR_MARKERS
    shared = en & fr
    return frozenset(en - shared - NEUTRAL), frozenset(fr - shared - NEUTRAL)


def words_of(text: str) -> list[str]:
    # Elisions count as French evidence: j'ai, c'est, l'article, qu'il, d'un.
    text = re.sub(r"\b([cdjlmnst]|qu)['’](?=\w)", r"\1e ", text.lower())
    return WORD.findall(text)


def scores(text: str) -> tuple[int, int]:
    en_words, fr_words = _lexicons()
    en = fr = 0
    for word in words_of(text):
        if ACCENTED.search(word):
            fr += 1
        plain = _strip_accents(word)
        if plain in NEUTRAL:
            continue
        en += plain in en_words
        fr += plain in fr_words
    return en, fr


def detect_language(text: str | None) -> str | None:
    """"en", "fr", or None when the message does not say."""
    if not text or text.startswith("/"):
        return None
    en, fr = scores(text)
    if max(en, fr) == 0:
        return None
    if en >= 2 * fr + 1 or (en >= 1 and fr == 0):
        return "en"
    if fr >= 2 * en + 1 or (fr >= 1 and en == 0):
        return "fr"
    return None


def requested_language(text: str | None) -> str | None:
    """The language a customer asks for ("in English please", "on peut parler français ?").

    A negated mention ("I don't speak French", "je parle pas anglais") is not a request.
    """
    if not text:
        return None
    lowered = text.lower()
    named = [code for name, code in LANGUAGE_NAMES.items() if re.search(rf"\b{name}\b", lowered)]
    if len(set(named)) != 1:
        return None
    if NEGATION.search(lowered):
        other = "fr" if named[0] == "en" else "en"
        return other
    return named[0]
