"""What the agent console reads: the queue and the history, one handed-over conversation
with everything the bot knew (the supervisor's board is ``backend.queries.handoff_board``).

The conversation before the handoff is read from Rasa (the outbound port's ``history``),
the part after it from ``handoff_messages``; the customer panel shows who they are
(name, masked contact: the agent writes through the conversation, never to an address),
their orders, the return and the policy's decision with its reason codes. The summary and
the "bot's view" are built from what the bot recorded, so the agent never asks again.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.adapters.conversations.base import ConversationEvent
from backend.context import BackendContext
from backend.db.models import (
    Customer,
    HandoffMessage,
    HandoffRequest,
    Order,
    Photo,
    ReturnRequest,
    StaffAccount,
    StaffSession,
)
from backend.domain.wait_estimate import estimate_wait_minutes
from backend.queries.return_view import return_view
from common.pii import mask_email, mask_phone, mask_text

AGENT_ROLES = ("agent", "supervisor", "admin")
# Slots worth showing an agent (the rest are the dialogue's bookkeeping).
SLOTS_SHOWN = ("language", "order_reference", "order_number", "verified", "customer_first_name",
               "return_item", "return_quantity", "return_reason", "return_reason_text",
               "return_resolution", "exchange_sku", "last_rma", "failed_answers", "requested_slot")


def online_staff(session: Session, *, now: dt.datetime, within_seconds: int) -> set[int]:
    """Accounts that can take a conversation with a console seen in the last seconds."""
    since = now - dt.timedelta(seconds=within_seconds)
    return set(session.execute(select(StaffSession.account_id.distinct())
                               .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
                               .where(StaffAccount.active.is_(True), StaffAccount.role.in_(AGENT_ROLES),
                                      StaffSession.revoked_at.is_(None), StaffSession.expires_at > now,
                                      StaffSession.last_seen_at >= since)).scalars())


def agents_online(session: Session, *, now: dt.datetime, within_seconds: int) -> int:
    """How many of them (:func:`online_staff`)."""
    return len(online_staff(session, now=now, within_seconds=within_seconds))


def wait_minutes(session: Session, handoff: HandoffRequest, *, now: dt.datetime, agents: int) -> int | None:
    """The wait to promise this customer (``backend.domain.wait_estimate``)."""
    ahead = session.execute(select(func.count()).select_from(HandoffRequest).where(
        HandoffRequest.status == "queued", HandoffRequest.id < handoff.id)).scalar_one()
    return estimate_wait_minutes(recent_claim_waits(session, now=now), ahead_in_queue=ahead, agents_online=agents)


def recent_claim_waits(session: Session, *, now: dt.datetime, days: int = 7, limit: int = 50) -> list[float]:
    """Seconds between request and claim for the latest claimed handoffs."""
    rows = session.execute(select(HandoffRequest.created_at, HandoffRequest.claimed_at).where(
        HandoffRequest.claimed_at.is_not(None), HandoffRequest.claimed_at >= now - dt.timedelta(days=days))
        .order_by(HandoffRequest.claimed_at.desc()).limit(limit)).all()
    return [(claimed - created).total_seconds() for created, claimed in rows]


def _staff_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(StaffAccount.id, StaffAccount.display_name)
                                .where(StaffAccount.id.in_(ids))).all())


def handoff_view(h: HandoffRequest, names: dict[int, str] | None = None) -> dict:
    """One handoff as lists show it (no customer details beyond "verified or not")."""
    return {"id": h.id, "conversation_id": h.conversation_id, "channel": h.channel, "language": h.language,
            "reason": h.reason, "summary": mask_text(h.summary) if h.summary else h.summary, "status": h.status,
            "verified_customer": h.customer_id is not None,
            "assigned_staff_id": h.assigned_staff_id,
            "assigned_to": (names or {}).get(h.assigned_staff_id) if h.assigned_staff_id else None,
            "created_at": h.created_at, "claimed_at": h.claimed_at, "first_response_at": h.first_response_at,
            "ended_at": h.ended_at, "updated_at": h.updated_at, "csat_score": h.csat_score,
            "callback_via": h.callback_via}


def describe(session: Session, h: HandoffRequest) -> dict:
    """:func:`handoff_view` with the assigned agent's name."""
    return handoff_view(h, _staff_names(session, {h.assigned_staff_id} if h.assigned_staff_id else set()))


