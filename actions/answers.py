"""Reading short answers: a question is never a yes.

NLU models read "pourquoi ?" or "why?" right after "shall I pass you to a person?" as
agreement often enough (the LinearIntentClassifier did, at 0.87): a short question looks
like a short answer. Wherever a yes would do something (pass the customer to a person,
create a return), :func:`is_question` is checked first.
"""
from __future__ import annotations

import re

_INTERROGATIVES = frozenset({
    # English
    "why", "how", "what", "whats", "when", "where", "who", "whom", "whose", "which",
    # French (accents kept: "où" is "where", "ou" is "or")
    "pourquoi", "comment", "quoi", "quand", "où", "qui", "quel", "quelle", "quels", "quelles",
    "combien", "lequel", "laquelle", "lesquels", "lesquelles",
})
# "why not?" is a yes in both languages (the one question that is).
_WHY_NOT = re.compile(r"^\s*(why not|pourquoi pas)\s*[?!.]*\s*$", re.IGNORECASE)
_QUESTION_START = re.compile(r"^\s*(est[- ]ce que|est[- ]ce qu'|qu'est[- ]ce|c'est-à-dire|ça veut dire)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_question(text: str | None) -> bool:
    """A question, so never a yes: it ends with "?", starts with a question word, or is a
    short message (four words at most) with one in it ("et pourquoi", "c'est quoi")."""
    text = (text or "").strip()
    if not text or _WHY_NOT.match(text):
        return False
    if text.rstrip(" .!)").endswith("?") or _QUESTION_START.match(text):
        return True
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'"))]
    if not words:
        return False
    return words[0] in _INTERROGATIVES or (len(words) <= 4 and any(w in _INTERROGATIVES for w in words))
