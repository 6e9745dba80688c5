"""Handoffs: the one writer of a handoff's status, and its messages.

Every change of owner goes through :func:`move`, which asks the lifecycle
(``backend.domain.handoff_lifecycle``) and then changes the row only if nobody changed it
in between (a conditional UPDATE on the status it read): two agents claiming at once get
one claim and one 409, on SQLite and PostgreSQL alike. Each move is also written as an
``event`` message, so the transcript says who took, gave back or closed the conversation.

Summaries and messages are masked before they are stored ("c***@example.com", "***34"):
agents see what was asked, not the contact details (the verified customer's details are
in the console's customer panel, read from the orders).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.db.models import HandoffMessage, HandoffRequest
from backend.domain.handoff_lifecycle import (
    OPEN_STATUSES,
    HandoffMove,
    HandoffStatus,
    IllegalHandoffMove,
    check_move,
    normalize_reason,
)
from backend.services.errors import Conflict, NotFound
from common.pii import mask_text

OPEN = tuple(s.value for s in OPEN_STATUSES)
MAX_TEXT = 4000


@dataclass(frozen=True)
class Actor:
    """Who moves a handoff: a staff account (id and display name), or the customer/system."""

    name: str
    staff_id: int | None = None


def find_open(session: Session, conversation_id: str) -> HandoffRequest | None:
    return session.execute(select(HandoffRequest).where(
        HandoffRequest.conversation_id == conversation_id,
        HandoffRequest.status.in_(OPEN)).order_by(HandoffRequest.id.desc())).scalars().first()


def just_ended(session: Session, conversation_id: str, *, now: dt.datetime,
               within_seconds: int) -> HandoffRequest | None:
    """The conversation's handoff that ended in the last seconds (its hand-back in flight)."""
    return session.execute(select(HandoffRequest).where(
        HandoffRequest.conversation_id == conversation_id, HandoffRequest.ended_at.is_not(None),
        HandoffRequest.ended_at >= now - dt.timedelta(seconds=within_seconds))
        .order_by(HandoffRequest.id.desc())).scalars().first()


def get(session: Session, handoff_id: int) -> HandoffRequest:
    handoff = session.get(HandoffRequest, handoff_id)
    if handoff is None:
        raise NotFound("handoff_not_found")
    return handoff


def open_handoff(session: Session, *, conversation_id: str, channel: str, language: str, reason: str,
                 summary: str | None, customer_id: int | None, order_id: int | None,
                 return_id: int | None, at: dt.datetime) -> HandoffRequest:
    """Queue a handoff; asking twice in one conversation keeps the one already open."""
    summary = mask_text(summary)[:MAX_TEXT] if summary else summary
    existing = find_open(session, conversation_id)
    if existing is not None:
        if summary:
            existing.summary = summary
        existing.updated_at = at
        return existing
    handoff = HandoffRequest(
        conversation_id=conversation_id, channel=channel, language=language if language in ("en", "fr") else "en",
        reason=normalize_reason(reason), summary=summary, customer_id=customer_id, order_id=order_id,
        return_id=return_id, status=HandoffStatus.QUEUED.value, created_at=at, updated_at=at)
    session.add(handoff)
    session.flush()
    add_message(session, handoff, "event", text="requested", at=at)
    return handoff


def move(session: Session, handoff: HandoffRequest, what: HandoffMove, actor: Actor, *, at: dt.datetime,
         assignee: Actor | None = None) -> HandoffRequest:
    """Apply one lifecycle move, or raise 409 (illegal, or someone moved it first)."""
    current = handoff.status
    try:
        target = check_move(what, current)
    except IllegalHandoffMove as exc:
        raise Conflict("handoff_illegal_move", extra={"status": current},
                       status=STATUS_WORDS[exc.status.value], move=MOVE_WORDS[exc.move.value]) from None
    values: dict = {"status": target.value, "updated_at": at}
    owner = assignee or actor
    if what in (HandoffMove.CLAIM, HandoffMove.REASSIGN):
        values["assigned_staff_id"] = owner.staff_id
        if what is HandoffMove.CLAIM:
            values["claimed_at"] = at
    elif what is HandoffMove.RELEASE:
        values["assigned_staff_id"] = None
    elif target not in OPEN_STATUSES:
        values["ended_at"] = at
    changed = session.execute(update(HandoffRequest).where(
        HandoffRequest.id == handoff.id, HandoffRequest.status == current,
        *((HandoffRequest.assigned_staff_id == handoff.assigned_staff_id,)
          if what is not HandoffMove.CLAIM and handoff.assigned_staff_id is not None else ()),
    ).values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict("handoff_taken")
    session.refresh(handoff)
    detail = what.value if assignee is None else f"{what.value}:{assignee.name}"
    add_message(session, handoff, "event", text=detail, staff_id=actor.staff_id, at=at)
    return handoff


# The words for a state and a move inside the "illegal move" error, per language.
STATUS_WORDS = {s: {"en": s, "fr": fr} for s, fr in (
    ("queued", "en attente"), ("claimed", "pris en charge"), ("returned", "rendu à l'assistant"),
    ("closed", "clos"), ("cancelled", "annulé"))}
MOVE_WORDS = {m: {"en": en, "fr": fr} for m, en, fr in (
    ("claim", "be claimed", "prendre en charge"), ("reassign", "be reassigned", "réattribuer"),
    ("release", "be released", "remettre en file"), ("hand_back", "be handed back", "rendre à l'assistant"),
    ("close", "be closed", "clore"), ("cancel", "be cancelled", "annuler"))}


def add_message(session: Session, handoff: HandoffRequest, kind: str, *, at: dt.datetime,
                text: str | None = None, staff_id: int | None = None, photo_public_id: str | None = None,
                intent: str | None = None, confidence: float | None = None,
                delivery: str | None = None) -> HandoffMessage:
    """Store one transcript line (customer text masked; agents' own words kept as written)."""
    if text and kind == "customer":
        text = mask_text(text)
    message = HandoffMessage(handoff_id=handoff.id, kind=kind, staff_id=staff_id,
                             text=text[:MAX_TEXT] if text else text, photo_public_id=photo_public_id,
                             intent=intent[:80] if intent else None, confidence=confidence,
                             delivery=delivery, created_at=at)
    session.add(message)
    session.flush()
    if kind == "agent" and handoff.first_response_at is None:
        handoff.first_response_at = at
    return message


def set_callback(session: Session, handoff: HandoffRequest, via: str, *, at: dt.datetime) -> None:
    """How the customer wants the team's answer (``sms``/``email``); the last choice counts."""
    handoff.callback_via = via
    handoff.callback_at = at
    handoff.updated_at = at
    add_message(session, handoff, "event", text=f"callback_{via}", at=at)


def record_csat(session: Session, conversation_id: str, score: int | None, *, at: dt.datetime) -> HandoffRequest:
    """The customer's rating of the last closed handoff of this conversation (None: skipped)."""
    handoff = session.execute(select(HandoffRequest).where(
        HandoffRequest.conversation_id == conversation_id,
        HandoffRequest.status == HandoffStatus.CLOSED.value).order_by(HandoffRequest.id.desc())).scalars().first()
    if handoff is None:
        raise NotFound("no_closed_handoff")
    handoff.csat_score = score
    handoff.csat_at = at
    return handoff
