"""Return requests, the single steps: build a new return in a transaction, decide it, cancel it.

A return is created in one transaction (return, lines, photos attached, exchange stock
reserved, status history, idempotency record), so a failure leaves nothing behind.
Talking to partners (the carrier for the label, the payment provider for a returnless
refund) happens after that commit, in the workflow (``backend.workflows.create_return``);
if a partner fails, the return stays approved and the step can be retried, instead of a
half-made return. Reading returns lives in ``backend.queries.returns``.
"""
from __future__ import annotations

from sqlalchemy import select, update
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
from backend.domain.claims import CustomerClaims
from backend.domain.commands import CreateReturnInput, LineInput
from backend.domain.lifecycle import CANCELLABLE, ReturnStatus as S
from backend.domain.policy import (
    ALL_RESOLUTIONS,
    CONFORMITY_REASONS,
    CUSTOMER_REASONS,
    REMEDIES,
    LineRequest,
    ReturnDecision,
)
from backend.queries.returns import (
    customer_returns_90d,
    item_names,
    line_facts,
    order_facts,
    order_for_claims,
    quantities_in_returns,
)
from backend.queries.stock import available
from backend.services import inventory
from backend.services.errors import Conflict, Invalid
from common.identifiers import new_rma
from common.languages import LANGUAGES
from backend.services.transitions import apply_transition, record_initial_status

IDEMPOTENCY_SCOPE = "create_return"
# The legal guarantee's remedies as an error names them to the customer.
REMEDY_WORDS: dict[str, dict[str, str]] = {
    "repair": {"en": "repair", "fr": "réparation"},
    "replacement": {"en": "replacement", "fr": "remplacement"},
    "price_reduction": {"en": "price reduction", "fr": "réduction du prix"},
}


# --- creating ------------------------------------------------------------------------

def claim_photo(session: Session, public_id: str, claims: CustomerClaims,
                  conversation_id: str | None) -> Photo:
    """A photo this customer may attach: theirs, or one of this conversation they now claim.

    Used when a return is created and when uploaded photos are added to an existing one
    (``backend.services.photos.attach_uploaded``).

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
        raise Invalid("photo_not_found", photo_id=public_id)
    if photo.return_line_id is not None:
        raise Invalid("photo_in_use", photo_id=public_id)
    return photo


def _validate_line(session: Session, order: Order, item: LineInput, remaining: dict[int, int],
                   claims: CustomerClaims, conversation_id: str | None = None,
                   ) -> tuple[OrderLine, Variant | None, list[Photo]]:
    line = next((l for l in order.lines if l.id == item.order_line_id), None)
    if line is None:
        raise Invalid("line_not_in_order", line_id=item.order_line_id, order_number=order.number)
    if item.reason_code not in CUSTOMER_REASONS:
        raise Invalid("unknown_reason", reason=item.reason_code, codes=", ".join(CUSTOMER_REASONS))
    if item.resolution not in ALL_RESOLUTIONS:
        raise Invalid("unknown_resolution", resolution=item.resolution,
                      codes=", ".join(ALL_RESOLUTIONS))
    # The legal guarantee's remedies answer a lack of conformity only (L217-9): asking a
    # repair of an item that fits badly is a caller's mistake, said before anything is made.
    if item.resolution in REMEDIES and item.reason_code not in CONFORMITY_REASONS:
        raise Invalid("remedy_needs_conformity_reason", resolution=REMEDY_WORDS[item.resolution],
                      reasons=", ".join(CONFORMITY_REASONS))
    if item.quantity < 1 or item.quantity > remaining.get(line.id, 0):
        raise Invalid("quantity_not_returnable", count=remaining.get(line.id, 0))
    remaining[line.id] -= item.quantity
    exchange_variant = None
    if item.resolution == "exchange":
        exchange_variant = next((v for v in line.variant.product.variants
                                 if item.exchange_sku and v.sku == item.exchange_sku.strip().upper()), None)
        if exchange_variant is None or exchange_variant.id == line.variant_id:
            raise Invalid("invalid_exchange")
    elif item.resolution == "replacement":
        # The same item again (the SKU the customer bought): reserved like an exchange's.
        if item.exchange_sku and item.exchange_sku.strip().upper() != line.variant.sku:
            raise Invalid("invalid_replacement")
        exchange_variant = line.variant
    photos = [claim_photo(session, public_id, claims, conversation_id)
              for public_id in dict.fromkeys(item.photo_ids)]
    return line, exchange_variant, photos


def apply_decision(ret: ReturnRequest, decision: ReturnDecision) -> None:
    """Store the policy's decision (reasons, explanation, money) on the return and its lines."""
    ret.policy_version = decision.policy_version
    ret.decision_reasons = list(decision.reason_codes)
    # One column per language (a data migration is what a third language would need).
    ret.explanation_en = decision.explanation["en"]
    ret.explanation_fr = decision.explanation["fr"]
    ret.returnless = decision.returnless
    ret.restocking_fee_minor = decision.restocking_fee_minor
    ret.shipping_fee_minor = decision.return_shipping_fee_minor
    ret.refund_amount_minor = decision.refund_amount_minor
    ret.delivery_refund_minor = decision.delivery_refund_minor
    # The legal refund deadline counts from the customer's request (L221-24): a later look
    # at the same return (a photo arrived) never pushes it back.
    due = decision.refund_due_on
    if due is not None and ret.refund_due_on is not None:
        due = min(due, ret.refund_due_on)
    ret.refund_due_on = due
    by_line = {d.order_line_id: d for d in decision.lines}
    for rline in ret.lines:
        d = by_line[rline.order_line_id]
        rline.eligible = d.outcome != "rejected"
        rline.decision_reasons = list(d.reason_codes)
        rline.restocking_fee_minor = d.restocking_fee_minor
        rline.refund_amount_minor = d.refund_amount_minor
        rline.legal_basis = d.legal_basis


