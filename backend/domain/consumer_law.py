"""French (and EU) consumer law as the engine's floor: the legal periods and their dates.

Why a module of its own: the periods below are the law, not the shop's choice, so they are
not in the policy file; keeping them (and their article references) in one small place lets a
lawyer reread what the engine applies without reading the engine. Everything here is pure
date arithmetic: the caller passes the delivery date and ``today``.

Sources (Code de la consommation; a French lawyer should reread the result):

- L221-18: a 14-day right of withdrawal from delivery of the order's last item, no reason needed.
- L221-20: 12 more months when the customer was not told about the right.
- L221-23: no cost on a withdrawal except the direct cost of sending back, if the customer was
  told beforehand; L221-24: refund within 14 days of the request, delivery cost included.
- L221-28: exceptions (3° personalised, 4° perishable, 5° hygiene goods unsealed after
  delivery, 9° audio, video or software unsealed after delivery).
- L217-3: the seller answers for lack of conformity appearing within 2 years of delivery;
  L217-7: presumed to exist at delivery for 24 months (12 for used goods); L217-9: the
  customer chooses repair or replacement; L217-14: price reduction or refund when neither is
  possible.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Protocol

WITHDRAWAL_DAYS = 14  # L221-18
NOT_INFORMED_EXTENSION_MONTHS = 12  # L221-20
REFUND_DEADLINE_DAYS = 14  # L221-24
FIRST_DAY_AFTER_WITHDRAWAL = WITHDRAWAL_DAYS + 1  # the first day a restocking fee may apply
GUARANTEE_MONTHS = 24  # L217-3
PRESUMPTION_MONTHS = 24  # L217-7
USED_GOODS_PRESUMPTION_MONTHS = 12  # L217-7

CODE = "Code de la consommation"
ART_WITHDRAWAL = "L221-18"
ART_NOT_INFORMED = "L221-20"
ART_WITHDRAWAL_COSTS = "L221-23"
ART_REFUND = "L221-24"
ART_EXCEPTIONS = "L221-28"
ART_HYGIENE_EXCEPTION = "L221-28 5°"
ART_GUARANTEE = "L217-3"
ART_PRESUMPTION = "L217-7"
ART_REMEDIES = "L217-9"
ART_REFUND_REMEDY = "L217-14"


def article(ref: str) -> str:
    """"Code de la consommation L221-18": how an error message or a sentence cites the law."""
    return f"{CODE} {ref}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same calendar date ``months`` later; a day the month lacks becomes its last day
    (29 February + 12 months = 28 February), so a period never runs into the next month."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def withdrawal_ends_on(delivered: dt.date, *, customer_informed: bool) -> dt.date:
    """Last day of the right of withdrawal (included): 14 days after delivery (L221-18), and 12
    months more when the customer was not informed of the right (L221-20)."""
    ends = delivered + dt.timedelta(days=WITHDRAWAL_DAYS)
    return ends if customer_informed else add_months(ends, NOT_INFORMED_EXTENSION_MONTHS)


def guarantee_ends_on(delivered: dt.date) -> dt.date:
    """Last day (included) a lack of conformity can be claimed: 2 years after delivery."""
    return add_months(delivered, GUARANTEE_MONTHS)


def presumption_ends_on(delivered: dt.date, *, used_goods: bool) -> dt.date:
    """Last day (included) a defect is presumed to have existed at delivery (L217-7): past it
    the customer has to show it did, so the claim goes to the team."""
    months = USED_GOODS_PRESUMPTION_MONTHS if used_goods else PRESUMPTION_MONTHS
    return add_months(delivered, months)


def refund_due_on(requested_on: dt.date) -> dt.date:
    """The latest day a withdrawal is refunded: 14 days after the customer's request (L221-24)."""
    return requested_on + dt.timedelta(days=REFUND_DEADLINE_DAYS)


def refund_deadline(due_on: dt.date, goods_back_on: dt.date | None, *,
                    returnless: bool = False) -> dt.date | None:
    """The day a withdrawal's refund is late after, or None while it cannot be late yet.

    L221-24: the refund is due within 14 days of the request (``due_on``), but the seller
    may withhold it until the goods are back or the customer proves they sent them,
    whichever comes first (``goods_back_on``: the carrier's first scan, the proof of
    dispatch, or the warehouse's receipt). A returnless refund waits for no parcel.
    """
    if returnless:
        return due_on
    if goods_back_on is None:
        return None
    return max(due_on, goods_back_on)


def day_of_return(delivered: dt.date, today: dt.date) -> int:
    """Days since delivery: 0 on the delivery day, 14 on the withdrawal period's last day."""
    return (today - delivered).days


class ProductFacts(Protocol):
    """The product flags the exceptions follow (a :class:`LineFacts` has them)."""

    @property
    def personalised(self) -> bool: ...
    @property
    def perishable(self) -> bool: ...
    @property
    def seal_intact(self) -> bool | None: ...


def withdrawal_exception(product: ProductFacts, *, sealed: bool) -> str | None:
    """The L221-28 exception that takes the right of withdrawal away, if any.

    ``sealed``: the product is sold sealed (hygiene goods, audio, video, software), so it is
    returnable only while the seal is intact. Returns the reason code: ``personalised``,
    ``perishable``, ``seal_broken``, ``seal_unknown`` (the customer has not said yet: the
    team checks) or None. The exception follows the product, never the customer's reason.
    """
    if product.personalised:
        return "personalised"
    if product.perishable:
        return "perishable"
    if sealed and product.seal_intact is False:
        return "seal_broken"
    if sealed and product.seal_intact is None:
        return "seal_unknown"
    return None
