"""Reading a Twilio messaging webhook's form into what the channel acts on.

The body is parsed here rather than with Sanic's ``request.form`` because Sanic drops
empty fields, and Twilio signs every field it sends, empty ones included (a photo-only
MMS has ``Body=``): with them dropped a genuine request would fail the signature check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from bot.channels.sms_media import MalformedMedia, MediaItem, media_items

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
MAX_BODY_CHARS = 1600  # Twilio's own limit for one inbound message


class MalformedWebhook(ValueError):
    """The request is not a Twilio messaging webhook we can read (answered with 400)."""


class FormFields(dict):
    """Form fields, each with all its values; ``getlist`` is what Twilio's validator reads."""

    def getlist(self, name: str) -> list[str]:
        return list(self.get(name) or [])

    def first(self, name: str) -> str | None:
        values = self.get(name)
        return values[0] if values else None


def parse_form(body: bytes, content_type: str | None) -> FormFields:
    """``application/x-www-form-urlencoded`` fields, blanks kept; :class:`MalformedWebhook` otherwise."""
    if (content_type or "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise MalformedWebhook("expected an application/x-www-form-urlencoded body")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedWebhook(f"unreadable form body: {exc}") from None
    fields = FormFields()
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    sender: str  # the customer's E.164 number: the Rasa conversation id
    text: str
    media: list[MediaItem]


def read_inbound(fields: FormFields) -> InboundSms:
    """The message in a (signature-checked) webhook; :class:`MalformedWebhook` when it is not one."""
    sid = (fields.first("MessageSid") or fields.first("SmsMessageSid") or "").strip()
    if not MESSAGE_SID.match(sid):
        raise MalformedWebhook("MessageSid is missing or malformed")
    sender = (fields.first("From") or "").strip()
    if not E164.match(sender):
        raise MalformedWebhook("From is not an E.164 phone number")
    text = fields.first("Body") or ""
    if len(text) > MAX_BODY_CHARS:
        raise MalformedWebhook(f"Body is longer than {MAX_BODY_CHARS} characters")
    # Some carriers turn "@" into "¡" (GSM 03.38 code point 0x00 read as Latin-1).
    text = text.replace("¡", "@").strip()
    try:
        media = media_items({name: values[0] for name, values in fields.items() if values})
    except MalformedMedia as exc:
        raise MalformedWebhook(str(exc)) from None
    return InboundSms(sid, sender, text, media)
