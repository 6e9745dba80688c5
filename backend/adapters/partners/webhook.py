"""A partner's webhook: the CloudEvent POSTed in structured mode, signed with HMAC-SHA256.

Only a 2xx answer counts as delivered. Redirects are not followed (the signed event goes
to the URL the shop configured, nowhere else): a 3xx is a failure, retried like a 500.
"""
from __future__ import annotations

import requests

from backend.adapters.partners.base import PartnerError, PartnerEvent, PartnerSender
from backend.domain.partner_events import (
    CONTENT_TYPE,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    signature,
)

USER_AGENT = "Boomerang-Partner-Feed/1"


class WebhookSender(PartnerSender):
    def __init__(self, url: str, secret: str, timeout: float,
                 session: requests.Session | None = None) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._http = session or requests.Session()

    def send(self, event: PartnerEvent) -> None:
        headers = {"Content-Type": CONTENT_TYPE, SIGNATURE_HEADER: signature(self._secret, event.body),
                   EVENT_ID_HEADER: event.event_id, EVENT_TYPE_HEADER: event.type,
                   "User-Agent": USER_AGENT}
        try:
            response = self._http.post(self._url, data=event.body, headers=headers,
                                       timeout=self._timeout, allow_redirects=False)
        except requests.RequestException as exc:
            # The exception's text names the URL (credentials included): only its class.
            raise PartnerError(type(exc).__name__) from None
        if not 200 <= response.status_code < 300:
            raise PartnerError(f"HTTP {response.status_code}")

    def close(self) -> None:
        self._http.close()
