"""Why a customer returns an item: the one table of reason codes and their words.

The codes are stored with every return line and sent by the assistant's buttons; the
backend checks them, the policy file gives each its rules (``reasons:`` in
``backend/domain/policies/default.yml``), the assistant maps typed words onto them
(``actions/vocabulary.py``). Everything that names a reason reads this table, so a reason
is added (or translated) here once.

Each reason has two wordings, because they do two jobs:

* ``label``: how the customer names it: the assistant's buttons (with a capital first
  letter: ``tests/bot/test_reason_buttons.py`` checks ``domain/returns.yml`` against this
  table) and its summary before confirming ("reason: arrived damaged");
* ``phrase``: the reason as a noun inside the policy's sentences ("Returns with the reason
  "damaged item" need at least one photo", "a problem on our side (damaged item, defective
  item, ...)").

``asks_photo``: the item itself shows the problem, so the assistant asks for a photo. The
shop's policy decides separately whether a photo is *required* (``photo_required``, which
also picks the line a photo sent later goes to); the default policy requires one for
exactly these reasons (``tests/common/test_reasons.py`` keeps them in step).

Pure Python: imported by the backend, the action server and the demo data alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from common.languages import Localized


@dataclass(frozen=True)
class Reason:
    code: str
    label: Localized
    phrase: Localized
    asks_photo: bool = False


# In the policy's order: explanations and FAQ answers list reasons in this order.
REASONS: tuple[Reason, ...] = (
    Reason("damaged",
           label={"en": "arrived damaged", "fr": "arrivé endommagé"},
           phrase={"en": "damaged item", "fr": "article endommagé"}, asks_photo=True),
    Reason("defective",
           label={"en": "faulty", "fr": "défectueux"},
           phrase={"en": "defective item", "fr": "article défectueux"}, asks_photo=True),
    Reason("wrong_item",
           label={"en": "wrong item sent", "fr": "mauvais article reçu"},
           phrase={"en": "wrong item", "fr": "mauvais article"}, asks_photo=True),
    Reason("wrong_size",
           label={"en": "wrong size", "fr": "mauvaise taille"},
           phrase={"en": "wrong size", "fr": "mauvaise taille"}),
    Reason("changed_mind",
           label={"en": "changed my mind", "fr": "j'ai changé d'avis"},
           phrase={"en": "change of mind", "fr": "changement d'avis"}),
    Reason("not_as_described",
           label={"en": "not as described", "fr": "ne correspond pas à la description"},
           phrase={"en": "item not as described", "fr": "article non conforme à la description"}),
    Reason("arrived_late",
           label={"en": "arrived late", "fr": "arrivé en retard"},
           phrase={"en": "late delivery", "fr": "livraison en retard"}),
    Reason("other",
           label={"en": "other", "fr": "autre"},
           phrase={"en": "other reason", "fr": "autre motif"}),
)

REASONS_BY_CODE: Mapping[str, Reason] = MappingProxyType({r.code: r for r in REASONS})
REASON_CODES: tuple[str, ...] = tuple(REASONS_BY_CODE)
PHOTO_REASONS: tuple[str, ...] = tuple(r.code for r in REASONS if r.asks_photo)
# A lack of conformity under the legal guarantee (French Consumer Code L217-3 ff.): whatever
# a shop's own reasons table says, these are the seller's to fix. Read by the policy engine
# and by the bot (which offers the guarantee's remedies for them).
CONFORMITY_REASONS: tuple[str, ...] = ("damaged", "defective", "wrong_item", "not_as_described")
# The guarantee's remedies, beside the shop's refund / exchange / store credit.
REMEDIES: tuple[str, ...] = ("repair", "replacement", "price_reduction")


def reason(code: str) -> Reason:
    """The reason with this code (``KeyError`` for an unknown one)."""
    return REASONS_BY_CODE[code]
