"""Dispositions on real return lines: decide with the loaded rules, store the decision, check
a person's override against the law.

Why a service between the pure domain (:mod:`backend.domain.disposition`) and the
workflows: the domain knows nothing of database rows; this module turns a ``ReturnLine``
into the domain's ``InspectedLine`` (the category and hygiene flag come from the catalogue,
the units from the receipt), and writes a decision back onto the line with the rules-file
version, so a decision can always be traced to the rule and the file that made it.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from backend.db.models import ReturnLine
from backend.domain import disposition_law
from backend.domain.disposition import (
    Conditions,
    DispositionDecision,
    DispositionRules,
    Rule,
    decide,
)
from backend.domain.disposition_text import DISPOSITION_NAMES
from backend.services.errors import Invalid
from backend.queries.inspected_lines import inspected_line, line_units

OVERRIDE_RULE = "staff override"


def decide_line(rules: DispositionRules, line: ReturnLine, grade: str, flags: list[str],
                on: dt.date) -> DispositionDecision:
    return decide(rules, inspected_line(line, grade, flags), on)


def recovered(line: ReturnLine, percent: Decimal) -> int:
    """Value recovered: unit value × units received × percent (rounded half up, in cents)."""
    value = Decimal(line.order_line.unit_price_minor * line_units(line))
    return int((value * percent / 100).quantize(Decimal(1), ROUND_HALF_UP))


def store_decision(line: ReturnLine, decision: DispositionDecision) -> None:
    """The decision on the line: where, which rule of which file version, the law's guards,
    and the value it recovers (0 units received: nothing recovered)."""
    line.disposition = decision.disposition
    line.disposition_rule = decision.rule[:60]
    line.disposition_rules_version = decision.rules_version[:40]
    line.disposition_guards = list(decision.guard_codes)
    line.recovery_percent = int(decision.recovery_percent)
    line.value_recovered_minor = recovered(line, decision.recovery_percent)


def check_override(rules: DispositionRules, line: ReturnLine, to: str, exception: str | None,
                   on: dt.date) -> tuple[str, ...]:
    """The law's guards on what a person chose, as if it were a rule written for this line:
    Invalid naming the article when the law would send the units elsewhere; else the guard
    codes that only added a record (e-waste). Why the same guards: an override is a rule
    the warehouse wrote for one item, and the law binds it the same way."""
    item = inspected_line(line, line.grade, list(line.inspection_flags or []))
    rule = Rule(name=OVERRIDE_RULE, line=0, when=Conditions(), disposition=to,
                exception=exception if to == "dispose" else None)
    facts = rules.facts(item)
    verdict = disposition_law.apply(rule, item, facts, rules.category(item.category), on)
    if verdict.disposition != to:
        changed = next(g for g in verdict.guards if g.changed_from is not None)
        raise Invalid("disposition_refused_by_law", disposition=DISPOSITION_NAMES[to],
                      instead=DISPOSITION_NAMES[verdict.disposition],
                      article=disposition_law.ARTICLE_TEXT[changed.code],
                      extra={"guard": changed.code, "article": changed.article,
                             "lawful_disposition": verdict.disposition})
    return tuple(g.code for g in verdict.guards)


def store_override(rules: DispositionRules, line: ReturnLine, to: str,
                   guards: tuple[str, ...]) -> None:
    """The line after an override: the person's disposition, the file's recovery figure."""
    percent = rules.recovery_percent[to]
    line.disposition = to
    line.disposition_rule = OVERRIDE_RULE
    line.disposition_guards = list(guards)
    line.recovery_percent = int(percent)
    line.value_recovered_minor = recovered(line, percent)
