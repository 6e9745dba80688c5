"""The strict loader of a policy file: YAML in, a checked :class:`Policy` out, or every problem.

Why the loader is strict: a typo in a policy file must fail loudly at start-up, never
silently change what customers are told. Every problem is reported as
``file:line: dotted.path: problem`` (e.g. ``default.yml:23: categories.electronics.window_days:
must be a positive integer``), unknown keys included, so the owner can go straight to the
line. The YAML is *composed* (node tree with line marks) rather than loaded, which is what
makes line numbers possible.

With ``jurisdiction: FR`` the loader also refuses a policy below French consumer law (issue
13), naming the rule and the article, e.g. ``default.yml:48: categories.electronics.window_days:
10 days is below the 14-day withdrawal right (Code de la consommation L221-18)``: start-up and
``check-policy`` both load through here, so a shop cannot run on an unlawful file.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence, TypeVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backend.domain import consumer_law as law
from backend.domain.policy_engine import (
    CUSTOMER_REASONS,
    DEFAULT_REFUND_MOMENT,
    JURISDICTIONS,
    REFUND_MOMENTS,
    SUPPORTED_CURRENCIES,
    CategoryRule,
    Policy,
    ReasonRule,
)
from common.languages import LANGUAGES


# --- Errors --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong in a policy file, at a 1-based line (0: the file as a whole)."""

    line: int
    path: str
    problem: str

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.path}: {self.problem}" if self.path else f"{where}: {self.problem}"


class PolicyError(Exception):
    """The policy file cannot be used. ``.file``, ``.line``, ``.path`` describe the first
    problem (sorted by line); ``.problems`` holds all of them, so an owner fixes a file in one go.
    """

    def __init__(self, file: str, problems: Sequence[PolicyProblem]) -> None:
        ordered = sorted(problems, key=lambda p: p.line)  # stable: cause before consequence
        first = ordered[0]
        self.file = file
        self.line = first.line
        self.path = first.path
        self.problem = first.problem
        self.problems: tuple[PolicyProblem, ...] = tuple(ordered)
        super().__init__("\n".join(p.format(file) for p in ordered))


# --- Loading -------------------------------------------------------------------------------
class _Problem(Exception):
    def __init__(self, node: Node | None, path: str, problem: str) -> None:
        super().__init__(problem)
        self.line = node.start_mark.line + 1 if node is not None else 0
        self.path = path
        self.problem = problem


