"""EasyPost's tracker webhook, the single steps: check its signature, read its event.

EasyPost signs each webhook with the secret set on the webhook: the header
``X-Hmac-Signature: hmac-sha256-hex=<hex>`` is HMAC-SHA256 of the raw body, keyed by the
secret NFKD-normalised and UTF-8 encoded (as EasyPost's own SDKs check it,
``validate_webhook``). Anyone can reach a webhook URL, so nothing is read from a body whose
signature does not match, and the comparison takes the same time however much matches.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from dataclasses import dataclass

from backend.services.errors import Invalid, Unauthorized

SIGNATURE_HEADER = "X-Hmac-Signature"
SIGNATURE_PREFIX = "hmac-sha256-hex="
PROVIDER = "easypost"
TRACKER_EVENTS = frozenset({"tracker.created", "tracker.updated"})


@dataclass(frozen=True)
class TrackingUpdate:
    """One carrier tracking event: who sent it, its id (for redeliveries), the parcel, its status."""

    provider: str
    event_id: str
    tracking_code: str
    status: str


def easypost_signature(secret: str, body: bytes) -> str:
    """The header value EasyPost sends for ``body``."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return SIGNATURE_PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def check_signature(secret: str, body: bytes, header: str | None) -> None:
    """401 unless ``header`` is EasyPost's signature of ``body`` with ``secret``."""
    if not header or not hmac.compare_digest(easypost_signature(secret, body).encode(),
                                             header.strip().encode()):
        raise Unauthorized("carrier_signature_invalid")


def tracking_update(body: bytes) -> TrackingUpdate | None:
    """The tracker event in a (signed) body; None for another kind of event; 422 for a body
    that is no EasyPost event."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("carrier_event_malformed") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
        raise Invalid("carrier_event_malformed")
    if event.get("description") not in TRACKER_EVENTS:
        return None
    result = event.get("result")
    if not isinstance(result, dict):
        raise Invalid("carrier_event_malformed")
    code, status = result.get("tracking_code"), result.get("status")
    if not isinstance(code, str) or not code.strip() or not isinstance(status, str):
        raise Invalid("carrier_event_malformed")
    return TrackingUpdate(provider=PROVIDER, event_id=event["id"][:80], tracking_code=code.strip()[:64],
                          status=status)
