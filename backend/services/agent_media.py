"""Public links to the photos agents send: what Twilio fetches for an MMS, what the web chat shows.

Twilio downloads MMS media from the public internet, without any credentials of ours, and
the customer's browser loads the web chat's images the same way, so a photo an agent
sends is served at ``{public_base_url}/media/agent/<token>.<ext>``. The token is the only
permission: signed like the upload token (PyJWT, the backend's secret key) with its own
audience, so no other token stands in for it, and valid for
``agent_media_ttl_seconds``. Its expiry is checked against the backend's clock (not the
wall clock), and any token that is not exactly ours, or is past its time, reads as "not
found": nothing tells a prober which it was. No row is needed: a photo erased with its
conversation is gone, whatever links to it are still around.
"""
from __future__ import annotations

import datetime as dt
import re

import jwt

from backend.services.errors import NotFound
from backend.settings import Settings

MEDIA_AUDIENCE = "boomerang-agent-media"
PUBLIC_ID_RE = re.compile(r"^ph_[A-Za-z0-9_-]{4,37}$")
MAX_TOKEN_LENGTH = 512


def _epoch(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.timezone.utc).timestamp())


def mint_media_token(settings: Settings, photo_public_id: str, now: dt.datetime) -> str:
    """A token for one photo, valid from ``now`` for the configured time."""
    return jwt.encode({"photo": photo_public_id, "aud": MEDIA_AUDIENCE, "iat": _epoch(now),
                       "exp": _epoch(now) + settings.agent_media_ttl_seconds},
                      settings.secret_key, algorithm="HS256")


def media_url(settings: Settings, photo_public_id: str, extension: str, now: dt.datetime) -> str:
    """The public link to the photo for the customer's channel."""
    token = mint_media_token(settings, photo_public_id, now)
    return f"{settings.public_base_url}/media/agent/{token}.{extension}"


def photo_for_token(settings: Settings, token: str, now: dt.datetime) -> str:
    """The photo a valid, unexpired token names; :class:`NotFound` for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("agent_media_not_found")
    try:
        # Times are compared with the backend's clock below, not the wall clock.
        data = jwt.decode(token, settings.secret_key, algorithms=["HS256"], audience=MEDIA_AUDIENCE,
                          options={"require": ["exp", "aud", "photo"], "verify_exp": False,
                                   "verify_iat": False, "verify_nbf": False})
        photo, expires = data["photo"], data["exp"]
        if not isinstance(photo, str) or not PUBLIC_ID_RE.match(photo) or not isinstance(expires, int):
            raise ValueError("malformed claims")
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise NotFound("agent_media_not_found") from None
    if _epoch(now) >= expires:
        raise NotFound("agent_media_not_found")
    return photo
