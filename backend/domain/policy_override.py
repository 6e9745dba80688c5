"""Overriding the returns policy: when a person may, what the reason must be, what follows.

Pure rules (no database, no HTTP), shared by the override service and its tests.

* Only a refusal the *policy* made when the return was decided can be overridden: the
  return went ``requested → rejected`` by the actor ``policy`` and never reached the
  warehouse. A rejection after inspection (the parcel was looked at and failed) or a
  person's own refusal at review is a judgement on the goods or the case, not on the
  rules, and stays final.
* The person writes why (trimmed, :data:`REASON_MIN`–:data:`REASON_MAX` characters): the
  audit row keeps it with the reason codes it overrode.
* The money: see :func:`override_amounts`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from common.languages import Localized

POLICY_ACTOR = "policy"
# The decision code a return carries once overridden (its former codes are in the audit row).
OVERRIDE_CODE = "policy_override"
REASON_MIN, REASON_MAX = 10, 1000
# Statuses that mean the parcel reached the shop: after them a rejection is the warehouse's.
_WAREHOUSE_STATUSES = frozenset({"in_transit", "received", "inspected"})

EXPLANATION: Localized = {
    "en": "Approved by our team as an exception to the returns policy.",
    "fr": "Accepté par notre équipe à titre exceptionnel, en dérogation à la politique de retour.",
}


@dataclass(frozen=True)
class Change:
    """One row of a return's status history, as these rules need it."""

    from_status: str | None
    to_status: str
    actor: str


def clean_reason(reason: str | None) -> str | None:
    """The reason as stored (trimmed), or None when it is too short or too long (or holds
    a NUL character, which no one types and PostgreSQL cannot store)."""
    text = (reason or "").strip()
    return text if REASON_MIN <= len(text) <= REASON_MAX and "\x00" not in text else None


def overridable(status: str, history: Sequence[Change]) -> bool:
    """Whether this return is a policy refusal a person may still override."""
    if status != "rejected" or not history:
        return False
    if any(c.to_status in _WAREHOUSE_STATUSES for c in history):
        return False
    last = history[-1]
    return last.to_status == "rejected" and last.from_status == "requested" and last.actor == POLICY_ACTOR


@dataclass(frozen=True)
class LineMoney:
    """What one line is worth to the customer once overridden."""

    resolution: str
    unit_paid_minor: int
    quantity: int

    @property
    def refund_minor(self) -> int:
        # Money only for a refund or store credit (as under the policy): an exchange or a
        # replacement sends an item, a repair mends it, a price reduction's amount is the
        # team's to decide (issue 13).
        if self.resolution not in ("refund", "store_credit"):
            return 0
        return self.unit_paid_minor * self.quantity


def override_amounts(lines: Iterable[LineMoney]) -> tuple[list[int], int]:
    """Per-line refunds and their total: the price the customer paid, no fees, no bonus.

    Why: the policy computed nothing for a refused return (a rejected decision carries no
    money), and its fees (restocking, return shipping) and its store-credit bonus belong
    to returns the rules accept. An exception made by a person gives back what was paid
    for the goods, neither less (a fee would undo part of the gesture) nor more (a bonus
    is an incentive, not a correction); an agent wanting to grant more has the refund
    tools for it.
    """
    refunds = [line.refund_minor for line in lines]
    return refunds, sum(refunds)
