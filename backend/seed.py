"""Demo data for "Maison Boomerang", a French/English online shop selling in EUR.

Why this exists: the assistant only shows what it can do against orders that walk every
branch of the returns policy (in window, out of window, hygiene, final sale, returnless,
too many returns, not delivered yet, exchange to an in-stock size). :func:`seed` fills an
*empty* database with a realistic shop around a handful of fixed demo orders, so
``make run`` gives a working demo, the README can quote order numbers, and tests can rely
on them.

Guarantees
----------
* Deterministic: the same ``(today, rng_seed)`` gives the same customers, catalogue, stock,
  orders and returns. Only RMA numbers differ between runs, because they come from
  :func:`common.identifiers.new_rma` (which uses :mod:`secrets` on purpose: RMAs must
  never be guessable, not even in a demo database that gets copied around).
  The module uses its own ``random.Random(rng_seed)``, never the global generator.
* Idempotent: if the database already holds products, customers or orders, nothing is
  written and the summary says ``skipped=True`` (safe to call on every ``make run``).
* All or nothing: one transaction, committed at the end, rolled back on any error.
* Every date is relative to ``today`` (default: today in UTC, like the rest of the
  backend), and every timestamp is strictly before midnight at the start of ``today``,
  so nothing seeded lies in the future. A demo database ages: delete it and re-seed to
  get the "N days ago" below back.
* Contact data is fake and cannot reach a real person: emails at example.com / .net / .org (reserved for documentation),
  random phones only in ranges reserved for fiction (UK Ofcom 07700 900xxx, US 555-01xx,
  French ARCEP 06 39 98 xx xx). The fixture phones below are the documented demo values.

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
days ago; each carries one "closed" return created 3 days after delivery, with the history
requested -> approved -> label_issued -> received -> inspected -> refunded -> closed
(actor "seed", policy_version "seed").

The demo customers have no other orders, and none of them except Frank has a return, so
each fixture shows exactly one policy path.

Random part (driven by ``rng_seed``)
------------------------------------
~44 more customers (half French, half English speakers; French, UK and US addresses),
~187 more orders ("BM-" + 6 digits, increasing with time) delivered 2-6 days after they
were ordered, deliveries spread over the last 120 days, a few recent ones not delivered
yet; 1-4 lines each, some discounted. 15 past returns on other customers' orders in varied
statuses (closed, refunded - one returnless -, label_issued, in_transit, received,
cancelled, expired), each with a status history that the state machine in
:mod:`backend.domain.lifecycle` allows; active exchanges hold a reservation in stock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import (
    Customer,
    InventoryItem,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ReturnRequest,
    ReturnStatusChange,
    Variant,
)
from backend.domain.lifecycle import ReturnStatus, can_transition
from backend.domain.policy import Policy, load_policy
from backend.settings import DEFAULT_POLICY_FILE
from common.identifiers import new_rma, normalize_rma

CURRENCY = "EUR"
SEED_ACTOR = "seed"
SEED_POLICY_VERSION = "seed"
WAREHOUSE = "main-warehouse"
STORE = "paris-store"
# Deliveries of seeded orders fall within this many days before `today`.
DELIVERY_SPREAD_DAYS = 120
# Size of the random part; with the fixtures this gives ~50 customers and ~200 orders.
RANDOM_CUSTOMERS_PER_LANGUAGE = 22
RANDOM_ORDERS = 187
RANDOM_UNDELIVERED_ORDERS = 5
RANDOM_OUT_OF_STOCK_VARIANTS = 8
# A seeded label expires this long after it was issued (drives the "expired" history).

REASON_CODES: tuple[str, ...] = (
    "damaged",
    "defective",
    "wrong_item",
    "wrong_size",
    "changed_mind",
    "not_as_described",
)
RESOLUTIONS: tuple[str, ...] = ("refund", "exchange", "store_credit")

S = ReturnStatus


@dataclass(frozen=True)
class SeedSummary:
    """Rows this call added. All zero with ``skipped=True`` when the database had data."""

    customers: int = 0
    products: int = 0
    variants: int = 0
    orders: int = 0
    order_lines: int = 0
    returns: int = 0
    skipped: bool = False


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class ProductSpec:
    """One product; variants are every colour x size. ``code`` prefixes every SKU."""

    code: str
    name: str
    name_fr: str
    category: str
    price_minor: int
    colours: tuple[Optional[str], ...] = (None,)
    sizes: tuple[Optional[str], ...] = (None,)
    final_sale: bool = False
    hygiene: bool = False
    in_store: bool = False  # also stocked at the Paris store

    def skus(self) -> list[tuple[str, Optional[str], Optional[str]]]:
        """(sku, colour code, size) for every variant, in a stable order."""
        out = []
        for colour in self.colours:
            for size in self.sizes:
                parts = [self.code] + [p for p in (colour, size) if p is not None]
                out.append(("-".join(parts), colour, size))
        return out


COLOUR_NAMES: dict[str, str] = {
    "WHT": "White", "BLU": "Blue", "NVY": "Navy", "GRY": "Grey", "ECR": "Ecru",
    "IND": "Indigo", "RED": "Red", "KHK": "Khaki", "TAN": "Tan", "NAT": "Natural",
    "BRS": "Brass", "BLK": "Black", "CLR": "Clear", "OCH": "Ochre", "SGE": "Sage",
    "TER": "Terracotta", "RUB": "Ruby", "NUD": "Nude", "COR": "Coral", "GLD": "Gold",
    "SLV": "Silver",
}

_LETTER_SIZES = ("XS", "S", "M", "L", "XL")
_EU_SIZES_EVEN = ("36", "38", "40", "42", "44", "46")
_SHOE_SIZES = tuple(str(n) for n in range(36, 47))

CATALOGUE: tuple[ProductSpec, ...] = (
    # apparel
    ProductSpec("SHIRT-LIN", "Linen shirt", "Chemise en lin", "apparel", 5900,
                ("WHT", "BLU"), _LETTER_SIZES, in_store=True),
    ProductSpec("SHIRT-OXF", "Oxford shirt", "Chemise oxford", "apparel", 4900,
                ("BLU",), ("S", "M", "L", "XL")),
    ProductSpec("SWTR-MER", "Merino wool sweater", "Pull en laine mérinos", "apparel", 8900,
                ("NVY", "GRY", "ECR"), ("S", "M", "L"), in_store=True),
    ProductSpec("JEAN-STR", "Straight-leg jeans", "Jean coupe droite", "apparel", 7900,
                ("IND",), _EU_SIZES_EVEN),
    ProductSpec("DRSS-WRP", "Wrap dress", "Robe portefeuille", "apparel", 9500,
                ("RED", "NVY"), ("XS", "S", "M", "L"), in_store=True),
    ProductSpec("JCKT-OUT", "Quilted jacket (outlet)", "Veste matelassée (outlet)", "apparel",
                12900, ("KHK",), ("S", "M", "L"), final_sale=True),
    # shoes
    ProductSpec("SNKR-LTH", "Leather sneakers", "Baskets en cuir", "shoes", 11900,
                ("WHT",), _SHOE_SIZES, in_store=True),
    ProductSpec("BOOT-SUE", "Suede ankle boots", "Bottines en daim", "shoes", 15900,
                ("TAN",), ("36", "37", "38", "39", "40", "41")),
    ProductSpec("ESPA-CNV", "Canvas espadrilles", "Espadrilles en toile", "shoes", 3900,
                ("NAT",), _EU_SIZES_EVEN),
    # home
    ProductSpec("LAMP-TBL", "Table lamp", "Lampe de table", "home", 8900, ("BRS", "BLK")),
    ProductSpec("VASE-GLS", "Blown glass vase", "Vase en verre soufflé", "home", 3490, ("CLR",)),
    ProductSpec("THRW-WOL", "Wool throw blanket", "Plaid en laine", "home", 6900,
                ("GRY", "OCH")),
    ProductSpec("MUGS-CER", "Ceramic mugs, set of 4", "Mugs en céramique, lot de 4", "home",
                1200, ("WHT", "SGE")),
    ProductSpec("CUSH-LIN", "Linen cushion", "Coussin en lin", "home", 2900, ("TER", "NAT")),
    # electronics
    ProductSpec("EARB-WLS", "Wireless earbuds", "Écouteurs sans fil", "electronics", 7990,
                ("BLK", "WHT")),
    ProductSpec("SPKR-BT", "Bluetooth speaker", "Enceinte Bluetooth", "electronics", 5990,
                ("BLK", "BLU")),
    ProductSpec("EREAD-6IN", "E-reader, 6 inch", "Liseuse 6 pouces", "electronics", 12990,
                ("BLK",)),
    # beauty
    ProductSpec("BEAU-SER", "Vitamin C face serum, 30 ml", "Sérum visage vitamine C, 30 ml",
                "beauty", 3200, (None,), ("30ML",)),
    ProductSpec("BEAU-LIP", "Satin lipstick", "Rouge à lèvres satiné", "beauty", 2400,
                ("RUB", "NUD", "COR")),
    # underwear (hygiene)
    ProductSpec("UNDR-BRF", "Cotton briefs, pack of 3", "Slips en coton, lot de 3",
                "underwear", 2900, ("BLK",), ("S", "M", "L", "XL"), hygiene=True),
    ProductSpec("UNDR-BRA", "Lace bra", "Soutien-gorge en dentelle", "underwear", 3900,
                ("BLK",), ("85B", "85C", "90B", "90C"), hygiene=True),
    # swimwear (hygiene)
    ProductSpec("SWIM-ONE", "One-piece swimsuit", "Maillot de bain une pièce", "swimwear",
                6900, ("BLK",), ("XS", "S", "M", "L"), hygiene=True),
    ProductSpec("SWIM-SHT", "Swim shorts", "Short de bain", "swimwear", 4500,
                ("NVY",), ("S", "M", "L", "XL"), hygiene=True),
    # jewellery
    ProductSpec("JWL-EAR", "Gold-plated stud earrings (pierced)",
                "Puces d'oreilles plaquées or (oreilles percées)", "jewellery", 4500,
                ("GLD",), hygiene=True, in_store=True),
    ProductSpec("JWL-NCK", "Pendant necklace", "Collier pendentif", "jewellery", 8900,
                ("GLD", "SLV"), in_store=True),
)

# Stock the fixtures depend on, fixed whatever the seed. Every other variant gets random
# stock, and a few random ones (never these) are out of stock everywhere.
FIXED_STOCK: dict[str, dict[str, int]] = {
    "SHIRT-LIN-WHT-XS": {WAREHOUSE: 6, STORE: 1},
    "SHIRT-LIN-WHT-S": {WAREHOUSE: 0, STORE: 0},  # the out-of-stock exchange target
    "SHIRT-LIN-WHT-M": {WAREHOUSE: 14, STORE: 3},
    "SHIRT-LIN-WHT-L": {WAREHOUSE: 9, STORE: 2},
    "SHIRT-LIN-WHT-XL": {WAREHOUSE: 4, STORE: 0},
    "SWTR-MER-NVY-S": {WAREHOUSE: 5, STORE: 1},
    "SWTR-MER-NVY-M": {WAREHOUSE: 8, STORE: 2},
    "SWTR-MER-NVY-L": {WAREHOUSE: 7, STORE: 1},
    "SNKR-LTH-WHT-42": {WAREHOUSE: 6, STORE: 1},
    "SNKR-LTH-WHT-43": {WAREHOUSE: 5, STORE: 1},
    "SNKR-LTH-WHT-44": {WAREHOUSE: 4, STORE: 0},
    "LAMP-TBL-BRS": {WAREHOUSE: 11},
    "MUGS-CER-WHT": {WAREHOUSE: 40},
    "EARB-WLS-BLK": {WAREHOUSE: 25},
}


# --------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postcode: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    email: str
    phone: Optional[str]
    language: str
    address: Address


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


ALICE = DemoCustomer("Alice Martin", "alice.martin@example.com", "+33639981234", "fr",
                     Address("14 rue des Lilas", "Lyon", "69003", "FR"))
BEN = DemoCustomer("Ben Carter", "ben.carter@example.com", "+447700900123", "en",
                   Address("27 Church Road", "London", "N1 7GU", "GB"))
CHLOE = DemoCustomer("Chloé Dubois", "chloe.dubois@example.net", "+33639985678", "fr",
                     Address("8 rue Sainte-Catherine", "Bordeaux", "33000", "FR"))
DAN = DemoCustomer("Dan Wright", "dan.wright@example.org", "+15555550123", "en",
                   Address("1450 Oak Street", "Portland", "97205", "US"))
EMMA = DemoCustomer("Emma Leroy", "emma.leroy@example.net", None, "fr",
                    Address("3 quai de la Fosse", "Nantes", "44000", "FR"))
FRANK = DemoCustomer("Frank Hughes", "frank.hughes@example.com", "+447700900456", "en",
                     Address("9 Victoria Road", "Manchester", "M14 5RQ", "GB"))

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (ALICE, BEN, CHLOE, DAN, EMMA, FRANK)


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
_FRANK_HISTORY: tuple[tuple[str, int, str, str], ...] = (
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
    for number, days, sku, reason in _FRANK_HISTORY
)
FRANK_RETURN_DAYS_AFTER_DELIVERY = 3
FRANK_RETURN_PATH: tuple[ReturnStatus, ...] = (
    S.REQUESTED, S.APPROVED, S.LABEL_ISSUED, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED,
)

# --------------------------------------------------------------------------- people

_FR_FIRST = (
    "Camille", "Léa", "Manon", "Inès", "Sarah", "Juliette", "Louise", "Zoé", "Clara", "Anaïs",
    "Hugo", "Lucas", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Maxime",
    "Antoine", "Julien", "Mathilde", "Élodie", "Pauline", "Nicolas", "Romain", "Océane",
)
_FR_LAST = (
    "Bernard", "Petit", "Durand", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Faure",
    "Rousseau", "Lambert", "Bonnet", "Fontaine",
)
_EN_FIRST = (
    "Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Emily",
    "Olivia", "Amelia", "Isla", "Sophie", "Grace", "Jessica", "Hannah", "Michael", "Daniel",
    "Matthew", "Ryan", "Megan", "Lauren", "Rachel", "Samuel", "Katie", "Ethan", "Chloe",
)
_EN_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Evans", "Thompson", "Walker", "White", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Clarke", "Patel", "Jackson", "Turner", "Miller", "Anderson",
    "Murphy", "Cooper", "Bennett", "Price",
)
_FR_CITIES = (
    ("Paris", "75011"), ("Paris", "75003"), ("Paris", "75015"), ("Lyon", "69002"),
    ("Marseille", "13006"), ("Bordeaux", "33000"), ("Nantes", "44000"), ("Lille", "59000"),
    ("Toulouse", "31000"), ("Strasbourg", "67000"), ("Montpellier", "34000"),
    ("Rennes", "35000"), ("Nice", "06000"), ("Grenoble", "38000"),
)
_FR_STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
    "rue des Lilas", "rue du Faubourg Saint-Antoine", "rue Nationale", "rue de la Paix",
    "avenue de la Libération", "rue Pasteur", "place du Marché", "rue des Écoles",
)
_GB_CITIES = (
    ("London", "N1 9GU"), ("London", "SE1 9RT"), ("London", "E8 3PB"),
    ("Manchester", "M1 1AE"), ("Bristol", "BS1 4DJ"), ("Edinburgh", "EH1 1YZ"),
    ("Leeds", "LS1 4DY"), ("Brighton", "BN1 1EE"), ("Oxford", "OX1 2JD"),
)
_GB_STREETS = (
    "High Street", "Church Road", "Victoria Road", "Station Road", "Mill Lane",
    "Queen's Road", "Park Avenue", "Green Lane", "Manor Road",
)
_US_CITIES = (
    ("Portland", "97205"), ("Austin", "78701"), ("Boston", "02118"), ("Chicago", "60614"),
    ("Seattle", "98103"), ("Denver", "80202"), ("Brooklyn", "11215"),
)
_US_STREETS = (
    "Maple Avenue", "Oak Street", "Elm Street", "Pine Street", "Cedar Lane",
    "Washington Street", "Lake Drive",
)
_US_AREA_CODES = ("212", "312", "415", "503", "512", "617", "206", "303", "718")

# --------------------------------------------------------------------------- returns


@dataclass(frozen=True)
class _ReturnPlan:
    """One random past return: the status it ends in and how it got there."""

    status: ReturnStatus
    resolution: str = "refund"
    returnless: bool = False
    review: bool = False  # went through needs_review first
    cancel_after_label: bool = False
    # Delivery age (days before today) of the order it is taken from: recent for returns
    # still moving, older for finished ones, so the timeline looks like a real shop.
    delivered_days_ago: tuple[int, int] = (20, 115)


_PAST_RETURN_PLANS: tuple[_ReturnPlan, ...] = (
    _ReturnPlan(S.CLOSED, "refund"),
    _ReturnPlan(S.CLOSED, "refund"),
    _ReturnPlan(S.CLOSED, "exchange"),
    _ReturnPlan(S.CLOSED, "store_credit"),
    _ReturnPlan(S.CLOSED, "refund", review=True),
    _ReturnPlan(S.REFUNDED, "refund", delivered_days_ago=(12, 40)),
    _ReturnPlan(S.REFUNDED, "refund", delivered_days_ago=(12, 40)),
    _ReturnPlan(S.REFUNDED, "refund", returnless=True, delivered_days_ago=(3, 60)),
    _ReturnPlan(S.LABEL_ISSUED, "refund", delivered_days_ago=(2, 10)),
    _ReturnPlan(S.LABEL_ISSUED, "exchange", delivered_days_ago=(2, 10)),
    _ReturnPlan(S.IN_TRANSIT, "refund", delivered_days_ago=(4, 14)),
    _ReturnPlan(S.IN_TRANSIT, "store_credit", delivered_days_ago=(4, 14)),
    _ReturnPlan(S.RECEIVED, "exchange", delivered_days_ago=(7, 18)),
    _ReturnPlan(S.CANCELLED, "refund", cancel_after_label=True, delivered_days_ago=(5, 60)),
    _ReturnPlan(S.EXPIRED, "refund", delivered_days_ago=(30, 90)),
)

_OUTCOME: dict[str, ReturnStatus] = {
    "refund": S.REFUNDED, "exchange": S.EXCHANGED, "store_credit": S.CREDITED,
}

# Minutes between entering the previous status and entering this one (min, max).
_STEP_MINUTES: dict[ReturnStatus, tuple[int, int]] = {
    S.NEEDS_REVIEW: (0, 2),
    S.APPROVED: (1, 20),
    S.LABEL_ISSUED: (1, 10),
    S.IN_TRANSIT: (6 * 60, 48 * 60),
    S.RECEIVED: (24 * 60, 96 * 60),
    S.INSPECTED: (2 * 60, 30 * 60),
    S.REFUNDED: (60, 24 * 60),
    S.EXCHANGED: (60, 24 * 60),
    S.CREDITED: (60, 24 * 60),
    S.CLOSED: (60, 48 * 60),
    S.CANCELLED: (60, 72 * 60),
    # S.EXPIRED: the policy's label validity, plus up to an hour (see _step_minutes).
}


def _step_minutes(state: ReturnStatus, policy: Policy) -> tuple[int, int]:
    """How long the past return stayed in the state before this one; an unused label
    expires after the policy's validity, read from the policy rather than copied."""
    if state is S.EXPIRED:
        minutes = policy.label_valid_days * 24 * 60
        return minutes, minutes + 60
    return _STEP_MINUTES[state]

