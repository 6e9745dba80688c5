"""What French consumer law changes in the return form (issue 13).

The backend decides (the policy engine applies the law); the form only has to ask what the
decision needs and offer what the law gives:

* an item past the shop's window but within the 2-year legal guarantee can still be
  returned for a fault (damaged, defective, wrong, not as described): it is listed, and its
  reason question offers only those;
* a sealed item (hygiene liner, sealed media) is returnable under the withdrawal right
  only while its seal is intact: the form asks, and sends the answer with the line;
* for a fault, the guarantee's remedies (repair, replacement, or when neither is possible
  a refund or a price reduction) are offered beside the shop's own choices.

The backend says which applies through the returnable lines: ``guarantee_ends_on`` is set
only under a jurisdiction with a legal guarantee, ``needs_seal_answer`` only for a sealed
item, and the eligibility code ``guarantee_available`` marks an item returnable for a fault only.
"""
from __future__ import annotations

from common.reasons import CONFORMITY_REASONS



def legal_fields(line: dict) -> dict:
    """What the conversation keeps of a returnable line's legal facts (compact, JSON-safe)."""
    codes = line.get("reason_codes") or []
    return {
        "guarantee_only": not line["eligible"] and "guarantee_available" in codes,
        "guarantee_ends_on": line.get("guarantee_ends_on"),
        "needs_seal": bool(line.get("needs_seal_answer")),
    }


def choosable(item: dict) -> bool:
    """Listed as a button: returnable, or returnable for a fault under the guarantee."""
    return bool(item["eligible"] or item.get("guarantee_only"))


def remedies_offered(item: dict | None, reason: str | None) -> bool:
    """The guarantee's remedies are offered for a fault on an item it covers."""
    return bool(item and item.get("guarantee_ends_on") and reason in CONFORMITY_REASONS)


def asks_seal(item: dict | None, reason: str | None) -> bool:
    """The seal question: a sealed item returned for anything but a fault (a fault is the
    seller's whatever the seal, so it is not asked then)."""
    return bool(item and item.get("needs_seal") and reason not in CONFORMITY_REASONS)


def resolution_buttons(item: dict | None, reason: str | None, language: str) -> list[dict]:
    """The guarantee's remedies first, then what the shop offers besides."""
    names = {
        "en": {"replacement": "Replacement (same item)", "repair": "Repair", "refund": "Refund",
               "exchange": "Exchange (other size or colour)", "store_credit": "Store credit",
               "price_reduction": "Price reduction (keep it)"},
        "fr": {"replacement": "Remplacement (même article)", "repair": "Réparation", "refund": "Remboursement",
               "exchange": "Échange (autre taille ou couleur)", "store_credit": "Avoir en boutique",
               "price_reduction": "Réduction du prix (je le garde)"},
    }[language]
    codes = ["replacement", "repair", "refund"]
    if item and item.get("guarantee_only"):
        codes.append("price_reduction")  # past the windows: the team decides, as the law says
    else:
        if item and item.get("exchange_options"):
            codes.append("exchange")
        codes.append("store_credit")
    return [{"title": names[c], "payload": f'/choose{{"return_resolution": "{c}"}}'} for c in codes]
