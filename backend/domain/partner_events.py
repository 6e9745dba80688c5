"""What a logistics partner receives: a return's status change as a CloudEvents 1.0 event.

Pure functions (no database, no network): the event type for each status, the event's
JSON body, the body's signature, and a URL masked for logs and the delivery table. The
body is built with the CNCF ``cloudevents`` SDK, which validates the required attributes
(``specversion``, ``id``, ``source``, ``type``) and writes the JSON event format.

Event types name the step, ``org.boomerang.return.<step>``; the step is the lifecycle
status (``backend.domain.lifecycle``) except ``label_issued``, announced as
``label_created`` (the partner's vocabulary: a label was made, nothing was shipped yet).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from backend.domain.lifecycle import ReturnStatus as S

TYPE_PREFIX = "org.boomerang.return."
CONTENT_TYPE = "application/cloudevents+json"  # structured mode: the whole event is the body
SIGNATURE_HEADER = "X-Boomerang-Signature"
EVENT_ID_HEADER = "X-Boomerang-Event-Id"
EVENT_TYPE_HEADER = "X-Boomerang-Event-Type"
AMQP_DESTINATION = "amqp"

# Every lifecycle status has its step, so no status change goes unannounced.
STEP_FOR_STATUS: dict[str, str] = {
    S.REQUESTED.value: "requested",
    S.NEEDS_REVIEW.value: "needs_review",
    S.APPROVED.value: "approved",
    S.REJECTED.value: "rejected",
    S.LABEL_ISSUED.value: "label_created",
    S.IN_TRANSIT.value: "in_transit",
    S.RECEIVED.value: "received",
    S.INSPECTED.value: "inspected",
    S.REFUNDED.value: "refunded",
    S.EXCHANGED.value: "exchanged",
    S.CREDITED.value: "credited",
    S.CLOSED.value: "closed",
    S.CANCELLED.value: "cancelled",
    S.EXPIRED.value: "expired",
}
assert set(STEP_FOR_STATUS) == {s.value for s in S}, "a lifecycle status without its event type"

_FORMAT = JSONFormat()


def event_type(status: str) -> str:
    """``org.boomerang.return.<step>`` for a lifecycle status."""
    return TYPE_PREFIX + STEP_FOR_STATUS[status]


def build_event_body(*, event_id: str, source: str, status: str, rma: str, at: dt.datetime,
                     data: dict[str, Any], type_: str | None = None) -> bytes:
    """The CloudEvent's JSON (structured mode), ``subject`` the RMA, ``time`` ``at`` in UTC.

    ``at`` is naive UTC (the backend's convention) or aware; the SDK refuses a naive time.
    """
    when = at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at.astimezone(dt.timezone.utc)
    event = CloudEvent({"id": event_id, "source": source, "type": type_ or event_type(status), "subject": rma,
                        "time": when, "datacontenttype": "application/json"}, data)
    return _FORMAT.write(event)


def parse_event(body: bytes | str) -> CloudEvent:
    """A received body back as a CloudEvent (validated by the SDK): for partners and tests."""
    return _FORMAT.read(None, body)  # type: ignore[return-value]


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the HMAC-SHA256 of the raw body, in hex."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """What a partner checks (constant-time comparison)."""
    return hmac.compare_digest(signature(secret, body), header or "")


def mask_url(url: str) -> str:
    """``url`` without its secrets, to log and to name a destination in the database.

    The password of ``user:password@`` and every query value (often a token) become
    ``***``; the fragment goes. The scheme, host, port, path and parameter names stay, so
    a person can still tell which partner it is.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = urlencode([(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


# Events that announce a step without a status change (the warehouse decided where the
# goods go); same prefix, same order per return as the status events.
DISPOSED_TYPE = TYPE_PREFIX + "disposed"
