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

Frank's history orders BM-100071 ... BM-100076 were delivered 85, 75, 65, 55, 45 and 35
days ago; each carries one "closed" return created 3 days after delivery (made by
:mod:`backend.demo.returns`).

The demo customers have no other orders, and none of them except Frank has a return, so
each fixture shows exactly one policy path.

Random part (driven by ``rng_seed``)
------------------------------------
~187 more orders ("BM-" + 6 digits, increasing with time) delivered 2-6 days after they
were ordered, deliveries spread over the last 120 days, a few recent ones not delivered
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
from backend.demo.catalogue import CATALOGUE
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
    session.add(order)
    built.orders.append(order)
    return order


def _fixed_payment_reference(number: str) -> str:
    """Fixture payment references do not depend on the seed either."""
    return "pay_" + hashlib.sha256(number.encode()).hexdigest()[:24]

def add_demo_orders(session: Session, today: dt.date, built: Built,
                    customers: dict[str, Customer], *, currency: str) -> None:
    """The fixed demo orders and Frank's history orders; ``customers`` by email."""
    addresses = {who.email: who.address for who in DEMO_CUSTOMERS}
    for demo in DEMO_ORDERS + FRANK_HISTORY_ORDERS:
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


def _random_lines(rng: random.Random) -> list[tuple[str, int, int]]:
    """1-4 distinct variants; quantity mostly 1; ~1 line in 5 discounted, outlet 40 % off."""
    count = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]
    weights = [_CATEGORY_WEIGHT[spec.category] for spec in CATALOGUE]
    lines: list[tuple[str, int, int]] = []
    chosen: set[str] = set()
    while len(lines) < count:
        spec = rng.choices(CATALOGUE, weights=weights)[0]
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