def message_view(m: HandoffMessage, names: dict[int, str] | None = None) -> dict:
    return {"id": m.id, "kind": m.kind, "text": m.text, "photo_id": m.photo_public_id,
            "intent": m.intent, "confidence": m.confidence, "delivery": m.delivery,
            "author": (names or {}).get(m.staff_id) if m.staff_id else None, "at": m.created_at}


def _search(text: str):
    """Handoffs whose order number, or whose return's RMA or order number, contains ``text``
    (letters, digits and dashes only: the route checks it, so no wildcard gets through)."""
    pattern = f"%{text}%"
    orders = select(Order.id).where(Order.number.ilike(pattern))
    returns = select(ReturnRequest.id).where(or_(ReturnRequest.rma.ilike(pattern), ReturnRequest.order_id.in_(orders)))
    return or_(HandoffRequest.order_id.in_(orders), HandoffRequest.return_id.in_(returns))


def _references(session: Session, rows: list[HandoffRequest]) -> tuple[dict[int, str], dict[int, tuple[str, int]]]:
    """Order numbers by order id, and (RMA, order id) by return id, for a page of handoffs."""
    return_ids = {h.return_id for h in rows if h.return_id}
    returns = {rid: (rma, oid) for rid, rma, oid in session.execute(
        select(ReturnRequest.id, ReturnRequest.rma, ReturnRequest.order_id)
        .where(ReturnRequest.id.in_(return_ids)))} if return_ids else {}
    order_ids = {h.order_id for h in rows if h.order_id} | {oid for _rma, oid in returns.values()}
    orders = dict(session.execute(select(Order.id, Order.number).where(Order.id.in_(order_ids))).all()) \
        if order_ids else {}
    return orders, returns


def queue(session: Session, statuses: tuple[str, ...], *, now: dt.datetime, limit: int = 200,
          before: int | None = None, search: str | None = None, newest_first: bool = False) -> list[dict]:
    """Handoffs in these statuses: oldest first (a queue), or newest first (the history,
    paged with ``before``, the smallest id of the previous page); each with its wait and the
    order number and RMA it is about, when known."""
    query = select(HandoffRequest).where(HandoffRequest.status.in_(statuses))
    if before is not None:
        query = query.where(HandoffRequest.id < before)
    if search:
        query = query.where(_search(search))
    order = HandoffRequest.id.desc() if newest_first else HandoffRequest.id
    rows = list(session.execute(query.order_by(order).limit(limit)).scalars())
    names = _staff_names(session, {h.assigned_staff_id for h in rows if h.assigned_staff_id})
    orders, returns = _references(session, rows)
    views = []
    for h in rows:
        view = handoff_view(h, names)
        waited_until = h.claimed_at or h.ended_at or now
        view["waiting_seconds"] = max(0, int((waited_until - h.created_at).total_seconds()))
        rma, return_order = returns.get(h.return_id, (None, None)) if h.return_id else (None, None)
        view["rma"] = rma
        view["order_number"] = orders.get(h.order_id or return_order) if (h.order_id or return_order) else None
        views.append(view)
    return views


def _customer_panel(session: Session, h: HandoffRequest) -> dict | None:
    if h.customer_id is None:
        return None
    customer = session.get(Customer, h.customer_id)
    if customer is None:
        return None
    orders = session.execute(select(Order).where(Order.customer_id == customer.id)
                             .order_by(Order.ordered_at.desc()).limit(10)).scalars()
    return {"name": customer.name, "email": mask_email(customer.email),
            "phone": mask_phone(customer.phone) if customer.phone else None,
            "language": customer.preferred_language,
            "orders": [{"number": o.number, "ordered_at": o.ordered_at, "delivered_on": o.delivered_on,
                        "currency": o.currency, "verified": o.id == h.order_id,
                        "items": [{"sku": line.variant.sku, "quantity": line.quantity,
                                   "paid_minor": line.paid_minor} for line in o.lines]}
                       for o in orders]}


