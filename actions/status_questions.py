"""Answering the status question the customer asked, not reciting the timeline again.

"When exactly will I get the money?" wants a date; "I posted it yesterday, why does it
still say label issued?" wants to know what a scan delay means. Both used to get the same
timeline, word for word. The question's kind is read from the words (the NLU already knows
it is a status question); each kind has its answer from the stored return, and the full
timeline is said once per conversation and return, then only what changed is.
"""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.vocabulary import fold

WHEN_MONEY, SCAN_DELAY = "when_money", "scan_delay"

_WHEN = (r"\b(when|what date|which date|how long|how many days|exact(ly)? (date|day)|quand|quelle date|"
         r"combien de (temps|jours)|date exacte|a quelle date)\b")
_MONEY = r"(money|refund|paid|pay me|reimburs|credit|argent|rembours|paye|virement|sous)"
_POSTED = (r"\b(posted|sent it|sent the|shipped|mailed|dropped|drop(ped)? (it|the parcel) off|handed|gave it|"
           r"took it to|depose|envoye|expedie|poste|remis|donne)")
_STILL = (r"\b(still|not (moved|changed|updated)|no (update|change|scan)|hasn.?t (moved|changed)|"
          r"toujours|pas (bouge|change)|pas (de|a) jour|aucune mise a jour|rien (n.a )?bouge)")


def question_kind(text: str | None) -> str | None:
    """``when_money``, ``scan_delay`` or None (a plain "where is my return?")."""
    folded = fold(text or "")
    if re.search(_POSTED, folded) and (re.search(_STILL, folded) or "why" in folded or "pourquoi" in folded):
        return SCAN_DELAY
    if re.search(_STILL, folded) and re.search(r"label|etiquette", folded):
        return SCAN_DELAY
    if re.search(_WHEN, folded) and re.search(_MONEY, folded):
        return WHEN_MONEY
    return None


def money_answer(ret: dict) -> tuple[str, dict[str, Any]] | None:
    """(response, its fields in the backend's shape) for "when do I get my money?", or None
    when the return refunds no money (an exchange, store credit already given…)."""
    issued = [r for r in ret.get("refunds") or [] if r.get("status") == "issued" and r.get("issued_at")]
    if issued:
        latest = max(issued, key=lambda r: r["issued_at"])
        return "utter_refund_when_issued", {"issued_at": latest["issued_at"], "amount_minor": latest["amount_minor"],
                                            "currency": latest["currency"]}
    if ret.get("expected_refund_by") and not later_than_the_law(ret, ret["expected_refund_by"]):
        return "utter_refund_when_expected", {"date": ret["expected_refund_by"]}
    refundable = (ret.get("money") or {}).get("refund_amount_minor", 0) > 0
    if refundable and ret.get("status") in ("approved", "label_issued", "in_transit"):
        return "utter_refund_when_after_receipt", {}
    return None


# A return in these states owes no money any more (the backend's refund_late reads the same).
_NOTHING_OWED = ("cancelled", "expired", "rejected")


def legal_refund(ret: dict) -> tuple[str, str] | None:
    """("late" or "due", the legal deadline) for a return under the right of withdrawal whose
    money is still owed (Code de la consommation L221-24: within 14 days of the request);
    None when there is no legal deadline or nothing is owed any more."""
    due = ret.get("refund_due_on")
    if not due:
        return None
    if ret.get("refund_late"):
        return "late", due
    refunds = ret.get("refunds") or []
    if refunds and all(r.get("status") == "issued" for r in refunds):
        return None
    if ret.get("status") in _NOTHING_OWED or (ret.get("money") or {}).get("refund_amount_minor", 0) <= 0:
        return None
    return "due", due


def later_than_the_law(ret: dict, date: str | None) -> bool:
    """The shop's own expected date falls after the legal deadline: only the deadline is
    said, not two dates that contradict each other."""
    legal = legal_refund(ret)
    return bool(date and legal and date[:10] > legal[1][:10])


def scan_answer(ret: dict) -> str | None:
    """The response explaining a parcel not yet scanned, when that is where the return is."""
    if ret.get("status") == "label_issued":
        return "utter_scan_delay"
    if ret.get("status") == "in_transit":
        return "utter_scan_in_transit"
    return None


def already_told(tracker: Tracker, rma: str, within: int = 12) -> bool:
    """Was this return's full status said in the conversation's recent turns?"""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        seen += 1
        if seen > within:
            return False
        meta = event.get("metadata") or {}
        if meta.get("utter_action") == "utter_status" and rma in (event.get("text") or ""):
            return True
    return False
