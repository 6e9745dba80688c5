"""The shop's returns policy: one YAML file, loaded and checked once, then applied as pure code.

Why one declarative file: a shop owner can read and change the rules (windows, fees,
exclusions) without touching Python, and every decision carries the file's ``version`` so a
return can always be traced back to the rules that decided it.

Why the loader is strict: a typo in a policy file must fail loudly at start-up, never
silently change what customers are told. Every problem is reported as
``file:line: dotted.path: problem`` (e.g. ``default.yml:23: categories.electronics.window_days:
must be a positive integer``), unknown keys included, so the owner can go straight to the
line. The YAML is *composed* (node tree with line marks) rather than loaded, which is what
makes line numbers possible.

Why the engine is pure (no database, no HTTP, no clock): the same inputs always give the same
:class:`ReturnDecision`, so the chat bot, the API and the tests all agree, and a decision can
be replayed. Callers pass ``today`` and the facts they looked up.

Decision reason codes (stable strings stored with a return, in this order of appearance):

========================== ============ ======================================================
code                       effect       meaning
========================== ============ ======================================================
within_window              info         delivered and still inside the category's window
not_delivered              rejected     the order has not been delivered yet
window_expired             rejected     delivered more than ``window_days`` ago
final_sale                 rejected*    product sold as final sale
hygiene                    rejected*    hygiene product flag, or category in hygiene list
review_if_faulty           info         (eligibility only) excluded, but a shop-fault claim
                                        would be reviewed
excluded_item_fault_claim  needs_review  excluded item with a shop-fault reason (*instead of
                                        rejected, when ``faulty_items_go_to_review``)
exchange_out_of_stock      rejected     the wanted exchange variant is not in stock
exchange_stock_unknown     needs_review exchange asked but stock not given by the caller
photo_required             needs_review reason needs a photo and none was attached
too_many_returns           needs_review customer already at ``max_returns_90d`` returns
restocking_fee             info         a restocking fee is deducted on this line
store_credit_bonus         info         store credit bonus added on this line
return_shipping_fee        info         (request) a return shipping fee is deducted
free_return_shipping       info         (request) a label is needed and the shop pays for it
returnless                 info         (request) keep the item, no label
========================== ============ ======================================================
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence, TypeVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backend.domain import policy_text as txt
from backend.domain.policy_text import Item, Money, Text, render

# --- Vocabularies --------------------------------------------------------------------------
CUSTOMER_REASONS: tuple[str, ...] = (
    "damaged", "defective", "wrong_item", "wrong_size", "changed_mind", "not_as_described",
    "arrived_late", "other",
)
RESOLUTIONS: tuple[str, ...] = ("refund", "exchange", "store_credit")
OUTCOMES: tuple[str, ...] = ("approved", "needs_review", "rejected")
REASON_CODES: tuple[str, ...] = (
    "within_window", "not_delivered", "window_expired", "final_sale", "hygiene",
    "review_if_faulty", "excluded_item_fault_claim", "exchange_out_of_stock",
    "exchange_stock_unknown", "photo_required", "too_many_returns", "restocking_fee",
    "store_credit_bonus", "return_shipping_fee", "free_return_shipping", "returnless",
)
SUPPORTED_CURRENCIES: tuple[str, ...] = txt.SUPPORTED_CURRENCIES
_SEVERITY = {"approved": 0, "needs_review": 1, "rejected": 2}


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


# --- Inputs and outputs of the engine ------------------------------------------------------
@dataclass(frozen=True)
class LineFacts:
    """What the shop knows about one order line being returned (looked up by the caller)."""

    order_line_id: int
    sku: str
    category: str
    final_sale: bool
    hygiene: bool
    unit_paid_minor: int
    quantity: int  # quantity being returned
    delivered_on: dt.date | None


@dataclass(frozen=True)
class LineRequest:
    """One line of a return request: the facts plus what the customer said and wants."""

    facts: LineFacts
    reason_code: str
    resolution: str
    photo_count: int = 0
    exchange_in_stock: bool | None = None  # only meaningful for resolution == "exchange"


@dataclass(frozen=True)
class LineEligibility:
    """Can this line be returned at all, before the customer says why?"""

    order_line_id: int
    eligible: bool
    reason_codes: tuple[str, ...]
    window_ends_on: dt.date | None
    explanation: dict[str, str]


@dataclass(frozen=True)
class LineDecision:
    order_line_id: int
    outcome: str  # "approved" | "needs_review" | "rejected"
    reason_codes: tuple[str, ...]
    restocking_fee_minor: int
    refund_amount_minor: int
    explanation: dict[str, str]


@dataclass(frozen=True)
class ReturnDecision:
    """The decision on a whole request. Money is only ever computed for a request that is
    not rejected: a rejected request carries zero fees and a zero refund on every line, so
    nothing downstream can pay out on it by mistake.
    """

    outcome: str
    eligible: bool
    lines: tuple[LineDecision, ...]
    reason_codes: tuple[str, ...]
    restocking_fee_minor: int
    return_shipping_fee_minor: int
    refund_amount_minor: int
    returnless: bool
    currency: str
    policy_version: str
    explanation: dict[str, str]


@dataclass(frozen=True)
class CategoryRule:
    key: str
    window_days: int
    restocking_fee_percent: Decimal
    names: Mapping[str, str]  # {"en": ..., "fr": ...} as shown to customers


@dataclass(frozen=True)
class ReasonRule:
    """How a customer reason is treated. ``shop_fault``: the shop pays return shipping, no
    restocking fee, and an excluded item goes to review instead of being refused."""

    code: str
    shop_fault: bool
    photo_required: bool


def _percent_of(amount_minor: int, percent: Decimal) -> int:
    """``percent`` of an amount in minor units, rounded half up (Decimal: no float drift)."""
    value = Decimal(amount_minor) * percent / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class _LineDraft:
    """Working state of one line while a request is decided."""

    request: LineRequest
    item: Item
    outcome: str = "approved"
    reject_codes: list[str] = field(default_factory=list)
    review_codes: list[str] = field(default_factory=list)
    info_codes: list[str] = field(default_factory=list)
    reject_texts: list[Text] = field(default_factory=list)
    review_texts: list[Text] = field(default_factory=list)
    info_texts: list[Text] = field(default_factory=list)
    money_texts: list[Text] = field(default_factory=list)
    gross_minor: int = 0
    restocking_fee_minor: int = 0
    refund_amount_minor: int = 0

    def worsen(self, outcome: str) -> None:
        if _SEVERITY[outcome] > _SEVERITY[self.outcome]:
            self.outcome = outcome


# --- The policy ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Policy:
    """A loaded, validated policy. Build it with :func:`load_policy`."""

    version: str
    currency: str
    shop_name: str
    label_valid_days: int
    refund_days_min: int
    refund_days_max: int
    categories: Mapping[str, CategoryRule]
    reasons: Mapping[str, ReasonRule]
    final_sale_excluded: bool
    hygiene_categories: tuple[str, ...]
    hygiene_products_text: Mapping[str, str] | None
    faulty_items_go_to_review: bool
    return_shipping_fee_minor: int
    exchanges_free_shipping: bool
    returnless_enabled: bool
    returnless_max_value_minor: int
    returnless_reasons: tuple[str, ...]
    max_returns_90d: int | None
    store_credit_bonus_percent: Decimal
    source: str = ""

    # -- lookups --
    @property
    def shop_fault_reasons(self) -> tuple[str, ...]:
        return tuple(c for c in CUSTOMER_REASONS if self.reasons[c].shop_fault)

    def category(self, category: str) -> CategoryRule:
        """The rule for a product category; categories the file does not list use ``default``
        (so a new catalogue category never crashes returns, it gets the default window)."""
        return self.categories.get(category.strip().lower(), self.categories["default"])

    def window_days(self, category: str) -> int:
        return self.category(category).window_days

    def _exclusions(self, facts: LineFacts) -> list[str]:
        codes: list[str] = []
        if self.final_sale_excluded and facts.final_sale:
            codes.append("final_sale")
        if facts.hygiene or facts.category.strip().lower() in self.hygiene_categories:
            codes.append("hygiene")
        return codes

    def _window(self, facts: LineFacts, today: dt.date) -> tuple[str, dt.date | None]:
        """("not_delivered" | "window_expired" | "within_window", last day to return).

        The window counts days from delivery and its last day is included: delivered on
        1 March with 30 days, the item can be returned until 31 March.
        """
        if facts.delivered_on is None:
            return "not_delivered", None
        ends = facts.delivered_on + dt.timedelta(days=self.window_days(facts.category))
        return ("within_window" if today <= ends else "window_expired"), ends

    def _window_text(self, code: str, facts: LineFacts, ends: dt.date | None,
                     item: Item) -> Text:
        if code == "not_delivered":
            return render("not_delivered", item=item)
        assert ends is not None and facts.delivered_on is not None
        return render(code, item=item, days=self.window_days(facts.category),
                      ends=ends, delivered=facts.delivered_on)

    # -- eligibility --
    def line_eligibility(self, facts: LineFacts, today: dt.date, *,
                         item_names: Mapping[int, str] | None = None) -> LineEligibility:
        """Whether a line can be returned at all, before the customer gives a reason.

        An excluded item is not eligible; when shop-fault claims on excluded items go to
        review, ``review_if_faulty`` tells the bot it may still offer the "it arrived
        damaged" route.
        """
        item = Item((item_names or {}).get(facts.order_line_id))
        window_code, ends = self._window(facts, today)
        exclusions = self._exclusions(facts)
        if window_code == "within_window" and not exclusions:
            assert ends is not None and facts.delivered_on is not None
            return LineEligibility(
                facts.order_line_id, True, ("within_window",), ends,
                render("eligible", item=item, ends=ends, days=self.window_days(facts.category),
                       delivered=facts.delivered_on))
        codes: list[str] = []
        texts: list[Text] = []
        if window_code != "within_window":
            codes.append(window_code)
            texts.append(self._window_text(window_code, facts, ends, item))
        for code in exclusions:
            codes.append(code)
            texts.append(render(code, item=item))
        if (window_code == "within_window" and self.faulty_items_go_to_review
                and self.shop_fault_reasons):
            codes.append("review_if_faulty")
            texts.append(render("review_if_faulty",
                                reasons=txt.reason_words(self.shop_fault_reasons)))
        return LineEligibility(facts.order_line_id, False, tuple(codes), ends, txt.join(texts))

    # -- decision --
    def decide(self, lines: Sequence[LineRequest], *, customer_returns_90d: int,
               today: dt.date, item_names: Mapping[int, str] | None = None) -> ReturnDecision:
        """Decide a whole return request.

        ``customer_returns_90d`` counts the customer's earlier returns in the last 90 days,
        not this one: with ``max_returns_90d: 5`` a customer who already made 5 is sent to
        review (this would be the 6th).

        Raises ``ValueError`` for input no customer could produce (unknown reason or
        resolution, quantity below 1): that is a caller bug, not a decision.
        """
        if not lines:
            raise ValueError("a return request needs at least one line")
        if customer_returns_90d < 0:
            raise ValueError("customer_returns_90d cannot be negative")
        names = item_names or {}
        too_many = (self.max_returns_90d is not None
                    and customer_returns_90d >= self.max_returns_90d)
        drafts = [self._decide_line(req, today, Item(names.get(req.facts.order_line_id)),
                                    too_many, customer_returns_90d) for req in lines]

        outcome = max((d.outcome for d in drafts), key=_SEVERITY.__getitem__)
        rejected = outcome == "rejected"
        if rejected:  # no money on a rejected request (see ReturnDecision)
            for d in drafts:
                d.restocking_fee_minor = d.refund_amount_minor = 0
        active = [d for d in drafts if d.outcome != "rejected"]

        goods_value = sum(d.gross_minor for d in active)
        returnless = (not rejected and self.returnless_enabled and bool(active)
                      and all(d.request.reason_code in self.returnless_reasons for d in active)
                      and goods_value <= self.returnless_max_value_minor)
        waived_fault = any(self.reasons[d.request.reason_code].shop_fault for d in active)
        waived_exchange = self.exchanges_free_shipping and any(
            d.request.resolution == "exchange" for d in active)
        line_refunds = sum(d.refund_amount_minor for d in active)
        shipping_fee = 0
        if not (rejected or returnless or waived_fault or waived_exchange):
            # The fee is only ever deducted from the refund, never billed separately, so it is
            # capped at what the refund can cover (an exchange-only return pays nothing).
            shipping_fee = min(self.return_shipping_fee_minor, line_refunds)
        refund_total = 0 if rejected else max(0, line_refunds - shipping_fee)

        line_decisions = tuple(self._line_decision(d, too_many, customer_returns_90d)
                               for d in drafts)
        codes: list[str] = []
        for ld in line_decisions:
            codes.extend(c for c in ld.reason_codes if c not in codes)
        if not rejected:
            if returnless:
                codes.append("returnless")
            elif shipping_fee > 0:
                codes.append("return_shipping_fee")
            else:
                codes.append("free_return_shipping")

        explanation = self._request_explanation(
            outcome, drafts, active, returnless=returnless, goods_value=goods_value,
            shipping_fee=shipping_fee, refund_total=refund_total, waived_fault=waived_fault,
            waived_exchange=waived_exchange, too_many=too_many,
            customer_returns_90d=customer_returns_90d)
        return ReturnDecision(
            outcome=outcome,
            eligible=not rejected,
            lines=line_decisions,
            reason_codes=tuple(codes),
            restocking_fee_minor=sum(d.restocking_fee_minor for d in active),
            return_shipping_fee_minor=shipping_fee,
            refund_amount_minor=refund_total,
            returnless=returnless,
            currency=self.currency,
            policy_version=self.version,
            explanation=explanation,
        )

    @staticmethod
    def _check_request(req: LineRequest) -> None:
        f = req.facts
        if req.reason_code not in CUSTOMER_REASONS:
            raise ValueError(f"unknown reason code {req.reason_code!r}; "
                             f"expected one of {', '.join(CUSTOMER_REASONS)}")
        if req.resolution not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {req.resolution!r}; "
                             f"expected one of {', '.join(RESOLUTIONS)}")
        if f.quantity < 1:
            raise ValueError(f"order line {f.order_line_id}: quantity must be at least 1")
        if f.unit_paid_minor < 0:
            raise ValueError(f"order line {f.order_line_id}: unit_paid_minor cannot be negative")
        if req.photo_count < 0:
            raise ValueError(f"order line {f.order_line_id}: photo_count cannot be negative")

    def _decide_line(self, req: LineRequest, today: dt.date, item: Item, too_many: bool,
                     customer_returns_90d: int) -> _LineDraft:
        self._check_request(req)
        facts = req.facts
        reason = self.reasons[req.reason_code]
        draft = _LineDraft(request=req, item=item)

        window_code, ends = self._window(facts, today)
        if window_code == "within_window":
            draft.info_codes.append("within_window")
            draft.info_texts.append(self._window_text(window_code, facts, ends, item))
        else:
            draft.reject_codes.append(window_code)
            draft.reject_texts.append(self._window_text(window_code, facts, ends, item))
            draft.worsen("rejected")

        exclusions = self._exclusions(facts)
        if exclusions:
            draft.reject_codes.extend(exclusions)  # kept on the line whatever the outcome
            if reason.shop_fault and self.faulty_items_go_to_review:
                draft.review_codes.append("excluded_item_fault_claim")
                draft.review_texts.append(render("excluded_item_fault_claim", item=item,
                                                 reason=txt.reason_label(req.reason_code)))
                draft.worsen("needs_review")
            else:
                draft.reject_texts.extend(render(code, item=item) for code in exclusions)
                draft.worsen("rejected")

        if req.resolution == "exchange":
            if req.exchange_in_stock is False:
                draft.reject_codes.append("exchange_out_of_stock")
                draft.reject_texts.append(render("exchange_out_of_stock", item=item))
                draft.worsen("rejected")
            elif req.exchange_in_stock is None:
                draft.review_codes.append("exchange_stock_unknown")
                draft.review_texts.append(render("exchange_stock_unknown", item=item))
                draft.worsen("needs_review")
            else:
                draft.info_texts.append(render("exchange_in_stock", item=item))

        if reason.photo_required and req.photo_count < 1:
            draft.review_codes.append("photo_required")
            draft.review_texts.append(render("photo_required", item=item,
                                             reason=txt.reason_label(req.reason_code)))
            draft.worsen("needs_review")
        if too_many:
            draft.review_codes.append("too_many_returns")
            draft.worsen("needs_review")

        if draft.outcome == "rejected":
            return draft

        rule = self.category(facts.category)
        draft.gross_minor = facts.unit_paid_minor * facts.quantity
        if req.resolution == "exchange":
            draft.money_texts.append(render("line_exchange", item=item))
            return draft
        if not reason.shop_fault and rule.restocking_fee_percent > 0:
            draft.restocking_fee_minor = _percent_of(draft.gross_minor,
                                                     rule.restocking_fee_percent)
        if draft.restocking_fee_minor:
            draft.info_codes.append("restocking_fee")
            draft.info_texts.append(render(
                "restocking_fee", item=item, percent=rule.restocking_fee_percent,
                fee=Money(draft.restocking_fee_minor, self.currency), category=rule.names))
        net = draft.gross_minor - draft.restocking_fee_minor
        bonus = 0
        if req.resolution == "store_credit" and self.store_credit_bonus_percent > 0:
            bonus = _percent_of(net, self.store_credit_bonus_percent)
        draft.refund_amount_minor = net + bonus
        key = "line_store_credit" if req.resolution == "store_credit" else "line_refund"
        draft.money_texts.append(render(key, item=item,
                                        amount=Money(draft.refund_amount_minor, self.currency)))
        if bonus:
            draft.info_codes.append("store_credit_bonus")
            draft.money_texts.append(render("store_credit_bonus",
                                            percent=self.store_credit_bonus_percent,
                                            bonus=Money(bonus, self.currency)))
        return draft

    def _line_decision(self, d: _LineDraft, too_many: bool,
                       customer_returns_90d: int) -> LineDecision:
        if d.outcome == "rejected":
            codes = list(d.reject_codes)
            texts = d.reject_texts
        else:
            codes = (d.info_codes[:1] + d.reject_codes + d.review_codes + d.info_codes[1:])
            texts = list(d.review_texts)
            if too_many:
                texts.append(render("too_many_returns", count=customer_returns_90d))
            texts += d.info_texts + d.money_texts
        return LineDecision(
            order_line_id=d.request.facts.order_line_id,
            outcome=d.outcome,
            reason_codes=tuple(codes),
            restocking_fee_minor=d.restocking_fee_minor,
            refund_amount_minor=d.refund_amount_minor,
            explanation=txt.with_headline(d.outcome, texts),
        )

    def _request_explanation(self, outcome: str, drafts: list[_LineDraft],
                             active: list[_LineDraft], *, returnless: bool, goods_value: int,
                             shipping_fee: int, refund_total: int, waived_fault: bool,
                             waived_exchange: bool, too_many: bool,
                             customer_returns_90d: int) -> Text:
        """Full sentences for the customer: why this outcome, then what happens next."""
        parts: list[Text] = []
        if outcome == "rejected":
            for d in drafts:
                if d.outcome == "rejected":
                    parts.extend(d.reject_texts)
            if active:
                parts.append(render("rejected_others"))
            return txt.with_headline(outcome, parts)

        resolutions = {d.request.resolution for d in active}
        if outcome == "needs_review":
            for d in drafts:
                parts.extend(d.review_texts)
            if too_many:
                parts.append(render("too_many_returns", count=customer_returns_90d))
            parts.append(render("review_team"))
            if resolutions - {"exchange"}:
                parts.append(render("review_estimate",
                                    amount=Money(refund_total, self.currency)))
            return txt.with_headline(outcome, parts)

        for d in drafts:
            parts.extend(d.info_texts)
        if returnless:
            key = "returnless_one" if len(active) == 1 and active[0].request.facts.quantity == 1 \
                else "returnless_many"
            parts.append(render(key, value=Money(goods_value, self.currency),
                                limit=Money(self.returnless_max_value_minor, self.currency)))
        else:
            if shipping_fee > 0:
                parts.append(render("shipping_fee", fee=Money(shipping_fee, self.currency)))
            elif waived_fault:
                parts.append(render("shipping_free_fault"))
            elif waived_exchange:
                parts.append(render("shipping_free_exchange"))
            else:
                parts.append(render("shipping_free"))
            parts.append(render("label", days=self.label_valid_days))
        suffix = "_returnless" if returnless else ""
        timing = {"min": self.refund_days_min, "max": self.refund_days_max}
        amount = Money(refund_total, self.currency)
        if {"refund", "store_credit"} <= resolutions:
            parts.append(render("total_mixed" + suffix, amount=amount, **timing))
        elif "refund" in resolutions:
            parts.append(render("total_refund" + suffix, amount=amount, **timing))
        elif "store_credit" in resolutions:
            parts.append(render("total_store_credit" + suffix, amount=amount, **timing))
        if "exchange" in resolutions:
            parts.append(render("total_exchange" + suffix))
        return txt.with_headline(outcome, parts)

    # -- FAQ --
    def faq(self, language: str) -> list[dict]:
        """Questions and answers written from this file's values (see ``policy_text``)."""
        return txt.render_faq(self, language)


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
        fields = self.mapping(node, path, required=txt.LANGUAGES)
        return {lang: self.get(fields, lang, path, self.text, "") for lang in txt.LANGUAGES}

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
_TOP_OPTIONAL = ("exclusions", "returnless", "review", "store_credit")