def _bot_view(turns: list[Any], slots: dict[str, Any]) -> dict:
    customer_turns = [t for t in turns if t.kind == "customer"]
    return {
        "turns": [{"text": t.text, "intent": t.intent, "confidence": t.confidence,
                   "entities": t.details.get("entities", [])} for t in customer_turns],
        "failed_answers": sum(1 for t in turns if t.details.get("failed_answer")),
        "slots": {k: slots.get(k) for k in SLOTS_SHOWN if slots.get(k) not in (None, "", [])},
    }


def summary_lines(h: HandoffRequest, customer: dict | None, ret: dict | None, slots: dict[str, Any],
                  language: str = "en") -> list[str]:
    """Who, which order, why, what the bot decided, why it handed over: in a few lines."""
    lines = []
    who = customer["name"] if customer else ("unverified customer" if language == "en" else "client non vérifié")
    lines.append(f"{who} · {h.channel} · {h.language.upper()}")
    order = next((o["number"] for o in (customer or {}).get("orders", []) if o["verified"]), None) \
        or slots.get("order_number")
    if order:
        lines.append(("Order " if language == "en" else "Commande ") + str(order))
    if ret:
        reasons = ", ".join(sorted({l["reason_code"] for l in ret["lines"]}))
        lines.append(f"{ret['rma']} · {ret['status']} · {reasons} · "
                     f"{', '.join(ret['decision']['reason_codes']) or '—'}")
    elif slots.get("return_reason"):
        lines.append(("Reason: " if language == "en" else "Motif : ") + str(slots["return_reason"]))
    lines.append(("Handed over: " if language == "en" else "Transféré : ") + h.reason)
    return lines


def before_handoff(turns: list[ConversationEvent], started: dt.datetime) -> list[ConversationEvent]:
    """The turns with the bot before this handoff began (the console's "With the bot").

    What was said once it began — relayed customer messages, the agent's replies, the
    "joined" line — is the handoff's own transcript (its messages) and would be shown twice.
    The cut is the pause Rasa recorded when this handoff opened (the first one from
    ``started`` on; ``started`` is naive UTC cut to the second, the tracker's times are
    epoch with fractions, hence the second's allowance). Without a pause in the history
    (a channel that records none), the cut is by time: after ``started``'s second, only
    the bot's own answer to the request is kept. The pause markers themselves are not shown.
    """
    start = started.replace(tzinfo=dt.timezone.utc).timestamp()
    pauses = [i for i, t in enumerate(turns) if t.details.get("paused") and (t.at is None or t.at >= start - 1.0)]
    if pauses:
        return [t for t in turns[:pauses[0]] if not t.details.get("paused")]
    kept: list[ConversationEvent] = []
    for turn in turns:
        if turn.at is not None and turn.at > start + 1.0 and turn.kind != "bot":
            break
        kept.append(turn)
    return [t for t in kept if not t.details.get("paused")]


def conversation(ctx: BackendContext, session: Session, handoff_id: int, language: str = "en") -> dict | None:
    """Everything the console shows for one handoff; None when there is no such handoff."""
    h = session.get(HandoffRequest, handoff_id)
    if h is None:
        return None
    turns, slots = ctx.conversations.history(h.conversation_id)
    turns = before_handoff(turns, h.created_at)
    messages = list(h.messages)
    names = _staff_names(session, {m.staff_id for m in messages if m.staff_id}
                         | ({h.assigned_staff_id} if h.assigned_staff_id else set()))
    ret = session.get(ReturnRequest, h.return_id) if h.return_id else None
    ret_view = return_view(ctx, ret, for_staff=True) if ret is not None else None
    customer = _customer_panel(session, h)
    photos = session.execute(select(Photo.public_id, Photo.created_at).where(
        Photo.conversation_id == h.conversation_id).order_by(Photo.id)).all()
    return {
        "handoff": handoff_view(h, names),
        "history": [{"kind": t.kind, "text": t.text, "at": t.at, "intent": t.intent,
                     "confidence": t.confidence, "image": t.image, **t.details} for t in turns],
        "messages": [message_view(m, names) for m in messages],
        "photos": [{"id": p, "at": at} for p, at in photos],
        "customer": customer,
        "return": ret_view,
        "summary": summary_lines(h, customer, ret_view, slots, language),
        "bot_view": _bot_view(turns, slots),
    }

