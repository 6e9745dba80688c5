"""Return requests: what can be returned, creating a return, reading and cancelling it.

A return is created in one transaction (return, lines, photos attached, exchange stock
reserved, status history, idempotency record), so a failure leaves nothing behind.
Talking to partners (the carrier for the label, the payment provider for a returnless
refund) happens after that commit; if a partner fails, the return stays approved and the
step can be retried, instead of a half-made return.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import (
    IdempotencyRecord,
    Order,
    OrderLine,
    Photo,
    ReturnLine,
    ReturnRequest,
    Variant,
)
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.policy import LineEligibility, LineFacts, LineRequest, ReturnDecision
from backend.services import inventory
from backend.services.errors import Conflict, Invalid, NotFound, Unavailable
from backend.services.rma import new_rma, normalize_rma
from backend.services.transitions import apply_transition, record_initial_status
from backend.services.verification import CustomerClaims

log = logging.getLogger(__name__)

REASON_CODES = ("damaged", "defective", "wrong_item", "wrong_size", "changed_mind",
                "not_as_described", "arrived_late", "other")
RESOLUTIONS = ("refund", "exchange", "store_credit")
# Returns in these states no longer hold items or count against the customer.
INACTIVE_STATUSES = (S.CANCELLED.value, S.EXPIRED.value, S.REJECTED.value)
IDEMPOTENCY_SCOPE = "create_return"


@dataclass(frozen=True)
class ExchangeOption:
    sku: str
    size: str | None
    colour: str | None
    available: int


def already_returned_text(quantity: int) -> dict[str, str]:
    """Shown after "{item} can't be returned:" when every unit is already in a return."""
    return {
        "en": f"all of it is already in a return ({quantity} in all). Ask me for that return's "
              "status instead.",
        "fr": f"tout est déjà dans un retour ({quantity} au total). Demandez-moi plutôt où en est "
              "ce retour.",
    }


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


@dataclass(frozen=True)
class LineInput:
    order_line_id: int
    quantity: int
    reason_code: str
    resolution: str
    reason_text: str | None = None
    exchange_sku: str | None = None
    photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreateReturnInput:
    order_number: str
    lines: tuple[LineInput, ...]
    channel: str = "api"
    language: str = "en"
    # The chat conversation the return is made in: its unclaimed photos may be used.
    conversation_id: str | None = None

    def fingerprint(self) -> str:
        """A stable hash of the request, to tell a retry from a reused idempotency key."""
        body = json.dumps(asdict(self), sort_keys=True, default=list)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class CreateOutcome:
    rma: str
    replayed: bool
    follow_up_error: dict | None = field(default=None)


# --- reading -------------------------------------------------------------------------

def item_name(line: OrderLine, language: str) -> str:
    product = line.variant.product
    name = product.name_fr if language == "fr" and product.name_fr else product.name
    details = ", ".join(x for x in (line.variant.size, line.variant.colour) if x)
    return f"{name} ({details})" if details else name


def line_facts(line: OrderLine, quantity: int | None = None) -> LineFacts:
    product = line.variant.product
    return LineFacts(
        order_line_id=line.id, sku=line.variant.sku, category=product.category,
        final_sale=product.final_sale, hygiene=product.hygiene,
        unit_paid_minor=line.unit_paid_minor,
        quantity=quantity if quantity is not None else line.quantity,
        delivered_on=line.order.delivered_on,
    )


def _quantities_in_returns(session: Session, order_id: int) -> dict[int, int]:
    stmt = (
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .where(ReturnRequest.order_id == order_id, ReturnRequest.status.not_in(INACTIVE_STATUSES))
        .group_by(ReturnLine.order_line_id)
    )
    return {line_id: int(qty) for line_id, qty in session.execute(stmt)}


def exchange_options(session: Session, line: OrderLine) -> tuple[ExchangeOption, ...]:
    """Other variants of the same product that are in stock now."""
    options = []
    for variant in line.variant.product.variants:
        if variant.id == line.variant_id:
            continue
        qty = inventory.available(session, variant.id)
        if qty > 0:
            options.append(ExchangeOption(variant.sku, variant.size, variant.colour, qty))
    return tuple(options)


def order_for_claims(session: Session, claims: CustomerClaims, order_number: str) -> Order:
    """The verified order, or NotFound: a token for one order never reveals another."""
    order = session.get(Order, claims.order_id)
    if order is None or order.customer_id != claims.customer_id or (
        order.number != order_number.strip().upper()
    ):
        raise NotFound("We couldn't find that order for you.",
                       "Nous n'avons pas trouvé cette commande pour vous.", code="order_not_found")
    return order


def returnable_lines(ctx: BackendContext, session: Session, claims: CustomerClaims,
                     order_number: str, language: str = "en") -> tuple[Order, list[ReturnableLine]]:
    order = order_for_claims(session, claims, order_number)
    in_returns = _quantities_in_returns(session, order.id)
    names = {line.id: item_name(line, language) for line in order.lines}
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
        raise NotFound("We couldn't find that return.", "Nous n'avons pas trouvé ce retour.",
                       code="return_not_found")
    return ret


def get_return_for_customer(session: Session, claims: CustomerClaims, rma: str) -> ReturnRequest:
    """A return the verified customer owns; others look exactly like unknown ones."""
    try:
        ret = get_return(session, rma)
    except NotFound:
        ret = None
    if ret is None or ret.customer_id != claims.customer_id:
        raise NotFound("We couldn't find that return.", "Nous n'avons pas trouvé ce retour.",
                       code="return_not_found")
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


# --- creating ------------------------------------------------------------------------

def _invalid(en: str, fr: str, code: str = "invalid_return_request") -> Invalid:
    return Invalid(en, fr, code=code)


def _usable_photo(session: Session, public_id: str, claims: CustomerClaims,
                  conversation_id: str | None) -> Photo:
    """A photo this customer may attach: theirs, or one of this conversation they now claim.

    The claim is a conditional UPDATE (only while the photo is still unclaimed), so two
    returns racing for the same chat photo cannot both get it; it commits or rolls back
    with the return.
    """
    photo = session.execute(select(Photo).where(Photo.public_id == public_id)).scalar_one_or_none()
    if (photo is not None and photo.customer_id is None and conversation_id
            and photo.conversation_id == conversation_id):
        session.execute(
            update(Photo).where(Photo.id == photo.id, Photo.customer_id.is_(None))
            .values(customer_id=claims.customer_id, order_id=claims.order_id)
            .execution_options(synchronize_session=False))
        session.refresh(photo)  # lost a race: now someone else's, refused below
    if photo is None or photo.customer_id != claims.customer_id:
        raise _invalid(f"Photo {public_id} was not found.", f"Photo {public_id} introuvable.",
                       code="photo_not_found")
    if photo.return_line_id is not None:
        raise _invalid(f"Photo {public_id} is already attached to a return.",
                       f"La photo {public_id} est déjà jointe à un retour.", code="photo_in_use")
    return photo


def _validate_line(session: Session, order: Order, item: LineInput, remaining: dict[int, int],
                   claims: CustomerClaims, conversation_id: str | None = None,
                   ) -> tuple[OrderLine, Variant | None, list[Photo]]:
    line = next((l for l in order.lines if l.id == item.order_line_id), None)
    if line is None:
        raise _invalid(f"Order line {item.order_line_id} is not part of order {order.number}.",
                       f"La ligne {item.order_line_id} ne fait pas partie de la commande {order.number}.")
    if item.reason_code not in REASON_CODES:
        raise _invalid(f"Unknown reason '{item.reason_code}'. Use one of: {', '.join(REASON_CODES)}.",
                       f"Motif inconnu « {item.reason_code} ».")
    if item.resolution not in RESOLUTIONS:
        raise _invalid(f"Unknown resolution '{item.resolution}'. Use one of: {', '.join(RESOLUTIONS)}.",
                       f"Solution inconnue « {item.resolution} ».")
    if item.quantity < 1 or item.quantity > remaining.get(line.id, 0):
        raise _invalid(
            f"You can return at most {remaining.get(line.id, 0)} of this item.",
            f"Vous pouvez retourner au plus {remaining.get(line.id, 0)} exemplaire(s) de cet article.",
            code="quantity_not_returnable")
    remaining[line.id] -= item.quantity
    exchange_variant = None
    if item.resolution == "exchange":
        exchange_variant = next((v for v in line.variant.product.variants
                                 if item.exchange_sku and v.sku == item.exchange_sku.strip().upper()), None)
        if exchange_variant is None or exchange_variant.id == line.variant_id:
            raise _invalid("An exchange needs another size or colour of the same product.",
                           "Un échange demande une autre taille ou couleur du même article.",
                           code="invalid_exchange")
    photos = [_usable_photo(session, public_id, claims, conversation_id)
              for public_id in dict.fromkeys(item.photo_ids)]
    return line, exchange_variant, photos


def _apply_decision(ret: ReturnRequest, decision: ReturnDecision) -> None:
    ret.policy_version = decision.policy_version
    ret.decision_reasons = list(decision.reason_codes)
    ret.explanation_en = decision.explanation["en"]
    ret.explanation_fr = decision.explanation["fr"]
    ret.returnless = decision.returnless
    ret.restocking_fee_minor = decision.restocking_fee_minor
    ret.shipping_fee_minor = decision.return_shipping_fee_minor
    ret.refund_amount_minor = decision.refund_amount_minor
    by_line = {d.order_line_id: d for d in decision.lines}
    for rline in ret.lines:
        d = by_line[rline.order_line_id]
        rline.eligible = d.outcome != "rejected"
        rline.decision_reasons = list(d.reason_codes)
        rline.restocking_fee_minor = d.restocking_fee_minor
        rline.refund_amount_minor = d.refund_amount_minor


def decide_for(ctx: BackendContext, session: Session, ret: ReturnRequest) -> ReturnDecision:
    """Run the policy over a stored return (used again when a photo arrives later)."""
    names = {rl.order_line_id: item_name(rl.order_line, ret.language) for rl in ret.lines}
    requests = []
    for rl in ret.lines:
        in_stock = None
        if rl.resolution == "exchange":
            in_stock = rl.exchange_location is not None or (
                rl.exchange_variant_id is not None
                and inventory.available(session, rl.exchange_variant_id) >= rl.quantity)
        requests.append(LineRequest(facts=line_facts(rl.order_line, rl.quantity),
                                    reason_code=rl.reason_code, resolution=rl.resolution,
                                    photo_count=len(rl.photos), exchange_in_stock=in_stock))
    count = customer_returns_90d(session, ret.customer_id, ctx.today(), exclude_return_id=ret.id)
    return ctx.policy.decide(requests, customer_returns_90d=count, today=ctx.today(),
                             item_names=names)


def _replay(session: Session, key: str, fingerprint: str) -> str | None:
    record = session.execute(select(IdempotencyRecord).where(
        IdempotencyRecord.scope == IDEMPOTENCY_SCOPE, IdempotencyRecord.key == key)).scalar_one_or_none()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Invalid("This Idempotency-Key was already used for a different request.",
                      "Cette clé d'idempotence a déjà servi pour une autre demande.",
                      code="idempotency_key_reused")
    return str(record.response_body["rma"])


def create_return(ctx: BackendContext, claims: CustomerClaims, data: CreateReturnInput, *,
                  idempotency_key: str, actor: str = "customer") -> CreateOutcome:
    """Create a return once per idempotency key, then issue its label or returnless refund."""
    fingerprint = data.fingerprint()
    with session_scope(ctx.sessions) as session:
        replay = _replay(session, idempotency_key, fingerprint)
    if replay:
        return CreateOutcome(rma=replay, replayed=True)
    try:
        with session_scope(ctx.sessions) as session:
            ret = _create_in_session(ctx, session, claims, data, actor)
            session.add(IdempotencyRecord(scope=IDEMPOTENCY_SCOPE, key=idempotency_key,
                                          request_hash=fingerprint, status_code=201,
                                          response_body={"rma": ret.rma}))
            rma, status, returnless = ret.rma, ret.status, ret.returnless
    except IntegrityError:
        # A concurrent retry with the same key won the race; answer with its return.
        with session_scope(ctx.sessions) as session:
            replay = _replay(session, idempotency_key, fingerprint)
        if replay:
            return CreateOutcome(rma=replay, replayed=True)
        raise
    outcome = CreateOutcome(rma=rma, replayed=False)
    if status == S.APPROVED.value:
        outcome.follow_up_error = after_approval(ctx, rma, returnless=returnless)
    return outcome


def _create_in_session(ctx: BackendContext, session: Session, claims: CustomerClaims,
                       data: CreateReturnInput, actor: str) -> ReturnRequest:
    order = order_for_claims(session, claims, data.order_number)
    if not data.lines:
        raise _invalid("Choose at least one item to return.",
                       "Choisissez au moins un article à retourner.")
    if len({l.order_line_id for l in data.lines}) != len(data.lines):
        raise _invalid("Each item may appear only once in a return.",
                       "Chaque article ne peut figurer qu'une fois dans un retour.")
    in_returns = _quantities_in_returns(session, order.id)
    remaining = {l.id: l.quantity - in_returns.get(l.id, 0) for l in order.lines}
    language = data.language if data.language in ("en", "fr") else order.customer.preferred_language
    ret = ReturnRequest(rma=_unique_rma(session), order=order, customer_id=order.customer_id,
                        status=S.REQUESTED.value, channel=data.channel[:20], language=language,
                        currency=order.currency, policy_version=ctx.policy.version,
                        created_at=ctx.now(), updated_at=ctx.now())
    session.add(ret)
    for item in data.lines:
        line, exchange_variant, photos = _validate_line(session, order, item, remaining, claims,
                                                        data.conversation_id)
        rline = ReturnLine(order_line=line, quantity=item.quantity, reason_code=item.reason_code,
                           reason_text=(item.reason_text or None) and item.reason_text[:2000],
                           resolution=item.resolution, exchange_variant=exchange_variant)
        ret.lines.append(rline)
        for photo in photos:
            photo.return_line = rline
    session.flush()
    record_initial_status(session, ret, actor=actor)
    decision = decide_for(ctx, session, ret)
    _apply_decision(ret, decision)
    if decision.outcome != "rejected":
        for rline in ret.lines:
            if rline.resolution == "exchange":
                rline.exchange_location = inventory.reserve(session, rline.exchange_variant, rline.quantity)
                if rline.exchange_location is None:
                    raise Conflict("That size or colour just went out of stock. Please choose another "
                                   "option or a refund.",
                                   "Cette taille ou couleur vient d'être épuisée. Choisissez une autre "
                                   "option ou un remboursement.", code="exchange_out_of_stock")
    apply_transition(session, ret, decision.outcome, actor="policy",
                     note=", ".join(decision.reason_codes) or None)
    return ret


def _unique_rma(session: Session) -> str:
    for _ in range(10):
        rma = new_rma()
        if session.execute(select(ReturnRequest.id).where(ReturnRequest.rma == rma)).first() is None:
            return rma
    raise RuntimeError("could not draw an unused RMA")  # 10 collisions in 2^40: a broken RNG


def after_approval(ctx: BackendContext, rma: str, *, returnless: bool) -> dict | None:
    """The next step once a return is approved: its label, or the returnless resolution.

    Returns the partner's error (as a dict) when that step failed; the return then stays
    approved and the step can be retried.
    """
    from backend.services import labels, refunds  # local import: they import this module

    try:
        if returnless:
            refunds.resolve_return(ctx, rma, actor="policy")
        else:
            labels.issue_label(ctx, rma, actor="system")
    except Unavailable as exc:
        log.warning("follow-up for %s failed: %s", rma, exc)
        return exc.to_dict()
    return None


# --- changing ------------------------------------------------------------------------

def release_reservations(session: Session, ret: ReturnRequest) -> None:
    for rline in ret.lines:
        inventory.release(session, rline)


def cancel_return(ctx: BackendContext, claims: CustomerClaims, rma: str, actor: str = "customer") -> str:
    with session_scope(ctx.sessions) as session:
        ret = get_return_for_customer(session, claims, rma)
        if ret.status not in {s.value for s in (S.REQUESTED, S.NEEDS_REVIEW, S.APPROVED, S.LABEL_ISSUED)}:
            raise Conflict(
                "This return can no longer be cancelled: the parcel is already on its way or done.",
                "Ce retour ne peut plus être annulé : le colis est déjà en route ou traité.",
                code="not_cancellable", extra={"current_status": ret.status})
        apply_transition(session, ret, S.CANCELLED, actor=actor)
        release_reservations(session, ret)
        return ret.rma


def reevaluate_after_photo(ctx: BackendContext, rma: str) -> dict | None:
    """A photo arrived for a return held for lack of one: decide again, move on if approved."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.status != S.NEEDS_REVIEW.value:
            return None
        decision = decide_for(ctx, session, ret)
        if decision.outcome != "approved":
            _apply_decision(ret, decision)
            return None
        _apply_decision(ret, decision)
        apply_transition(session, ret, S.APPROVED, actor="policy", note="photo received")
        returnless = ret.returnless
    return after_approval(ctx, rma, returnless=returnless)
