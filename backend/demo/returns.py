"""The demo shop's past returns: Frank's six closed ones and ~15 others in varied statuses.

Why: the status lookups, the staff screens and the metrics need returns at every stage,
and the too-many-returns fixture (BM-100007) needs Frank's history. Each seeded return
carries a status history that the state machine in :mod:`backend.domain.lifecycle`
allows (checked here, so a seeded timeline never shows something the live backend would
refuse), made by actor ``"seed"`` under policy version ``"seed"``; active exchanges hold a
reservation in stock.

Frank's returns: on each of BM-100071 ... BM-100076, one "closed" return created 3 days
after delivery, with the history requested -> approved -> label_issued -> received ->
inspected -> refunded -> closed.

The random ones (driven by ``rng_seed``): 15 returns on other customers' orders, at most
one per customer and none on a demo customer's, in varied statuses (closed, refunded -
one returnless -, label_issued, in_transit, received, cancelled, expired). They follow the
policy they are given rather than a copy of it: only lines it accepts (no final sale or
hygiene exclusion), started inside the shortest return window of their lines, returnless
only at or under its threshold and for its reasons, and an unused label expires after its
label validity.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy.orm import Session

from backend.db.models import Order, OrderLine, ReturnLine, ReturnRequest, ReturnStatusChange
from backend.demo.built import Built
from backend.demo.catalogue import CATALOGUE, SPEC_BY_SKU, WAREHOUSE
from backend.demo.customers import DEMO_CUSTOMERS
from backend.demo.orders import DELIVERY_SPREAD_DAYS, FRANK_HISTORY, FRANK_HISTORY_ORDERS
from backend.domain.lifecycle import ReturnStatus, can_transition
from backend.domain.policy import LineFacts, Policy
from common.identifiers import new_rma, normalize_rma

SEED_ACTOR = "seed"
SEED_POLICY_VERSION = "seed"
# Customers start a return within this many days of delivery (fewer when the policy's
# shortest return window is shorter).
MAX_START_DAYS_AFTER_DELIVERY = 10

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

FRANK_RETURN_DAYS_AFTER_DELIVERY = 3
FRANK_RETURN_PATH: tuple[ReturnStatus, ...] = (
    S.REQUESTED, S.APPROVED, S.LABEL_ISSUED, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED,
)


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


def _add_return(session: Session, built: Built, *, order: Order, picks: Sequence[_LinePick],
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
        language=customer.preferred_language, currency=order.currency,
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


def add_frank_returns(session: Session, rng: random.Random, horizon: dt.datetime,
                      built: Built) -> None:
    """Six closed returns in 90 days, at fixed times, so Frank hits too_many_returns."""
    by_number = {order.number: order for order in built.orders}
    steps = (dt.timedelta(0), dt.timedelta(minutes=5), dt.timedelta(minutes=2),
             dt.timedelta(days=3), dt.timedelta(days=1), dt.timedelta(hours=2),
             dt.timedelta(days=1))
    taken = _taken_rmas(built)
    for demo, (_, _, _, reason) in zip(FRANK_HISTORY_ORDERS, FRANK_HISTORY):
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


def _taken_rmas(built: Built) -> set[str]:
    return {r.rma for r in built.returns}


def _accepted_skus(policy: Policy) -> frozenset[str]:
    """The SKUs the policy lets a customer return at all, asked of the policy engine itself
    (final sale, hygiene flag or category): on its day of delivery only an exclusion can
    refuse an item, so a seeded return never holds one the live backend would refuse.

    The shop's own (commercial) rules are asked, not the law's floor: a seeded return may
    start on any day of the commercial window, after the 14 days of the withdrawal right
    that would accept a final-sale item (issue 13), and no seal answer is on record.
    """
    delivered = dt.date(2000, 1, 1)
    if getattr(policy, "jurisdiction", "none") != "none":
        policy = dataclasses.replace(policy, jurisdiction="none")
    accepted = set()
    for sku, spec in SPEC_BY_SKU.items():
        facts = LineFacts(order_line_id=0, sku=sku, category=spec.category,
                          final_sale=spec.final_sale, hygiene=spec.hygiene,
                          unit_paid_minor=spec.price_minor, quantity=1, delivered_on=delivered,
                          personalised=spec.personalised, perishable=spec.perishable,
                          sealed_media=spec.sealed_media, used_goods=spec.used_goods)
        if policy.line_eligibility(facts, delivered).eligible:
            accepted.add(sku)
    return frozenset(accepted)


def _exchange_target(built: Built, line: OrderLine, quantity: int) -> Optional[str]:
    """The nearest size in the same colour with free stock, else another colour, else a
    replacement of the same SKU (a defective item swapped like for like)."""
    sku = line.variant.sku
    variants = SPEC_BY_SKU[sku].skus()
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


def add_past_returns(session: Session, rng: random.Random, today: dt.date,
                     horizon: dt.datetime, built: Built, policy: Policy) -> None:
    """~15 returns of other customers, in varied statuses, for metrics and status lookups.

    Each customer gets at most one, so nobody but Frank comes near the too-many-returns
    rule, and the demo customers get none, so each fixture shows one policy path only.
    """
    demo_emails = {c.email for c in DEMO_CUSTOMERS}
    used_customers: set[str] = set()
    taken = _taken_rmas(built)
    accepted = _accepted_skus(policy)
    # A return starts at most this many days after delivery, inside every category's window.
    latest_start = min([MAX_START_DAYS_AFTER_DELIVERY]
                       + [policy.window_days(spec.category) for spec in CATALOGUE])
    for plan in _PAST_RETURN_PLANS:
        if plan.returnless and not policy.returnless_enabled:
            continue
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
            return min(latest_start, age - 1 - span_days)

        def lines_for(order: Order) -> list[OrderLine]:
            """Lines the live policy would accept for this plan (no final sale, hygiene)."""
            lines = [line for line in order.lines if line.variant.sku in accepted]
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
            most = line.quantity
            if plan.returnless and line.unit_paid_minor:  # worth no more than the threshold in all
                most = min(most, policy.returnless_max_value_minor // line.unit_paid_minor)
            quantity = rng.randint(1, most)
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
