"""Dates, amounts, percents, sizes and lists as a customer reads them, per language.

"12 March 2026" / "12 mars 2026", "€1,234.50" / "1 234,50 €", "15%" / "15 %": decided here
once, for the backend's sentences (policy explanations, SMS, the return timeline) and the
assistant's (the status it reads out), without the ``locale`` module, whose output depends
on what the host has installed. Each language's conventions are rows of the tables below,
so a new language is new rows.

Pure Python: imported by the backend and the action server alike.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Mapping, Sequence

from common.languages import Localized, check_language

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}
# How the first day of a month is written, where it is not plain "1" (French: "1er mars").
FIRST_OF_MONTH: dict[str, str] = {"fr": "1er"}

# (thousands separator, decimal mark)
NUMBER_MARKS: dict[str, tuple[str, str]] = {"en": (",", "."), "fr": (" ", ",")}
PERCENT: dict[str, str] = {"en": "{}%", "fr": "{} %"}
# Waiting times: (minutes, seconds)
WAIT_UNITS: dict[str, tuple[str, str]] = {"en": ("minutes", "seconds"), "fr": ("minutes", "secondes")}
# Byte sizes: (megabytes, kilobytes, bytes)
SIZE_UNITS: dict[str, tuple[str, str, str]] = {"en": ("MB", "KB", "bytes"),
                                               "fr": ("Mo", "Ko", "octets")}

# Currency sign per language: (prefix, suffix). French puts the sign after the amount.
CURRENCY_SIGNS: dict[str, dict[str, tuple[str, str]]] = {
    "EUR": {"en": ("€", ""), "fr": ("", " €")},
    "USD": {"en": ("$", ""), "fr": ("", " $ US")},
    "GBP": {"en": ("£", ""), "fr": ("", " £")},
    "CAD": {"en": ("CA$", ""), "fr": ("", " $ CA")},
}
SUPPORTED_CURRENCIES: tuple[str, ...] = tuple(CURRENCY_SIGNS)

# Between the clauses of a list ("14 days for shoes; 30 days for ..."): French spaces it.
SEMICOLONS: dict[str, str] = {"en": "; ", "fr": " ; "}
CONJUNCTIONS: dict[str, Localized] = {"and": {"en": "and", "fr": "et"},
                                      "or": {"en": "or", "fr": "ou"}}


def format_date(day: dt.date, language: str) -> str:
    """"1 March 2026" in English, "1er mars 2026" in French."""
    check_language(language)
    day_text = FIRST_OF_MONTH.get(language, "1") if day.day == 1 else str(day.day)
    return f"{day_text} {MONTHS[language][day.month - 1]} {day.year}"


def _decimal_mark(text: str, language: str) -> str:
    return text.replace(".", NUMBER_MARKS[language][1])


def format_money(amount_minor: int, currency: str, language: str) -> str:
    """"€1,234.50" in English, "1 234,50 €" in French (integer maths, no float)."""
    check_language(language)
    signs = CURRENCY_SIGNS.get(currency.upper())
    if signs is None:
        raise ValueError(f"unsupported currency {currency!r}")
    prefix, suffix = signs[language]
    thousands, decimal_mark = NUMBER_MARKS[language]
    sign = "-" if amount_minor < 0 else ""
    units, cents = divmod(abs(int(amount_minor)), 100)
    grouped = f"{units:,}".replace(",", thousands)
    return f"{sign}{prefix}{grouped}{decimal_mark}{cents:02d}{suffix}"


def format_percent(value: Decimal | int, language: str) -> str:
    """"15%" / "15 %" and "12.5%" / "12,5 %": no trailing zeros."""
    check_language(language)
    number = Decimal(value)
    text = format(number.normalize(), "f") if number != 0 else "0"
    return PERCENT[language].format(_decimal_mark(text, language))


def format_size(size_bytes: int, language: str) -> str:
    """A byte limit as customers read it: "10 MB" / "10 Mo", "1.5 MB" / "1,5 Mo"."""
    check_language(language)
    megabytes, kilobytes, byte_word = SIZE_UNITS[language]
    for unit, name in ((1024 * 1024, megabytes), (1024, kilobytes)):
        if size_bytes >= unit:
            amount = f"{size_bytes / unit:.1f}".removesuffix(".0")
            return f"{_decimal_mark(amount, language)} {name}"
    return f"{size_bytes} {byte_word}"


def format_wait(seconds: int, language: str) -> str:
    """How long to wait: "45 seconds" / "45 secondes", from two minutes on "3 minutes"."""
    check_language(language)
    minutes, seconds_word = WAIT_UNITS[language]
    if seconds >= 120:
        return f"{seconds // 60} {minutes}"
    return f"{seconds} {seconds_word}"


def join_words(words: Sequence[str], language: str, conjunction: str = "and") -> str:
    """"a, b and c" / "a, b et c"."""
    check_language(language)
    conj = CONJUNCTIONS[conjunction][language]
    words = list(words)
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"



# French puts a space before a colon; English does not (plain spaces, as in every text here).
COLONS: Mapping[str, str] = {"en": ": ", "fr": " : "}


def labelled(label: str, value: str, language: str) -> str:
    """"12 March 2026: Label issued" / "12 mars 2026 : Étiquette émise"."""
    check_language(language)
    return f"{label}{COLONS[language]}{value}"
