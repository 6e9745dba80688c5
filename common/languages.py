"""The languages customers are answered in, and the one shape of a text in all of them.

Every customer-facing text that exists in more than one language is a :data:`Localized`:
a mapping from language code to text, ``{"en": "Refund issued", "fr": "Remboursement
effectué"}``. The backend's tables of words (``backend/domain/*_text.py``), the reasons
table (:mod:`common.reasons`), the API's ``Texts`` fields and what the actions read back
all use it, so adding a language is adding its code to :data:`LANGUAGES` and its text to
each table (tests refuse a table that misses one), not editing the code that uses them.

Two places keep an older, flat shape because changing them means migrating data or
breaking a published contract: the database's ``explanation_en``/``explanation_fr``
columns, and the API's error body, ``{"code", "message", "message_fr"}`` (English in
``message``, every other language in ``message_<lang>``: :func:`error_fields` writes it,
:func:`text_from_error` reads it back).

Pure Python: imported by the backend, the action server and the Rasa channels alike.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
# For request validation (query parameters, body fields): exactly one of LANGUAGES.
LANGUAGE_PATTERN = "^(" + "|".join(LANGUAGES) + ")$"

Localized = Mapping[str, str]
"""One text in every language of :data:`LANGUAGES`: language code → text."""


def supported(language: str | None) -> str:
    """``language`` when we speak it, else :data:`DEFAULT_LANGUAGE`."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")


def pick(text: Mapping[str, str] | None, language: str) -> str:
    """One language out of a :data:`Localized`, falling back to English, else ``""``."""
    if not text:
        return ""
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or ""


def localized(make: Callable[[str], str]) -> dict[str, str]:
    """``{language: make(language)}`` for every language."""
    return {language: make(language) for language in LANGUAGES}


def fill(template: Localized, **params: Any) -> dict[str, str]:
    """``str.format`` per language; a parameter that is a mapping gives each language its own
    value (``wait={"en": "5 minutes", "fr": "5 minutes"}``), any other value is used as is."""
    return localized(lambda language: template[language].format(**{
        name: value[language] if isinstance(value, Mapping) else value
        for name, value in params.items()}))


# --- the API's error body ------------------------------------------------------------------

def _error_field(language: str) -> str:
    return "message" if language == DEFAULT_LANGUAGE else f"message_{language}"


# The error body's text fields: "message", "message_fr".
ERROR_MESSAGE_FIELDS: tuple[str, ...] = tuple(_error_field(language) for language in LANGUAGES)


def error_fields(text: Localized) -> dict[str, str]:
    """A text as the API's error body carries it: ``{"message": en, "message_fr": fr}``."""
    return {_error_field(language): text[language] for language in LANGUAGES}


def text_from_error(error: Mapping[str, Any]) -> dict[str, str]:
    """The text of an API error body; a language it lacks falls back to ``message``."""
    default = str(error.get("message") or "")
    return localized(lambda language: str(error.get(_error_field(language)) or default))
