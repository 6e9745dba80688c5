"""The demo shop's catalogue: what Maison Boomerang sells, at what price, and its stock.

Why it is data: every demo order and seeded return names these SKUs, and the policy
paths the fixtures show depend on their facts (category, price, final sale, hygiene
flag, and the flags the law's exceptions follow: personalised, perishable, sealed media,
used goods) and on the stock the exchange fixtures need (BM-100001's shirt can go to L but
not to S). The fixed stock below holds whatever the random seed; every other variant
gets random stock, and a few random ones (never the fixed ones) are out of stock
everywhere. Prices are in minor units of the shop's currency, which the policy names.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

from sqlalchemy.orm import Session

from backend.db.models import InventoryItem, InventoryMovement, Product, Variant
from backend.demo.built import Built

WAREHOUSE = "main-warehouse"
STORE = "paris-store"
RANDOM_OUT_OF_STOCK_VARIANTS = 8


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
    hygiene: bool = False  # sold sealed for hygiene
    in_store: bool = False  # also stocked at the Paris store
    # The law's product exceptions and the guarantee's shorter presumption (issue 13).
    personalised: bool = False
    perishable: bool = False
    sealed_media: bool = False
    used_goods: bool = False
    # Sold only in the fixed demo orders: one-off items, kept out of the random orders (and
    # given fixed stock) so the random shop stays exactly what it was before they existed.
    in_random_orders: bool = True

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

# The catalogue's own French colour names (a shop's catalogue carries its translations).
COLOUR_NAMES_FR: dict[str, str] = {
    "WHT": "Blanc", "BLU": "Bleu", "NVY": "Marine", "GRY": "Gris", "ECR": "Écru",
    "IND": "Indigo", "RED": "Rouge", "KHK": "Kaki", "TAN": "Camel", "NAT": "Naturel",
    "BRS": "Laiton", "BLK": "Noir", "CLR": "Transparent", "OCH": "Ocre", "SGE": "Sauge",
    "TER": "Terracotta", "RUB": "Rubis", "NUD": "Nude", "COR": "Corail", "GLD": "Doré",
    "SLV": "Argenté",
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
    # The law's product exceptions (L221-28) and used goods (L217-7): only in fixed orders.
    ProductSpec("JWL-ENG", "Bracelet engraved with your initials",
                "Bracelet gravé à vos initiales", "jewellery", 5900, ("SLV",),
                personalised=True, in_random_orders=False),
    ProductSpec("FLWR-BQT", "Fresh flower bouquet", "Bouquet de fleurs fraîches", "home", 4500,
                perishable=True, in_random_orders=False),
    ProductSpec("VINYL-JAZ", "Vinyl record: Saint-Germain jazz (sealed)",
                "Disque vinyle : jazz de Saint-Germain (sous blister)", "home", 2990,
                sealed_media=True, in_random_orders=False),
    ProductSpec("EREAD-REF", "E-reader, 6 inch (refurbished)", "Liseuse 6 pouces (reconditionnée)",
                "electronics", 7990, ("BLK",), used_goods=True, in_random_orders=False),
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
    # The one-off items (no random stock draw: see ProductSpec.in_random_orders).
    "JWL-ENG-SLV": {WAREHOUSE: 0},  # made to order: never on the shelf
    "FLWR-BQT": {WAREHOUSE: 12},
    "VINYL-JAZ": {WAREHOUSE: 15},
    "EREAD-REF-BLK": {WAREHOUSE: 3},
}


# The product of every SKU.
SPEC_BY_SKU: dict[str, ProductSpec] = {
    sku: spec for spec in CATALOGUE for sku, _, _ in spec.skus()
}


def add_catalogue(session: Session, rng: random.Random, built: Built, *, currency: str) -> None:
    """Every product and variant of :data:`CATALOGUE`, priced in ``currency``, and its stock."""
    for spec in CATALOGUE:
        product = Product(name=spec.name, name_fr=spec.name_fr, category=spec.category,
                          final_sale=spec.final_sale, hygiene=spec.hygiene,
                          personalised=spec.personalised, perishable=spec.perishable,
                          sealed_media=spec.sealed_media, used_goods=spec.used_goods)
        session.add(product)
        built.products.append(product)
        for sku, colour, size in spec.skus():
            variant = Variant(product=product, sku=sku, size=size,
                              colour=COLOUR_NAMES[colour] if colour else None,
                              colour_fr=COLOUR_NAMES_FR[colour] if colour else None,
                              price_minor=spec.price_minor, currency=currency)
            built.variants[sku] = variant

    unknown = set(FIXED_STOCK) - set(built.variants)
    if unknown:
        raise ValueError(f"FIXED_STOCK names unknown SKUs: {sorted(unknown)}")
    candidates = [sku for sku in built.variants if sku not in FIXED_STOCK]
    out_of_stock = set(rng.sample(candidates, RANDOM_OUT_OF_STOCK_VARIANTS))
    for sku, variant in built.variants.items():
        spec = SPEC_BY_SKU[sku]
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
    # Stock is the sum of its movements: the seeded units arrive as one opening movement each.
    session.flush()
    for sku, rows in built.stock.items():
        for item in rows.values():
            if item.on_hand:
                session.add(InventoryMovement(
                    variant_id=item.variant_id, location=item.location, state=item.state,
                    quantity=item.on_hand, kind="opening",
                    unit_value_minor=built.variants[sku].price_minor, actor="seed"))
