"""The strict loader of a disposition rules file: YAML in, checked rules out, or every problem.

Why strict, like the policy loader (whose YAML reader it shares): a misspelt key or an
unknown disposition must stop the backend at start-up with ``file:line: path: problem``,
never quietly send a parcel to the wrong place. Why the law is checked here too: a rule the
law would always override (disposing of apparel without an exception, recycling resellable
goods) is a rule the manager believes in and the warehouse never follows; refusing it at
load, with the article, is the honest answer.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Sequence

import yaml
from yaml.nodes import Node

from backend.domain import disposition_law
from backend.domain.disposition_rules import (
    DISPOSITIONS,
    EXCEPTION_CODES,
    FLAGS,
    GRADES,
    CategoryFacts,
    Conditions,
    DispositionRules,
    Rule,
)
# The policy loader's YAML reader (line marks, typo suggestions, collected problems) is the
# one the shop owner already knows the messages of: shared, not copied.
from backend.domain.policy_loader import (
    _CATEGORY_KEY,
    PolicyError,
    PolicyProblem,
    _join,
    _Problem,
    _Reader,
    _suggest,
)


class DispositionRulesError(PolicyError):
    """The rules file cannot be used: ``.file``, ``.line``, ``.path``, ``.problems`` as for a
    policy (a configuration file error, caught where a policy error is)."""


_TOP = ("version", "currency", "categories", "recovery_percent", "rules")
_CATEGORY_KEYS = ("apparel_or_footwear", "hygiene", "electrical")
_RULE_KEYS = ("name", "then")
_RULE_OPTIONAL = ("when", "exception", "recovery_percent", "names")
_WHEN_KEYS = ("grade", "category", "reason", "flags", "not_flags", "value_minor_below",
              "value_minor_above")


def _choice(r: _Reader, choices: Sequence[str], what: str) -> Callable[[Node, str], str]:
    def convert(node: Node, path: str) -> str:
        value = r.text(node, path)
        if value not in choices:
            raise _Problem(node, path, f"unknown {what} {value!r}{_suggest(value, choices)}; "
                                       f"expected one of: {', '.join(choices)}")
        return value
    return convert


def _choices(r: _Reader, choices: Sequence[str], what: str) -> Callable[[Node, str], tuple]:
    one = _choice(r, choices, what)

    def convert(node: Node, path: str) -> tuple[str, ...]:
        values: list[str] = []
        for index, item in enumerate(r.sequence(node, path)):
            try:
                value = one(item, f"{path}[{index}]")
            except _Problem as problem:
                r.record(problem)
                continue
            if value not in values:
                values.append(value)
        return tuple(values)
    return convert


def _read_categories(r: _Reader, node: Node) -> dict[str, CategoryFacts]:
    facts: dict[str, CategoryFacts] = {}
    for key, value in r.mapping(node, "categories", free_keys=True).items():
        path = _join("categories", key)
        if not _CATEGORY_KEY.match(key):
            r.record(_Problem(value, path, "category names must be lower-case letters, digits, "
                                           "'-' or '_' (as in the catalogue)"))
            continue
        try:
            fields = r.mapping(value, path, optional=_CATEGORY_KEYS)
        except _Problem as problem:
            r.record(problem)
            continue
        facts[key] = CategoryFacts(key, **{k: r.get(fields, k, path, r.boolean, False)
                                           for k in _CATEGORY_KEYS})
    if "default" not in facts:
        r.record(_Problem(node, "categories.default",
                          "required: what the law needs to know of unlisted categories"))
    return facts


def _read_when(r: _Reader, node: Node, path: str, categories: Sequence[str]) -> Conditions:
    fields = r.mapping(node, path, optional=_WHEN_KEYS)
    below = r.get(fields, "value_minor_below", path, r.non_negative_int, None)
    above = r.get(fields, "value_minor_above", path, r.non_negative_int, None)
    if below is not None and above is not None and below <= above + 1:
        r.record(_Problem(fields["value_minor_below"], _join(path, "value_minor_below"),
                          f"no value is below {below} and above {above}: the rule never matches"))
    return Conditions(
        grades=r.get(fields, "grade", path, _choices(r, GRADES, "grade"), ()),
        categories=r.get(fields, "category", path, _choices(r, categories, "category"), ()),
        reasons=r.get(fields, "reason", path, r.reason_list, ()),
        flags=r.get(fields, "flags", path, _choices(r, FLAGS, "flag"), ()),
        not_flags=r.get(fields, "not_flags", path, _choices(r, FLAGS, "flag"), ()),
        value_minor_below=below, value_minor_above=above)


def _read_rules(r: _Reader, node: Node, categories: dict[str, CategoryFacts]) -> list[Rule]:
    rules: list[Rule] = []
    names: dict[str, int] = {}
    catch_all: Rule | None = None
    items = r.sequence(node, "rules")
    for index, item in enumerate(items):
        path = f"rules[{index}]"
        line = item.start_mark.line + 1
        start = len(r.problems)
        try:
            fields = r.mapping(item, path, required=_RULE_KEYS, optional=_RULE_OPTIONAL)
            before = len(r.problems)
            when = (_read_when(r, fields["when"], _join(path, "when"), list(categories))
                    if "when" in fields else Conditions())
        except _Problem as problem:
            r.record(problem)
            continue
        # A "when" emptied by its own mistakes is not a catch-all.
        catches_all = when.matches_everything and len(r.problems) == before
        name = r.get(fields, "name", path, r.text, f"rule {index + 1}")
        rule = Rule(name=name, line=line, when=when,
                    disposition=r.get(fields, "then", path,
                                      _choice(r, DISPOSITIONS, "disposition"), "resale_hold"),
                    exception=r.get(fields, "exception", path,
                                    _choice(r, EXCEPTION_CODES, "exception code"), None),
                    recovery_percent=r.get(fields, "recovery_percent", path, r.percent, None),
                    names=r.get(fields, "names", path, r.bilingual, None))
        # The law is judged on a rule read without mistakes (else it judges a guess).
        if len(r.problems) == start and "then" in fields:
            for key, problem in disposition_law.rule_problems(rule, categories):
                r.record(_Problem(fields.get(key, fields["then"]), _join(path, key), problem))
        if name in names:
            r.record(_Problem(fields["name"], _join(path, "name"),
                              f"duplicate rule name (first given on line {names[name]})"))
        names.setdefault(name, line)
        if catch_all is not None:
            r.record(_Problem(item, path, f"never reached: rule {catch_all.name!r} on line "
                                          f"{catch_all.line} already matches everything"))
        elif catches_all:
            catch_all = rule
        rules.append(rule)
    if items and catch_all is None:
        r.record(_Problem(items[-1], f"rules[{len(items) - 1}]",
                          "the last rule must match everything (no 'when'), so every item "
                          "gets a disposition"))
    elif not items:
        r.record(_Problem(node, "rules", "at least one rule is needed"))
    return rules


def _problem(file: str, line: int, text: str) -> DispositionRulesError:
    return DispositionRulesError(file, [PolicyProblem(line, "", text)])


def disposition_rules_from_text(text: str, file: str = "<rules>") -> DispositionRules:
    """Parse and validate a rules file's YAML; ``file`` names it in error messages."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _problem(file, mark.line + 1 if mark else 0,
                       f"invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise _problem(file, 0, f"invalid YAML: {exc}") from exc
    if root is None:
        raise _problem(file, 1, "the rules file is empty")
    r = _Reader()
    try:
        top = r.mapping(root, "", required=_TOP)
    except _Problem as problem:
        raise _problem(file, problem.line, problem.problem) from None
    version = r.get(top, "version", "", r.text, "")
    currency = r.get(top, "currency", "", r.currency, "EUR")
    categories = r.get(top, "categories", "", lambda n, p: _read_categories(r, n), {})
    recovery: dict[str, Decimal] = {}
    if "recovery_percent" in top:
        try:
            fields = r.mapping(top["recovery_percent"], "recovery_percent", required=DISPOSITIONS)
            recovery = {d: r.get(fields, d, "recovery_percent", r.percent, Decimal(0))
                        for d in DISPOSITIONS}
        except _Problem as problem:
            r.record(problem)
    rules = (r.get(top, "rules", "", lambda n, p: _read_rules(r, n, categories), [])
             if "rules" in top else [])
    if r.problems:
        raise DispositionRulesError(file, r.problems)
    return DispositionRules(version=version, currency=currency,
                            categories=MappingProxyType(categories),
                            recovery_percent=MappingProxyType(recovery), rules=tuple(rules),
                            source=file)


def load_disposition_rules(path: str | Path) -> DispositionRules:
    """Load and validate a rules file; raises :class:`DispositionRulesError` naming file and
    line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(file, 0, f"cannot read the rules file: {exc}") from exc
    return disposition_rules_from_text(text, file)