def _read_categories(r: _Reader, node: Node) -> dict[str, CategoryRule]:
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
                            optional=("restocking_fee_percent", "names"))
        except _Problem as problem:
            r.record(problem)
            continue
        default_names = ({"en": "other items", "fr": "autres articles"} if key == "default"
                         else {lang: key.replace("_", " ") for lang in txt.LANGUAGES})
        rules[key] = CategoryRule(
            key=key,
            window_days=r.get(cat, "window_days", cat_path, r.positive_int, 1),
            restocking_fee_percent=r.get(cat, "restocking_fee_percent", cat_path, r.percent,
                                         Decimal(0)),
            names=r.get(cat, "names", cat_path, r.bilingual, default_names),
        )
    if "default" not in fields:
        r.record(_Problem(node, _join(path, "default"),
                          "required: the rule for products whose category is not listed"))
    return rules


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

    version = r.get(top, "version", "", r.text, "")
    if len(version) > 40:
        r.record(_Problem(top["version"], "version", "must be at most 40 characters"))
    shop_name = r.get(top, "shop_name", "", r.text, "")
    currency = r.get(top, "currency", "", r.currency, "EUR")
    categories = (r.get(top, "categories", "", lambda n, p: _read_categories(r, n), {})
                  if "categories" in top else {})
    reasons = (r.get(top, "reasons", "", lambda n, p: _read_reasons(r, n), {})
               if "reasons" in top else {})

    exc_fields = _section(r, top, "exclusions", optional=(
        "final_sale", "hygiene_categories", "hygiene_products_text",
        "faulty_items_go_to_review"))
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

    refunds = _section(r, top, "refunds", required=("days_min", "days_max"))
    days_min = r.get(refunds, "days_min", "refunds", r.non_negative_int, 0)
    days_max = r.get(refunds, "days_max", "refunds", r.positive_int, 1)
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
    )


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file; raises :class:`PolicyError` naming file and line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(file, [PolicyProblem(0, "", f"cannot read the policy file: {exc}")])
    return policy_from_text(text, file)
