"""Upload tokens: who may add photos to a chat conversation before anyone is verified.

A web chat has no customer token when the customer sends a photo of the broken lamp, so
the backend hands the chat a short-lived token bound to one conversation id. The token is
signed like the customer token (PyJWT, the backend's secret key) but with its own
audience, so neither can stand in for the other. Anonymous callers get only random
``web-…`` conversation ids (fresh, or a refresh of one they hold); a trusted caller with
the service token (the SMS channel) may name any conversation id.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from typing import TYPE_CHECKING

import jwt

from backend.services.errors import Forbidden, Invalid, RateLimited, Unauthorized
from backend.settings import Settings
from common.conversation_ids import CONVERSATION_ID_RE, is_web_id, new_web_id

if TYPE_CHECKING:
    from backend.context import BackendContext

UPLOAD_AUDIENCE = "boomerang-chat-upload"


@dataclass(frozen=True)
class UploadToken:
    conversation_id: str
    token: str
    expires_in: int


def conversation_for(conversation_id: str | None, *, trusted: bool) -> str:
    """The conversation a caller may get a token for; raises when it may not."""
    if conversation_id is None:
        return new_web_id()
    if is_web_id(conversation_id):
        return conversation_id
    if not trusted:
        raise Forbidden("conversation_id_forbidden")
    if not CONVERSATION_ID_RE.match(conversation_id):
        raise Invalid("conversation_id_invalid")
    return conversation_id


def mint_upload_token(settings: Settings, conversation_id: str, now: dt.datetime) -> UploadToken:
    ttl = settings.upload_token_ttl_seconds
    issued = now.replace(tzinfo=dt.timezone.utc)
    token = jwt.encode({"conv": conversation_id, "aud": UPLOAD_AUDIENCE, "iat": issued,
                        "exp": issued + dt.timedelta(seconds=ttl)},
                       settings.secret_key, algorithm="HS256")
    return UploadToken(conversation_id=conversation_id, token=token, expires_in=ttl)


def decode_upload_token(settings: Settings, token: str) -> str:
    """The conversation id a valid upload token is bound to; :class:`Unauthorized` otherwise."""
    try:
        data = jwt.decode(token, settings.secret_key, algorithms=["HS256"], audience=UPLOAD_AUDIENCE,
                          options={"require": ["exp", "aud", "conv"]})
        conversation_id = data["conv"]
        if not isinstance(conversation_id, str) or not CONVERSATION_ID_RE.match(conversation_id):
            raise ValueError("bad conversation id")
        return conversation_id
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise Unauthorized("upload_token_invalid") from None


def issue_upload_token(ctx: "BackendContext", conversation_id: str | None, *, trusted: bool,
                       client_key: str) -> UploadToken:
    """A token for the caller's conversation; anonymous callers are rate-limited per client."""
    if not trusted and not ctx.upload_limiter.allow(client_key):
        window = ctx.settings.upload_token_window_seconds
        raise RateLimited("too_many_uploads", retry_after=window)
    conversation = conversation_for(conversation_id, trusted=trusted)
    return mint_upload_token(ctx.settings, conversation, ctx.now())
