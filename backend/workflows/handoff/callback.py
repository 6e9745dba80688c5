"""A reply later by SMS or email: the customer's choice, and the agent's replies that follow it.

The choice comes from the chat (see :mod:`backend.domain.handoff_callback`) and is
answered there at once. Each later agent reply is delivered on the chat as usual and also
sent by the chosen route, to the number or address on the customer's record (checked at
send time: a number that said STOP gets nothing). Whether that copy left is written in the
transcript as an event, so the agent sees it; a copy that failed is not retried on its own
(the reply itself is in the chat, and the agent can write again).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from backend.adapters.conversations.base import AgentMessage, DeliveryFailed
from backend.adapters.email.base import EmailError, OutgoingEmail
from backend.adapters.sms.base import SmsError, SmsMessage
from backend.context import BackendContext
from backend.db.models import Customer, HandoffRequest
from backend.db.session import session_scope
from backend.domain import handoff_callback as words
from backend.services import handoffs
from backend.services.sms_opt_outs import is_opted_out
from common.pii import mask_email, mask_phone

log = logging.getLogger(__name__)
# Conversations that are themselves an SMS thread (the Rasa channel's name).
SMS_CHANNELS = ("twilio_sms",)


def _contact(session: Session, handoff: HandoffRequest, via: str) -> str | None:
    """The number or address the shop holds for the handoff's verified customer, if usable."""
    customer = session.get(Customer, handoff.customer_id) if handoff.customer_id else None
    if customer is None:
        return None
    if via == words.SMS:
        if not customer.phone or is_opted_out(session, customer.phone):
            return None
        return customer.phone
    return customer.email or None


def choose(ctx: BackendContext, handoff_id: int, via: str) -> dict:
    """Record the customer's choice (when it can be kept) and answer it on the chat."""
    now = ctx.now()
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        language, conversation_id, status = handoff.language, handoff.conversation_id, handoff.status
        if handoff.customer_id is None or via not in words.VIAS:
            answer = words.need_verification_text(language)
        else:
            contact = _contact(session, handoff, via)
            if contact is None:
                answer = words.unavailable_text(via, language)
            else:
                handoffs.set_callback(session, handoff, via, at=now)
                shown = mask_phone(contact) if via == words.SMS else mask_email(contact)
                answer = words.noted_text(via, shown, language)
    try:
        ctx.conversations.say(conversation_id, AgentMessage(answer, ctx.settings.shop_name))
    except DeliveryFailed:
        log.warning("callback answer for handoff %s not delivered", handoff_id)
    return {"handoff_id": handoff_id, "status": status}


def send_copy(ctx: BackendContext, handoff_id: int, agent_name: str, text: str) -> None:
    """After an agent's reply: its copy by SMS or email when the customer chose one."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        via = handoff.callback_via
        if via not in words.VIAS or not text:
            return
        if via == words.SMS and handoff.channel in SMS_CHANNELS:
            return  # the conversation is the SMS thread itself: the reply is already there
        contact, language = _contact(session, handoff, via), handoff.language
    shop = ctx.settings.shop_name
    outcome = f"callback_sent_{via}"
    if contact is None:
        outcome = f"callback_unavailable_{via}"
    else:
        try:
            if via == words.SMS:
                ctx.sms.send(SmsMessage(to=contact, body=words.sms_reply(shop, agent_name, text, language)))
            else:
                subject, body = words.email_reply(shop, agent_name, text, language)
                ctx.email.send(OutgoingEmail(to=contact, subject=subject, body=body))
        except (SmsError, EmailError) as exc:
            # The provider's words may quote the number or address: not logged.
            log.warning("callback copy of handoff %s by %s failed (retryable: %s)", handoff_id, via, exc.retryable)
            outcome = f"callback_failed_{via}"
    with session_scope(ctx.sessions) as session:
        handoffs.add_message(session, handoffs.get(session, handoff_id), "event", text=outcome, at=ctx.now())