def decide_for(ctx: BackendContext, session: Session, ret: ReturnRequest) -> ReturnDecision:
    """Run the policy over a stored return (used again when a photo arrives later)."""
    # Each language's explanation names the product in that language.
    names = {rl.order_line_id: item_names(rl.order_line) for rl in ret.lines}
    requests = []
    for rl in ret.lines:
        in_stock = None
        if rl.resolution in inventory.STOCK_RESOLUTIONS:
            in_stock = rl.exchange_location is not None or (
                rl.exchange_variant_id is not None
                and available(session, rl.exchange_variant_id) >= rl.quantity)
        requests.append(LineRequest(facts=line_facts(rl.order_line, rl.quantity, rl.seal_intact),
                                    reason_code=rl.reason_code, resolution=rl.resolution,
                                    photo_count=len(rl.photos), exchange_in_stock=in_stock))
    count = customer_returns_90d(session, ret.customer_id, ctx.today(), exclude_return_id=ret.id)
    return ctx.policy.decide(requests, customer_returns_90d=count, today=ctx.today(),
                             item_names=names, order=order_facts(session, ret))


def replayed_rma(session: Session, key: str, fingerprint: str) -> str | None:
    """The RMA an earlier request with this idempotency key created, if any.

    The same key with a different request is refused: a reused key must not silently
    answer with somebody else's return.
    """
    record = session.execute(select(IdempotencyRecord).where(
        IdempotencyRecord.scope == IDEMPOTENCY_SCOPE, IdempotencyRecord.key == key)).scalar_one_or_none()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Invalid("idempotency_key_reused")
    return str(record.response_body["rma"])


def record_idempotency(ctx: BackendContext, session: Session, key: str, fingerprint: str,
                       ret: ReturnRequest) -> None:
    """In the creating transaction: remember which return this key made (unique per key)."""
    session.add(IdempotencyRecord(scope=IDEMPOTENCY_SCOPE, key=key, request_hash=fingerprint,
                                  status_code=201, response_body={"rma": ret.rma},
                                  created_at=ctx.now()))


def create_in_session(ctx: BackendContext, session: Session, claims: CustomerClaims,
                      data: CreateReturnInput, actor: str) -> ReturnRequest:
    """Build, decide and reserve stock for a new return, in the caller's transaction."""
    order = order_for_claims(session, claims, data.order_number)
    if not data.lines:
        raise Invalid("no_lines")
    if len({l.order_line_id for l in data.lines}) != len(data.lines):
        raise Invalid("duplicate_lines")
    in_returns = quantities_in_returns(session, order.id)
    remaining = {l.id: l.quantity - in_returns.get(l.id, 0) for l in order.lines}
    language = data.language if data.language in LANGUAGES else order.customer.preferred_language
    now = ctx.now()
    ret = ReturnRequest(rma=_unique_rma(session), order=order, customer_id=order.customer_id,
                        status=S.REQUESTED.value, channel=data.channel[:20], language=language,
                        currency=order.currency, policy_version=ctx.policy.version,
                        conversation_id=(data.conversation_id or None) and data.conversation_id[:128],
                        created_at=now, updated_at=now)
    session.add(ret)
    for item in data.lines:
        line, exchange_variant, photos = _validate_line(session, order, item, remaining, claims,
                                                        data.conversation_id)
        rline = ReturnLine(order_line=line, quantity=item.quantity, reason_code=item.reason_code,
                           reason_text=(item.reason_text or None) and item.reason_text[:2000],
                           resolution=item.resolution, exchange_variant=exchange_variant,
                           seal_intact=item.seal_intact)
        ret.lines.append(rline)
        for photo in photos:
            photo.return_line = rline
    session.flush()
    record_initial_status(session, ret, actor=actor, at=now)
    decision = decide_for(ctx, session, ret)
    apply_decision(ret, decision)
    if decision.outcome != "rejected":
        for rline in ret.lines:
            if rline.resolution in inventory.STOCK_RESOLUTIONS:
                rline.exchange_location = inventory.reserve(session, rline.exchange_variant, rline.quantity)
                if rline.exchange_location is None and rline.resolution == "exchange":
                    raise Conflict("exchange_out_of_stock")
                if rline.exchange_location is None:
                    raise Conflict("replacement_out_of_stock")
    apply_transition(session, ret, decision.outcome, actor="policy", at=now,
                     note=", ".join(decision.reason_codes) or None)
    return ret


def _unique_rma(session: Session) -> str:
    for _ in range(10):
        rma = new_rma()
        if session.execute(select(ReturnRequest.id).where(ReturnRequest.rma == rma)).first() is None:
            return rma
    raise RuntimeError("could not draw an unused RMA")  # 10 collisions in 2^40: a broken RNG


# --- changing ------------------------------------------------------------------------

def release_reservations(session: Session, ret: ReturnRequest) -> None:
    """Give back the stock held for the return's exchanges (it will not need it any more)."""
    for rline in ret.lines:
        inventory.release(session, rline)


def check_cancellable_by_customer(ret: ReturnRequest) -> None:
    """A customer may cancel only before the parcel is on its way (:data:`CANCELLABLE`)."""
    if ret.status not in {s.value for s in CANCELLABLE}:
        raise Conflict("not_cancellable", extra={"current_status": ret.status})
