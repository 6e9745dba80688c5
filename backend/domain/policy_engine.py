"""The returns policy's decision engine: a loaded :class:`Policy` applied as pure code.

Why the engine is pure (no database, no HTTP, no clock): the same inputs always give the same
:class:`ReturnDecision`, so the chat bot, the API and the tests all agree, and a decision can
be replayed. Callers pass ``today`` and the facts they looked up.

Decision reason codes (stable strings stored with a return, in this order of appearance).
"(FR)": only under ``jurisdiction: FR``, where French consumer law is the floor of every
decision (:mod:`backend.domain.consumer_law`); every FR line carries exactly one ``basis_*``.

============================ ============ ====================================================
code                         effect       meaning
============================ ============ ====================================================
basis_commercial             info         (FR) the line is decided by the shop's own policy
basis_withdrawal             info         (FR) decided under the 14-day right of withdrawal
                                          (L221-18; 12 months more when not informed, L221-20)
basis_guarantee              info         (FR) decided under the legal guarantee of conformity
                                          (a conformity reason, 2 years from delivery, L217-3)
within_window                info         delivered and still inside the category's window
not_delivered                rejected     the order has not been delivered yet
window_expired               rejected     delivered more than ``window_days`` ago (FR: and
                                          past the withdrawal period)
final_sale                   rejected*    product sold as final sale
hygiene                      rejected*    hygiene product flag, or category in hygiene list
                                          (without ``hygiene_seal_condition``)
personalised                 rejected*    (FR) made to the customer's specifications or
                                          personalised: no withdrawal right (L221-28 3°)
perishable                   rejected*    (FR) perishable goods: no withdrawal right (L221-28 4°)
seal_broken                  rejected*    sealed hygiene item (seal condition) or (FR) sealed
                                          media unsealed after delivery (L221-28 5°, 9°)
seal_unknown                 needs_review sealed item, the customer has not said whether the
                                          seal is intact (the bot should ask first)
final_sale_overridden_by_law info         (FR) final sale does not limit the withdrawal right
review_if_faulty             info         (eligibility only) excluded, but a shop-fault claim
                                          would be reviewed
guarantee_available          info         (FR, eligibility only) not returnable, but a
                                          conformity claim is possible until guarantee_ends_on
guarantee_expired            rejected     (FR) conformity claim more than 2 years after delivery
guarantee_proof_needed       needs_review (FR) defect claimed past the presumption (24 months,
                                          12 for used goods, L217-7)
guarantee_refund_review      needs_review (FR) a refund beyond the return windows or a price
                                          reduction: only when repair and replacement are
                                          impossible (L217-14), the team decides
excluded_item_fault_claim    needs_review excluded item with a shop-fault reason (*instead of
                                          rejected, when ``faulty_items_go_to_review``)
exchange_out_of_stock        rejected     the wanted exchange variant is not in stock
exchange_stock_unknown       needs_review exchange asked but stock not given by the caller
photo_required               needs_review reason needs a photo and none was attached
too_many_returns             needs_review customer already at ``max_returns_90d`` returns
restocking_fee               info         a restocking fee is deducted on this line (only from
                                          the category's ``restocking_fee_from_day``)
store_credit_bonus           info         store credit bonus added on this line
return_shipping_fee          info         (request) a return shipping fee is deducted
free_return_shipping         info         (request) a label is needed and the shop pays for it
returnless                   info         (request) keep the item, no label
delivery_cost_refunded       info         (FR, request) the whole order is withdrawn: its
                                          delivery cost is refunded too (L221-24)
============================ ============ ====================================================
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence

from backend.domain import consumer_law as law
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
REMEDIES: tuple[str, ...] = reasons.REMEDIES
ALL_RESOLUTIONS: tuple[str, ...] = RESOLUTIONS + REMEDIES
# Reasons that are a lack of conformity under the legal guarantee (Code de la consommation
# L217-3 ff.): whatever the shop's own reasons table says, these are the seller's to fix.
CONFORMITY_REASONS: tuple[str, ...] = reasons.CONFORMITY_REASONS
JURISDICTIONS: tuple[str, ...] = ("none", "FR")
# When the refund of a return goes out (policy ``refunds.issue_at``, issue 14): at the
# carrier's first scan (in_transit), at the warehouse's counted receipt, or after inspection.
REFUND_MOMENTS: tuple[str, ...] = ("carrier_scan", "receipt", "inspection")
DEFAULT_REFUND_MOMENT = "inspection"
# Which rules decided a line: the shop's own policy, the 14-day withdrawal right, or the
# legal guarantee of conformity. Stored with each return line.
LEGAL_BASES: tuple[str, ...] = ("commercial", "withdrawal", "guarantee")
OUTCOMES: tuple[str, ...] = ("approved", "needs_review", "rejected")
REASON_CODES: tuple[str, ...] = (
    "within_window", "not_delivered", "window_expired", "final_sale", "hygiene",
    "review_if_faulty", "excluded_item_fault_claim", "exchange_out_of_stock",
    "exchange_stock_unknown", "photo_required", "too_many_returns", "restocking_fee",
    "store_credit_bonus", "return_shipping_fee", "free_return_shipping", "returnless",
    # Issue 13 (FR): the legal basis of each line, the law's exceptions and the guarantee.
    "basis_commercial", "basis_withdrawal", "basis_guarantee", "personalised", "perishable",
    "seal_broken", "seal_unknown", "final_sale_overridden_by_law", "guarantee_available",
    "guarantee_expired", "guarantee_proof_needed", "guarantee_refund_review",
    "delivery_cost_refunded",
)
_MONEY_RESOLUTIONS = ("refund", "store_credit")
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
    # The fee applies only to returns made on this day after delivery or later (0: always).
    # Under FR it must be 15 or more: never a restocking fee on a withdrawal (L221-23).
    restocking_fee_from_day: int = 0


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
    basis: str = "commercial"  # one of LEGAL_BASES
    outcome: str = "approved"
    window_code: str | None = None  # "within_window" when the commercial window decided it
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

    def reject(self, code: str, text: Localized) -> None:
        self.reject_codes.append(code)
        self.reject_texts.append(text)
        self.worsen("rejected")

    def review(self, code: str, text: Localized) -> None:
        self.review_codes.append(code)
        self.review_texts.append(text)
        self.worsen("needs_review")

    @property
    def refunds_money(self) -> bool:
        return self.request.resolution in _MONEY_RESOLUTIONS


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
    # Issue 13. "FR": French consumer law is the floor of every decision; "none": the shop's
    # own rules only (today's behaviour for shops elsewhere).
    jurisdiction: str = "none"
    # The withdrawal section (FR): is the customer told about the right (else 12 months more,
    # L221-20), and does the customer pay the return shipping of a withdrawal (L221-23)?
    withdrawal_customer_informed: bool = True
    withdrawal_customer_pays_return_shipping: bool = True
    # Hygiene items are refused only once unsealed (required under FR, L221-28 5°).
    hygiene_seal_condition: bool = False
    # Issue 14: when the refund goes out (REFUND_MOMENTS): at the carrier's scan, at the
    # warehouse's counted receipt, or after inspection (the default: the safest for the shop).
    refund_issue_at: str = DEFAULT_REFUND_MOMENT

    # -- lookups --
    @property
    def under_french_law(self) -> bool:
        return self.jurisdiction == "FR"

    @property
    def shop_fault_reasons(self) -> tuple[str, ...]:
        return tuple(c for c in CUSTOMER_REASONS if self.reasons[c].shop_fault)

    def category(self, category: str) -> CategoryRule:
        """The rule for a product category; categories the file does not list use ``default``
        (so a new catalogue category never crashes returns, it gets the default window)."""
        return self.categories.get(category.strip().lower(), self.categories["default"])

    def window_days(self, category: str) -> int:
        return self.category(category).window_days

    def _is_hygiene(self, facts: LineFacts) -> bool:
        return facts.hygiene or facts.category.strip().lower() in self.hygiene_categories

    def _sealed(self, facts: LineFacts) -> bool:
        """Returnable only while its seal is intact: hygiene goods when the policy has the seal
        condition, and under FR audio, video or software sold sealed (L221-28 9°)."""
        return ((self.hygiene_seal_condition and self._is_hygiene(facts))
                or (self.under_french_law and facts.sealed_media))

    def _seal_unknown(self, facts: LineFacts) -> bool:
        return self._sealed(facts) and facts.seal_intact is None

    def _exclusions(self, facts: LineFacts) -> list[str]:
        """What the shop's own policy refuses. Under FR the law's product exceptions are among
        them: a shop never has to take back what the law lets it refuse."""
        codes: list[str] = []
        if self.final_sale_excluded and facts.final_sale:
            codes.append("final_sale")
        if self._is_hygiene(facts) and not self.hygiene_seal_condition:
            codes.append("hygiene")
        if self.under_french_law and facts.personalised:
            codes.append("personalised")
        if self.under_french_law and facts.perishable:
            codes.append("perishable")
        if self._sealed(facts) and facts.seal_intact is False:
            codes.append("seal_broken")
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

    def _withdrawal_ends(self, delivered: dt.date) -> dt.date:
        return law.withdrawal_ends_on(delivered,
                                      customer_informed=self.withdrawal_customer_informed)

    def _withdrawal_text(self, delivered: dt.date, item: Item) -> Localized:
        key = "withdrawal" if self.withdrawal_customer_informed else "withdrawal_extended"
        return render(key, item=item, ends=self._withdrawal_ends(delivered), delivered=delivered)

    # -- eligibility --
    def line_eligibility(self, facts: LineFacts, today: dt.date, *,
                         item_names: Mapping[int, str | Localized] | None = None) -> LineEligibility:
        """Whether a line can be returned at all, before the customer gives a reason.

        An excluded item is not eligible; when shop-fault claims on excluded items go to
        review, ``review_if_faulty`` tells the bot it may still offer the "it arrived
        damaged" route (under FR: ``guarantee_available``, the legal guarantee's route).
        """
        item = Item((item_names or {}).get(facts.order_line_id))
        if self.under_french_law and facts.delivered_on is not None:
            return self._line_eligibility_fr(facts, facts.delivered_on, today, item)
        window_code, ends = self._window(facts, today)
        exclusions = self._exclusions(facts)
        if window_code == "within_window" and not exclusions:
            assert ends is not None and facts.delivered_on is not None
            texts = [render("eligible", item=item, ends=ends,
                            days=self.window_days(facts.category), delivered=facts.delivered_on)]
            needs_seal = self._seal_unknown(facts)
            if needs_seal:
                texts.append(render("seal_question", item=item))
            return LineEligibility(facts.order_line_id, True, ("within_window",), ends,
                                   txt.join(texts), needs_seal_answer=needs_seal)
        codes: list[str] = []
        texts = []
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

    def _line_eligibility_fr(self, facts: LineFacts, delivered: dt.date, today: dt.date,
                             item: Item) -> LineEligibility:
        """Under FR: returnable within the withdrawal period (unless a product exception) or
        the shop's window (unless excluded); otherwise the legal guarantee's route."""
        withdrawal_ends = self._withdrawal_ends(delivered)
        guarantee_ends = law.guarantee_ends_on(delivered)
        window_code, window_ends = self._window(facts, today)
        assert window_ends is not None
        exception = law.withdrawal_exception(facts, sealed=self._sealed(facts))
        in_withdrawal = today <= withdrawal_ends and exception in (None, "seal_unknown")
        exclusions = self._exclusions(facts)
        in_window = window_code == "within_window" and not exclusions
        needs_seal = self._seal_unknown(facts)
        codes: list[str] = []
        texts: list[Localized] = []
        if in_withdrawal:
            codes.append("basis_withdrawal")
            texts.append(self._withdrawal_text(delivered, item))
            ends = withdrawal_ends
            if in_window and window_ends > withdrawal_ends:
                texts.append(render("commercial_after_withdrawal", ends=window_ends,
                                    days=self.window_days(facts.category)))
                ends = window_ends
            if facts.final_sale and self.final_sale_excluded:
                codes.append("final_sale_overridden_by_law")
                texts.append(render("final_sale_overridden_by_law", item=item))
        elif in_window:
            codes += ["basis_commercial", "within_window"]
            texts.append(render("eligible", item=item, ends=window_ends, delivered=delivered,
                                days=self.window_days(facts.category)))
            ends = window_ends
        else:
            return self._not_eligible_fr(facts, delivered, today, item, exception)
        if needs_seal:
            texts.append(render("seal_question", item=item))
        return LineEligibility(facts.order_line_id, True, tuple(codes), ends, txt.join(texts),
                               guarantee_ends_on=guarantee_ends, needs_seal_answer=needs_seal)

    def _not_eligible_fr(self, facts: LineFacts, delivered: dt.date, today: dt.date,
                         item: Item, exception: str | None) -> LineEligibility:
        withdrawal_ends = self._withdrawal_ends(delivered)
        window_code, window_ends = self._window(facts, today)
        assert window_ends is not None
        codes: list[str] = []
        texts: list[Localized] = []
        if today <= withdrawal_ends:  # a product exception took the withdrawal right away
            assert exception is not None
            excluded = [exception]
        else:
            excluded = self._exclusions(facts) if window_code == "within_window" else []
            if window_code != "within_window":
                codes.append("window_expired")
                if withdrawal_ends > window_ends:
                    texts.append(render("withdrawal_expired", item=item, delivered=delivered,
                                        ends=withdrawal_ends))
                else:
                    texts.append(self._window_text("window_expired", facts, window_ends, item))
        for code in excluded:
            codes.append(code)
            texts.append(render(code, item=item))
        guarantee_ends = law.guarantee_ends_on(delivered)
        if today <= guarantee_ends:
            codes.append("guarantee_available")
            texts.append(render("guarantee_available", item=item, ends=guarantee_ends,
                                reasons=txt.reason_words(CONFORMITY_REASONS)))
        return LineEligibility(facts.order_line_id, False, tuple(codes),
                               max(window_ends, withdrawal_ends), txt.join(texts),
                               guarantee_ends_on=guarantee_ends)

    # -- decision --
    def decide(self, lines: Sequence[LineRequest], *, customer_returns_90d: int,
               today: dt.date, item_names: Mapping[int, str | Localized] | None = None,
               order: "OrderFacts | None" = None) -> ReturnDecision:
        """Decide a whole return request.

        ``customer_returns_90d`` counts the customer's earlier returns in the last 90 days,
        not this one: with ``max_returns_90d: 5`` a customer who already made 5 is sent to
        review (this would be the 6th). ``order`` (FR) gives the delivery cost refunded when
        the whole order is withdrawn.

        Raises ``ValueError`` for input no customer could produce (unknown reason or
        resolution, a guarantee remedy for a reason that is no lack of conformity, quantity
        below 1): that is a caller bug, not a decision.
        """
        if not lines:
            raise ValueError("a return request needs at least one line")
        if customer_returns_90d < 0:
            raise ValueError("customer_returns_90d cannot be negative")
        names = item_names or {}
        too_many = (self.max_returns_90d is not None
                    and customer_returns_90d >= self.max_returns_90d)
        drafts = [self._decide_line(req, today, Item(names.get(req.facts.order_line_id)),
                                    too_many) for req in lines]

        outcome = max((d.outcome for d in drafts), key=_SEVERITY.__getitem__)
        rejected = outcome == "rejected"
        if rejected:  # no money on a rejected request (see ReturnDecision)
            for d in drafts:
                d.restocking_fee_minor = d.refund_amount_minor = 0
        active = [d for d in drafts if d.outcome != "rejected"]

        goods_value = sum(d.gross_minor for d in active)
        returnless = (not rejected and self.returnless_enabled and bool(active)
                      and all(d.request.reason_code in self.returnless_reasons
                              and d.request.resolution in RESOLUTIONS for d in active)
                      and goods_value <= self.returnless_max_value_minor)
        waived_fault = any(self.reasons[d.request.reason_code].shop_fault
                           or d.basis == "guarantee" for d in active)
        waived_withdrawal = not self.withdrawal_customer_pays_return_shipping and any(
            d.basis == "withdrawal" for d in active)
        waived_exchange = self.exchanges_free_shipping and any(
            d.request.resolution == "exchange" for d in active)
        line_refunds = sum(d.refund_amount_minor for d in active)
        shipping_fee = 0
        if not (rejected or returnless or waived_fault or waived_withdrawal or waived_exchange):
            # The fee is only ever deducted from the refund, never billed separately, so it is
            # capped at what the refund can cover (an exchange-only return pays nothing).
            shipping_fee = min(self.return_shipping_fee_minor, line_refunds)
        # L221-24: withdrawing the whole order refunds its standard delivery cost too.
        delivery_refund = 0
        if (not rejected and order is not None and order.whole_order
                and all(d.basis == "withdrawal" and d.refunds_money for d in drafts)):
            delivery_refund = order.delivery_paid_minor
        refund_total = 0 if rejected else max(0, line_refunds - shipping_fee) + delivery_refund
        refund_due = None
        if not rejected and any(d.basis == "withdrawal" and d.refunds_money for d in active):
            refund_due = law.refund_due_on(today)

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
            if delivery_refund:
                codes.append("delivery_cost_refunded")

        explanation = self._request_explanation(
            outcome, drafts, active, returnless=returnless, goods_value=goods_value,
            shipping_fee=shipping_fee, refund_total=refund_total, waived_fault=waived_fault,
            waived_withdrawal=waived_withdrawal, waived_exchange=waived_exchange,
            too_many=too_many, customer_returns_90d=customer_returns_90d,
            delivery_refund=delivery_refund, refund_due=refund_due)
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
            refund_due_on=refund_due,
            delivery_refund_minor=delivery_refund,
        )

    def _check_request(self, req: LineRequest) -> None:
        f = req.facts
        if req.reason_code not in CUSTOMER_REASONS:
            raise ValueError(f"unknown reason code {req.reason_code!r}; "
                             f"expected one of {', '.join(CUSTOMER_REASONS)}")
        resolutions = ALL_RESOLUTIONS if self.under_french_law else RESOLUTIONS
        if req.resolution not in resolutions:
            raise ValueError(f"unknown resolution {req.resolution!r}; "
                             f"expected one of {', '.join(resolutions)}")
        if req.resolution in REMEDIES and req.reason_code not in CONFORMITY_REASONS:
            raise ValueError(f"resolution {req.resolution!r} is a remedy of the legal guarantee, "
                             f"only for a lack of conformity ({', '.join(CONFORMITY_REASONS)}), "
                             f"not for {req.reason_code!r}")
        if f.quantity < 1:
            raise ValueError(f"order line {f.order_line_id}: quantity must be at least 1")
        if f.unit_paid_minor < 0:
            raise ValueError(f"order line {f.order_line_id}: unit_paid_minor cannot be negative")
        if req.photo_count < 0:
            raise ValueError(f"order line {f.order_line_id}: photo_count cannot be negative")

    def _decide_line(self, req: LineRequest, today: dt.date, item: Item,
                     too_many: bool) -> _LineDraft:
        """One line. Under FR, in the law's order: the guarantee for a lack of conformity,
        then the withdrawal right, then the shop's own policy (see the module's table)."""
        self._check_request(req)
        delivered = req.facts.delivered_on
        if not self.under_french_law or delivered is None:
            return self._commercial_line(req, today, item, too_many)
        if req.reason_code in CONFORMITY_REASONS:
            return self._guarantee_line(req, delivered, today, item, too_many)
        if today <= self._withdrawal_ends(delivered):
            exception = law.withdrawal_exception(req.facts, sealed=self._sealed(req.facts))
            if exception in (None, "seal_unknown"):
                return self._withdrawal_line(req, delivered, item, too_many)
            # The shop's own policy may still be more generous than the law (rarely).
            commercial = self._commercial_line(req, today, item, too_many)
            if commercial.outcome != "rejected":
                return commercial
            draft = _LineDraft(request=req, item=item, basis="withdrawal")
            draft.reject(exception, render(exception, item=item))
            return draft
        return self._commercial_line(req, today, item, too_many)

    def _commercial_line(self, req: LineRequest, today: dt.date, item: Item,
                         too_many: bool) -> _LineDraft:
        """The shop's own policy: its window, its exclusions and its fees."""
        facts = req.facts
        reason = self.reasons[req.reason_code]
        draft = _LineDraft(request=req, item=item)

        window_code, ends = self._window(facts, today)
        if window_code == "within_window":
            draft.window_code = window_code
            draft.info_texts.append(self._window_text(window_code, facts, ends, item))
        else:
            draft.reject(window_code, self._window_text(window_code, facts, ends, item))

        exclusions = self._exclusions(facts)
        if exclusions:
            draft.reject_codes.extend(exclusions)  # kept on the line whatever the outcome
            if reason.shop_fault and self.faulty_items_go_to_review:
                draft.review("excluded_item_fault_claim",
                             render("excluded_item_fault_claim", item=item,
                                    reason=txt.reason_label(req.reason_code)))
            else:
                draft.reject_texts.extend(render(code, item=item) for code in exclusions)
                draft.worsen("rejected")
        elif self._seal_unknown(facts):
            draft.review("seal_unknown", render("seal_unknown", item=item))

        self._common_checks(draft, too_many)
        if draft.outcome == "rejected":
            return draft
        rule = self.category(facts.category)
        fee_percent = Decimal(0)
        if not reason.shop_fault and rule.restocking_fee_percent > 0:
            assert facts.delivered_on is not None  # within the window
            if (rule.restocking_fee_from_day == 0 or law.day_of_return(
                    facts.delivered_on, today) >= rule.restocking_fee_from_day):
                fee_percent = rule.restocking_fee_percent
        self._money(draft, fee_percent, today)
        return draft

    def _withdrawal_line(self, req: LineRequest, delivered: dt.date, item: Item,
                         too_many: bool) -> _LineDraft:
        """The right of withdrawal (L221-18): any reason, final sale ignored, no restocking
        fee (L221-23). A sealed item whose seal the customer has not vouched for is checked."""
        facts = req.facts
        draft = _LineDraft(request=req, item=item, basis="withdrawal")
        draft.info_texts.append(self._withdrawal_text(delivered, item))
        if facts.final_sale and self.final_sale_excluded:
            draft.info_codes.append("final_sale_overridden_by_law")
            draft.info_texts.append(render("final_sale_overridden_by_law", item=item))
        if self._sealed(facts) and facts.seal_intact:
            draft.info_texts.append(render("seal_intact", item=item))
        if self._seal_unknown(facts):
            draft.review("seal_unknown", render("seal_unknown", item=item))
        self._common_checks(draft, too_many)
        if draft.outcome != "rejected":
            self._money(draft, Decimal(0), None)
        return draft

    def _guarantee_line(self, req: LineRequest, delivered: dt.date, today: dt.date,
                        item: Item, too_many: bool) -> _LineDraft:
        """The legal guarantee of conformity (L217-3 ff.): 2 years from delivery, whatever the
        shop's window or exclusions; the shop pays shipping, no restocking fee."""
        facts = req.facts
        draft = _LineDraft(request=req, item=item, basis="guarantee")
        ends = law.guarantee_ends_on(delivered)
        if today > ends:
            draft.reject("guarantee_expired", render("guarantee_expired", item=item,
                                                     delivered=delivered, ends=ends))
            return draft
        draft.info_texts.append(render("guarantee", item=item, ends=ends,
                                       reason=txt.reason_label(req.reason_code)))
        if today > law.presumption_ends_on(delivered, used_goods=facts.used_goods):
            months = (law.USED_GOODS_PRESUMPTION_MONTHS if facts.used_goods
                      else law.PRESUMPTION_MONTHS)
            draft.review("guarantee_proof_needed", render("guarantee_proof_needed",
                                                          months=months))
        if req.resolution == "price_reduction":
            draft.review("guarantee_refund_review", render("price_reduction_review", item=item))
        elif draft.refunds_money and today > self._last_return_day(facts, delivered):
            draft.review("guarantee_refund_review", render("guarantee_refund_review", item=item))
        self._common_checks(draft, too_many)
        if draft.outcome != "rejected":
            self._money(draft, Decimal(0), None)
        return draft

    def _last_return_day(self, facts: LineFacts, delivered: dt.date) -> dt.date:
        """The last day of the longer of the shop's window and the withdrawal period."""
        window_ends = delivered + dt.timedelta(days=self.window_days(facts.category))
        return max(window_ends, self._withdrawal_ends(delivered))

    def _common_checks(self, draft: _LineDraft, too_many: bool) -> None:
        """What every legal basis checks alike: the exchange's stock, photos, return count."""
        req, item = draft.request, draft.item
        if req.resolution == "exchange":
            if req.exchange_in_stock is False:
                draft.reject("exchange_out_of_stock", render("exchange_out_of_stock", item=item))
            elif req.exchange_in_stock is None:
                draft.review("exchange_stock_unknown",
                             render("exchange_stock_unknown", item=item))
            else:
                draft.info_texts.append(render("exchange_in_stock", item=item))
        if self.reasons[req.reason_code].photo_required and req.photo_count < 1:
            draft.review("photo_required", render("photo_required", item=item,
                                                  reason=txt.reason_label(req.reason_code)))
        if too_many:
            draft.review_codes.append("too_many_returns")
            draft.worsen("needs_review")

    def _money(self, draft: _LineDraft, fee_percent: Decimal, today: dt.date | None) -> None:
        """The line's gross value, restocking fee (``fee_percent`` of it) and refund."""
        req, item, facts = draft.request, draft.item, draft.request.facts
        rule = self.category(facts.category)
        draft.gross_minor = facts.unit_paid_minor * facts.quantity
        if req.resolution == "exchange":
            draft.money_texts.append(render("line_exchange", item=item))
            return
        if req.resolution in REMEDIES:
            draft.money_texts.append(render("line_" + req.resolution, item=item))
            return
        if fee_percent > 0:
            draft.restocking_fee_minor = _percent_of(draft.gross_minor, fee_percent)
        if draft.restocking_fee_minor:
            draft.info_codes.append("restocking_fee")
            fee = Money(draft.restocking_fee_minor, self.currency)
            if rule.restocking_fee_from_day and today is not None and facts.delivered_on:
                draft.info_texts.append(render(
                    "restocking_fee_from_day", item=item, percent=fee_percent, fee=fee,
                    category=rule.names, from_day=rule.restocking_fee_from_day,
                    day=law.day_of_return(facts.delivered_on, today)))
            else:
                draft.info_texts.append(render("restocking_fee", item=item, percent=fee_percent,
                                               fee=fee, category=rule.names))
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

    def _line_decision(self, d: _LineDraft, too_many: bool,
                       customer_returns_90d: int) -> LineDecision:
        # Under FR every line names its legal basis first, whatever its outcome.
        lead = [f"basis_{d.basis}"] if self.under_french_law else []
        if d.outcome == "rejected":
            codes = lead + d.reject_codes
            texts = d.reject_texts
        else:
            window = [d.window_code] if d.window_code else []
            codes = lead + window + d.reject_codes + d.review_codes + d.info_codes
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
            legal_basis=d.basis,
        )

    def _request_explanation(self, outcome: str, drafts: list[_LineDraft],
                             active: list[_LineDraft], *, returnless: bool, goods_value: int,
                             shipping_fee: int, refund_total: int, waived_fault: bool,
                             waived_withdrawal: bool, waived_exchange: bool, too_many: bool,
                             customer_returns_90d: int, delivery_refund: int,
                             refund_due: dt.date | None) -> Localized:
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
            if resolutions & set(_MONEY_RESOLUTIONS):
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
            elif waived_withdrawal:
                parts.append(render("shipping_free_withdrawal"))
            elif waived_exchange:
                parts.append(render("shipping_free_exchange"))
            else:
                parts.append(render("shipping_free"))
            parts.append(render("label", days=self.label_valid_days))
        if delivery_refund:
            parts.append(render("delivery_cost_refunded",
                                amount=Money(delivery_refund, self.currency)))
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
        for remedy in ("repair", "replacement"):
            if remedy in resolutions:
                parts.append(render("total_" + remedy))
        if refund_due is not None:
            parts.append(render("refund_due", date=refund_due))
        return txt.with_headline(outcome, parts)

    # -- FAQ --
    def faq(self, language: str) -> list[dict]:
        """Questions and answers written from this file's values (see ``policy_text``)."""
        return txt.render_faq(self, language)
