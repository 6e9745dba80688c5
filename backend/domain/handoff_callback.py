"""A reply later, by SMS or email, when nobody from the team could join the chat at once.

Outside opening hours or with no agent online, the bot tells a verified web customer the
request stays queued and offers two buttons, ``/handoff_callback{"callback_via": "sms"}``
and ``/handoff_callback{"callback_via": "email"}``. While the handoff waits the channel relays what
the customer sends to the backend, so the choice arrives there like any message and is
read here. The agent's replies then also leave by that route (the chat page may be long
closed), to the number or address the shop holds for the customer — never one typed into
the chat, so a reply cannot be sent to somebody else's address.

Pure rules and words: no database, no HTTP.
"""
from __future__ import annotations

import json
import re

from common.languages import Localized, fill, pick

SMS, EMAIL = "sms", "email"
VIAS: tuple[str, ...] = (SMS, EMAIL)
PAYLOAD = "/handoff_callback"
_PAYLOAD_RE = re.compile(r"^/handoff_callback(?!\w)(.*)$", re.DOTALL)


def parse_choice(text: str | None) -> str | None:
    """``"sms"``/``"email"`` for a callback button's payload; ``""`` for a callback payload
    without a valid choice; None for anything else (an ordinary message)."""
    match = _PAYLOAD_RE.match((text or "").strip())
    if not match:
        return None
    try:
        entities = json.loads(match.group(1).strip() or "{}")
    except ValueError:
        return ""
    via = entities.get("callback_via") if isinstance(entities, dict) else None
    return via if via in VIAS else ""


NOTED: dict[str, Localized] = {
    SMS: {"en": "Noted: the team will text you at {contact} as soon as they can. You can close this page.",
          "fr": "C'est noté : l'équipe vous répondra par SMS au {contact} dès que possible. "
                "Vous pouvez fermer cette page."},
    EMAIL: {"en": "Noted: the team will email you at {contact} as soon as they can. You can close this page.",
            "fr": "C'est noté : l'équipe vous répondra par e-mail à {contact} dès que possible. "
                  "Vous pouvez fermer cette page."},
}
# The route asked for cannot be used (no number on file, or the number said STOP).
UNAVAILABLE: dict[str, Localized] = {
    SMS: {"en": "We have no mobile number we may text for you, so the team will answer right here. "
                "Come back to this page later: their reply will wait for you.",
          "fr": "Nous n'avons pas de numéro de mobile auquel vous écrire : l'équipe vous répondra ici. "
                "Revenez sur cette page plus tard, sa réponse vous attendra."},
    EMAIL: {"en": "We have no email address for you, so the team will answer right here. "
                  "Come back to this page later: their reply will wait for you.",
            "fr": "Nous n'avons pas d'adresse e-mail pour vous : l'équipe vous répondra ici. "
                  "Revenez sur cette page plus tard, sa réponse vous attendra."},
}
NEED_VERIFICATION: Localized = {
    "en": "To answer you by SMS or email we need to know who you are, so the team will answer right here. "
          "Come back to this page later: their reply will wait for you.",
    "fr": "Pour vous répondre par SMS ou par e-mail, nous devons savoir qui vous êtes : l'équipe vous "
          "répondra donc ici. Revenez sur cette page plus tard, sa réponse vous attendra.",
}
SMS_REPLY: Localized = {
    "en": "{shop} – {name} from our team: {text}",
    "fr": "{shop} – {name}, de notre équipe : {text}",
}
EMAIL_SUBJECT: Localized = {
    "en": "{shop}: our team's answer to your request",
    "fr": "{shop} : la réponse de notre équipe à votre demande",
}
EMAIL_BODY: Localized = {
    "en": "Hello,\n\n{text}\n\n{name}\n{shop} customer service\n\n"
          "You can answer this email, or write to us in the chat on our website.",
    "fr": "Bonjour,\n\n{text}\n\n{name}\nService client {shop}\n\n"
          "Vous pouvez répondre à cet e-mail, ou nous écrire dans la conversation sur notre site.",
}


def noted_text(via: str, contact: str, language: str) -> str:
    return pick(fill(NOTED[via], contact=contact), language)


def unavailable_text(via: str, language: str) -> str:
    return pick(UNAVAILABLE[via], language)


def need_verification_text(language: str) -> str:
    return pick(NEED_VERIFICATION, language)


def sms_reply(shop: str, name: str, text: str, language: str) -> str:
    return pick(fill(SMS_REPLY, shop=shop, name=name, text=text), language)


def email_reply(shop: str, name: str, text: str, language: str) -> tuple[str, str]:
    """(subject, body) of an agent's reply by email."""
    return (pick(fill(EMAIL_SUBJECT, shop=shop), language),
            pick(fill(EMAIL_BODY, shop=shop, name=name, text=text), language))
