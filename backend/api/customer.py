"""Customer-facing endpoints, called by the action server on the customer's behalf.

Every route needs the service token; everything about an order or a return also needs
the customer token that /verify hands out.
"""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api.deps import client_key, customer_claims, db_session, get_ctx, require_service
from backend.api.uploads import read_upload
from backend.context import BackendContext
from backend.db.models import Photo
from backend.domain.claims import CustomerClaims
from backend.domain.commands import CreateReturnInput, LineInput
from backend.queries import returns
from backend.queries.return_view import return_view
from backend.services import photos, verification
from backend.services.errors import Unauthorized
from backend.workflows import attach_photo as attach_photo_workflow
from backend.workflows.cancel import cancel_for_customer
from backend.workflows.create_return import create_return as create_return_workflow
from backend.workflows.handoff.request import request_handoff
from backend.workflows.issue_label import issue_label
from common.languages import DEFAULT_LANGUAGE, LANGUAGE_PATTERN

router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_service)])
ERRORS = {401: {"model": schemas.ErrorOut}, 404: {"model": schemas.ErrorOut},
          409: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut}}


@router.post("/verify", response_model=schemas.VerifyOut, tags=["identity"],
             responses={**ERRORS, 429: {"model": schemas.ErrorOut}})
def verify_customer(body: schemas.VerifyIn, ctx: BackendContext = Depends(get_ctx),
                    client: str = Depends(client_key)) -> dict:
    """Order number (or RMA) + the order's email or phone → a verified customer.

    With ``conversation_id`` the backend remembers that conversation as verified (the
    assistant then names it in ``X-Conversation-Id``); without, a short-lived customer token.
    Failures slow the caller down (per client, per order and per contact) with growing
    pauses: 429 with Retry-After, never a lock on the right order and contact.
    """
    return verification.verify(ctx, reference=body.reference, contact=body.contact, client_key=client,
                               conversation_id=body.conversation_id)


@router.get("/orders/{order_number}/returnable-lines", response_model=schemas.ReturnableOut,
            tags=["returns"], responses=ERRORS)
