"""Finding orders and returns for a verified customer or a staff member, and what is returnable.

A customer only ever sees their own: lookups by order or RMA answer NotFound for anything
the verified claims do not own, exactly as for something that does not exist.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import Order, OrderLine, ReturnLine, ReturnRequest, Variant
from backend.domain import status_text
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.policy import LineEligibility, LineFacts, OrderFacts
from backend.domain.claims import CustomerClaims
from backend.queries.stock import available
from backend.services.errors import NotFound
from common.identifiers import normalize_rma
from common.languages import localized

# Returns in these states no longer hold items or count against the customer.
INACTIVE_STATUSES = (S.CANCELLED.value, S.EXPIRED.value, S.REJECTED.value)


@dataclass(frozen=True)
class ExchangeOption:
    sku: str
    size: str | None
    colour: str | None
    available: int
    colour_fr: str | None = None


def already_returned_text(quantity: int) -> dict[str, str]:
    """Shown after "{item} can't be returned:" when every unit is already in a return."""
    return status_text.already_in_a_return(quantity)


@dataclass(frozen=True)
class ReturnableLine:
    order_line: OrderLine
    quantity_returnable: int
    quantity_in_returns: int
    eligibility: LineEligibility
    exchange_options: tuple[ExchangeOption, ...]

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible and self.quantity_returnable > 0

    @property
    def reason_codes(self) -> list[str]:
        return list(self.eligibility.reason_codes) + ([] if self.quantity_returnable > 0 else ["already_returned"])

    @property
    def explanation(self) -> dict[str, str]:
        """Why not, when the policy allows the item but every unit is already in a return."""
        if self.eligibility.eligible and self.quantity_returnable == 0:
            return already_returned_text(self.quantity_in_returns)
        return self.eligibility.explanation


def colour_in(variant: Variant, language: str) -> str | None:
    """The variant's colour as the catalogue names it in ``language`` (English without one)."""
    if language == "fr" and variant.colour_fr:
        return variant.colour_fr
    return variant.colour


def item_name(line: OrderLine, language: str) -> str:
    """The product's name in ``language`` with its size and colour: "Chemise en lin (M, Blanc)".

    Products store an English ``name`` and an optional ``name_fr``, variants a ``colour``
    and an optional ``colour_fr`` (columns from the shop's catalogue; a third language
    would need columns and a migration); a missing French one gets the English one.
    """
    product = line.variant.product
    name = product.name_fr if language == "fr" and product.name_fr else product.name
    details = ", ".join(x for x in (line.variant.size, colour_in(line.variant, language)) if x)
    return f"{name} ({details})" if details else name


def item_names(line: OrderLine) -> dict[str, str]:
    """:func:`item_name` in every language: a decision's explanation is stored in each one,
    and each names the product in its own language."""
    return localized(lambda language: item_name(line, language))


def line_facts(line: OrderLine, quantity: int | None = None,
               seal_intact: bool | None = None) -> LineFacts:
    """What the policy needs about one order line: the catalogue's flags (the law's
    exceptions follow the product) and, once asked, the customer's answer about the seal."""
    product = line.variant.product
    return LineFacts(
        order_line_id=line.id, sku=line.variant.sku, category=product.category,
        final_sale=product.final_sale, hygiene=product.hygiene,
        unit_paid_minor=line.unit_paid_minor,
        quantity=quantity if quantity is not None else line.quantity,
        delivered_on=line.order.delivered_on,
        personalised=bool(product.personalised), perishable=bool(product.perishable),
        sealed_media=bool(product.sealed_media), used_goods=bool(product.used_goods),
        seal_intact=seal_intact,
    )


def quantities_in_returns(session: Session, order_id: int,
                          exclude_return_id: int | None = None) -> dict[int, int]:
    """Units of each order line already in a return that still holds them (but for
    ``exclude_return_id``)."""
    stmt = (
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .where(ReturnRequest.order_id == order_id, ReturnRequest.status.not_in(INACTIVE_STATUSES))
        .group_by(ReturnLine.order_line_id)
    )
    if exclude_return_id is not None:
        stmt = stmt.where(ReturnRequest.id != exclude_return_id)
    return {line_id: int(qty) for line_id, qty in session.execute(stmt)}


