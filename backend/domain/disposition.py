"""Dispositions of inspected returns: load the rules file, decide a line (the public face).

Why a facade: the inspection workflow, the KPIs and the command line import from here, so
the rules (:mod:`~backend.domain.disposition_rules`), the law's guards
(:mod:`~backend.domain.disposition_law`), the words (:mod:`~backend.domain.disposition_text`)
and the loader (:mod:`~backend.domain.disposition_loader`) can change shape without touching
their callers.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from backend.domain import disposition_law, disposition_text
from backend.domain.disposition_loader import (
    DispositionRulesError,
    load_disposition_rules,
    disposition_rules_from_text,
)
from backend.domain.disposition_rules import (
    DEFAULT_DISPOSITION_FILE,
    DISPOSITIONS,
    EXCEPTION_CODES,
    FLAGS,
    GRADES,
    GUARD_CODES,
    OUTPUT_FLAGS,
    RESELLABLE_GRADES,
    CategoryFacts,
    Conditions,
    DispositionDecision,
    DispositionRules,
    GuardApplied,
    InspectedLine,
    Rule,
    check_line,
)
from common.languages import localized

__all__ = [
    "DEFAULT_DISPOSITION_FILE", "DISPOSITIONS", "EXCEPTION_CODES", "FLAGS", "GRADES",
    "GUARD_CODES", "OUTPUT_FLAGS", "RESELLABLE_GRADES", "CategoryFacts", "Conditions",
    "DispositionDecision", "DispositionRules", "DispositionRulesError", "GuardApplied",
    "InspectedLine", "Rule", "decide", "describe_rules", "disposition_rules_from_text",
    "load_disposition_rules",
]


def decide(rules: DispositionRules, line: InspectedLine,
           decided_on: dt.date) -> DispositionDecision:
    """Where ``line`` goes: the first rule that matches, then the law's guards.

    ``decided_on`` is the inspection date (the law changes with it: ESPR from 19 July 2026);
    a caller never lets the engine read the clock, so a decision can be replayed.
    The recovery percent is the rule's own when the law kept its disposition, else the file's
    figure for the disposition the law chose. ``ValueError`` for an unknown grade, reason or
    flag (the caller validates first).
    """
    check_line(line)
    rule = rules.match(line)
    flags = rules.facts(line)
    verdict = disposition_law.apply(rule, line, flags, rules.category(line.category), decided_on)
    kept = verdict.disposition == rule.disposition
    percent = (rule.recovery_percent if kept and rule.recovery_percent is not None
               else rules.recovery_percent[verdict.disposition])
    value = line.unit_value_minor * line.quantity
    recovered = int((Decimal(value) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
    decision = DispositionDecision(
        disposition=verdict.disposition, recovery_percent=percent,
        value_recovered_minor=recovered, rule=rule.name, rule_line=rule.line,
        rule_names=MappingProxyType(dict(rule.names or localized(lambda _: rule.name))),
        rules_file=rules.source, rules_version=rules.version, rule_disposition=rule.disposition,
        exception=rule.exception if verdict.disposition == "dispose" else None,
        guards=verdict.guards, battery_hazard=verdict.battery_hazard,
        e_waste_record_required=verdict.e_waste_record_required)
    text = disposition_text.explain(decision, rules.currency, value)
    return replace(decision, explanation=MappingProxyType(dict(text)))


def describe_rules(rules: DispositionRules) -> list[str]:
    """One line per rule, in the order they are tried (for ``check-dispositions``): what a
    manager checks after editing the file, the line number to go back to included."""
    out = []
    for number, rule in enumerate(rules.rules, start=1):
        w = rule.when
        tests = [f"{label} {', '.join(values)}" for label, values in (
            ("grade", w.grades), ("category", w.categories), ("reason", w.reasons),
            ("flags", w.flags), ("not flags", w.not_flags)) if values]
        if w.value_minor_below is not None:
            tests.append(f"value below {w.value_minor_below}")
        if w.value_minor_above is not None:
            tests.append(f"value above {w.value_minor_above}")
        then = rule.disposition + (f" (exception: {rule.exception})" if rule.exception else "")
        percent = (rule.recovery_percent if rule.recovery_percent is not None
                   else rules.recovery_percent[rule.disposition])
        out.append(f"{number:>2}. line {rule.line}: {rule.name}: "
                   f"{'; '.join(tests) or 'everything else'} -> {then}, recovers "
                   f"{format(percent.normalize(), 'f')}%")
    return out