_NOTES: dict[ReturnStatus, str] = {
    S.REQUESTED: "Return requested by the customer.",
    S.NEEDS_REVIEW: "Sent to a returns manager for review.",
    S.APPROVED: "Approved under the returns policy.",
    S.LABEL_ISSUED: "Prepaid return label issued.",
    S.IN_TRANSIT: "Parcel scanned by the carrier.",
    S.RECEIVED: "Parcel received at the warehouse.",
    S.INSPECTED: "Items inspected.",
    S.REFUNDED: "Refund issued to the original payment method.",
    S.EXCHANGED: "Replacement item shipped.",
    S.CREDITED: "Store credit issued.",
    S.CLOSED: "Return closed.",
    S.CANCELLED: "Cancelled by the customer.",
    S.EXPIRED: "Return label expired before the parcel was sent.",
}


def return_path(plan: _ReturnPlan) -> list[ReturnStatus]:
    """The statuses a return goes through to end in ``plan.status``, first to last.

    Raises ``ValueError`` if the state machine does not allow one of the moves, so a
    seeded timeline can never show something the live backend would refuse.
    """
    path = [S.REQUESTED] + ([S.NEEDS_REVIEW] if plan.review else []) + [S.APPROVED]
    outcome = _OUTCOME[plan.resolution]
    if plan.returnless:
        path += [outcome]
    elif plan.status == S.CANCELLED:
        path += [S.LABEL_ISSUED] if plan.cancel_after_label else []
    else:
        path += [S.LABEL_ISSUED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, outcome, S.CLOSED]
    if plan.status == S.CANCELLED:
        path.append(S.CANCELLED)
    elif plan.status == S.EXPIRED:
        path = path[: path.index(S.LABEL_ISSUED) + 1] + [S.EXPIRED]
    elif plan.status in path:
        path = path[: path.index(plan.status) + 1]
    else:
        raise ValueError(f"no seeded path ends in {plan.status.value!r} for {plan!r}")
    check_path(path)
    return path


