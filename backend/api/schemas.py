"""Request and response bodies of the public API (pydantic 1.10, which Rasa pins)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Type

import pydantic
from pydantic import Field, confloat, conint, constr

from common.conversation_ids import CONVERSATION_ID_RE
from common.languages import DEFAULT_LANGUAGE, ERROR_MESSAGE_FIELDS, LANGUAGE_PATTERN, LANGUAGES


def utc_timestamp(value: dt.datetime) -> str:
    """ISO 8601 with its offset; the database keeps naive datetimes, all of them UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat()


def _nullable_optionals(schema: Dict[str, Any], model: Type[pydantic.BaseModel]) -> None:
    """Say in the schema that an Optional field may be null (pydantic 1 leaves it out)."""
    properties = schema.get("properties", {})
    for field in model.__fields__.values():
        prop = properties.get(field.alias)
        if field.allow_none and prop is not None and "anyOf" not in prop:
            title = prop.pop("title", None)
            properties[field.alias] = {"anyOf": [prop, {"type": "null"}],
                                       **({"title": title} if title else {})}


class BaseModel(pydantic.BaseModel):
    # Every body of the API: timestamps in UTC with their zone, nullable fields said so.
    # (A comment, not a docstring: pydantic would give it to every model's schema.)
    class Config:
        json_encoders = {dt.datetime: utc_timestamp}
        schema_extra = staticmethod(_nullable_optionals)


# A text in every language (common.languages.Localized): {"en": ..., "fr": ...}. Built from
# LANGUAGES, like the error body's message fields below, so a language is added in one place.
Texts = pydantic.create_model("Texts", __base__=BaseModel,
                              **{language: (str, ...) for language in LANGUAGES})


class FieldErrorOut(BaseModel):
    location: List[str]
    message: str
    type: str


# {"code", "message", "message_fr"}: English in "message", the other languages beside it.
ErrorBody = pydantic.create_model("ErrorBody", __base__=BaseModel, code=(str, ...),
                                  **{name: (str, ...) for name in ERROR_MESSAGE_FIELDS})


class ErrorDetail(ErrorBody):
    """An error answer's body; some errors add fields of their own (current_status, ...)."""

    fields: Optional[List[FieldErrorOut]] = Field(None, description="Validation errors: which field, why")
    retry_after: Optional[int] = Field(None, description="Seconds to wait (rate limits)")


class ErrorOut(BaseModel):
    """The shape of every error answer."""

    error: ErrorDetail


class VerifyIn(BaseModel):
    reference: constr(strip_whitespace=True, min_length=1, max_length=64) = Field(
        ..., description="Order number (BM-104217) or RMA (R-7K4M-2QX9)")
    contact: constr(strip_whitespace=True, min_length=3, max_length=254) = Field(
        ..., description="The email or phone number used for the order")
    conversation_id: Optional[constr(regex=CONVERSATION_ID_RE.pattern)] = Field(
        None, description="The assistant's conversation (web-…, sms:+33…, rest:…): the proof is "
                          "kept server-side for it, and no customer token is returned")


class CustomerOut(BaseModel):
    first_name: str
    language: str


class OrderSummary(BaseModel):
    number: str
    ordered_at: dt.datetime
    delivered_on: Optional[dt.date]


class VerifyOut(BaseModel):
    customer_token: Optional[str] = Field(
        None, description="For direct API callers; null when a conversation was verified")
    conversation_id: Optional[str] = None
    expires_at: dt.datetime
    customer: CustomerOut
    order: OrderSummary


class ExchangeOptionOut(BaseModel):
    sku: str
    size: Optional[str]
    colour: Optional[str]
    available: int
    colour_fr: Optional[str] = Field(None, description="The colour's French name (null: use colour)")


class ReturnableLineOut(BaseModel):
    order_line_id: int
    sku: str
    name: str
    name_fr: Optional[str]
    category: str
    size: Optional[str]
    colour: Optional[str]
    colour_fr: Optional[str] = Field(None, description="The colour's French name (null: use colour)")
    quantity_ordered: int
    quantity_returnable: int
    quantity_in_returns: int
    unit_paid_minor: int
    currency: str
    eligible: bool
    reason_codes: List[str]
    explanation: Texts
    window_ends_on: Optional[dt.date]
    exchange_options: List[ExchangeOptionOut]
    guarantee_ends_on: Optional[dt.date] = Field(
        None, description="Last day of the legal guarantee of conformity (a faulty, damaged, "
                          "wrong or not-as-described item), when the shop's law gives one")
    needs_seal_answer: bool = Field(
        False, description="Returnable only if its seal (hygiene liner, sealed media) is intact: "
                           "ask the customer and send the answer as the line's seal_intact")


class ReturnableOut(BaseModel):
    order: OrderSummary
    lines: List[ReturnableLineOut]


