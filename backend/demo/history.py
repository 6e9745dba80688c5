"""A quarter of history for the demo shop: 13 weeks of deliveries, returns and warehouse work.

Why: the returns dashboard (``GET /api/v1/kpis`` and its page) measures the past; on a fresh
demo shop it would show the two dozen returns of :mod:`backend.demo.returns` and little
else. This step writes what a small shop lives through in a quarter: orders delivered every
day, a realistic share returned (more apparel and shoes than home goods; wrong sizes for
clothes, faults for electronics), each return walking the state machine with realistic
delays (label in minutes, carrier scan within two days, a few days in the post, inspection
within a day or so, refund after it), labels with their postage, inspections with grades,
dispositions decided by the real rules file (:func:`backend.domain.disposition.decide`, so
the law's guards apply as they would live), the inventory movements each disposition makes,
refunds issued (a few after the legal deadline of a withdrawal), and requests that never
became returns (rejected, cancelled, labels left unused).

It stays apart from the rest of the demo shop, so nothing the README and the tests rely on
moves: its orders are numbered ``BM-3xxxxx`` (the demo orders are ``BM-1xxxxx``), its
customers are ``history-NNN@example.com`` (none has a phone, so no SMS is ever owed), it
never sells nor restocks the SKUs with fixed stock (``catalogue.FIXED_STOCK``), and the
per-test seeding never calls it: ``python -m backend setup`` (and ``seed``) do, once
(:func:`seed_history` does nothing when a ``BM-3`` order exists).

Deterministic like the rest of the seed: ``random.Random(rng_seed)`` and dates relative to
``today``; only RMAs differ between runs (:func:`common.identifiers.new_rma`). Every
timestamp is before midnight at the start of ``today``.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import (
    Customer,
    InventoryItem,
    InventoryMovement,
    Label,
    Order,
    OrderLine,
    Product,
    Refund,
    ReturnLine,
    ReturnRequest,
    ReturnStatusChange,
    Variant,
)
from backend.demo.catalogue import CATALOGUE, FIXED_STOCK, SPEC_BY_SKU, WAREHOUSE
from backend.demo.orders import delivery_cost
from backend.demo.returns import _accepted_skus, check_path
from backend.domain.consumer_law import refund_due_on
from backend.domain.disposition import (
    DEFAULT_DISPOSITION_FILE,
    DispositionRules,
    InspectedLine,
    decide,
    load_disposition_rules,
)
from backend.domain.lifecycle import ReturnStatus
from backend.domain.policy import Policy, load_policy
from backend.settings import DEFAULT_POLICY_FILE
from common.identifiers import new_rma, normalize_rma

S = ReturnStatus
ACTOR = "seed:history"
POLICY_VERSION = "seed-history"
ORDER_PREFIX = "BM-3"
FIRST_ORDER_NUMBER = 300001
WEEKS = 13
CUSTOMERS = 80
ORDERS_PER_DAY = (3, 9)  # deliveries a day, low and high
DEFAULT_RNG_SEED = 2026
# What the shop's carrier charges for a return label (minor units), a few services.
POSTAGE_MINOR = (490, 590, 590, 690)

# Chance that one unit of a line of this category is sent back.
RETURN_CHANCE: dict[str, float] = {
    "apparel": 0.30, "shoes": 0.24, "home": 0.08, "electronics": 0.11, "beauty": 0.04,
    "jewellery": 0.07, "underwear": 0.0, "swimwear": 0.0,
}
_FASHION_REASONS = {"wrong_size": 45, "changed_mind": 20, "not_as_described": 15, "damaged": 7,
                    "defective": 5, "wrong_item": 8}
REASONS_BY_CATEGORY: dict[str, dict[str, int]] = {
    "apparel": _FASHION_REASONS, "shoes": _FASHION_REASONS,
    "electronics": {"defective": 40, "changed_mind": 25, "damaged": 15, "not_as_described": 10, "wrong_item": 10},
    "home": {"damaged": 35, "changed_mind": 30, "not_as_described": 20, "wrong_item": 10, "defective": 5},
    "jewellery": {"changed_mind": 50, "not_as_described": 30, "damaged": 10, "wrong_item": 10},
    "beauty": {"changed_mind": 40, "damaged": 30, "wrong_item": 30},
}
# What the inspector finds, by the customer's reason (grades N, A, B, C, D).
GRADES_BY_REASON: dict[str, tuple[int, int, int, int, int]] = {
    "wrong_size": (25, 45, 22, 6, 2), "changed_mind": (25, 45, 22, 6, 2),
    "not_as_described": (5, 30, 40, 18, 7), "wrong_item": (50, 40, 10, 0, 0),
    "damaged": (0, 5, 10, 50, 35), "defective": (0, 5, 10, 50, 35),
}
# Reasons that are no fault of the goods: within 14 days of delivery, a withdrawal (L221-18),
# refunded by a legal deadline (L221-24).
CHANGE_OF_MIND = ("wrong_size", "changed_mind")
# Dispositions whose units stay in the shop's stock, and the stock state they go to (the
# others leave: a movement records their units and value, no stock row holds them).
KEPT_STATES: dict[str, str] = {"restock": "sellable", "refurbish": "refurbish", "resale_hold": "resale_hold"}
FIRST_NAMES = ("Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Manon", "Arthur", "Inès", "Lucas",
               "Olivia", "Harry", "Amelia", "George", "Isla", "Noah", "Sophie", "Tom", "Emily", "Jack")
LAST_NAMES = ("Bernard", "Petit", "Durand", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Roux",
              "Fournier", "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright")
CITIES = (("Paris", "75011", "FR"), ("Lyon", "69003", "FR"), ("Marseille", "13006", "FR"),
          ("Bordeaux", "33000", "FR"), ("Lille", "59000", "FR"), ("Nantes", "44000", "FR"),
          ("London", "N1 7GU", "GB"), ("Manchester", "M1 2AB", "GB"))


@dataclass(frozen=True)
class HistorySummary:
    customers: int = 0
    orders: int = 0
    returns: int = 0
    inspected_lines: int = 0
    skipped: bool = False


def seed_history(session: Session, *, today: dt.date | None = None, rng_seed: int = DEFAULT_RNG_SEED,
                 policy: Policy | None = None, rules: DispositionRules | None = None) -> HistorySummary:
    """Add the quarter to a demo shop, once, in one transaction. Skipped (``skipped=True``)
    without a catalogue or when history orders already exist."""
    has_catalogue = session.execute(select(func.count()).select_from(Product)).scalar_one() > 0
    done = session.execute(select(func.count()).select_from(Order).where(
        Order.number.like(f"{ORDER_PREFIX}%"))).scalar_one() > 0
    if not has_catalogue or done:
        return HistorySummary(skipped=True)
    try:
        summary = _History(session, today or dt.datetime.utcnow().date(), random.Random(rng_seed),
                           policy or load_policy(DEFAULT_POLICY_FILE),
                           rules or load_disposition_rules(DEFAULT_DISPOSITION_FILE)).run()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


class _History:
    def __init__(self, session: Session, today: dt.date, rng: random.Random, policy: Policy,
                 rules: DispositionRules) -> None:
        self.s, self.today, self.rng, self.policy, self.rules = session, today, rng, policy, rules
        self.horizon = dt.datetime.combine(today, dt.time.min)
        self.start = today - dt.timedelta(weeks=WEEKS)
        self.variants = {v.sku: v for v in session.execute(select(Variant)).scalars()}
        accepted = _accepted_skus(policy)
        self.sellable = [sku for spec in CATALOGUE if spec.in_random_orders and not spec.final_sale
                         for sku, _c, _s in spec.skus()
                         if sku not in FIXED_STOCK and sku in self.variants]
        self.returnable = frozenset(sku for sku in self.sellable if sku in accepted)
        self.stock: dict[tuple[int, str], InventoryItem] = {}
        self.taken_rmas = set(session.execute(select(ReturnRequest.rma)).scalars())
        self.returns = self.inspected = 0

    def run(self) -> HistorySummary:
        customers = self._customers()
        orders = self._orders(customers)
        for order in orders:
            self._maybe_return(order)
        self.s.flush()
        return HistorySummary(customers=len(customers), orders=len(orders), returns=self.returns,
                              inspected_lines=self.inspected)

    # --- people and orders -----------------------------------------------------------------

    def _customers(self) -> list[tuple[Customer, tuple[str, str, str, str]]]:
        out = []
        for n in range(1, CUSTOMERS + 1):
            city, postcode, country = self.rng.choice(CITIES)
            customer = Customer(email=f"history-{n:03d}@example.com",
                                name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                                preferred_language="fr" if country == "FR" else "en",
                                created_at=dt.datetime.combine(self.start - dt.timedelta(days=60), dt.time(9)))
            self.s.add(customer)
            out.append((customer, (f"{self.rng.randint(1, 120)} rue de la Paix", city, postcode, country)))
        return out

    def _orders(self, customers) -> list[Order]:
        weights = [{"apparel": 6, "shoes": 5, "home": 5, "electronics": 4, "beauty": 3,
                    "jewellery": 3}.get(SPEC_BY_SKU[sku].category, 2) for sku in self.sellable]
        orders, number = [], FIRST_ORDER_NUMBER
        day = self.start - dt.timedelta(days=7)  # a week before: their returns fall in the quarter
        while day < self.today:
            for _ in range(self.rng.randint(*ORDERS_PER_DAY)):
                customer, (line1, city, postcode, country) = self.rng.choice(customers)
                ordered_at = dt.datetime.combine(day - dt.timedelta(days=self.rng.randint(2, 5)),
                                                 dt.time(self.rng.randint(7, 22), self.rng.randint(0, 59)))
                order = Order(number=f"BM-{number:06d}", customer=customer, currency=self.policy.currency,
                              ordered_at=ordered_at, delivered_on=day, ship_name=customer.name, ship_line1=line1,
                              ship_city=city, ship_postcode=postcode, ship_country=country,
                              payment_reference=f"pay_{self.rng.getrandbits(96):024x}")
                chosen: set[str] = set()
                for _ in range(self.rng.choices((1, 2, 3), weights=(55, 30, 15))[0]):
                    sku = self.rng.choices(self.sellable, weights=weights)[0]
                    if sku in chosen:
                        continue
                    chosen.add(sku)
                    variant = self.variants[sku]
                    quantity = self.rng.choices((1, 2), weights=(88, 12))[0]
                    gross = variant.price_minor * quantity
                    discount = gross * self.rng.choice((10, 20)) // 100 if self.rng.random() < 0.15 else 0
                    order.lines.append(OrderLine(variant=variant, quantity=quantity,
                                                 unit_price_minor=variant.price_minor, discount_minor=discount,
                                                 paid_minor=gross - discount))
                order.delivery_paid_minor = delivery_cost(sum(line.paid_minor for line in order.lines))
                self.s.add(order)
                orders.append(order)
                number += 1
            day += dt.timedelta(days=1)
        return orders

    # --- returns -----------------------------------------------------------------------------

    def _maybe_return(self, order: Order) -> None:
        picks = []
        for line in order.lines:
            sku = line.variant.sku
            if sku not in self.returnable:
                continue
            units = sum(self.rng.random() < RETURN_CHANCE.get(SPEC_BY_SKU[sku].category, 0.05)
                        for _ in range(line.quantity))
            if units:
                reasons = REASONS_BY_CATEGORY.get(SPEC_BY_SKU[sku].category, _FASHION_REASONS)
                if line.variant.size is None:
                    reasons = {k: w for k, w in reasons.items() if k != "wrong_size"}
                reason = self.rng.choices(list(reasons), weights=list(reasons.values()))[0]
                picks.append((line, units, reason))
        if not picks:
            return
        start = dt.datetime.combine(order.delivered_on + dt.timedelta(days=self.rng.randint(1, 12)),
                                    dt.time(self.rng.randint(8, 22), self.rng.randint(0, 59)))
        if start >= self.horizon - dt.timedelta(hours=1):
            return
        self._return(order, picks, start)

    def _path(self, start: dt.datetime, withdrawal: bool) -> list[tuple[S, dt.datetime]]:
        """The statuses and times of one return, cut at the horizon (still moving today)."""
        rng = self.rng
        minutes = lambda low, high: dt.timedelta(minutes=rng.randint(low, high))  # noqa: E731
        fate = rng.choices(("normal", "rejected", "cancelled", "expired"), weights=(89, 4, 4, 3))[0]
        path = [(S.REQUESTED, start)]
        if fate == "rejected":
            review = start + minutes(0, 2)
            return [*path, (S.NEEDS_REVIEW, review), (S.REJECTED, review + minutes(4 * 60, 30 * 60))]
        at = start + minutes(1, 20)
        path.append((S.APPROVED, at))
        at += minutes(1, 10)
        path.append((S.LABEL_ISSUED, at))
        if fate == "cancelled":
            path.append((S.CANCELLED, at + minutes(60, 72 * 60)))
        elif fate == "expired":
            path.append((S.EXPIRED, at + dt.timedelta(days=self.policy.label_valid_days, minutes=rng.randint(0, 60))))
        else:
            # Most parcels are scanned by the carrier; some reach the dock unscanned.
            if rng.random() < 0.9:
                at += minutes(6 * 60, 48 * 60)
                path.append((S.IN_TRANSIT, at))
            at += minutes(24 * 60, 96 * 60)
            path.append((S.RECEIVED, at))
            # A backlog now and then at the inspection bench.
            at += minutes(2 * 60, 30 * 60) if rng.random() < 0.8 else minutes(30 * 60, 96 * 60)
            path.append((S.INSPECTED, at))
            late = withdrawal and rng.random() < 0.12  # a payment stuck for days: past the deadline
            at += minutes(10 * 24 * 60, 16 * 24 * 60) if late else minutes(60, 24 * 60)
            path.append((S.REFUNDED, at))  # or credited: the caller says which
            at += minutes(60, 48 * 60)
            path.append((S.CLOSED, at))
        return [(status, moment) for status, moment in path if moment < self.horizon]

    def _return(self, order: Order, picks: list[tuple[OrderLine, int, str]], start: dt.datetime) -> None:
        rng = self.rng
        requested_on = start.date()
        withdrawal = ((requested_on - order.delivered_on).days <= 14
                      and all(reason in CHANGE_OF_MIND for _l, _u, reason in picks))
        resolution = "store_credit" if rng.random() < 0.25 else "refund"
        path = self._path(start, withdrawal)
        if resolution == "store_credit":
            path = [(S.CREDITED if status is S.REFUNDED else status, at) for status, at in path]
        check_path([status for status, _ in path])
        status, last = path[-1]
        rma = new_rma()
        while rma in self.taken_rmas or normalize_rma(rma) != rma:
            rma = new_rma()
        self.taken_rmas.add(rma)
        customer = order.customer
        ret = ReturnRequest(
            rma=rma, order=order, customer=customer, status=status.value, channel="web",
            language=customer.preferred_language, currency=order.currency, policy_version=POLICY_VERSION,
            decision_reasons=[], explanation_en="Accepted: returned within the return window.",
            explanation_fr="Accepté : retourné dans le délai de retour.", returnless=False,
            refund_due_on=refund_due_on(requested_on) if withdrawal else None, refund_amount_minor=0,
            restocking_fee_minor=0, shipping_fee_minor=0,
            created_at=start, updated_at=last)
        for line, units, reason in picks:
            refund = line.unit_paid_minor * units
            ret.lines.append(ReturnLine(
                order_line=line, quantity=units, reason_code=reason, resolution=resolution, eligible=True,
                decision_reasons=[], restocking_fee_minor=0, refund_amount_minor=refund,
                legal_basis="withdrawal" if withdrawal else "commercial"))
            ret.refund_amount_minor += refund
        previous: Optional[S] = None
        for state, at in path:
            ret.history.append(ReturnStatusChange(from_status=previous.value if previous else None,
                                                  to_status=state.value, actor=ACTOR, created_at=at))
            previous = state
        self.s.add(ret)
        self.returns += 1
        times = dict(path)
        if S.LABEL_ISSUED in times:
            made = times[S.LABEL_ISSUED]
            tracking = f"BMR{rng.randint(0, 10**12 - 1):012d}"
            self.s.add(Label(return_request=ret, carrier="local", tracking_number=tracking,
                             # No file behind it (its link answers 404, like an erased label's);
                             # the token is as unguessable as a real one all the same.
                             download_token=secrets.token_urlsafe(24), storage_path="",
                             cost_minor=rng.choice(POSTAGE_MINOR),
                             created_at=made, expires_at=made + dt.timedelta(days=self.policy.label_valid_days)))
        if S.INSPECTED in times:
            self.s.flush()
            for return_line in ret.lines:
                self._inspect(return_line, times[S.RECEIVED], times[S.INSPECTED])
        paid = times.get(S.REFUNDED) or times.get(S.CREDITED)
        if paid is not None:
            self.s.add(Refund(return_request=ret, amount_minor=ret.refund_amount_minor, currency=ret.currency,
                              method="store_credit" if resolution == "store_credit" else "original_payment",
                              status="issued", provider="local", provider_reference=f"re_history_{rma}",
                              attempts=1, created_at=paid - dt.timedelta(minutes=1), updated_at=paid, issued_at=paid))

    def _inspect(self, line: ReturnLine, received: dt.datetime, inspected: dt.datetime) -> None:
        rng = self.rng
        order_line = line.order_line
        spec = SPEC_BY_SKU[order_line.variant.sku]
        grade = rng.choices("NABCD", weights=GRADES_BY_REASON[line.reason_code])[0]
        flags = frozenset({"battery"} if spec.category == "electronics" and rng.random() < 0.5 else ())
        decision = decide(self.rules, InspectedLine(grade=grade, category=spec.category,
                                                    unit_value_minor=order_line.unit_price_minor,
                                                    reason_code=line.reason_code, flags=flags,
                                                    quantity=line.quantity), inspected.date())
        line.received_quantity = line.quantity
        line.grade = grade
        line.inspection_flags = sorted(flags)
        line.mismatches = ["claimed_damage_not_found"] if (
            line.reason_code in ("damaged", "defective") and grade in "NA") else []
        line.inspected_at = inspected
        line.disposition = decision.disposition
        line.disposition_rule = decision.rule
        line.disposition_rules_version = decision.rules_version
        line.disposition_guards = list(decision.guard_codes)
        line.recovery_percent = int(decision.recovery_percent.to_integral_value())
        line.value_recovered_minor = decision.value_recovered_minor
        self.inspected += 1
        units, variant_id, value = line.quantity, order_line.variant_id, order_line.unit_price_minor
        state = KEPT_STATES.get(decision.disposition)
        moved = inspected
        if decision.disposition == "restock":  # put away a few hours after inspection
            moved = min(inspected + dt.timedelta(minutes=rng.randint(30, 20 * 60)),
                        self.horizon - dt.timedelta(minutes=1))
        self._move(variant_id, state or decision.disposition, units, decision.disposition, value, line.id, moved,
                   keep=state is not None)
        # Refurbishing takes two or three weeks; what is done is sold as grade B.
        if decision.disposition == "refurbish":
            done = inspected + dt.timedelta(days=rng.randint(14, 21))
            if done < self.horizon:
                self._move(variant_id, "refurbish", -units, "refurbish_done", value, line.id, done, keep=True)
                self._move(variant_id, "sellable_b", units, "refurbish_done", value, line.id, done, keep=True)

    def _move(self, variant_id: int, state: str, quantity: int, kind: str, value: int, line_id: int,
              at: dt.datetime, *, keep: bool) -> None:
        """One movement; ``keep``: the units stay in the shop's stock (its row changes too)."""
        if keep:
            key = (variant_id, state)
            item = self.stock.get(key) or self.s.execute(select(InventoryItem).where(
                InventoryItem.variant_id == variant_id, InventoryItem.location == WAREHOUSE,
                InventoryItem.state == state)).scalar_one_or_none()
            if item is None:
                item = InventoryItem(variant_id=variant_id, location=WAREHOUSE, state=state, on_hand=0, reserved=0)
                self.s.add(item)
            self.stock[key] = item
            item.on_hand += quantity
        self.s.add(InventoryMovement(variant_id=variant_id, location=WAREHOUSE, state=state, quantity=quantity,
                                     kind=kind, unit_value_minor=value, return_line_id=line_id, actor=ACTOR,
                                     note="seeded history", created_at=at))


__all__ = ["HistorySummary", "seed_history"]