T = TypeVar("T")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CATEGORY_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _suggest(key: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Reader:
    """Walks the composed YAML tree, converting values and recording problems with lines.

    Problems are collected rather than raised one by one where the rest of the file can
    still be checked, so a shop owner sees every mistake at once.
    """

    def __init__(self) -> None:
        self.problems: list[PolicyProblem] = []
        self._constructor = SafeConstructor()

    def record(self, problem: _Problem) -> None:
        self.problems.append(PolicyProblem(problem.line, problem.path, problem.problem))

    def mapping(self, node: Node, path: str, *, required: Sequence[str] = (),
                optional: Sequence[str] = (), free_keys: bool = False,
                unknown_hint: str = "") -> dict[str, Node]:
        """Keys of a mapping node. Unknown keys (typos) and missing required keys are
        recorded; duplicates too (plain YAML would silently keep the last one)."""
        if not isinstance(node, MappingNode):
            raise _Problem(node, path or "(top level)",
                           "must be a mapping of keys to values (key: value)")
        seen: dict[str, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                self.record(_Problem(key_node, path, "keys must be plain words"))
                continue
            if key_node.value in seen:
                self.record(_Problem(key_node, _join(path, key_node.value),
                                     f"duplicate key (first given on line "
                                     f"{seen[key_node.value].start_mark.line + 1})"))
            seen[key_node.value] = key_node
        self._constructor.flatten_mapping(node)  # resolves YAML "<<: *anchor" merges
        allowed = list(required) + list(optional)
        result: dict[str, Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = str(key_node.value)
            if not free_keys and key not in allowed:
                hint = unknown_hint or f"expected one of: {', '.join(sorted(allowed))}"
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                suggested.update(close)
                self.record(_Problem(key_node, _join(path, key),
                                     f"unknown key{_suggest(key, allowed)}; {hint}"))
                continue
            result[key] = value_node
        for key in required:
            # A missing key that a typo'd key already points to is the same mistake: one
            # message ("unknown key 'windw_days' (did you mean 'window_days'?)") is enough.
            if key not in result and key not in suggested:
                self.record(_Problem(node, _join(path, key), "required key is missing"))
        return result

    def get(self, fields: Mapping[str, Node], key: str, path: str,
            convert: Callable[[Node, str], T], default: T) -> T:
        """Convert ``fields[key]``; on a problem, record it and carry on with ``default``."""
        node = fields.get(key)
        if node is None:
            return default
        try:
            return convert(node, _join(path, key))
        except _Problem as problem:
            self.record(problem)
            return default

    # -- scalar converters: raise _Problem --
    def _scalar(self, node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
            raise _Problem(node, path, f"must be a single value, not {kind}")
        return self._constructor.construct_object(node)

    def positive_int(self, node: Node, path: str) -> int:
        value = self._scalar(node, path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _Problem(node, path, f"must be a positive integer (got {node.value!r})")
        return value

    def non_negative_int(self, node: Node, path: str) -> int:
        value = self._scalar(node, path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Problem(node, path,
                           f"must be a whole number, 0 or more (got {node.value!r})")
        return value

    def boolean(self, node: Node, path: str) -> bool:
        value = self._scalar(node, path)
        if not isinstance(value, bool):
            raise _Problem(node, path, f"must be true or false (got {node.value!r})")
        return value

    def text(self, node: Node, path: str) -> str:
        """Any non-empty scalar, as written (so ``version: 2026-03`` stays a string)."""
        self._scalar(node, path)
        value = str(node.value).strip()
        if not value or node.tag == "tag:yaml.org,2002:null":
            raise _Problem(node, path, "must not be empty")
        return value

    def percent(self, node: Node, path: str) -> Decimal:
        value = self._scalar(node, path)
        if isinstance(value, str) and value.strip().endswith("%"):
            value = value.strip()[:-1].strip()
            try:
                value = Decimal(value)
            except ArithmeticError:
                value = None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise _Problem(node, path,
                           f"must be a percentage between 0 and 100 (got {node.value!r})")
        number = Decimal(str(value))
        if not (0 <= number <= 100):
            raise _Problem(node, path,
                           f"must be a percentage between 0 and 100 (got {node.value!r})")
        return number

    def currency(self, node: Node, path: str) -> str:
        value = self.text(node, path).upper()
        if value not in SUPPORTED_CURRENCIES:
            raise _Problem(node, path, f"unsupported currency {node.value!r}; expected one of: "
                                       f"{', '.join(SUPPORTED_CURRENCIES)}")
        return value

    def bilingual(self, node: Node, path: str) -> dict[str, str]:
        fields = self.mapping(node, path, required=LANGUAGES)
        return {lang: self.get(fields, lang, path, self.text, "") for lang in LANGUAGES}

    def sequence(self, node: Node, path: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            raise _Problem(node, path, "must be a list, e.g. [damaged, defective]")
        return list(node.value)

    def reason_list(self, node: Node, path: str) -> tuple[str, ...]:
        codes: list[str] = []
        for index, item in enumerate(self.sequence(node, path)):
            item_path = f"{path}[{index}]"
            try:
                code = self.text(item, item_path)
            except _Problem as problem:
                self.record(problem)
                continue
            if code not in CUSTOMER_REASONS:
                self.record(_Problem(item, item_path,
                                     f"unknown reason code {code!r}{_suggest(code, CUSTOMER_REASONS)};"
                                     f" valid codes: {', '.join(CUSTOMER_REASONS)}"))
            elif code not in codes:
                codes.append(code)
        return tuple(codes)


_TOP_REQUIRED = ("version", "shop_name", "currency", "categories", "reasons",
                 "return_shipping", "label", "refunds")
_TOP_OPTIONAL = ("exclusions", "returnless", "review", "store_credit", "jurisdiction",
                 "withdrawal")


def _read_categories(r: _Reader, node: Node, french: bool) -> dict[str, CategoryRule]:
    path = "categories"
    fields = r.mapping(node, path, free_keys=True)
    rules: dict[str, CategoryRule] = {}
    for key, value in fields.items():
        cat_path = _join(path, key)
        if not _CATEGORY_KEY.match(key):
            key_node = next(k for k, v in node.value if v is value)
            r.record(_Problem(key_node, cat_path, "category names must be lower-case letters, "
                                                  "digits, '-' or '_' (as in the catalogue)"))
            continue
        try:
            cat = r.mapping(value, cat_path, required=("window_days",),
                            optional=("restocking_fee_percent", "restocking_fee_from_day",
                                      "names"))
        except _Problem as problem:
            r.record(problem)
            continue
        default_names = ({"en": "other items", "fr": "autres articles"} if key == "default"
                         else {lang: key.replace("_", " ") for lang in LANGUAGES})
        rules[key] = CategoryRule(
            key=key,
            window_days=r.get(cat, "window_days", cat_path, r.positive_int, 1),
            restocking_fee_percent=r.get(cat, "restocking_fee_percent", cat_path, r.percent,
                                         Decimal(0)),
            names=r.get(cat, "names", cat_path, r.bilingual, default_names),
            restocking_fee_from_day=r.get(cat, "restocking_fee_from_day", cat_path,
                                          r.non_negative_int, 0),
        )
        if french:
            _check_category_floor(r, cat, cat_path, rules[key])
    if "default" not in fields:
        r.record(_Problem(node, _join(path, "default"),
                          "required: the rule for products whose category is not listed"))
    return rules


def _check_category_floor(r: _Reader, cat: Mapping[str, Node], path: str,
                          rule: CategoryRule) -> None:
    """FR: a window of at least the 14 days of withdrawal (L221-18) and no restocking fee on
    a withdrawal (L221-23). A value already refused as malformed is not judged again."""
    window_node = cat.get("window_days")
    if (window_node is not None and _was_read(r, window_node)
            and rule.window_days < law.WITHDRAWAL_DAYS):
        r.record(_Problem(window_node, _join(path, "window_days"),
                          f"{rule.window_days} days is below the {law.WITHDRAWAL_DAYS}-day "
                          f"withdrawal right ({law.article(law.ART_WITHDRAWAL)})"))
    fee_node, from_node = cat.get("restocking_fee_percent"), cat.get("restocking_fee_from_day")
    if rule.restocking_fee_percent <= 0 or rule.restocking_fee_from_day >= \
            law.FIRST_DAY_AFTER_WITHDRAWAL:
        return
    rule_text = (f"no restocking fee may be charged on a withdrawal, within "
                 f"{law.WITHDRAWAL_DAYS} days of delivery "
                 f"({law.article(law.ART_WITHDRAWAL_COSTS)})")
    percent = format(rule.restocking_fee_percent.normalize(), "f")
    if from_node is not None and _was_read(r, from_node):
        r.record(_Problem(from_node, _join(path, "restocking_fee_from_day"),
                          f"a restocking fee from day {rule.restocking_fee_from_day} could "
                          f"apply to a withdrawal: {rule_text}; use "
                          f"{law.FIRST_DAY_AFTER_WITHDRAWAL} or later"))
    elif from_node is None and fee_node is not None:
        r.record(_Problem(fee_node, _join(path, "restocking_fee_percent"),
                          f"a {percent}% restocking fee without restocking_fee_from_day would "
                          f"apply to withdrawals too: {rule_text}; add restocking_fee_from_day: "
                          f"{law.FIRST_DAY_AFTER_WITHDRAWAL} (or later)"))


def _was_read(r: _Reader, node: Node) -> bool:
    """Whether ``node`` was read without a problem (no problem recorded on its line)."""
    line = node.start_mark.line + 1
    return not any(p.line == line for p in r.problems)


def _key_node(mapping: Node, key: str) -> Node | None:
    """The key node of ``key`` in a mapping (its line is where the owner wrote the key)."""
    if isinstance(mapping, MappingNode):
        for key_node, _ in mapping.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node
    return None


def _read_reasons(r: _Reader, node: Node) -> dict[str, ReasonRule]:
    path = "reasons"
    fields = r.mapping(node, path, required=CUSTOMER_REASONS,
                       unknown_hint=f"valid reason codes: {', '.join(CUSTOMER_REASONS)}")
    rules: dict[str, ReasonRule] = {}
    for code in CUSTOMER_REASONS:
        value = fields.get(code)
        if value is None:
            rules[code] = ReasonRule(code, False, False)
            continue
        reason_path = _join(path, code)
        try:
            rf = r.mapping(value, reason_path, required=("shop_fault", "photo_required"))
        except _Problem as problem:
            r.record(problem)
            rf = {}
        rules[code] = ReasonRule(
            code=code,
            shop_fault=r.get(rf, "shop_fault", reason_path, r.boolean, False),
            photo_required=r.get(rf, "photo_required", reason_path, r.boolean, False),
        )
    return rules


def _section(r: _Reader, top: Mapping[str, Node], key: str, *, required: Sequence[str] = (),
             optional: Sequence[str] = ()) -> dict[str, Node]:
    node = top.get(key)
    if node is None:
        return {}
    try:
        return r.mapping(node, key, required=required, optional=optional)
    except _Problem as problem:
        r.record(problem)
        return {}


def _jurisdiction(r: _Reader) -> Callable[[Node, str], str]:
    def convert(node: Node, path: str) -> str:
        value = r.text(node, path)
        for known in JURISDICTIONS:
            if value.lower() == known.lower():
                return known
        raise _Problem(node, path, f"unknown jurisdiction {value!r}; expected one of: "
                                   f"{', '.join(JURISDICTIONS)}")
    return convert


def _refund_moment(r: _Reader) -> Callable[[Node, str], str]:
    """``refunds.issue_at``: one of :data:`REFUND_MOMENTS`, as written (a typo is refused)."""
    def convert(node: Node, path: str) -> str:
        value = r.text(node, path)
        if value not in REFUND_MOMENTS:
            raise _Problem(node, path, f"unknown moment {value!r}{_suggest(value, REFUND_MOMENTS)}; "
                                       f"expected one of: {', '.join(REFUND_MOMENTS)}")
        return value
    return convert


def policy_from_text(text: str, file: str = "<policy>") -> Policy:
    """Parse and validate policy YAML; ``file`` names it in error messages."""
    r = _Reader()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        detail = exc.problem or exc.context or "syntax error"
        if exc.context and exc.context_mark is not None and exc.problem_mark is not None \
                and exc.context_mark.line != exc.problem_mark.line:
            # e.g. an unclosed "{" is only noticed on a later line: say where it opened.
            detail += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise PolicyError(file, [PolicyProblem(line, "", f"invalid YAML: {detail}")]) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(file, [PolicyProblem(0, "", f"invalid YAML: {exc}")]) from exc
    if root is None:
        raise PolicyError(file, [PolicyProblem(1, "", "the policy file is empty")])
    try:
        top = r.mapping(root, "", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    except _Problem as problem:
        raise PolicyError(file, [PolicyProblem(problem.line, problem.path, problem.problem)])

    jurisdiction = r.get(top, "jurisdiction", "", _jurisdiction(r), "none")
    french = jurisdiction == "FR"
    version = r.get(top, "version", "", r.text, "")
    if len(version) > 40:
        r.record(_Problem(top["version"], "version", "must be at most 40 characters"))
    shop_name = r.get(top, "shop_name", "", r.text, "")
    currency = r.get(top, "currency", "", r.currency, "EUR")
    categories = (r.get(top, "categories", "", lambda n, p: _read_categories(r, n, french), {})
                  if "categories" in top else {})
    reasons = (r.get(top, "reasons", "", lambda n, p: _read_reasons(r, n), {})
               if "reasons" in top else {})

    exc_fields = _section(r, top, "exclusions", optional=(
        "final_sale", "hygiene_categories", "hygiene_products_text",
        "faulty_items_go_to_review", "hygiene_seal_condition"))
    final_sale = r.get(exc_fields, "final_sale", "exclusions", r.boolean, True)
    hygiene: list[str] = []
    hyg_node = exc_fields.get("hygiene_categories")
    if hyg_node is not None:
        try:
            for index, item in enumerate(r.sequence(hyg_node, "exclusions.hygiene_categories")):
                item_path = f"exclusions.hygiene_categories[{index}]"
                try:
                    name = r.text(item, item_path).lower()
                except _Problem as problem:
                    r.record(problem)
                    continue
                if categories and name not in categories:
                    r.record(_Problem(item, item_path,
                                      f"'{name}' is not listed under categories"
                                      f"{_suggest(name, list(categories))}"))
                elif name not in hygiene:
                    hygiene.append(name)
        except _Problem as problem:
            r.record(problem)
    hygiene_text = r.get(exc_fields, "hygiene_products_text", "exclusions", r.bilingual, None)
    faulty_review = r.get(exc_fields, "faulty_items_go_to_review", "exclusions", r.boolean,
                          False)
    seal_condition = r.get(exc_fields, "hygiene_seal_condition", "exclusions", r.boolean, False)
    if french and (hygiene or hygiene_text) and not seal_condition:
        where = (exc_fields.get("hygiene_seal_condition") or hyg_node
                 or exc_fields.get("hygiene_products_text"))
        key = ("hygiene_seal_condition" if "hygiene_seal_condition" in exc_fields
               else "hygiene_categories" if hyg_node is not None else "hygiene_products_text")
        if where is None or _was_read(r, where):
            r.record(_Problem(where, _join("exclusions", key),
                              "hygiene items may be refused only once unsealed after delivery "
                              f"({law.article(law.ART_HYGIENE_EXCEPTION)}): set "
                              "exclusions.hygiene_seal_condition: true"))

    withdrawal = _section(r, top, "withdrawal",
                          required=("customer_informed", "customer_pays_return_shipping"))
    informed = r.get(withdrawal, "customer_informed", "withdrawal", r.boolean, True)
    customer_pays = r.get(withdrawal, "customer_pays_return_shipping", "withdrawal", r.boolean,
                          True)
    if "withdrawal" in top and not french:
        r.record(_Problem(_key_node(root, "withdrawal"), "withdrawal",
                          "only with jurisdiction: FR (the right of withdrawal is French "
                          "consumer law); remove this section or set jurisdiction: FR"))
    elif french and "withdrawal" not in top:
        r.record(_Problem(_key_node(root, "jurisdiction"), "withdrawal",
                          "required with jurisdiction: FR: say whether customers are told about "
                          "their 14-day right of withdrawal (customer_informed: true|false; "
                          f"false adds 12 months, {law.article(law.ART_NOT_INFORMED)}) and "
                          "whether they pay the return shipping of a withdrawal "
                          "(customer_pays_return_shipping: true|false, "
                          f"{law.article(law.ART_WITHDRAWAL_COSTS)})"))

    ship = _section(r, top, "return_shipping", required=("customer_fee_minor",),
                    optional=("free_for_exchanges",))
    ship_fee = r.get(ship, "customer_fee_minor", "return_shipping", r.non_negative_int, 0)
    free_exchanges = r.get(ship, "free_for_exchanges", "return_shipping", r.boolean, False)

    rl = _section(r, top, "returnless", required=("enabled", "max_value_minor", "reasons"))
    rl_enabled = r.get(rl, "enabled", "returnless", r.boolean, False)
    rl_max = r.get(rl, "max_value_minor", "returnless", r.non_negative_int, 0)
    rl_reasons = r.get(rl, "reasons", "returnless", r.reason_list, ())

    review = _section(r, top, "review", required=("max_returns_90d",))
    max_returns = r.get(review, "max_returns_90d", "review", r.positive_int, None)

    credit = _section(r, top, "store_credit", required=("bonus_percent",))
    bonus = r.get(credit, "bonus_percent", "store_credit", r.percent, Decimal(0))

    label = _section(r, top, "label", required=("valid_days",))
    label_days = r.get(label, "valid_days", "label", r.positive_int, 1)

    refunds = _section(r, top, "refunds", required=("days_min", "days_max"), optional=("issue_at",))
    days_min = r.get(refunds, "days_min", "refunds", r.non_negative_int, 0)
    days_max = r.get(refunds, "days_max", "refunds", r.positive_int, 1)
    issue_at = r.get(refunds, "issue_at", "refunds", _refund_moment(r), DEFAULT_REFUND_MOMENT)
    if "days_min" in refunds and "days_max" in refunds and days_min > days_max:
        r.record(_Problem(refunds["days_max"], "refunds.days_max",
                          f"must not be less than refunds.days_min ({days_min})"))

    if r.problems:
        raise PolicyError(file, r.problems)
    return Policy(
        version=version, currency=currency, shop_name=shop_name,
        label_valid_days=label_days, refund_days_min=days_min, refund_days_max=days_max,
        categories=MappingProxyType(categories), reasons=MappingProxyType(reasons),
        final_sale_excluded=final_sale,
        hygiene_categories=tuple(hygiene), hygiene_products_text=hygiene_text,
        faulty_items_go_to_review=faulty_review, return_shipping_fee_minor=ship_fee,
        exchanges_free_shipping=free_exchanges, returnless_enabled=rl_enabled,
        returnless_max_value_minor=rl_max, returnless_reasons=rl_reasons,
        max_returns_90d=max_returns, store_credit_bonus_percent=bonus, source=file,
        jurisdiction=jurisdiction, withdrawal_customer_informed=informed,
        withdrawal_customer_pays_return_shipping=customer_pays,
        hygiene_seal_condition=seal_condition, refund_issue_at=issue_at,
    )


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file; raises :class:`PolicyError` naming file and line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(file, [PolicyProblem(0, "", f"cannot read the policy file: {exc}")])
    return policy_from_text(text, file)
