"""The law as a guard on dispositions (France and EU): applied after the shop's rules.

Why after, and why here: the rules file is the warehouse manager's; the law is not. Every
decision passes through :func:`apply`, so no rule, however it is written, gets an item
destroyed that the law says must be sold, donated or recycled. The same facts are checked
on the file itself at load where they can be known statically (:func:`rule_problems`), so
most mistakes are refused before the first parcel is opened. A lawyer should reread this
module; the references are in :data:`ARTICLES`.

Sources:

- Code de l'environnement L541-15-8 (loi AGEC, 2020): unsold non-food goods are reused
  (sold, donated), reused or recycled, never eliminated, except when the law forbids their
  reuse or they put health or safety at risk; unsold hygiene goods must be donated.
- Regulation (EU) 2024/1781 (ESPR) art. 25 and Annex VII: from 19 July 2026, a large company
  may not destroy unsold apparel, clothing accessories or footwear (returns included), save
  for the derogations (health, hygiene, safety, counterfeit, recall...). The ban binds large
  companies (medium ones from 2030); the guard applies it to every shop, so that a shop's
  size is not one more setting a rules file could get wrong.
- Directive 2012/19/EU (WEEE) and Regulation (EU) 2023/1542 (batteries): electrical goods and
  batteries are collected and treated as e-waste by an approved operator, with a record.
- ADR special provision 376: a damaged or defective lithium battery travels only as
  dangerous goods, never in the ordinary post.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from backend.domain.disposition_rules import (
    EXCEPTION_FLAGS,
    RESELLABLE_GRADES,
    SAFETY_FLAGS,
    CategoryFacts,
    GuardApplied,
    InspectedLine,
    Rule,
)
from common.languages import Localized

AGEC = "Code de l'environnement L541-15-8"
ESPR = "Regulation (EU) 2024/1781 (ESPR) art. 25"
WEEE = "Directive 2012/19/EU (WEEE), Regulation (EU) 2023/1542"
ADR_LITHIUM = "ADR special provision 376"
ESPR_FROM = dt.date(2026, 7, 19)  # the first day apparel and footwear may not be destroyed
# The exceptions ESPR accepts for apparel and footwear (a safety or legal reason). An item
# that is merely "unrecyclable" goes to the textile collection route instead.
ESPR_DEROGATIONS: tuple[str, ...] = ("hazardous", "recall", "counterfeit", "unsafe")
# How each guard cites the law, in every language (the English is stored with a decision).
ARTICLE_TEXT: Mapping[str, Localized] = MappingProxyType({
    "dispose_exception_missing": {"en": AGEC, "fr": AGEC},
    "resellable_not_destroyed": {"en": f"{AGEC} (AGEC law)", "fr": f"{AGEC} (loi AGEC)"},
    "hygiene_donated": {"en": AGEC, "fr": AGEC},
    "apparel_footwear_not_destroyed": {"en": ESPR,
                                       "fr": "Règlement (UE) 2024/1781 (ESPR) art. 25"},
    "e_waste_route": {"en": WEEE,
                      "fr": "Directive 2012/19/UE (DEEE), Règlement (UE) 2023/1542"},
    "battery_hazard": {"en": ADR_LITHIUM, "fr": "ADR, disposition spéciale 376"},
})
ARTICLES: Mapping[str, str] = MappingProxyType(
    {code: text["en"] for code, text in ARTICLE_TEXT.items()})
_E_WASTE_FLAGS = ("electrical", "battery", "battery_damaged")
_DESTROYED = ("recycle", "dispose")


@dataclass(frozen=True)
class Verdict:
    disposition: str
    guards: tuple[GuardApplied, ...]
    battery_hazard: bool
    e_waste_record_required: bool


def exception_holds(exception: str | None, flags: frozenset[str]) -> bool:
    """Whether a disposal exception is backed by what the warehouse saw (its flag is set)."""
    return exception is not None and EXCEPTION_FLAGS.get(exception) in flags


def hygiene_unsellable(line: InspectedLine, flags: frozenset[str]) -> bool:
    """A hygiene item that cannot be sold again: its seal is open, or it is damaged."""
    return "hygiene" in flags and ("seal_broken" in flags or line.grade in ("C", "D"))


def lawful_alternative(line: InspectedLine, flags: frozenset[str]) -> str:
    """Where an item goes when the law refuses what the rule said: the best use it still
    has (sale, donation, repair), else recycling."""
    if "battery_damaged" in flags:
        return "recycle"
    if hygiene_unsellable(line, flags):
        return "donate"
    if line.grade in RESELLABLE_GRADES:
        return "resale_hold"
    return "refurbish" if line.grade == "C" else "recycle"


def apply(rule: Rule, line: InspectedLine, flags: frozenset[str], category: CategoryFacts,
          decided_on: dt.date) -> Verdict:
    """Run every guard, in order, on what ``rule`` decided; each says what it changed."""
    guards: list[GuardApplied] = []
    disposition = rule.disposition

    def rule_on(code: str, to: str) -> None:
        nonlocal disposition
        changed = to != disposition
        guards.append(GuardApplied(code, ARTICLES[code], disposition if changed else None, to))
        disposition = to

    safety = any(f in flags for f in SAFETY_FLAGS)
    if disposition == "dispose" and not exception_holds(rule.exception, flags):
        rule_on("dispose_exception_missing", lawful_alternative(line, flags))
    if (line.grade in RESELLABLE_GRADES and disposition in _DESTROYED and not safety
            and not hygiene_unsellable(line, flags)):
        rule_on("resellable_not_destroyed", "resale_hold")
    if (hygiene_unsellable(line, flags) and not safety
            and disposition in ("restock", "resale_hold") + _DESTROYED):
        rule_on("hygiene_donated", "donate")
    if (category.apparel_or_footwear and decided_on >= ESPR_FROM and disposition == "dispose"
            and rule.exception not in ESPR_DEROGATIONS):
        rule_on("apparel_footwear_not_destroyed",
                "refurbish" if line.grade == "C" else "recycle")
    battery_hazard = "battery_damaged" in flags
    if battery_hazard:
        rule_on("battery_hazard", "recycle" if disposition in (
            "restock", "resale_hold", "donate") else disposition)
    e_waste = any(f in flags for f in _E_WASTE_FLAGS) and disposition in _DESTROYED
    if e_waste:
        rule_on("e_waste_route", "recycle")
    return Verdict(disposition, tuple(guards), battery_hazard, e_waste)


def rule_problems(rule: Rule, categories: Mapping[str, CategoryFacts]) -> list[tuple[str, str]]:
    """What the law refuses in a rule as written, as (where, problem): ``where`` is the
    rule's key the problem belongs to (``then``, ``exception``), for its line number."""
    problems: list[tuple[str, str]] = []
    when, then = rule.when, rule.disposition
    named = [categories[c] for c in when.categories if c in categories]
    apparel = [c.key for c in named if c.apparel_or_footwear]
    required_flags = set(when.flags)
    if then == "dispose" and rule.exception is None:
        text = (f"dispose needs an exception code ({', '.join(EXCEPTION_FLAGS)}): goods are "
                f"destroyed only when they cannot be reused or recycled ({AGEC})")
        if apparel:
            text += (f"; {', '.join(apparel)}: apparel and footwear may not be destroyed from "
                     f"{ESPR_FROM:%d %B %Y} ({ESPR})")
        problems.append(("then", text))
    if rule.exception is not None and then != "dispose":
        problems.append(("exception", "an exception code goes only with then: dispose"))
    if then == "dispose" and rule.exception is not None:
        flag = EXCEPTION_FLAGS[rule.exception]
        if flag not in required_flags:
            problems.append(("exception", f"the exception {rule.exception!r} holds only for "
                                          f"items flagged {flag!r}: add it to when.flags"))
        if apparel and rule.exception not in ESPR_DEROGATIONS:
            problems.append(("exception", f"{', '.join(apparel)}: apparel and footwear may not "
                                          f"be destroyed as {rule.exception!r} from "
                                          f"{ESPR_FROM:%d %B %Y}, only as "
                                          f"{', '.join(ESPR_DEROGATIONS)} ({ESPR})"))
    resellable_only = when.grades and set(when.grades) <= set(RESELLABLE_GRADES)
    if resellable_only and then in _DESTROYED and not required_flags & set(SAFETY_FLAGS):
        problems.append(("then", f"grades {', '.join(when.grades)} are resellable: they are "
                                 f"never recycled nor disposed of without a safety reason; use "
                                 f"restock, resale_hold or donate ({AGEC}, AGEC law)"))
    hygiene = "hygiene" in required_flags or (named and all(c.hygiene for c in named))
    if (hygiene and "seal_broken" in required_flags and not required_flags & set(SAFETY_FLAGS)
            and then in ("restock", "resale_hold") + _DESTROYED):
        problems.append(("then", f"an opened hygiene item cannot be sold again and is "
                                 f"donated, not restocked nor destroyed: use donate ({AGEC})"))
    electrical = (required_flags & set(_E_WASTE_FLAGS)
                  or (named and all(c.electrical for c in named)))
    if then == "dispose" and electrical:
        problems.append(("then", f"electrical goods and batteries leave through the e-waste "
                                 f"route: use then: recycle ({WEEE})"))
    return problems
