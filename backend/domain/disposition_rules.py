"""Where an inspected item goes next: the shop's disposition rules, applied as pure code.

Why a declarative rules file (``backend/domain/dispositions/default.yml``): a warehouse
manager decides where returned goods go (stock, outlet, refurbishing, vendor, charity,
recycling) and must be able to read and change it without Python, like the returns policy.
Why ordered rules, first match wins (a firewall): the manager reads the file top to bottom
and the first rule that fits is the answer, so there is never a question of which of two
rules "wins". The last rule must match everything, so every line gets an answer.

Why the law comes after the rules (:mod:`backend.domain.disposition_law`): a rule can be
wrong or too broad, the law cannot be negotiated; the guards run on every decision and say
what they changed, with the article, so a manager sees why the warehouse did not do what
the file said. What can be known from the file alone is also refused at load
(:mod:`backend.domain.disposition_loader`).

Pure: no database, no clock. The caller passes the inspected line and the decision date.

Guard codes (stable, stored with a decision; see :data:`GUARD_CODES`), in the order they run.
A guard that only adds a record or a flag is listed with ``changed_from`` None:

================================ ===========================================================
code                             meaning
================================ ===========================================================
dispose_exception_missing        ``dispose`` without an exception code the line's flags
                                 support: the item goes to its lawful alternative
                                 (Code de l'environnement L541-15-8)
resellable_not_destroyed         grade N, A or B is never recycled nor disposed of without a
                                 safety exception: outlet instead (L541-15-8, AGEC law)
hygiene_donated                  an unsold hygiene item that cannot be resold is donated,
                                 not destroyed nor restocked (L541-15-8)
apparel_footwear_not_destroyed   from 19 July 2026, apparel and footwear are destroyed only
                                 for a safety or legal reason (Regulation (EU) 2024/1781 art. 25)
battery_hazard                   a damaged lithium battery: never with a standard postal
                                 label, never back on sale (ADR special provision 376)
e_waste_route                    electrical goods and batteries leave through the WEEE
                                 e-waste route, with a disposal record (Directive 2012/19/EU)
================================ ===========================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from common.languages import Localized
from common.reasons import REASON_CODES

DEFAULT_DISPOSITION_FILE = Path(__file__).resolve().parent / "dispositions" / "default.yml"

# N new and sealed, A as new, B opened and resellable, C damaged and repairable, D unsellable.
GRADES: tuple[str, ...] = ("N", "A", "B", "C", "D")
RESELLABLE_GRADES: tuple[str, ...] = ("N", "A", "B")
DISPOSITIONS: tuple[str, ...] = ("restock", "refurbish", "return_to_vendor", "resale_hold",
                                 "donate", "recycle", "dispose")
# What the warehouse saw; "hygiene" and "electrical" also follow from the category.
FLAGS: tuple[str, ...] = ("hygiene", "electrical", "battery", "battery_damaged", "hazardous",
                          "recalled", "counterfeit", "unsafe", "seal_broken", "unrecyclable")
# Why an item may be disposed of, and the flag the line must carry for the reason to hold.
EXCEPTION_FLAGS: Mapping[str, str] = MappingProxyType({
    "hazardous": "hazardous", "recall": "recalled", "counterfeit": "counterfeit",
    "unsafe": "unsafe", "unrecyclable": "unrecyclable"})
EXCEPTION_CODES: tuple[str, ...] = tuple(EXCEPTION_FLAGS)
# Flags under which even a resellable item may leave the market (the law's own exceptions).
SAFETY_FLAGS: tuple[str, ...] = ("hazardous", "recalled", "counterfeit", "unsafe",
                                 "battery_damaged")
# In the order the guards run (and appear in a decision).
GUARD_CODES: tuple[str, ...] = ("dispose_exception_missing", "resellable_not_destroyed",
                                "hygiene_donated", "apparel_footwear_not_destroyed",
                                "battery_hazard", "e_waste_route")
# Output flags the warehouse and label code read.
OUTPUT_FLAGS: tuple[str, ...] = ("battery_hazard", "e_waste_record_required")


@dataclass(frozen=True)
class CategoryFacts:
    """What the law needs to know about a catalogue category (from the rules file)."""

    key: str
    apparel_or_footwear: bool = False
    hygiene: bool = False
    electrical: bool = False


@dataclass(frozen=True)
class Conditions:
    """A rule's ``when``: every condition given must hold (an empty one matches all)."""

    grades: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # all of these set
    not_flags: tuple[str, ...] = ()  # none of these set
    value_minor_below: int | None = None  # unit value strictly below
    value_minor_above: int | None = None  # unit value strictly above

    @property
    def matches_everything(self) -> bool:
        return self == Conditions()


