"""Twilio's Messages API, for everything that texts a customer: the SMS channel's replies
(bot/channels) and the backend's proactive SMS (backend/adapters/sms). One client setup,
one error rule, so the two cannot drift apart.

The client gets its own ``TwilioHttpClient`` so every call has a timeout, and the API
domain's ``base_url`` (the documented attribute of ``twilio.base.domain.Domain``) is set
from ``TWILIO_API_BASE_URL``, which is how tests point it at a local fake Twilio.
Twilio's 5xx and 429 answers and network errors may be retried; other 4xx (a bad number,
a blocked recipient, an opted-out number: 21610) may not.
"""
from __future__ import annotations

from typing import Sequence

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

DEFAULT_API_BASE_URL = "https://api.twilio.com"


class TwilioSendError(Exception):
    """Twilio did not take the message; ``retryable``: a later try may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class TwilioMessages:
    """Sends one SMS/MMS at a time from a number or a messaging service."""

    def __init__(self, account_sid: str, auth_token: str, *, from_number: str = "",
                 messaging_service_sid: str = "", api_base_url: str | None = None,
                 timeout: float = 10.0) -> None:
        if not account_sid or not auth_token:
            raise ValueError("Twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        self.client.api.base_url = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")

    def send(self, to: str, body: str, media_urls: Sequence[str] = ()) -> str:
        """Hand one message to Twilio; its SID. Raises :class:`TwilioSendError`."""
        fields: dict = {"to": to, "body": body}
        if self.messaging_service_sid:
            fields["messaging_service_sid"] = self.messaging_service_sid
        else:
            fields["from_"] = self.from_number
        if media_urls:
            fields["media_url"] = list(media_urls)
        try:
            return str(self.client.api.v2010.account.messages.create(**fields).sid)
        except TwilioRestException as exc:
            raise TwilioSendError(f"twilio {exc.status} (code {exc.code}): {exc.msg}",
                                  retryable=exc.status >= 500 or exc.status == 429) from exc
        except (TwilioException, requests.RequestException, ValueError) as exc:
            raise TwilioSendError(f"twilio unreachable or unreadable: {exc}", retryable=True) from exc
