"""The SMS compliance keywords: opting out, opting back in, asking for help.

Carriers and Twilio require that STOP works on every SMS number. Twilio's standard
keywords are recognised, plus the French ones (ARRET/ARRÊT, AIDE):

* opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, ARRET
* opt-in: START, UNSTOP — and YES, but only from a number that has opted out
* help: HELP, INFO, AIDE

Only a message that is exactly one keyword counts (case, accents, surrounding spaces
and trailing punctuation ignored), as Twilio itself does. This matters because
customers also say "cancel" inside a return conversation: "cancel my return",
"cancel please" or "annule" reach the assistant (intent ``cancel``); the single word
"CANCEL" is an opt-out — Twilio's own opt-out handling blocks the number on it anyway,
so treating it otherwise would only hide that from the customer. YES is an everyday
answer ("Shall I go ahead?" — "yes"), so it is an opt-in only for a number that has
opted out and could not otherwise come back with it.
"""
from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass


class KeywordKind(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


@dataclass(frozen=True)
class Keyword:
    kind: KeywordKind
    language: str | None  # "en" / "fr" when the word itself says so; None when shared


_KEYWORDS: dict[str, Keyword] = {
    **{w: Keyword(KeywordKind.OPT_OUT, None) for w in ("STOP", "STOPALL")},
    **{w: Keyword(KeywordKind.OPT_OUT, "en") for w in ("UNSUBSCRIBE", "CANCEL", "END", "QUIT")},
    "ARRET": Keyword(KeywordKind.OPT_OUT, "fr"),
    "START": Keyword(KeywordKind.OPT_IN, None),
    "UNSTOP": Keyword(KeywordKind.OPT_IN, "en"),
    "HELP": Keyword(KeywordKind.HELP, "en"),
    "INFO": Keyword(KeywordKind.HELP, None),
    "AIDE": Keyword(KeywordKind.HELP, "fr"),
}
_OPT_IN_WHEN_OPTED_OUT = {"YES": Keyword(KeywordKind.OPT_IN, "en")}

HELP_TEXT = {
    "en": ("Boomerang returns assistant: tell me what you'd like to return, or ask "
           "\"where is my refund?\". Reply STOP to unsubscribe."),
    "fr": ("Assistant retours Boomerang : dites-moi ce que vous souhaitez retourner, ou "
           "demandez « où en est mon remboursement ? ». Répondez STOP pour vous désabonner."),
}
OPT_IN_TEXT = {
    "en": "You're subscribed again. How can I help with your return?",
    "fr": "Vous êtes de nouveau abonné. Comment puis-je vous aider pour votre retour ?",
}


def normalise(text: str) -> str:
    """Upper case, accents removed, outer spaces and punctuation dropped: "Arrêt !" → "ARRET"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.strip().strip(".!?¡¿,;:'\"«»() \t\r\n").upper()


def classify(text: str, *, opted_out: bool = False) -> Keyword | None:
    """The keyword a whole message is, or ``None`` for an ordinary message."""
    word = normalise(text)
    if not word or " " in word:
        return None
    keyword = _KEYWORDS.get(word)
    if keyword is None and opted_out:
        keyword = _OPT_IN_WHEN_OPTED_OUT.get(word)
    return keyword


def localised(texts: dict[str, str], language: str | None) -> str:
    """The text in ``language``; both languages (French second) when it is unknown."""
    if language in texts:
        return texts[language]
    return f"{texts['en']}\n\n{texts['fr']}"