@dataclass(frozen=True)
class Rule:
    name: str
    line: int  # 1-based line of the rule in its file (0: built in code)
    when: Conditions
    disposition: str
    exception: str | None = None
    recovery_percent: Decimal | None = None  # overrides the file's table for this rule
    # How the rule reads to the team in each language; ``name`` is its stable identifier.
    names: Localized | None = None


@dataclass(frozen=True)
class InspectedLine:
    """One inspected return line, as the warehouse graded it."""

    grade: str
    category: str
    unit_value_minor: int
    reason_code: str
    flags: frozenset[str] = frozenset()
    quantity: int = 1


@dataclass(frozen=True)
class GuardApplied:
    """A legal guard that ruled on the line; ``changed_from`` is None when it only added a
    record or a flag without changing the disposition."""

    code: str
    article: str
    changed_from: str | None
    disposition: str


@dataclass(frozen=True)
class DispositionDecision:
    disposition: str
    recovery_percent: Decimal
    value_recovered_minor: int
    rule: str
    rule_names: Localized
    rule_line: int
    rules_file: str
    rules_version: str
    rule_disposition: str  # what the rule said, before the law
    exception: str | None
    guards: tuple[GuardApplied, ...]
    battery_hazard: bool
    e_waste_record_required: bool
    explanation: Localized = field(default_factory=dict)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f for f in OUTPUT_FLAGS if getattr(self, f))

    @property
    def guard_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.guards)


@dataclass(frozen=True)
class DispositionRules:
    """A loaded rules file; :func:`backend.domain.disposition.decide` applies it."""

    version: str
    categories: Mapping[str, CategoryFacts]
    recovery_percent: Mapping[str, Decimal]
    rules: tuple[Rule, ...]
    currency: str = "EUR"
    source: str = "<rules>"

    def category(self, key: str) -> CategoryFacts:
        return self.categories.get(key) or self.categories["default"]

    def facts(self, line: InspectedLine) -> frozenset[str]:
        """The line's flags with those its category implies (hygiene, electrical)."""
        cat = self.category(line.category)
        implied = {name for name, on in (("hygiene", cat.hygiene),
                                         ("electrical", cat.electrical)) if on}
        return frozenset(line.flags) | implied

    def match(self, line: InspectedLine) -> Rule:
        flags = self.facts(line)
        for rule in self.rules:
            if _matches(rule.when, line, flags):
                return rule
        raise LookupError(f"{self.source}: no rule matches; the last rule must match everything")


def _matches(when: Conditions, line: InspectedLine, flags: frozenset[str]) -> bool:
    return ((not when.grades or line.grade in when.grades)
            and (not when.categories or line.category in when.categories)
            and (not when.reasons or line.reason_code in when.reasons)
            and all(f in flags for f in when.flags)
            and not any(f in flags for f in when.not_flags)
            and (when.value_minor_below is None or line.unit_value_minor < when.value_minor_below)
            and (when.value_minor_above is None or line.unit_value_minor > when.value_minor_above))


def check_line(line: InspectedLine) -> None:
    """A caller error is a bug (the API validates first): say which value is wrong."""
    if line.grade not in GRADES:
        raise ValueError(f"unknown grade {line.grade!r}; expected one of {GRADES}")
    if line.reason_code not in REASON_CODES:
        raise ValueError(f"unknown reason code {line.reason_code!r}")
    unknown = set(line.flags) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown flags {sorted(unknown)}; expected some of {FLAGS}")
    if line.unit_value_minor < 0 or line.quantity < 1:
        raise ValueError("unit_value_minor must be 0 or more and quantity at least 1")
