"""The returns policy's decision engine: a loaded :class:`Policy` applied as pure code.

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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence

from backend.domain import policy_text as txt
from backend.domain.policy_text import Item, Money, render
from common import reasons
from common.formatting import SUPPORTED_CURRENCIES
from common.languages import Localized

# --- Vocabularies --------------------------------------------------------------------------
# The customer's reasons, in the order explanations list them: the one table (common.reasons).
CUSTOMER_REASONS: tuple[str, ...] = reasons.REASON_CODES
RESOLUTIONS: tuple[str, ...] = ("refund", "exchange", "store_credit")
# The remedies of the legal guarantee of conformity (jurisdiction FR, issue 13): repair or
# replacement as the customer chooses; a price reduction when neither is possible. Only for a
# conformity reason (CONFORMITY_REASONS); "refund" stays the refund remedy.
REMEDIES: tuple[str, ...] = ("repair", "replacement", "price_reduction")
ALL_RESOLUTIONS: tuple[str, ...] = RESOLUTIONS + REMEDIES
# Reasons that are a lack of conformity under the legal guarantee (Code de la consommation
# L217-3 ff.): whatever the shop's own reasons table says, these are the seller's to fix.
CONFORMITY_REASONS: tuple[str, ...] = ("damaged", "defective", "wrong_item", "not_as_described")
JURISDICTIONS: tuple[str, ...] = ("none", "FR")
# Which rules decided a line: the shop's own policy, the 14-day withdrawal right, or the
# legal guarantee of conformity. Stored with each return line.
LEGAL_BASES: tuple[str, ...] = ("commercial", "withdrawal", "guarantee")
OUTCOMES: tuple[str, ...] = ("approved", "needs_review", "rejected")
REASON_CODES: tuple[str, ...] = (
    "within_window", "not_delivered", "window_expired", "final_sale", "hygiene",
    "review_if_faulty", "excluded_item_fault_claim", "exchange_out_of_stock",
    "exchange_stock_unknown", "photo_required", "too_many_returns", "restocking_fee",
    "store_credit_bonus", "return_shipping_fee", "free_return_shipping", "returnless",
)
_SEVERITY = {"approved": 0, "needs_review": 1, "rejected": 2}


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
    # Delivery of the order's LAST item: the withdrawal right's 14 days count from it
    # (L221-18). This schema delivers an order at once, so it is the order's delivery date.
    delivered_on: dt.date | None
    # Product flags the law's exceptions follow (L221-28), from the catalogue (issue 13).
    # ``hygiene`` above means "sold sealed for hygiene": under FR it is returnable while the
    # seal is intact. ``sealed_media``: audio, video or software sold sealed.
    personalised: bool = False
    perishable: bool = False
    sealed_media: bool = False
    used_goods: bool = False  # second-hand: the guarantee's presumption is 12 months (L217-7)
    # The customer's answer to "is the seal (hygiene liner) intact?"; None: not asked yet.
    seal_intact: bool | None = None


@dataclass(frozen=True)
class OrderFacts:
    """What the withdrawal refund needs about the whole order (L221-24): the standard
    delivery cost paid, and whether this request with the order's earlier returns takes
    back every unit of it (only then is the delivery cost refunded)."""

    delivery_paid_minor: int = 0
    whole_order: bool = False


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
    # Under FR: the last day a conformity claim (legal guarantee) can be made, and whether the
    # item is returnable only if its seal is intact (the bot asks before going on).
    guarantee_ends_on: dt.date | None = None
    needs_seal_answer: bool = False


@dataclass(frozen=True)
class LineDecision:
    order_line_id: int
    outcome: str  # "approved" | "needs_review" | "rejected"
    reason_codes: tuple[str, ...]
    restocking_fee_minor: int
    refund_amount_minor: int
    explanation: dict[str, str]
    legal_basis: str = "commercial"  # one of LEGAL_BASES


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
    # The legal refund deadline (L221-24: 14 days from the customer's request) when any line
    # is decided under the withdrawal right; None otherwise.
    refund_due_on: dt.date | None = None
    delivery_refund_minor: int = 0  # the order's delivery cost refunded (whole order withdrawn)


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
    reject_texts: list[Localized] = field(default_factory=list)
    review_texts: list[Localized] = field(default_factory=list)
    info_texts: list[Localized] = field(default_factory=list)
    money_texts: list[Localized] = field(default_factory=list)
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
                     item: Item) -> Localized:
        if code == "not_delivered":
            return render("not_delivered", item=item)
        assert ends is not None and facts.delivered_on is not None
        return render(code, item=item, days=self.window_days(facts.category),
                      ends=ends, delivered=facts.delivered_on)

    # -- eligibility --
    def line_eligibility(self, facts: LineFacts, today: dt.date, *,
                         item_names: Mapping[int, str | Localized] | None = None) -> LineEligibility:
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
        texts: list[Localized] = []
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
               today: dt.date, item_names: Mapping[int, str | Localized] | None = None,
               order: "OrderFacts | None" = None) -> ReturnDecision:
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
                             customer_returns_90d: int) -> Localized:
        """Full sentences for the customer: why this outcome, then what happens next."""
        parts: list[Localized] = []
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