def check_path(path: Sequence[ReturnStatus]) -> None:
    """Refuse a path that starts anywhere but ``requested`` or makes an illegal move."""
    if not path or path[0] != S.REQUESTED:
        raise ValueError(f"a return's history starts at 'requested', not {path[:1]}")
    for current, target in zip(path, path[1:]):
        if not can_transition(current, target):
            raise ValueError(f"illegal seeded transition {current.value} -> {target.value}")


# --------------------------------------------------------------------------- seeding


@dataclass
class _Built:
    """Objects created in memory, kept for the later steps (and for the summary)."""

    products: list[Product] = field(default_factory=list)
    variants: dict[str, Variant] = field(default_factory=dict)
    specs: dict[str, ProductSpec] = field(default_factory=dict)  # by SKU
    stock: dict[str, dict[str, InventoryItem]] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)


def seed(session: Session, *, today: dt.date | None = None, rng_seed: int = 7,
         policy: Policy | None = None) -> SeedSummary:
    """Fill an empty database with the Maison Boomerang demo shop, in one transaction.

    Does nothing (``skipped=True``) if any product, customer or order already exists: the
    seed must never mix demo rows into a real shop, and ``make run`` calls it every time.
    """
    if _has_data(session):
        return SeedSummary(skipped=True)
    today = today or dt.datetime.utcnow().date()
    rng = random.Random(rng_seed)
    # Midnight at the start of `today`: every seeded timestamp stays before it.
    horizon = dt.datetime.combine(today, dt.time.min)
    built = _Built()
    try:
        _seed_catalogue(session, rng, built)
        _seed_fixtures(session, today, built)
        _seed_random_customers_and_orders(session, rng, today, built)
        _seed_frank_returns(session, rng, horizon, built)
        _seed_past_returns(session, rng, today, horizon, built,
                           policy or load_policy(DEFAULT_POLICY_FILE))
        session.flush()
        summary = SeedSummary(
            customers=len(built.customers),
            products=len(built.products),
            variants=len(built.variants),
            orders=len(built.orders),
            order_lines=sum(len(o.lines) for o in built.orders),
            returns=len(built.returns),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


def _has_data(session: Session) -> bool:
    for model in (Product, Customer, Order):
        if session.execute(select(func.count()).select_from(model)).scalar_one():
            return True
    return False


def _seed_catalogue(session: Session, rng: random.Random, built: _Built) -> None:
    for spec in CATALOGUE:
        product = Product(name=spec.name, name_fr=spec.name_fr, category=spec.category,
                          final_sale=spec.final_sale, hygiene=spec.hygiene)
        session.add(product)
        built.products.append(product)
        for sku, colour, size in spec.skus():
            variant = Variant(product=product, sku=sku, size=size,
                              colour=COLOUR_NAMES[colour] if colour else None,
                              price_minor=spec.price_minor, currency=CURRENCY)
            built.variants[sku] = variant
            built.specs[sku] = spec

    unknown = set(FIXED_STOCK) - set(built.variants)
    if unknown:
        raise ValueError(f"FIXED_STOCK names unknown SKUs: {sorted(unknown)}")
    candidates = [sku for sku in built.variants if sku not in FIXED_STOCK]
    out_of_stock = set(rng.sample(candidates, RANDOM_OUT_OF_STOCK_VARIANTS))
    for sku, variant in built.variants.items():
        spec = built.specs[sku]
        if sku in FIXED_STOCK:
            levels = dict(FIXED_STOCK[sku])
        else:
            levels = {WAREHOUSE: rng.randint(3, 60)}
            if spec.in_store:
                levels[STORE] = rng.randint(0, 6)
            if sku in out_of_stock:
                levels = {location: 0 for location in levels}
        built.stock[sku] = {}
        for location, on_hand in levels.items():
            item = InventoryItem(variant=variant, location=location, on_hand=on_hand,
                                 reserved=0)
            session.add(item)
            built.stock[sku][location] = item


def _add_order(session: Session, built: _Built, *, number: str, customer: Customer,
               address: Address, ordered_at: dt.datetime, delivered_on: Optional[dt.date],
               payment_reference: str, lines: Sequence[tuple[str, int, int]]) -> Order:
    """Create an order; ``lines`` are (sku, quantity, discount), prices from the catalogue."""
    order = Order(number=number, customer=customer, currency=CURRENCY, ordered_at=ordered_at,
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


def _seed_fixtures(session: Session, today: dt.date, built: _Built) -> None:
    by_email: dict[str, Customer] = {}
    for who in DEMO_CUSTOMERS:
        customer = Customer(email=who.email, phone=who.phone, name=who.name,
                            preferred_language=who.language, sms_opt_out=False,
                            created_at=dt.datetime.combine(today - dt.timedelta(days=200),
                                                           dt.time(9, 15)))
        session.add(customer)
        built.customers.append(customer)
        by_email[who.email] = customer
    addresses = {who.email: who.address for who in DEMO_CUSTOMERS}
    for demo in DEMO_ORDERS + FRANK_HISTORY_ORDERS:
        unknown = [sku for sku in demo.skus if sku not in built.variants]
        if unknown:
            raise ValueError(f"{demo.number} names unknown SKUs: {unknown}")
        _add_order(
            session, built, number=demo.number, customer=by_email[demo.email],
            address=addresses[demo.email],
            ordered_at=dt.datetime.combine(today - dt.timedelta(days=demo.ordered_days_ago),
                                           dt.time(10, 30)),
            delivered_on=demo.delivered_on(today),
            payment_reference=_fixed_payment_reference(demo.number),
            lines=[(line.sku, line.quantity, line.discount_minor) for line in demo.lines],
        )


def _ascii_slug(text: str) -> str:
    """Turn "Lefèvre" into "lefevre": email local parts stay plain ASCII, lower-case."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _random_customers(rng: random.Random, today: dt.date, taken_emails: set[str],
                      taken_phones: set[str]) -> list[tuple[DemoCustomer, dt.datetime]]:
    """Half French, half English speakers, with fake contact data and a sign-up time.

    Phones come only from ranges reserved for fiction, so a demo that sends SMS (Twilio
    is wired in) cannot text a stranger.
    """
    people: list[tuple[DemoCustomer, dt.datetime]] = []
    taken_names = {c.name for c in DEMO_CUSTOMERS}
    count = 2 * RANDOM_CUSTOMERS_PER_LANGUAGE
    fr_phones = [f"+3363998{n:04d}" for n in rng.sample(range(10000), count)]
    gb_phones = [f"+447700900{n:03d}" for n in rng.sample(range(1000), count)]
    us_phones = [f"+1{rng.choice(_US_AREA_CODES)}55501{n:02d}"
                 for n in rng.sample(range(100), count)]
    no_phone = set(rng.sample(range(count), 3))
    for index in range(count):
        language = "fr" if index % 2 == 0 else "en"
        firsts, lasts = (_FR_FIRST, _FR_LAST) if language == "fr" else (_EN_FIRST, _EN_LAST)
        first, last = rng.choice(firsts), rng.choice(lasts)
        while f"{first} {last}" in taken_names:
            first, last = rng.choice(firsts), rng.choice(lasts)
        name = f"{first} {last}"
        taken_names.add(name)
        if language == "fr":
            domain = rng.choice(("example.net", "example.net", "example.com"))
            city, postcode = rng.choice(_FR_CITIES)
            address = Address(f"{rng.randint(1, 140)} {rng.choice(_FR_STREETS)}", city,
                              postcode, "FR")
            pool = fr_phones
        else:
            domain = rng.choice(("example.com", "example.org"))
            if rng.random() < 0.6:
                city, postcode = rng.choice(_GB_CITIES)
                address = Address(f"{rng.randint(1, 120)} {rng.choice(_GB_STREETS)}", city,
                                  postcode, "GB")
                pool = gb_phones
            else:
                city, postcode = rng.choice(_US_CITIES)
                address = Address(f"{rng.randint(100, 2999)} {rng.choice(_US_STREETS)}",
                                  city, postcode, "US")
                pool = us_phones
        # One phone per customer: a phone number must identify a single customer.
        drawn = pool.pop()
        while drawn in taken_phones:
            drawn = pool.pop()
        phone: Optional[str] = None
        if index not in no_phone:
            phone = drawn
            taken_phones.add(drawn)
        local = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
        email, suffix = f"{local}@{domain}", 2
        while email in taken_emails:
            email, suffix = f"{local}{suffix}@{domain}", suffix + 1
        taken_emails.add(email)
        # Signed up before the oldest seeded order (at most ~126 days old).
        signed_up = dt.datetime.combine(
            today - dt.timedelta(days=rng.randint(130, 900)),
            dt.time(rng.randint(7, 22), rng.randint(0, 59)),
        )
        people.append((DemoCustomer(name, email, phone, language, address), signed_up))
    return people


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


def _seed_random_customers_and_orders(session: Session, rng: random.Random, today: dt.date,
                                      built: _Built) -> None:
    taken_emails = {c.email for c in DEMO_CUSTOMERS}
    taken_phones = {c.phone for c in DEMO_CUSTOMERS if c.phone}
    people = _random_customers(rng, today, taken_emails, taken_phones)
    customers: list[tuple[Customer, Address]] = []
    for person, signed_up in people:
        customer = Customer(email=person.email, phone=person.phone, name=person.name,
                            preferred_language=person.language, sms_opt_out=False,
                            created_at=signed_up)
        session.add(customer)
        built.customers.append(customer)
        customers.append((customer, person.address))

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
        _add_order(session, built, number=f"BM-{number:06d}", customer=customer,
                   address=address, ordered_at=ordered_at, delivered_on=delivered_on,
                   payment_reference=payment, lines=lines)


# ----------------------------------------------------------------------- seeded returns

_GRADE_DISPOSITION: dict[str, str] = {
    "A": "restock", "B": "restock", "C": "refurbish", "D": "dispose",
}


@dataclass(frozen=True)
class _LinePick:
    line: OrderLine
    quantity: int
    reason: str
    resolution: str
    exchange_sku: Optional[str] = None


def _add_return(session: Session, built: _Built, *, order: Order, picks: Sequence[_LinePick],
                path: Sequence[ReturnStatus], times: Sequence[dt.datetime],
                horizon: dt.datetime, returnless: bool, rng: random.Random,
                explanation: tuple[str, str], taken_rmas: set[str]) -> ReturnRequest:
    """One return with its lines and a status history that the state machine allows."""
    check_path(path)
    if len(times) != len(path) or any(b < a for a, b in zip(times, times[1:])):
        raise ValueError("a return's history needs one non-decreasing time per status")
    if times[-1] >= horizon:
        raise ValueError(f"seeded history of {order.number} ends in the future: {times[-1]}")
    rma = new_rma()
    # Only RMAs a customer can type back: normalize_rma() reads a body starting with
    # "MA" (R-MA..-....) as the "RMA" prefix, so such a return could not be looked up.
    while rma in taken_rmas or normalize_rma(rma) != rma:
        rma = new_rma()
    taken_rmas.add(rma)
    customer = order.customer
    status = path[-1]
    request = ReturnRequest(
        rma=rma, order=order, customer=customer, status=status.value, channel="api",
        language=customer.preferred_language, currency=CURRENCY,
        policy_version=SEED_POLICY_VERSION, decision_reasons=[],
        explanation_en=explanation[0], explanation_fr=explanation[1], returnless=returnless,
        restocking_fee_minor=0, shipping_fee_minor=0, refund_amount_minor=0,
        created_at=times[0], updated_at=times[-1],
    )
    inspected = S.INSPECTED in path
    # Reservations are held while the exchanged unit has not shipped yet.
    holds_reservation = status in (S.APPROVED, S.LABEL_ISSUED, S.IN_TRANSIT, S.RECEIVED,
                                   S.INSPECTED)
    for pick in picks:
        refund = 0 if pick.resolution == "exchange" else pick.line.unit_paid_minor * pick.quantity
        # Refused items (grade D) would end in "rejected", which no seeded return does.
        grade = rng.choice("AAABBC") if inspected else None
        return_line = ReturnLine(
            order_line=pick.line, quantity=pick.quantity, reason_code=pick.reason,
            resolution=pick.resolution, eligible=True, decision_reasons=[],
            restocking_fee_minor=0, refund_amount_minor=refund,
            grade=grade, disposition=_GRADE_DISPOSITION[grade] if grade else None,
        )
        if pick.exchange_sku is not None:
            return_line.exchange_variant = built.variants[pick.exchange_sku]
            return_line.exchange_location = WAREHOUSE
            if holds_reservation:
                built.stock[pick.exchange_sku][WAREHOUSE].reserved += pick.quantity
        request.lines.append(return_line)
        request.refund_amount_minor += refund
    previous: Optional[ReturnStatus] = None
    for state, at in zip(path, times):
        request.history.append(ReturnStatusChange(
            from_status=previous.value if previous else None, to_status=state.value,
            actor=SEED_ACTOR, note=_NOTES[state], created_at=at,
        ))
        previous = state
    session.add(request)
    built.returns.append(request)
    return request


_EXPLANATIONS: dict[str, tuple[str, str]] = {
    "standard": (
        "Accepted: the items were returned within the return window.",
        "Accepté : les articles ont été retournés dans le délai de retour.",
    ),
    "review": (
        "Checked by a returns manager, then accepted within the return window.",
        "Vérifié par un responsable des retours, puis accepté dans le délai de retour.",
    ),
    "returnless": (
        "Accepted without sending the item back: its value is too low to ship it.",
        "Accepté sans renvoi de l'article : sa valeur est trop faible pour l'expédier.",
    ),
}


def _seed_frank_returns(session: Session, rng: random.Random, horizon: dt.datetime,
                        built: _Built) -> None:
    """Six closed returns in 90 days, at fixed times, so Frank hits too_many_returns."""
    by_number = {order.number: order for order in built.orders}
    steps = (dt.timedelta(0), dt.timedelta(minutes=5), dt.timedelta(minutes=2),
             dt.timedelta(days=3), dt.timedelta(days=1), dt.timedelta(hours=2),
             dt.timedelta(days=1))
    taken = _taken_rmas(built)
    for demo, (_, _, _, reason) in zip(FRANK_HISTORY_ORDERS, _FRANK_HISTORY):
        order = by_number[demo.number]
        start = dt.datetime.combine(
            order.delivered_on + dt.timedelta(days=FRANK_RETURN_DAYS_AFTER_DELIVERY),
            dt.time(18, 5),
        )
        times, at = [], start
        for step in steps:
            at += step
            times.append(at)
        picks = [_LinePick(order.lines[0], 1, reason, "refund")]
        _add_return(session, built, order=order, picks=picks, path=FRANK_RETURN_PATH,
                    times=times, horizon=horizon, returnless=False, rng=rng,
                    explanation=_EXPLANATIONS["standard"], taken_rmas=taken)


def _taken_rmas(built: _Built) -> set[str]:
    return {r.rma for r in built.returns}




def _returnable(built: _Built, line: OrderLine) -> bool:
    spec = built.specs[line.variant.sku]
    return not (spec.final_sale or spec.hygiene)


def _exchange_target(built: _Built, line: OrderLine, quantity: int) -> Optional[str]:
    """The nearest size in the same colour with free stock, else another colour, else a
    replacement of the same SKU (a defective item swapped like for like)."""
    sku = line.variant.sku
    variants = built.specs[sku].skus()
    index = next(i for i, (s, _, _) in enumerate(variants) if s == sku)
    colour = variants[index][1]

    def preference(i: int) -> tuple[int, int, int]:
        # Same colour first, then the closest size, the next size up before the one down.
        return (variants[i][1] != colour, abs(i - index), i < index)

    others = sorted((i for i in range(len(variants)) if i != index), key=preference)
    options = [variants[i][0] for i in others] + [sku]
    for option in options:
        item = built.stock[option].get(WAREHOUSE)
        if item is not None and item.on_hand - item.reserved >= quantity:
            return option
    return None


def _seed_past_returns(session: Session, rng: random.Random, today: dt.date,
                       horizon: dt.datetime, built: _Built, policy: Policy) -> None:
    """~15 returns of other customers, in varied statuses, for metrics and status lookups.

    Each customer gets at most one, so nobody but Frank comes near the too-many-returns
    rule, and the demo customers get none, so each fixture shows one policy path only.
    """
    demo_emails = {c.email for c in DEMO_CUSTOMERS}
    used_customers: set[str] = set()
    taken = _taken_rmas(built)
    for plan in _PAST_RETURN_PLANS:
        path = return_path(plan)
        minutes = [0]
        for previous, state in zip(path, path[1:]):
            low, high = _step_minutes(state, policy)
            if state == S.APPROVED and previous == S.NEEDS_REVIEW:
                low, high = 4 * 60, 30 * 60  # a person looked at it
            elif plan.returnless and previous == S.APPROVED:
                low, high = 5, 60  # the refund is issued right away
            minutes.append(rng.randint(low, high))
        span_days = -(-sum(minutes) // (24 * 60))  # ceiling

        def latest_offset(order: Order) -> int:
            """Days after delivery the return may start and still end before `today`."""
            age = (today - order.delivered_on).days
            return min(10, age - 1 - span_days)

        def lines_for(order: Order) -> list[OrderLine]:
            """Lines the live policy would accept for this plan (no final sale, hygiene)."""
            lines = [line for line in order.lines if _returnable(built, line)]
            if plan.returnless:
                lines = [line for line in lines if line.unit_paid_minor <= policy.returnless_max_value_minor]
            if plan.resolution == "exchange":
                lines = [line for line in lines if _exchange_target(built, line, 1)]
            return lines

        def fits(order: Order, low: int, high: int) -> bool:
            if order.delivered_on is None or order.customer.email in demo_emails:
                return False
            if order.customer.email in used_customers:
                return False
            age = (today - order.delivered_on).days
            return low <= age <= high and latest_offset(order) >= 1 and bool(lines_for(order))

        candidates = [o for o in built.orders if fits(o, *plan.delivered_days_ago)]
        if not candidates:  # widen rather than fail: a small catalogue change must not break it
            candidates = [o for o in built.orders if fits(o, 0, DELIVERY_SPREAD_DAYS)]
        if not candidates:
            raise RuntimeError(f"no order can carry a seeded return for {plan!r}")
        order = rng.choice(candidates)
        used_customers.add(order.customer.email)

        eligible = lines_for(order)
        if plan.returnless:
            chosen = [rng.choice(eligible)]
        else:
            chosen = rng.sample(eligible, 2 if len(eligible) > 1 and rng.random() < 0.3 else 1)
        picks = []
        for line in chosen:
            quantity = rng.randint(1, line.quantity)
            exchange_sku = None
            if plan.returnless:
                reason = rng.choice(sorted(policy.returnless_reasons))
            elif plan.resolution == "exchange":
                exchange_sku = _exchange_target(built, line, quantity)
                if exchange_sku is None:  # only one unit free: exchange a single one
                    quantity = 1
                    exchange_sku = _exchange_target(built, line, quantity)
                reason = "wrong_size" if exchange_sku != line.variant.sku else "defective"
            else:
                # Nobody returns a lamp because it is the wrong size.
                reasons = [r for r in REASON_CODES
                           if r != "wrong_size" or line.variant.size is not None]
                reason = rng.choice(reasons)
            picks.append(_LinePick(line, quantity, reason, plan.resolution, exchange_sku))

        start = dt.datetime.combine(
            order.delivered_on + dt.timedelta(days=rng.randint(1, latest_offset(order))),
            dt.time(rng.randint(8, 21), rng.randint(0, 59)),
        )
        times, at = [], start
        for step in minutes:
            at += dt.timedelta(minutes=step)
            times.append(at)
        kind = "returnless" if plan.returnless else "review" if plan.review else "standard"
        _add_return(session, built, order=order, picks=picks, path=path, times=times,
                    horizon=horizon, returnless=plan.returnless, rng=rng,
                    explanation=_EXPLANATIONS[kind], taken_rmas=taken)