def returnable_lines(order_number: str, language: str = Query(DEFAULT_LANGUAGE, pattern=LANGUAGE_PATTERN),
                     ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                     claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Every line of the order with how many can be returned and the policy's verdict."""
    order, lines = returns.returnable_lines(ctx, session, claims, order_number, language)
    return {
        "order": {"number": order.number, "ordered_at": order.ordered_at, "delivered_on": order.delivered_on},
        "lines": [{
            "order_line_id": l.order_line.id, "sku": l.order_line.variant.sku,
            "name": l.order_line.variant.product.name, "name_fr": l.order_line.variant.product.name_fr,
            "category": l.order_line.variant.product.category, "size": l.order_line.variant.size,
            "colour": l.order_line.variant.colour, "colour_fr": l.order_line.variant.colour_fr,
            "quantity_ordered": l.order_line.quantity,
            "quantity_returnable": l.quantity_returnable, "quantity_in_returns": l.quantity_in_returns,
            "unit_paid_minor": l.order_line.unit_paid_minor, "currency": order.currency,
            "eligible": l.eligible, "reason_codes": l.reason_codes,
            "explanation": l.explanation, "window_ends_on": l.eligibility.window_ends_on,
            "exchange_options": [o.__dict__ for o in l.exchange_options],
            "guarantee_ends_on": l.eligibility.guarantee_ends_on,
            "needs_seal_answer": l.eligibility.needs_seal_answer,
        } for l in lines],
    }


@router.get("/orders/{order_number}/returns", response_model=schemas.ReturnListOut, tags=["returns"],
            responses=ERRORS)
def order_returns(order_number: str, ctx: BackendContext = Depends(get_ctx),
                  session: Session = Depends(db_session),
                  claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """The verified order's returns, newest first ("where is my refund?" by order number)."""
    returns.order_for_claims(session, claims, order_number)
    return {"returns": [return_view(ctx, r) for r in returns.returns_for_order(session, claims)]}


@router.post("/returns", response_model=schemas.ReturnOut, status_code=status.HTTP_201_CREATED,
             tags=["returns"], responses={**ERRORS, 503: {"model": schemas.ErrorOut}})
def create_return(body: schemas.CreateReturnIn, response: Response,
                  idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=128),
                  ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                  claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Create a return. A retry with the same Idempotency-Key returns the same return."""
    data = CreateReturnInput(
        order_number=body.order_number, channel=body.channel, language=body.language,
        conversation_id=body.conversation_id or None,
        lines=tuple(LineInput(order_line_id=l.order_line_id, quantity=l.quantity,
                              reason_code=l.reason_code, reason_text=l.reason_text,
                              resolution=l.resolution, exchange_sku=l.exchange_sku,
                              photo_ids=tuple(l.photo_ids), seal_intact=l.seal_intact)
                    for l in body.lines))
    outcome = create_return_workflow(ctx, claims, data, idempotency_key=idempotency_key)
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return return_view(ctx, returns.get_return_for_customer(session, claims, outcome.rma),
                       outcome.follow_up_error)


@router.get("/returns/{rma}", response_model=schemas.ReturnOut, tags=["returns"], responses=ERRORS)
def get_return(rma: str, ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
               claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Status, timeline in plain words, label link and expected refund date."""
    return return_view(ctx, returns.get_return_for_customer(session, claims, rma))


@router.post("/returns/{rma}/cancel", response_model=schemas.ReturnOut, tags=["returns"], responses=ERRORS)
def cancel_return(rma: str, ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                  claims: CustomerClaims = Depends(customer_claims)) -> dict:
    canonical = cancel_for_customer(ctx, claims, rma)
    return return_view(ctx, returns.get_return_for_customer(session, claims, canonical))


@router.post("/returns/{rma}/label", response_model=schemas.ReturnOut, tags=["returns"],
             responses={**ERRORS, 503: {"model": schemas.ErrorOut}})
def retry_label(rma: str, ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Ask again for the label of an approved return whose carrier call failed."""
    ret = returns.get_return_for_customer(session, claims, rma)
    issue_label(ctx, ret.rma, actor="customer")
    session.expire_all()
    return return_view(ctx, returns.get_return_for_customer(session, claims, rma))


def photo_out(photo: Photo) -> dict:
    return {"photo_id": photo.public_id, "content_type": photo.content_type, "width": photo.width,
            "height": photo.height, "size_bytes": photo.size_bytes}


@router.post("/photos", response_model=schemas.PhotoOut, status_code=201, tags=["photos"],
             responses={**ERRORS, 413: {"model": schemas.ErrorOut}, 415: {"model": schemas.ErrorOut}})
async def upload_photo(file: UploadFile = File(...), ctx: BackendContext = Depends(get_ctx),
                       claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Upload a photo before the return exists; pass its id in the return's ``photo_ids``."""
    data = await read_upload(file, ctx.settings.photo_max_bytes)
    photo = photos.store_photo(ctx, claims, data, file.content_type)
    return photo_out(photo)


@router.post("/returns/{rma}/photos", response_model=schemas.AttachPhotoOut, status_code=201,
             tags=["photos"], responses={**ERRORS, 413: {"model": schemas.ErrorOut},
                                         415: {"model": schemas.ErrorOut}})
async def attach_photo(rma: str, file: UploadFile = File(...), return_line_id: Optional[int] = Form(None),
                       ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                       claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Add a photo to a return; a return held only for a missing photo then moves on."""
    data = await read_upload(file, ctx.settings.photo_max_bytes)
    photo, error = attach_photo_workflow.attach_photo(ctx, claims, rma, data, file.content_type,
                                                      return_line_id)
    ret = returns.get_return_for_customer(session, claims, rma)
    return {"photo": photo_out(photo), "return": return_view(ctx, ret, error)}


@router.post("/returns/{rma}/uploaded-photos", response_model=schemas.AttachUploadedOut, status_code=201,
             tags=["photos"], responses=ERRORS)
def attach_uploaded_photos(rma: str, body: schemas.AttachUploadedIn, ctx: BackendContext = Depends(get_ctx),
                           session: Session = Depends(db_session),
                           claims: CustomerClaims = Depends(customer_claims)) -> dict:
    """Add photos uploaded earlier (``/photos``, or the chat's) to a return, by their ids.

    The assistant calls this when a customer sends the photo a return was waiting for; a
    return held only for that photo is decided again and, when approved, gets its label.
    """
    attached, error = attach_photo_workflow.attach_uploaded_photos(ctx, claims, rma, body.photo_ids,
                                                                   body.conversation_id or None)
    ret = returns.get_return_for_customer(session, claims, rma)
    return {"photos": [photo_out(p) for p in attached], "return": return_view(ctx, ret, error)}


@router.get("/policy/faq", response_model=schemas.FaqOut, tags=["policy"])
def policy_faq(language: str = Query(DEFAULT_LANGUAGE, pattern=LANGUAGE_PATTERN),
               ctx: BackendContext = Depends(get_ctx)) -> dict:
    """The policy's questions and answers, generated from the shop's policy file."""
    return {"language": language, "policy_version": ctx.policy.version,
            "entries": ctx.policy.faq(language)}


@router.post("/handoffs", response_model=schemas.HandoffRequestOut, status_code=201, tags=["handoff"],
             responses=ERRORS)
def create_handoff(body: schemas.HandoffIn, ctx: BackendContext = Depends(get_ctx),
                   x_customer_token: Optional[str] = Header(None)) -> dict:
    """The customer wants a person: queue the conversation for the agents.

    The customer is known when the token says so, or when the conversation was verified.
    The answer says what the bot may promise: open now or when, agents online, the wait.
    """
    claims = customer_claims(x_customer_token, None, ctx) if x_customer_token else None
    if claims is None:
        try:
            claims = verification.conversation_claims(ctx, body.conversation_id)
        except Unauthorized:
            claims = None
    return request_handoff(ctx, conversation_id=body.conversation_id, channel=body.channel,
                           language=body.language, reason=body.reason, summary=body.summary, claims=claims)