class ReturnLineIn(BaseModel):
    order_line_id: int
    quantity: int = Field(1, ge=1, le=100)
    reason_code: constr(strip_whitespace=True, min_length=1, max_length=30)
    reason_text: Optional[constr(max_length=2000)] = None
    resolution: constr(strip_whitespace=True, min_length=1, max_length=20) = Field(
        "refund", description="refund | exchange | store_credit, or a remedy of the legal "
                              "guarantee for a faulty, damaged, wrong or not-as-described item: "
                              "repair | replacement (the same item) | price_reduction")
    exchange_sku: Optional[constr(strip_whitespace=True, max_length=64)] = None
    photo_ids: List[constr(max_length=40)] = Field(default_factory=list, max_items=10)
    seal_intact: Optional[bool] = Field(
        None, description="The customer's answer for a sealed item (needs_seal_answer): is the "
                          "seal intact? null: not asked")


class CreateReturnIn(BaseModel):
    order_number: constr(strip_whitespace=True, min_length=1, max_length=32)
    lines: List[ReturnLineIn] = Field(..., min_items=1, max_items=50)
    channel: constr(strip_whitespace=True, max_length=20) = "api"
    language: constr(regex=LANGUAGE_PATTERN) = DEFAULT_LANGUAGE
    conversation_id: Optional[constr(strip_whitespace=True, max_length=128)] = Field(
        None, description="The chat conversation: photos uploaded there (unclaimed) may be used")


class MoneyOut(BaseModel):
    currency: str
    restocking_fee_minor: int
    shipping_fee_minor: int
    refund_amount_minor: int
    delivery_refund_minor: int = Field(
        0, description="The order's delivery cost included in the refund (whole order withdrawn)")
    refund_reduction_minor: int = Field(
        0, description="What the warehouse took off the refund: units missing at receipt, damage "
                       "found at inspection (refund_amount_minor is the amount decided before it)")


class DecisionOut(BaseModel):
    reason_codes: List[str]
    explanation: Texts
    policy_version: str
    returnless: bool


class ReturnLineOut(BaseModel):
    id: int
    order_line_id: int
    sku: str
    name: Texts
    quantity: int
    reason_code: str
    reason_text: Optional[str]
    resolution: str
    exchange_sku: Optional[str]
    eligible: bool
    reason_codes: List[str]
    restocking_fee_minor: int
    refund_amount_minor: int
    photo_count: int
    grade: Optional[str]
    disposition: Optional[str]
    legal_basis: str = Field("commercial", description="Which rules decided the line: commercial "
                                                        "(the shop's policy) | withdrawal (the 14-day "
                                                        "right) | guarantee (legal guarantee of conformity)")
    seal_intact: Optional[bool] = Field(None, description="The customer's answer about the seal "
                                                          "(null: not asked)")


class LabelOut(BaseModel):
    url: str
    carrier: str
    tracking_number: str
    expires_at: dt.datetime


class RefundOut(BaseModel):
    id: int
    amount_minor: int
    currency: str
    method: str
    status: str
    issued_at: Optional[dt.datetime]


class TimelineEntry(BaseModel):
    status: str
    text: Texts
    at: dt.datetime


class ReturnOut(BaseModel):
    rma: str
    status: str
    status_text: Texts
    order_number: str
    language: str
    channel: str
    created_at: dt.datetime
    decision: DecisionOut
    money: MoneyOut
    lines: List[ReturnLineOut]
    label: Optional[LabelOut]
    refunds: List[RefundOut]
    expected_refund_by: Optional[dt.date]
    refund_due_on: Optional[dt.date] = Field(
        None, description="The legal refund deadline of a return under the withdrawal right "
                          "(14 days from the request, Code de la consommation L221-24)")
    refund_late: bool = Field(
        False, description="refund_due_on has passed and the refund owed is not issued yet")
    next_step: Texts
    timeline: List[TimelineEntry]
    follow_up_error: Optional[ErrorBody] = None


class ReturnListOut(BaseModel):
    returns: List[ReturnOut]


class PhotoOut(BaseModel):
    photo_id: str
    content_type: str
    width: int
    height: int
    size_bytes: int


class AttachPhotoOut(BaseModel):
    photo: PhotoOut
    ret: ReturnOut = Field(..., alias="return")

    class Config:
        allow_population_by_field_name = True


class AttachUploadedIn(BaseModel):
    photo_ids: List[constr(strip_whitespace=True, min_length=1, max_length=40)] = Field(
        ..., min_items=1, max_items=5)
    conversation_id: Optional[constr(strip_whitespace=True, max_length=128)] = Field(
        None, description="The chat conversation: photos uploaded there (unclaimed) may be used")


class AttachUploadedOut(BaseModel):
    photos: List[PhotoOut]
    ret: ReturnOut = Field(..., alias="return")

    class Config:
        allow_population_by_field_name = True


class FaqEntry(BaseModel):
    topic: str
    question: str
    answer: str


class FaqOut(BaseModel):
    language: str
    policy_version: str
    entries: List[FaqEntry]


class TransitionIn(BaseModel):
    to_status: constr(strip_whitespace=True, min_length=1, max_length=20)
    actor: constr(strip_whitespace=True, min_length=1, max_length=80)
    note: Optional[constr(max_length=2000)] = None
    grades: Dict[int, constr(max_length=1)] = Field(default_factory=dict)
    dispositions: Dict[int, constr(max_length=20)] = Field(default_factory=dict)


