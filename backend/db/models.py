"""The returns domain as tables.

Money is always an integer count of minor units (cents) next to an ISO currency code, so
no float ever touches a refund. Every change of a return's status is a row in
``return_status_changes`` (who, when, from, to): the timeline a customer sees and the audit
trail a returns manager needs are the same data.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> dt.datetime:
    """Naive UTC timestamps: SQLite keeps no zone, so the whole backend agrees on UTC."""
    return dt.datetime.utcnow().replace(microsecond=0)


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-cased
    phone = Column(String(16), nullable=True, index=True)  # E.164, e.g. +33639981234
    name = Column(String(120), nullable=False)
    preferred_language = Column(String(2), nullable=False, default="en")
    sms_opt_out = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    orders = relationship("Order", back_populates="customer")

    __table_args__ = (CheckConstraint("preferred_language in ('en', 'fr')", name="ck_customer_lang"),)


class Product(Base):
    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    name_fr = Column(String(200), nullable=True)
    category = Column(String(60), nullable=False, index=True)
    final_sale = Column(Boolean, nullable=False, default=False)
    hygiene = Column(Boolean, nullable=False, default=False)  # sold sealed for hygiene
    # What the law's exceptions and the guarantee follow (Code de la consommation L221-28,
    # L217-7): made to the customer's order, perishable, audio/video/software sold sealed,
    # second-hand. Server defaults: rows from before these flags carry none of them.
    personalised = Column(Boolean, nullable=False, default=False, server_default=false())
    perishable = Column(Boolean, nullable=False, default=False, server_default=false())
    sealed_media = Column(Boolean, nullable=False, default=False, server_default=false())
    used_goods = Column(Boolean, nullable=False, default=False, server_default=false())

    variants = relationship("Variant", back_populates="product", order_by="Variant.id")


class Variant(Base):
    __tablename__ = "variants"

    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("products.id"), nullable=False, index=True)
    sku = Column(String(64), nullable=False, unique=True)
    size = Column(String(20), nullable=True)
    colour = Column(String(40), nullable=True)
    # The colour's French name from the catalogue (like Product.name_fr); empty: ``colour``.
    colour_fr = Column(String(40), nullable=True)
    price_minor = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)

    product = relationship("Product", back_populates="variants")
    inventory = relationship("InventoryItem", back_populates="variant")


class InventoryItem(Base):
    """Stock of one SKU at one location; ``reserved`` holds units promised to exchanges."""

    __tablename__ = "inventory_items"

    id = Column(Integer, primary_key=True)
    variant_id = Column(ForeignKey("variants.id"), nullable=False)
    location = Column(String(60), nullable=False)
    # sellable (full price; the only state exchanges reserve from), sellable_b (refurbished
    # or opened, sold as grade B), refurbish (waiting on the repair bench), resale_hold (kept
    # for the outlet or a resale partner). See backend.domain.stock.STOCK_STATES.
    state = Column(String(20), nullable=False, default="sellable", server_default="sellable")
    on_hand = Column(Integer, nullable=False, default=0)
    reserved = Column(Integer, nullable=False, default=0)

    variant = relationship("Variant", back_populates="inventory")

    __table_args__ = (
        UniqueConstraint("variant_id", "location", "state", name="uq_inventory_variant_location_state"),
        CheckConstraint("on_hand >= 0", name="ck_inventory_on_hand"),
        CheckConstraint("reserved >= 0", name="ck_inventory_reserved"),
    )


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    currency = Column(String(3), nullable=False)
    ordered_at = Column(DateTime, nullable=False)
    delivered_on = Column(Date, nullable=True)  # None: not delivered yet
    ship_name = Column(String(120), nullable=False)
    ship_line1 = Column(String(200), nullable=False)
    ship_city = Column(String(100), nullable=False)
    ship_postcode = Column(String(20), nullable=False)
    ship_country = Column(String(2), nullable=False)
    payment_reference = Column(String(64), nullable=True)
    # The standard delivery cost the customer paid: refunded when the whole order is
    # withdrawn (L221-24).
    delivery_paid_minor = Column(Integer, nullable=False, default=0, server_default="0")

    customer = relationship("Customer", back_populates="orders")
    lines = relationship("OrderLine", back_populates="order", order_by="OrderLine.id")


class OrderLine(Base):
    __tablename__ = "order_lines"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    variant_id = Column(ForeignKey("variants.id"), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price_minor = Column(Integer, nullable=False)  # list price per unit
    discount_minor = Column(Integer, nullable=False, default=0)  # whole-line discount
    paid_minor = Column(Integer, nullable=False)  # what the customer paid for the line

    order = relationship("Order", back_populates="lines")
    variant = relationship("Variant")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_order_line_qty"),
        CheckConstraint("paid_minor >= 0", name="ck_order_line_paid"),
    )

    @property
    def unit_paid_minor(self) -> int:
        """Paid price of one unit, discount spread evenly (remainder stays with the shop)."""
        return self.paid_minor // self.quantity


class ReturnRequest(Base):
    __tablename__ = "return_requests"

    id = Column(Integer, primary_key=True)
    rma = Column(String(16), nullable=False, unique=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    status = Column(String(20), nullable=False, index=True)
    channel = Column(String(20), nullable=False, default="api")
    language = Column(String(2), nullable=False, default="en")
    currency = Column(String(3), nullable=False)
    policy_version = Column(String(40), nullable=False)
    decision_reasons = Column(JSON, nullable=False, default=list)
    explanation_en = Column(Text, nullable=False, default="")
    explanation_fr = Column(Text, nullable=False, default="")
    returnless = Column(Boolean, nullable=False, default=False)
    restocking_fee_minor = Column(Integer, nullable=False, default=0)
    shipping_fee_minor = Column(Integer, nullable=False, default=0)
    refund_amount_minor = Column(Integer, nullable=False, default=0)
    # Under the withdrawal right: the legal refund deadline (L221-24, 14 days from the
    # request) and the order's delivery cost included in the refund (whole order withdrawn).
    refund_due_on = Column(Date, nullable=True)
    delivery_refund_minor = Column(Integer, nullable=False, default=0, server_default="0")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # The chat conversation the return was made in (common.conversation_ids), if any: a
    # web chat one is where the shop's news about the return is said (services.notifications).
    # Personal data: erasure clears it.
    conversation_id = Column(String(128), nullable=True)

    order = relationship("Order")
    customer = relationship("Customer")
    lines = relationship(
        "ReturnLine", back_populates="return_request", order_by="ReturnLine.id",
        cascade="all, delete-orphan",
    )
    history = relationship(
        "ReturnStatusChange", back_populates="return_request",
        order_by="ReturnStatusChange.id", cascade="all, delete-orphan",
    )
    labels = relationship("Label", back_populates="return_request", order_by="Label.id")
    unexpected_items = relationship("UnexpectedItem", order_by="UnexpectedItem.id")
    refunds = relationship("Refund", back_populates="return_request", order_by="Refund.id")
    overrides = relationship("PolicyOverride", back_populates="return_request",
                             order_by="PolicyOverride.id")


class ReturnLine(Base):
    __tablename__ = "return_lines"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    order_line_id = Column(ForeignKey("order_lines.id"), nullable=False, index=True)
    quantity = Column(Integer, nullable=False)
    reason_code = Column(String(30), nullable=False)
    reason_text = Column(Text, nullable=True)
    # refund | exchange | store_credit, or a remedy of the legal guarantee: repair |
    # replacement (the same variant, reserved like an exchange) | price_reduction
    resolution = Column(String(20), nullable=False)
    exchange_variant_id = Column(ForeignKey("variants.id"), nullable=True)
    exchange_location = Column(String(60), nullable=True)  # where the unit is reserved
    eligible = Column(Boolean, nullable=False, default=True)
    decision_reasons = Column(JSON, nullable=False, default=list)
    restocking_fee_minor = Column(Integer, nullable=False, default=0)
    refund_amount_minor = Column(Integer, nullable=False, default=0)
    # The customer's answer to "is the seal intact?" (hygiene or sealed media; None: not
    # asked) and which rules decided the line: commercial | withdrawal | guarantee.
    seal_intact = Column(Boolean, nullable=True)
    legal_basis = Column(String(12), nullable=False, default="commercial",
                         server_default="commercial")
    # Filled by the warehouse. Receipt: how many units arrived (None: not received yet).
    received_quantity = Column(Integer, nullable=True)
    # Inspection: grade (N/A/B/C/D), the flags the inspector set (battery, seal_broken, …),
    # notes, the claim-versus-parcel mismatches found (claimed_damage_not_found, …), and a
    # reduction of the refund with its reason code (missing_parts, …).
    grade = Column(String(1), nullable=True)
    inspection_flags = Column(JSON, nullable=True)
    inspection_notes = Column(Text, nullable=True)
    mismatches = Column(JSON, nullable=True)
    refund_reduction_minor = Column(Integer, nullable=False, default=0, server_default="0")
    refund_reduction_reason = Column(String(40), nullable=True)
    inspected_at = Column(DateTime, nullable=True)
    # Disposition: where the units go, the rule that said so (name and rules-file version),
    # the law's guards that changed it (codes), and the value it recovers.
    disposition = Column(String(20), nullable=True)
    disposition_rule = Column(String(60), nullable=True)
    disposition_rules_version = Column(String(40), nullable=True)
    disposition_guards = Column(JSON, nullable=True)
    recovery_percent = Column(Integer, nullable=True)
    value_recovered_minor = Column(Integer, nullable=True)

    return_request = relationship("ReturnRequest", back_populates="lines")
    order_line = relationship("OrderLine")
    exchange_variant = relationship("Variant")
    photos = relationship("Photo", back_populates="return_line", order_by="Photo.id")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_return_line_qty"),
        CheckConstraint(
            "resolution in ('refund', 'exchange', 'store_credit', 'repair', 'replacement', "
            "'price_reduction')", name="ck_return_line_resolution"
        ),
    )


class ReturnStatusChange(Base):
    __tablename__ = "return_status_changes"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    from_status = Column(String(20), nullable=True)  # None for the first state
    to_status = Column(String(20), nullable=False)
    actor = Column(String(80), nullable=False)
    note = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    return_request = relationship("ReturnRequest", back_populates="history")


class PolicyOverride(Base):
    """A person approved a return the policy had refused: who, why, and what they overrode.

    The audit trail of exceptions (``backend.services.policy_overrides`` is its one
    writer): ``reason`` is the staff member's own words (internal, never shown to the
    customer), ``overridden_codes`` the policy's reason codes of the refusal, ``actor`` as
    in the status history (``staff:<id>:<email>``, or ``staff-token``).
    """

    __tablename__ = "policy_overrides"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    staff_id = Column(ForeignKey("staff_accounts.id"), nullable=True)
    actor = Column(String(80), nullable=False)
    reason = Column(Text, nullable=False)
    overridden_codes = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    return_request = relationship("ReturnRequest", back_populates="overrides")
    staff = relationship("StaffAccount")

    __table_args__ = (
        CheckConstraint("length(reason) between 10 and 1000", name="ck_policy_override_reason"),
    )


class Photo(Base):
    """An uploaded, re-encoded image. ``public_id`` is what callers see and pass around.

    A photo sent in a chat before the customer is verified belongs only to its
    conversation (``customer_id`` empty); creating a return in that conversation claims it.
    A photo an agent sent the customer has no owner columns at all: the agent's
    ``handoff_messages`` line that sent it names it (``backend.queries.handoff_photos``).
    """

    __tablename__ = "photos"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(40), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=True, index=True)
    order_id = Column(ForeignKey("orders.id"), nullable=True)
    conversation_id = Column(String(80), nullable=True, index=True)
    return_line_id = Column(ForeignKey("return_lines.id"), nullable=True, index=True)
    content_type = Column(String(40), nullable=False)
    width = Column(Integer, nullable=False)
    height = Column(Integer, nullable=False)
    size_bytes = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    storage_path = Column(String(300), nullable=False)
    # customer (sent in the chat or by MMS) | warehouse (taken at inspection)
    source = Column(String(10), nullable=False, default="customer", server_default="customer")
    created_at = Column(DateTime, nullable=False, default=utcnow)

    return_line = relationship("ReturnLine", back_populates="photos")


class Label(Base):
    __tablename__ = "labels"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    carrier = Column(String(40), nullable=False)
    tracking_number = Column(String(64), nullable=False)
    download_token = Column(String(64), nullable=False, unique=True)
    storage_path = Column(String(300), nullable=False)
    # What the carrier charged for the label (postage), for the cost-per-return measure.
    cost_minor = Column(Integer, nullable=False, default=0, server_default="0")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)

    return_request = relationship("ReturnRequest", back_populates="labels")


class Refund(Base):
    __tablename__ = "refunds"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    amount_minor = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    method = Column(String(20), nullable=False)  # original_payment | store_credit
    status = Column(String(10), nullable=False, default="pending")  # pending | issued | failed
    provider = Column(String(40), nullable=False)
    provider_reference = Column(String(80), nullable=True)
    failure_reason = Column(Text, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    issued_at = Column(DateTime, nullable=True)

    return_request = relationship("ReturnRequest", back_populates="refunds")

    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="ck_refund_amount"),
        CheckConstraint("status in ('pending', 'issued', 'failed')", name="ck_refund_status"),
        CheckConstraint("method in ('original_payment', 'store_credit')", name="ck_refund_method"),
    )


class IdempotencyRecord(Base):
    """The stored answer to a create request, so a retried request creates nothing twice."""

    __tablename__ = "idempotency_records"

    id = Column(Integer, primary_key=True)
    scope = Column(String(40), nullable=False)
    key = Column(String(128), nullable=False)
    request_hash = Column(String(64), nullable=False)
    status_code = Column(Integer, nullable=False)
    response_body = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)


class VerificationAttempt(Base):
    """One attempt to prove who a customer is; failed ones count towards the rate limit.

    The reference is stored as a keyed hash, so this table is no list of valid orders.
    """

    __tablename__ = "verification_attempts"

    id = Column(Integer, primary_key=True)
    # Keyed hashes: an RMA is counted as its order, and the contact (email or phone) has
    # its own count, so guessing order numbers for one email is throttled too.
    reference_hash = Column(String(64), nullable=False, index=True)
    contact_hash = Column(String(64), nullable=True, index=True)
    client_key = Column(String(128), nullable=False, index=True)
    success = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class ConversationSession(Base):
    """A conversation whose customer proved who they are: the server side of "verified".

    The assistant keeps no bearer secret in its tracker; it names the conversation, and
    the backend finds here which customer and order that conversation verified. The id
    carries its channel (``web-…``, ``sms:+33…``, ``rest:…``), so a conversation carried
    on from another channel, or a ``verified`` slot copied elsewhere, grants nothing.
    """

    __tablename__ = "conversation_sessions"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, unique=True)
    channel = Column(String(20), nullable=False)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class HandoffRequest(Base):
    """A conversation handed to a person: who owns it now, why, and how it went.

    The states and moves are in ``backend.domain.handoff_lifecycle``; only
    ``backend.services.handoffs`` writes ``status``. Timestamps give the console its waiting
    times and the supervisor board its first-response times; ``csat_score`` is the
    customer's 1–5 rating after an agent closed it (empty when skipped).
    """

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    language = Column(String(2), nullable=False, default="en")
    reason = Column(String(60), nullable=False)
    summary = Column(Text, nullable=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=True)
    order_id = Column(ForeignKey("orders.id"), nullable=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=True)
    status = Column(String(12), nullable=False, default="queued")
    assigned_staff_id = Column(ForeignKey("staff_accounts.id"), nullable=True, index=True)
    claimed_at = Column(DateTime, nullable=True)
    first_response_at = Column(DateTime, nullable=True)
    ended_at = Column(DateTime, nullable=True)
    csat_score = Column(Integer, nullable=True)
    csat_at = Column(DateTime, nullable=True)
    # How the customer asked to be answered when nobody could join at once: ``sms`` or
    # ``email`` (to the verified customer's number or address); null: on the chat itself.
    callback_via = Column(String(5), nullable=True)
    callback_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    messages = relationship("HandoffMessage", back_populates="handoff", order_by="HandoffMessage.id")

    __table_args__ = (
        CheckConstraint("status in ('queued', 'claimed', 'returned', 'closed', 'cancelled')",
                        name="ck_handoff_status"),
        CheckConstraint("csat_score is null or (csat_score between 1 and 5)", name="ck_handoff_csat"),
        CheckConstraint("callback_via is null or callback_via in ('sms', 'email')", name="ck_handoff_callback"),
    )


class HandoffMessage(Base):
    """One line of a handed-over conversation as the agent sees it.

    ``kind``: ``customer`` (relayed by the channel while a person owns the conversation),
    ``agent`` (sent to the customer on their channel; ``delivery`` says whether it left),
    ``note`` (internal, never sent), ``event`` (claimed, handed back… with who). What the
    bot and the customer said before the handoff stays in Rasa's tracker and is read from
    there, so nothing is stored twice.
    """

    __tablename__ = "handoff_messages"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoff_requests.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)
    staff_id = Column(ForeignKey("staff_accounts.id"), nullable=True)
    text = Column(Text, nullable=True)
    photo_public_id = Column(String(40), nullable=True)
    intent = Column(String(80), nullable=True)
    confidence = Column(Float, nullable=True)
    delivery = Column(String(10), nullable=True)  # delivered | failed (agent messages only)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    handoff = relationship("HandoffRequest", back_populates="messages")

    __table_args__ = (
        CheckConstraint("kind in ('customer', 'agent', 'note', 'event')", name="ck_handoff_message_kind"),
    )


class SmsOptOut(Base):
    """A phone number that asked for no more SMS (STOP), customer or not yet.

    ``Customer.sms_opt_out`` mirrors it for customers with that number; either one is
    enough to stop a message.
    """

    __tablename__ = "sms_opt_outs"

    phone = Column(String(16), primary_key=True)  # E.164
    created_at = Column(DateTime, nullable=False, default=utcnow)


NOTIFICATION_KINDS = ("label_issued", "parcel_received", "refund_issued")
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class Notification(Base):
    """The outbox: a message owed to a customer, written with the status change behind it.

    One row per (return, kind), whatever the channel (SMS, the web chat's conversation or
    email: domain.notification_channel), so a notification can never be sent twice;
    ``sending`` marks a row a dispatcher has claimed (``claimed_at``), so two dispatchers
    never send the same row at once.
    """

    __tablename__ = "notifications"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    channel = Column(String(10), nullable=False, default="sms")  # sms | chat | email
    # E.164, the conversation id or the email address; empty when there is nowhere to send
    recipient = Column(String(254), nullable=True)
    language = Column(String(2), nullable=False, default="en")
    body = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    provider = Column(String(20), nullable=True)
    provider_message_id = Column(String(64), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    sent_at = Column(DateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("return_id", "kind", name="uq_notification_return_kind"),
        CheckConstraint("kind in ('label_issued', 'parcel_received', 'refund_issued')",
                        name="ck_notification_kind"),
        CheckConstraint("channel in ('sms', 'chat', 'email')", name="ck_notification_channel"),
        CheckConstraint("status in ('pending', 'sending', 'sent', 'failed', 'skipped')",
                        name="ck_notification_status"),
    )


class StaffAccount(Base):
    """A person of the shop who signs in: an agent, a supervisor, the warehouse, an admin.

    Accounts are never deleted (a return's history names who moved it): one that leaves
    is disabled. Only an Argon2 hash of the password is kept (``argon2-cffi``, in its
    encoded form, which carries its own parameters and salt).
    """

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-cased
    display_name = Column(String(120), nullable=False)
    role = Column(String(12), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    preferred_language = Column(String(2), nullable=False, default="en")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime, nullable=True)

    __table_args__ = (
        CheckConstraint("role in ('agent', 'supervisor', 'warehouse', 'admin')", name="ck_staff_role"),
        CheckConstraint("preferred_language in ('en', 'fr')", name="ck_staff_lang"),
        CheckConstraint("email = lower(email)", name="ck_staff_email_lower"),
    )


class StaffSession(Base):
    """A signed-in staff session, kept server-side so it can be revoked at once.

    The token itself (256 random bits) goes to the client only; the table keeps its
    SHA-256, so a copy of the table opens no session. A session ends at ``expires_at``
    (absolute lifetime), after the idle timeout past ``last_seen_at``, or when revoked
    (sign-out, account disabled, password changed).
    """

    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    account_id = Column(ForeignKey("staff_accounts.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime, nullable=True)

    account = relationship("StaffAccount")


class StaffLoginAttempt(Base):
    """One sign-in attempt; failed ones slow down guessing (per email and per client).

    The email is a keyed hash: what someone typed into the email box (sometimes a
    password) is not kept.
    """

    __tablename__ = "staff_login_attempts"

    id = Column(Integer, primary_key=True)
    email_hash = Column(String(64), nullable=False, index=True)
    client_key = Column(String(128), nullable=False, index=True)
    success = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class OutboxEvent(Base):
    """A return's status change as the CloudEvent partners receive: the feed's outbox.

    Written in the status change's own transaction (``backend.services.outbox``), so the
    feed never announces a change that was rolled back nor misses one that committed. The
    body is the exact JSON sent, kept as text: a redelivery sends the same bytes (same
    event id, same signature). ``id`` orders events; ``sequence`` counts a return's events
    from 1, for a partner to order them and notice a gap. No personal data is in the body.
    """

    __tablename__ = "outbox_events"

    id = Column(Integer, primary_key=True)
    event_id = Column(String(36), nullable=False, unique=True)  # the CloudEvent id, a UUID
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    rma = Column(String(16), nullable=False)
    sequence = Column(Integer, nullable=False)
    type = Column(String(80), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    deliveries = relationship("OutboxDelivery", back_populates="event", order_by="OutboxDelivery.id")

    __table_args__ = (
        UniqueConstraint("return_id", "sequence", name="uq_outbox_event_return_sequence"),
        CheckConstraint("sequence > 0", name="ck_outbox_event_sequence"),
    )


class OutboxDelivery(Base):
    """One event owed to one partner (a webhook URL, credentials masked, or ``amqp``).

    Made with the event for each destination configured then. ``next_attempt_at`` is both
    the back-off and the lease of a sender that claimed the row (a conditional UPDATE), so
    two sweeps never send the same row at once and a sender that died is retried once its
    lease has run out. ``last_error`` is short and names no secret (an HTTP status or an
    exception class, never a URL).
    """

    __tablename__ = "outbox_deliveries"

    id = Column(Integer, primary_key=True)
    event_id = Column(ForeignKey("outbox_events.id"), nullable=False, index=True)
    destination = Column(String(500), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)
    delivered_at = Column(DateTime, nullable=True)
    last_error = Column(String(200), nullable=True)

    event = relationship("OutboxEvent", back_populates="deliveries")

    __table_args__ = (
        UniqueConstraint("event_id", "destination", name="uq_outbox_delivery_event_destination"),
        CheckConstraint("attempts >= 0", name="ck_outbox_delivery_attempts"),
        # The sweep reads what is still owed to each destination.
        Index("ix_outbox_deliveries_owed", "destination", "delivered_at"),
    )


class UnexpectedItem(Base):
    """Something in a parcel that the return did not list (another SKU, an extra unit).

    Recorded at receipt, never dropped: ``code`` is what was scanned or typed, ``variant_id``
    the SKU it names when it names one of ours.
    """

    __tablename__ = "unexpected_items"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("return_requests.id"), nullable=False, index=True)
    code = Column(String(64), nullable=False)
    variant_id = Column(ForeignKey("variants.id"), nullable=True)
    quantity = Column(Integer, nullable=False, default=1)
    note = Column(Text, nullable=True)
    actor = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (CheckConstraint("quantity > 0", name="ck_unexpected_item_qty"),)


class DispositionOverride(Base):
    """A person changed the disposition the rules decided, with a reason (the audit trail)."""

    __tablename__ = "disposition_overrides"

    id = Column(Integer, primary_key=True)
    return_line_id = Column(ForeignKey("return_lines.id"), nullable=False, index=True)
    from_disposition = Column(String(20), nullable=False)
    to_disposition = Column(String(20), nullable=False)
    reason = Column(Text, nullable=False)
    staff_id = Column(ForeignKey("staff_accounts.id"), nullable=True)
    actor = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class InventoryMovement(Base):
    """One change of stock, never overwritten: ``on_hand`` of a (variant, location, state)
    is the sum of its movements' ``quantity`` (an ``opening`` movement carries the stock
    that existed before movements were kept).

    Units that leave the shop's stock for good (donated, recycled, disposed, returned to the
    vendor, written off) are movements too, in the state named after where they went, with
    no stock row behind them: their units and value are counted, not kept.
    """

    __tablename__ = "inventory_movements"

    id = Column(Integer, primary_key=True)
    variant_id = Column(ForeignKey("variants.id"), nullable=False, index=True)
    location = Column(String(60), nullable=False)
    state = Column(String(20), nullable=False)
    quantity = Column(Integer, nullable=False)  # signed: + into the state, - out of it
    kind = Column(String(24), nullable=False)  # opening | restock | refurbish_done | exchange_shipped | donate | …
    unit_value_minor = Column(Integer, nullable=False, default=0)
    return_line_id = Column(ForeignKey("return_lines.id"), nullable=True, index=True)
    actor = Column(String(80), nullable=False)
    note = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)

    __table_args__ = (CheckConstraint("quantity <> 0", name="ck_inventory_movement_qty"),)


class CarrierEvent(Base):
    """A carrier tracking event we acted on (EasyPost tracker webhook), kept once by its id
    so a redelivered webhook does nothing twice."""

    __tablename__ = "carrier_events"

    id = Column(Integer, primary_key=True)
    provider = Column(String(20), nullable=False)
    event_id = Column(String(80), nullable=False)
    tracking_number = Column(String(64), nullable=False, index=True)
    status = Column(String(30), nullable=False)
    return_id = Column(ForeignKey("return_requests.id"), nullable=True, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_carrier_event"),)