def order_facts(session: Session, ret: ReturnRequest) -> OrderFacts:
    """What the withdrawal refund needs about the whole order (L221-24): the delivery cost
    paid, and whether this return with the order's other active returns takes back every
    unit of it (only then is the delivery cost refunded)."""
    order = ret.order
    taken = quantities_in_returns(session, order.id, exclude_return_id=ret.id)
    for rline in ret.lines:
        taken[rline.order_line_id] = taken.get(rline.order_line_id, 0) + rline.quantity
    whole = bool(order.lines) and all(taken.get(l.id, 0) >= l.quantity for l in order.lines)
    return OrderFacts(delivery_paid_minor=order.delivery_paid_minor or 0, whole_order=whole)


def exchange_options(session: Session, line: OrderLine) -> tuple[ExchangeOption, ...]:
    """Other variants of the same product that are in stock now."""
    options = []
    for variant in line.variant.product.variants:
        if variant.id == line.variant_id:
            continue
        qty = available(session, variant.id)
        if qty > 0:
            options.append(ExchangeOption(variant.sku, variant.size, variant.colour, qty, variant.colour_fr))
    return tuple(options)


def order_for_claims(session: Session, claims: CustomerClaims, order_number: str) -> Order:
    """The verified order, or NotFound: a token for one order never reveals another."""
    order = session.get(Order, claims.order_id)
    if order is None or order.customer_id != claims.customer_id or (
        order.number != order_number.strip().upper()
    ):
        raise NotFound("order_not_found")
    return order


def returnable_lines(ctx: BackendContext, session: Session, claims: CustomerClaims,
                     order_number: str, language: str = "en") -> tuple[Order, list[ReturnableLine]]:
    order = order_for_claims(session, claims, order_number)
    in_returns = quantities_in_returns(session, order.id)
    names = {line.id: item_names(line) for line in order.lines}
    result = []
    for line in order.lines:
        taken = in_returns.get(line.id, 0)
        remaining = max(0, line.quantity - taken)
        eligibility = ctx.policy.line_eligibility(line_facts(line), ctx.today(), item_names=names)
        result.append(ReturnableLine(line, remaining, taken, eligibility,
                                     exchange_options(session, line)))
    return order, result


def get_return(session: Session, rma: str) -> ReturnRequest:
    canonical = normalize_rma(rma)
    ret = None
    if canonical:
        ret = session.execute(select(ReturnRequest).where(ReturnRequest.rma == canonical)).scalar_one_or_none()
    if ret is None:
        raise NotFound("return_not_found")
    return ret


def get_return_for_customer(session: Session, claims: CustomerClaims, rma: str) -> ReturnRequest:
    """A return the verified customer owns; others look exactly like unknown ones."""
    try:
        ret = get_return(session, rma)
    except NotFound:
        ret = None
    if ret is None or ret.customer_id != claims.customer_id:
        raise NotFound("return_not_found")
    return ret


def returns_for_order(session: Session, claims: CustomerClaims) -> list[ReturnRequest]:
    stmt = (select(ReturnRequest).where(ReturnRequest.order_id == claims.order_id,
                                        ReturnRequest.customer_id == claims.customer_id)
            .order_by(ReturnRequest.id.desc()))
    return list(session.execute(stmt).scalars())


def customer_returns_90d(session: Session, customer_id: int, today: dt.date,
                         exclude_return_id: int | None = None) -> int:
    since = dt.datetime.combine(today - dt.timedelta(days=90), dt.time.min)
    stmt = select(func.count(ReturnRequest.id)).where(
        ReturnRequest.customer_id == customer_id, ReturnRequest.created_at >= since,
        ReturnRequest.status.not_in(INACTIVE_STATUSES),
    )
    if exclude_return_id is not None:
        stmt = stmt.where(ReturnRequest.id != exclude_return_id)
    return int(session.execute(stmt).scalar_one())
