"""Conversation ids, namespaced by the channel that owns them.

A conversation id is also Rasa's sender id, and what the backend binds a verified
customer to. Each channel mints ids in its own namespace and no channel can reach
another's, so knowing a customer's phone number does not let a web or REST caller speak
in their SMS conversation:

* ``web-<32 hex>``  the website chat (random, minted by the backend or the browser);
* ``sms:+33…``     SMS/MMS, the sender's number in E.164 (Twilio signs it);
* ``rest:<name>``  the REST channel, for trying the assistant (off in production).
"""
from __future__ import annotations

import re
import secrets

WEB_PREFIX = "web-"
SMS_PREFIX = "sms:"
REST_PREFIX = "rest:"
WEB_ID_RE = re.compile(r"^web-[0-9a-f]{32}$")
# Any conversation id, whatever its channel (it fits the backend's 80-character columns).
CONVERSATION_ID_RE = re.compile(r"^[A-Za-z0-9:+_.@\-]{1,80}$")
# What a caller-chosen REST name may hold (with "rest:" in front it is a conversation id).
REST_NAME_RE = re.compile(r"^[A-Za-z0-9_.@+\-]{1,75}$")
# Prefixes no caller may choose: the channels' own, and the look of a bare phone number.
RESERVED_RE = re.compile(r"^(?:web[-:_]|sms[-:_]|rest:|\+)", re.IGNORECASE)


def new_web_id() -> str:
    return f"{WEB_PREFIX}{secrets.token_hex(16)}"


def is_web_id(value: object) -> bool:
    return isinstance(value, str) and bool(WEB_ID_RE.match(value))


def sms_id(phone_e164: str) -> str:
    return f"{SMS_PREFIX}{phone_e164}"


def phone_of(conversation_id: str) -> str:
    """The number an SMS conversation speaks to (ids without the prefix are taken as numbers)."""
    return conversation_id[len(SMS_PREFIX):] if conversation_id.startswith(SMS_PREFIX) else conversation_id


def rest_id(name: str) -> str:
    return f"{REST_PREFIX}{name}"


def reserved(name: str) -> bool:
    """Would this REST sender name reach (or look like) another channel's conversation?"""
    return bool(RESERVED_RE.match(name))


def conversation_channel(conversation_id: str) -> str:
    """The channel that owns a conversation id: web, sms, rest, or other."""
    if WEB_ID_RE.match(conversation_id):
        return "web"
    if conversation_id.startswith(SMS_PREFIX):
        return "sms"
    if conversation_id.startswith(REST_PREFIX):
        return "rest"
    return "other"


# The message-metadata key under which a channel states who really sent the message (the
# browser's address, the SMS number); channels overwrite whatever a client put there, and
# verification throttling counts failures per that identity.
CLIENT_METADATA_KEY = "boomerang_client"


def address_client(address: str | None) -> str | None:
    """The client key for a network address (web chat, REST), or None when unknown."""
    return f"ip:{address}" if address else None


def client_identity(metadata: object, conversation_id: str) -> str:
    """The real client a channel saw, else the conversation itself."""
    value = metadata.get(CLIENT_METADATA_KEY) if isinstance(metadata, dict) else None
    return value[:120] if isinstance(value, str) and value else f"conversation:{conversation_id[:100]}"
