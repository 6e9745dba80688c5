"""Telling English from French in a customer's message, without a model download.

Scores each word against English and French function words (spaCy's stop-word lists,
minus the words both languages share), accented letters and a few SMS spellings. It
answers only when the evidence is clear, so "ok", "BM-104217" or an email address leave
the conversation's language as it was.

The conversation's language changes only when the customer writes a sentence in the other
language (two words of it, more than of the first), says a word that is a whole answer on
its own ("bonjour", "merci", "oui", "thanks") or asks for it. Codes never count: order
numbers, RMAs, emails, links and anything holding a digit are removed first, and so are
single letters (sizes, initials), which used to turn one RMA in twelve into French.
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
              "the", "is", "what", "how", "can", "could", "would", "talk", "speak", "human",
              "bye", "goodbye", "damaged", "size", "exchange", "policy", "money"}
# Words that tell the language on their own, a whole answer by themselves: greetings,
# thanks, yes/no, question words and the returns words each language writes its own way.
# Any other word (the, my, le, mon…) needs a second one; an accented word counts as these.
SOLO_MARKERS = {
    # French
    "bonjour", "bonsoir", "salut", "coucou", "merci", "oui", "ouais", "non", "svp", "stp", "bjr", "slt",
    "allo", "pourquoi", "comment", "combien", "quand", "rembourse", "remboursement", "commande", "colis",
    "retourner", "echanger", "taille", "casse", "abime", "recu", "conseiller", "humain", "jveux", "chui",
    "jsuis", "jai", "cest", "pk", "pcq", "voudrais", "aimerais",
    # English
    "hello", "hi", "hey", "thanks", "thank", "yes", "yeah", "yep", "nope", "please", "pls", "plz", "bye",
    "goodbye", "why", "when", "how", "where", "refund", "order", "item", "broken", "damaged", "exchange",
    "policy", "money", "size", "return", "human", "talk", "speak", "want", "wanna",
}
# Words that carry no language (or both): never counted.
NEUTRAL = {"ok", "okay", "a", "i", "me", "on", "or", "six", "via", "bm", "rma", "sms", "email", "mail", "agent",
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


# Codes, addresses and links: removed before the words are read.
CODE = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\S*\d\S*|\br-[0-9a-z]{4}-[0-9a-z]{4}\b", re.IGNORECASE)


def words_of(text: str) -> list[str]:
    """The words that may tell a language: no codes, no single letters (except "à")."""
    text = CODE.sub(" ", text.lower())
    # Elisions count as French evidence: j'ai, c'est, l'article, qu'il, d'un.
    text = re.sub(r"\b([cdjlmnst]|qu)['’](?=\w)", r"\1e ", text)
    return [w for w in WORD.findall(text) if len(w) > 1 or w == "à"]


def evidence(text: str) -> tuple[list[str], list[str]]:
    """The words of the message that are English, and those that are French."""
    en_words, fr_words = _lexicons()
    en: list[str] = []
    fr: list[str] = []
    for word in words_of(text):
        plain = _strip_accents(word)
        if plain in NEUTRAL:
            continue
        if plain in en_words:
            en.append(plain)
        if ACCENTED.search(word) or plain in fr_words:
            fr.append(word if ACCENTED.search(word) else plain)
    return en, fr


def scores(text: str) -> tuple[int, int]:
    en, fr = evidence(text)
    return len(en), len(fr)


def detect_language(text: str | None) -> str | None:
    """"en", "fr", or None when the message does not say clearly (see the module's rule)."""
    if not text or text.startswith("/"):
        return None
    en, fr = evidence(text)
    for language, mine, other in (("en", en, fr), ("fr", fr, en)):
        clear = len(mine) >= 2 * len(other) + 1 or (mine and not other)
        if clear and (len(mine) >= 2 or _strip_accents(mine[0]) in SOLO_MARKERS or ACCENTED.search(mine[0])):
            return language
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