class ExpiryOut(BaseModel):
    expired: List[str]


class PartnerDeliveryOut(BaseModel):
    """One event still owed to one partner (the destination's URL is masked)."""

    event_id: str
    rma: str
    type: str
    sequence: int
    created_at: dt.datetime
    destination: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: Optional[str]


class PartnerFeedOut(BaseModel):
    total: int
    undelivered: List[PartnerDeliveryOut]


class HandoffIn(BaseModel):
    conversation_id: constr(strip_whitespace=True, min_length=1, max_length=128)
    channel: constr(strip_whitespace=True, min_length=1, max_length=40)
    language: constr(regex=r"^(en|fr)$") = "en"
    reason: constr(strip_whitespace=True, min_length=1, max_length=60) = Field(
        "asked", description="asked | repeated_failures | needs_review | backend_failure "
                             "(anything else counts as asked)")
    summary: Optional[constr(max_length=2000)] = None


class HandoffOut(BaseModel):
    id: int
    conversation_id: str
    channel: str
    language: str
    reason: str
    summary: Optional[str]
    status: str = Field(..., description="queued | claimed | returned | closed | cancelled")
    verified_customer: bool
    assigned_staff_id: Optional[int] = None
    assigned_to: Optional[str] = None
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime] = None
    first_response_at: Optional[dt.datetime] = None
    ended_at: Optional[dt.datetime] = None
    callback_via: Optional[str] = Field(
        None, description="sms | email: the customer asked for the team's answer that way (null: on the chat)")
    updated_at: Optional[dt.datetime] = None
    csat_score: Optional[int] = None
    waiting_seconds: Optional[int] = None
    order_number: Optional[str] = Field(None, description="The order it is about, when known (lists only)")
    rma: Optional[str] = Field(None, description="The return it is about, when known (lists only)")


class HandoffRequestOut(HandoffOut):
    open_now: bool = Field(..., description="Is the team within its opening hours now?")
    agents_online: int = Field(..., description="Agents with a console open in the last minutes")
    wait_minutes: Optional[int] = Field(
        None, description="A wait the shop can keep; null when there is too little data to say")
    opens_at: Optional[dt.datetime] = Field(None, description="When the team opens next, if closed now")
    shop_timezone: str = Field(..., description="The shop's time zone (IANA name): say opens_at in it")


class HandoffListOut(BaseModel):
    handoffs: List[HandoffOut]
    next_before: Optional[int] = Field(None, description="Pass as ?before= for the next page; null: no more")


class CustomerMessageIn(BaseModel):
    text: Optional[constr(max_length=4000)] = None
    intent: Optional[constr(max_length=80)] = None
    confidence: Optional[confloat(ge=0, le=1)] = None
    photo_ids: List[constr(max_length=40)] = Field(default_factory=list, max_items=10)
    channel: Optional[constr(max_length=40)] = None


class CustomerMessageOut(BaseModel):
    handoff_id: int
    status: str


class CsatIn(BaseModel):
    score: Optional[conint(ge=1, le=5)] = Field(None, description="1 (bad) to 5 (great); null = skipped")


class CsatOut(BaseModel):
    handoff_id: int
    csat_score: Optional[int]


class HandoffStateOut(BaseModel):
    status: str
    agent_name: Optional[str]
    wait_minutes: Optional[int]
    open_now: bool


class UploadTokenIn(BaseModel):
    conversation_id: Optional[constr(max_length=200)] = Field(
        None, description="null for a new web conversation, or the one to refresh")


class UploadTokenOut(BaseModel):
    conversation_id: str
    upload_token: str
    expires_in: int
    upload_url: str


class SmsOptOutOut(BaseModel):
    phone: str
    opted_out: bool


class LoginIn(BaseModel):
    email: constr(strip_whitespace=True, min_length=3, max_length=254) = Field(
        ..., description="The staff account's email (any case)")
    password: constr(min_length=1, max_length=1024) = Field(..., description="Never logged nor echoed")


class StaffSessionOut(BaseModel):
    """A signed-in staff member (the page sign-in answers this, its token is in a cookie)."""

    expires_at: dt.datetime = Field(..., description="The session's absolute end (it also ends after "
                                                     "idle_timeout_seconds without use)")
    idle_timeout_seconds: int
    email: str
    name: str
    role: constr(regex=r"^(agent|supervisor|warehouse|admin)$")
    language: constr(regex=r"^(en|fr)$")


class LoginOut(StaffSessionOut):
    access_token: str = Field(..., description="Send as `Authorization: Bearer <access_token>`")
    token_type: constr(regex=r"^bearer$") = "bearer"


class StaffMeOut(BaseModel):
    kind: constr(regex=r"^(account|staff_token)$") = Field(
        ..., description="account: a signed-in person; staff_token: the install's staff token")
    email: str
    name: str
    role: constr(regex=r"^(agent|supervisor|warehouse|admin)$")
    language: constr(regex=r"^(en|fr)$")
    expires_at: Optional[dt.datetime] = Field(None, description="The session's absolute end (accounts)")
