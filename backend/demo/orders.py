"""The demo shop's orders: fixed demo orders that each show one policy path, ~187 random ones.

Why fixed orders: the assistant only shows what it can do against orders that walk every
branch of the returns policy (in window, out of window, hygiene, final sale, returnless,
too many returns, not delivered yet, exchange to an in-stock size); the README quotes
them and the tests rely on them, so they hold whatever ``rng_seed``.

Demo fixtures (fixed, whatever ``rng_seed``)
--------------------------------------------
Days are counted back from ``today``. The policy paths assume the default policy:
30-day window for apparel/shoes/home, 14 days for electronics, hygiene categories
underwear/swimwear (+ pierced earrings), returnless at or under EUR 15 for
damaged/defective/wrong_item, more than 5 returns in 90 days sends a return to review.

=========  ========================  =============  ====  =========  ============================
Order      Email                     Phone          Lang  Delivered  Demonstrates
=========  ========================  =============  ====  =========  ============================
BM-100001  alice.martin@example.com  +33639981234   fr    5 days     eligible apparel + home
BM-100002  ben.carter@example.com    +447700900123  en    10 days    electronics; returnless mugs
BM-100003  ben.carter@example.com    +447700900123  en    45 days    outside the return window
BM-100004  chloe.dubois@example.net   +33639985678   fr    3 days     hygiene; final sale
BM-100005  dan.wright@example.org    +15555550123   en    20 days    electronics out, shoes in
BM-100006  emma.leroy@example.net     (none)         fr    not yet    not_delivered
BM-100007  frank.hughes@example.com  +447700900456  en    8 days     too_many_returns (review)
=========  ========================  =============  ====  =========  ============================

Their lines (SKUs) and the policy path each one shows:

* BM-100001: SHIRT-LIN-WHT-M, linen shirt size M -> eligible apparel; exchange to L (in
  stock) but not to S (SHIRT-LIN-WHT-S is out of stock everywhere; XS, M, L, XL are in
  stock). LAMP-TBL-BRS, table lamp EUR 89 -> eligible home; damaged -> photo path.
* BM-100002: EARB-WLS-BLK, wireless earbuds -> electronics inside the 14-day window.
  MUGS-CER-WHT, ceramic mugs set EUR 12 -> returnless refund when damaged.
* BM-100003: JEAN-STR-IND-42, jeans delivered 45 days ago -> outside the window.
* BM-100004: SWIM-ONE-BLK-S, swimsuit -> hygiene, not returnable. JCKT-OUT-KHK-M, outlet
  jacket (final sale, 40 % off) -> not returnable.
* BM-100005: SPKR-BT-BLK, bluetooth speaker -> electronics outside the 14-day window.
  SNKR-LTH-WHT-43, sneakers -> shoes inside the 30-day window.
* BM-100006: DRSS-WRP-RED-S + CUSH-LIN-TER, ordered 1 day ago -> not_delivered.
* BM-100007: SWTR-MER-NVY-L, sweater -> too_many_returns: Frank has 6 closed returns
  created in the last 90 days, on BM-100071 ... BM-100076.

Consumer-law fixtures (issue 13): each shows one legal path under the demo policy's
``jurisdiction: FR`` (14-day withdrawal right from delivery, L221-18; the 2-year legal
guarantee of conformity, presumed for 24 months, 12 for used goods, L217-7; the product
exceptions of L221-28). They belong to the same demo customers, in both languages:

=========  ========================  =============  ====  =========  ============================
Order      Email                     Phone          Lang  Delivered  Demonstrates
=========  ========================  =============  ====  =========  ============================
BM-100011  ben.carter@example.com    +447700900123  en    45 days    defect past 30 days: guarantee
BM-100012  chloe.dubois@example.net   +33639985678   fr    10 days    final sale, within withdrawal
BM-100013  dan.wright@example.org    +15555550123   en    10 days    electronics, no fee (withdrawal)
BM-100014  alice.martin@example.com  +33639981234   fr    790 days   guarantee expired (26 months)
BM-100015  ben.carter@example.com    +447700900123  en    548 days   used goods past 12 months
BM-100016  chloe.dubois@example.net   +33639985678   fr    5 days     personalised (engraved)
BM-100017  dan.wright@example.org    +15555550123   en    5 days     sealed hygiene: seal asked
BM-100018  alice.martin@example.com  +33639981234   fr    2 days     perishable; sealed media
=========  ========================  =============  ====  =========  ============================

* BM-100011: JEAN-STR-IND-40, jeans delivered 45 days ago: "the zip broke" (defective) ->
  the legal guarantee's remedies (repair, replacement) although the 30-day window ended.
* BM-100012: JCKT-OUT-KHK-L, outlet jacket (final sale, 40 % off) delivered 10 days ago ->
  returnable under the 14-day withdrawal right (final sale cannot remove it).
* BM-100013: EREAD-6IN-BLK, e-reader delivered 10 days ago -> a change of mind is a
  withdrawal: no restocking fee.
* BM-100014: LAMP-TBL-BLK, table lamp delivered 790 days ago -> past the 2-year guarantee:
  refused, with the reason.
* BM-100015: EREAD-REF-BLK, refurbished e-reader (used goods) delivered 548 days ago ->
  a defect past the 12-month presumption: the team reviews the proof.
* BM-100016: JWL-ENG-SLV, bracelet engraved with the customer's initials -> personalised:
  no withdrawal right (a defect is still covered by the guarantee).
* BM-100017: UNDR-BRF-BLK-M, briefs (hygiene, sold sealed) -> returnable only if the seal
  is intact: the assistant asks.
* BM-100018: FLWR-BQT, fresh flowers -> perishable, no withdrawal right; VINYL-JAZ,
  a sealed vinyl record -> returnable while still sealed.

Every order records the standard delivery it paid: EUR 4.95 below EUR 100 of goods, free
from EUR 100 (refunded with a withdrawal of the whole order, L221-24).

Frank's history orders BM-100071 ... BM-100076 were delivered 85, 75, 65, 55, 45 and 35
days ago; each carries one "closed" return created 3 days after delivery (made by
:mod:`backend.demo.returns`).

The demo customers have no other orders than these, and none of them except Frank has a
return, so each fixture shows exactly one policy path.

Random part (driven by ``rng_seed``)
------------------------------------
~187 more orders ("BM-" + 6 digits, increasing with time) delivered 2-6 days after they
were ordered (never the one-off products, see ``ProductSpec.in_random_orders``), deliveries spread over the last 120 days, a few recent ones not delivered
yet; 1-4 lines each, some discounted. Every random customer ordered at least once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy.orm import Session

from backend.db.models import Customer, Order, OrderLine
from backend.demo.built import Built
from backend.demo.catalogue import CATALOGUE, ProductSpec
from backend.demo.customers import (
    ALICE,
    BEN,
    CHLOE,
    DAN,
    DEMO_CUSTOMERS,
    EMMA,
    FRANK,
    Address,
    DemoCustomer,
)

# Deliveries of seeded orders fall within this many days before `today`.
DELIVERY_SPREAD_DAYS = 120
# Size of the random part; with the fixtures this gives ~200 orders.
RANDOM_ORDERS = 187
RANDOM_UNDELIVERED_ORDERS = 5
# Standard delivery: paid below the threshold of goods, free from it (minor units).
DELIVERY_FEE_MINOR = 495
FREE_DELIVERY_FROM_MINOR = 10000


def delivery_cost(goods_paid_minor: int) -> int:
    """What the customer paid for standard delivery of an order worth ``goods_paid_minor``."""
    return 0 if goods_paid_minor >= FREE_DELIVERY_FROM_MINOR else DELIVERY_FEE_MINOR


@dataclass(frozen=True)
class DemoLine:
    sku: str
    quantity: int = 1
    discount_minor: int = 0


@dataclass(frozen=True)
class DemoOrder:
    """A fixed order the README and tests refer to; days count back from ``today``."""

    number: str
    email: str
    phone: Optional[str]
    language: str
    ordered_days_ago: int
    delivered_days_ago: Optional[int]  # None: not delivered yet
    lines: tuple[DemoLine, ...]
    demonstrates: str

    @property
    def skus(self) -> tuple[str, ...]:
        return tuple(line.sku for line in self.lines)

    def delivered_on(self, today: dt.date) -> Optional[dt.date]:
        if self.delivered_days_ago is None:
            return None
        return today - dt.timedelta(days=self.delivered_days_ago)


def _demo(number: str, who: DemoCustomer, ordered: int, delivered: Optional[int],
          lines: tuple[DemoLine, ...], demonstrates: str) -> DemoOrder:
    return DemoOrder(number, who.email, who.phone, who.language, ordered, delivered, lines,
                     demonstrates)


DEMO_ORDERS: tuple[DemoOrder, ...] = (
    _demo("BM-100001", ALICE, 8, 5,
          (DemoLine("SHIRT-LIN-WHT-M"), DemoLine("LAMP-TBL-BRS")),
          "eligible apparel + home; exchange the shirt to L (in stock) but not S (out of "
          "stock); damaged lamp -> photo path"),
    _demo("BM-100002", BEN, 13, 10,
          (DemoLine("EARB-WLS-BLK"), DemoLine("MUGS-CER-WHT")),
          "electronics inside the 14-day window; EUR 12 mugs -> returnless when damaged"),
    _demo("BM-100003", BEN, 49, 45, (DemoLine("JEAN-STR-IND-42"),),
          "delivered 45 days ago -> outside the return window"),
    _demo("BM-100004", CHLOE, 6, 3,
          (DemoLine("SWIM-ONE-BLK-S"), DemoLine("JCKT-OUT-KHK-M", discount_minor=5160)),
          "swimsuit (hygiene) and outlet jacket (final sale) -> not returnable"),
    _demo("BM-100005", DAN, 24, 20,
          (DemoLine("SPKR-BT-BLK"), DemoLine("SNKR-LTH-WHT-43")),
          "speaker outside the 14-day electronics window; sneakers (shoes) inside 30 days"),
    _demo("BM-100006", EMMA, 1, None,
          (DemoLine("DRSS-WRP-RED-S"), DemoLine("CUSH-LIN-TER")),
          "not delivered yet -> not_delivered"),
    _demo("BM-100007", FRANK, 11, 8, (DemoLine("SWTR-MER-NVY-L"),),
          "6 returns in the last 90 days -> too_many_returns (review)"),
)

# The consumer-law paths (issue 13), documented in the module's docstring.
LAW_DEMO_ORDERS: tuple[DemoOrder, ...] = (
    _demo("BM-100011", BEN, 48, 45, (DemoLine("JEAN-STR-IND-40"),),
          "defect 45 days after delivery, past the 30-day window -> legal guarantee"),
    _demo("BM-100012", CHLOE, 13, 10, (DemoLine("JCKT-OUT-KHK-L", discount_minor=5160),),
          "final sale delivered 10 days ago -> withdrawal right (final sale overridden)"),
    _demo("BM-100013", DAN, 13, 10, (DemoLine("EREAD-6IN-BLK"),),
          "electronics delivered 10 days ago -> withdrawal, no restocking fee"),
    _demo("BM-100014", ALICE, 793, 790, (DemoLine("LAMP-TBL-BLK"),),
          "delivered 26 months ago -> legal guarantee expired"),
    _demo("BM-100015", BEN, 551, 548, (DemoLine("EREAD-REF-BLK"),),
          "used goods delivered 18 months ago -> past the 12-month presumption (review)"),
    _demo("BM-100016", CHLOE, 8, 5, (DemoLine("JWL-ENG-SLV"),),
          "personalised item -> no withdrawal right"),
    _demo("BM-100017", DAN, 8, 5, (DemoLine("UNDR-BRF-BLK-M"),),
          "sealed hygiene item -> returnable only with the seal intact"),
    _demo("BM-100018", ALICE, 4, 2, (DemoLine("FLWR-BQT"), DemoLine("VINYL-JAZ")),
          "perishable flowers -> no withdrawal right; sealed record -> only while sealed"),
)

# Frank's earlier orders, each with one closed return created 3 days after delivery.
FRANK_HISTORY: tuple[tuple[str, int, str, str], ...] = (
    # number, delivered days ago, sku, reason code
    ("BM-100071", 85, "SHIRT-OXF-BLU-L", "wrong_size"),
    ("BM-100072", 75, "JEAN-STR-IND-44", "wrong_size"),
    ("BM-100073", 65, "SNKR-LTH-WHT-44", "wrong_size"),
    ("BM-100074", 55, "SWTR-MER-GRY-L", "changed_mind"),
    ("BM-100075", 45, "THRW-WOL-GRY", "not_as_described"),
    ("BM-100076", 35, "SHIRT-LIN-BLU-L", "changed_mind"),
)
FRANK_HISTORY_ORDERS: tuple[DemoOrder, ...] = tuple(
    _demo(number, FRANK, days + 3, days, (DemoLine(sku),),
          f"past closed return ({reason}) counting towards Frank's too_many_returns")
    for number, days, sku, reason in FRANK_HISTORY
)


def add_order(session: Session, built: Built, *, number: str, customer: Customer,
              address: Address, ordered_at: dt.datetime, delivered_on: Optional[dt.date],
              payment_reference: str, currency: str,
              lines: Sequence[tuple[str, int, int]]) -> Order:
    """Create an order in ``currency``; ``lines`` are (sku, quantity, discount), prices from
    the catalogue."""
    order = Order(number=number, customer=customer, currency=currency, ordered_at=ordered_at,
                  delivered_on=delivered_on, ship_name=customer.name,
                  ship_line1=address.line1, ship_city=address.city,
                  ship_postcode=address.postcode, ship_country=address.country,
                  payment_reference=payment_reference)
    for sku, quantity, discount in lines:
        variant = built.variants[sku]
        gross = variant.price_minor * quantity
        if not 0 <= discount <= gross:
            raise ValueError(f"discount {discount} out of range for {sku} x{quantity}")
        order.lines.append(OrderLine(variant=variant, quantity=quantity,
                                     unit_price_minor=variant.price_minor,
                                     discount_minor=discount, paid_minor=gross - discount))
    order.delivery_paid_minor = delivery_cost(sum(line.paid_minor for line in order.lines))
    session.add(order)
    built.orders.append(order)
    return order


def _fixed_payment_reference(number: str) -> str:
    """Fixture payment references do not depend on the seed either."""
    return "pay_" + hashlib.sha256(number.encode()).hexdigest()[:24]

def add_demo_orders(session: Session, today: dt.date, built: Built,
                    customers: dict[str, Customer], *, currency: str) -> None:
    """The fixed demo orders, the consumer-law ones and Frank's history orders;
    ``customers`` by email."""
    addresses = {who.email: who.address for who in DEMO_CUSTOMERS}
    for demo in DEMO_ORDERS + LAW_DEMO_ORDERS + FRANK_HISTORY_ORDERS:
        unknown = [sku for sku in demo.skus if sku not in built.variants]
        if unknown:
            raise ValueError(f"{demo.number} names unknown SKUs: {unknown}")
        add_order(
            session, built, number=demo.number, customer=customers[demo.email],
            address=addresses[demo.email],
            ordered_at=dt.datetime.combine(today - dt.timedelta(days=demo.ordered_days_ago),
                                           dt.time(10, 30)),
            delivered_on=demo.delivered_on(today),
            payment_reference=_fixed_payment_reference(demo.number), currency=currency,
            lines=[(line.sku, line.quantity, line.discount_minor) for line in demo.lines],
        )


# Relative popularity of categories in random orders.
_CATEGORY_WEIGHT: dict[str, int] = {
    "apparel": 6, "shoes": 5, "home": 5, "electronics": 4, "beauty": 4, "underwear": 4,
    "swimwear": 3, "jewellery": 3,
}
# Buying two or three of the same thing is plausible only for these.
_MULTI_QUANTITY_CATEGORIES = frozenset({"apparel", "home", "beauty", "underwear"})
FINAL_SALE_DISCOUNT_PERCENT = 40
# What random orders may hold (the one-off products are sold only in the fixed orders).
_RANDOM_CATALOGUE: tuple[ProductSpec, ...] = tuple(s for s in CATALOGUE if s.in_random_orders)


def _random_lines(rng: random.Random) -> list[tuple[str, int, int]]:
    """1-4 distinct variants; quantity mostly 1; ~1 line in 5 discounted, outlet 40 % off."""
    count = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]
    weights = [_CATEGORY_WEIGHT[spec.category] for spec in _RANDOM_CATALOGUE]
    lines: list[tuple[str, int, int]] = []
    chosen: set[str] = set()
    while len(lines) < count:
        spec = rng.choices(_RANDOM_CATALOGUE, weights=weights)[0]
        sku = rng.choice(spec.skus())[0]
        if sku in chosen:
            continue
        chosen.add(sku)
        quantity = 1
        if spec.category in _MULTI_QUANTITY_CATEGORIES and not spec.final_sale:
            quantity = rng.choices((1, 2, 3), weights=(82, 13, 5))[0]
        gross = spec.price_minor * quantity
        if spec.final_sale:
            discount = gross * FINAL_SALE_DISCOUNT_PERCENT // 100
        elif rng.random() < 0.2:
            discount = gross * rng.choice((10, 15, 20, 25)) // 100
        else:
            discount = 0
        lines.append((sku, quantity, discount))
    return lines

def add_random_orders(session: Session, rng: random.Random, today: dt.date, built: Built,
                      customers: Sequence[tuple[Customer, Address]], *, currency: str) -> None:
    """:data:`RANDOM_ORDERS` orders of the random ``customers``, each at least one."""
    # Everyone ordered at least once; a few loyal customers order much more often.
    loyalty = [rng.choice((1, 1, 1, 2, 3, 5)) for _ in customers]
    buyers = list(range(len(customers)))
    buyers += rng.choices(range(len(customers)), weights=loyalty,
                          k=RANDOM_ORDERS - len(customers))
    rng.shuffle(buyers)
    undelivered = set(rng.sample(range(RANDOM_ORDERS), RANDOM_UNDELIVERED_ORDERS))

    drafts = []
    for index, buyer in enumerate(buyers):
        if index in undelivered:
            ordered_days_ago, delivered_on = rng.randint(1, 3), None
        else:
            delivered_days_ago = rng.randint(0, DELIVERY_SPREAD_DAYS - 1)
            ordered_days_ago = delivered_days_ago + rng.randint(2, 6)
            delivered_on = today - dt.timedelta(days=delivered_days_ago)
        ordered_at = dt.datetime.combine(
            today - dt.timedelta(days=ordered_days_ago),
            dt.time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)),
        )
        drafts.append((ordered_at, index, buyer, delivered_on, _random_lines(rng),
                       f"pay_{rng.getrandbits(96):024x}"))
    # Order numbers grow with time like a real shop's; none collides with the fixtures.
    numbers = sorted(rng.sample(range(104000, 130000), RANDOM_ORDERS))
    drafts.sort(key=lambda draft: (draft[0], draft[1]))
    for number, (ordered_at, _, buyer, delivered_on, lines, payment) in zip(numbers, drafts):
        customer, address = customers[buyer]
        add_order(session, built, number=f"BM-{number:06d}", customer=customer,
                  address=address, ordered_at=ordered_at, delivered_on=delivered_on,
                  payment_reference=payment, currency=currency, lines=lines)
