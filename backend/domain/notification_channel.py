"""Where the shop's news about a return is said: the web chat it was made in, SMS, or email.

Why this order: a customer who made their return in the website's chat is reading that
chat (it keeps what was said while the page was closed), so the news goes there; SMS
reaches everyone else who gave a number and did not say STOP (as before, also a return
made by SMS); email is for the rest, so that nobody with a return is told nothing. Pure:
the caller gives what it read (services.notifications), and checks again at send time.
"""
from __future__ import annotations

from dataclasses import dataclass

from common.conversation_ids import conversation_channel

SMS, CHAT, EMAIL = "sms", "chat", "email"
CHANNELS = (SMS, CHAT, EMAIL)


@dataclass(frozen=True)
class Route:
    """The channel and who it reaches: a number, a conversation id, an address; ``to`` is
    None when there is nowhere to send (the message is then skipped, never sent)."""

    channel: str
    to: str | None


def usable_email(email: str | None) -> bool:
    """An address mail can reach: not empty, not a reserved ``.invalid`` one (the
    placeholder an erased customer is given)."""
    if not email or "@" not in email:
        return False
    return not email.strip().lower().rstrip(".").endswith(".invalid")


def choose_route(*, conversation_id: str | None, phone: str | None, sms_refused: bool,
                 email: str | None) -> Route:
    """The route for one message about a return.

    ``conversation_id``: the conversation the return was made in; ``sms_refused``: the
    number said STOP (or the customer is flagged). With no route at all the answer is SMS
    to the number (or none), which the sender skips with the reason, as it always did.
    """
    if conversation_id and conversation_channel(conversation_id) == "web":
        return Route(CHAT, conversation_id)
    if phone and not sms_refused:
        return Route(SMS, phone)
    if usable_email(email):
        return Route(EMAIL, email.strip())
    return Route(SMS, phone or None)
