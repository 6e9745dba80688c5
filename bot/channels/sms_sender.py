"""Sending SMS/MMS through Twilio's REST API with the official client.

The client is synchronous (requests), so sends run in a worker thread and never block
Rasa's event loop. ``api_base_url`` points the client at another server with the same
API (a local fake in the live tests); in production it stays unset.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.sms_format import OutgoingSms
from common.pii import mask_phone

log = logging.getLogger(__name__)

SEND_TIMEOUT = 15.0


# A phone number fit for logs: its last two digits only (one masking rule for every process).
masked = mask_phone


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client with ``https://*.twilio.com`` replaced by ``base_url``."""

    def __init__(self, base_url: str, timeout: float = SEND_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url)

    def request(self, method: str, url: str, *args, **kwargs):  # type: ignore[override]
        parts = urlsplit(url)
        if (parts.hostname or "").endswith("twilio.com"):
            url = urlunsplit((self.base.scheme, self.base.netloc, self.base.path.rstrip("/") + parts.path,
                              parts.query, ""))
        return super().request(method, url, *args, **kwargs)


class SmsSender:
    """Sends the formatted messages of a turn from the configured number."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str,
                 api_base_url: str | None = None) -> None:
        http_client = RebasedHttpClient(api_base_url) if api_base_url else TwilioHttpClient(timeout=SEND_TIMEOUT)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number

    def send_one(self, to: str, sms: OutgoingSms) -> str | None:
        """Send one message; its Twilio SID."""
        fields: dict = {"to": to, "from_": self.from_number, "body": sms.body}
        if sms.media_urls:
            fields["media_url"] = list(sms.media_urls)
        return self.client.messages.create(**fields).sid

    async def send(self, to: str, messages: Sequence[OutgoingSms],
                   allowed: Callable[[], bool] = lambda: True) -> int:
        """Send in order, asking ``allowed`` before each (an opt-out stops the rest).

        A message Twilio refuses (an opted-out number: error 21610) or that cannot be
        delivered to Twilio is logged and the next one is still tried. Returns how many
        were accepted.
        """
        sent = 0
        for sms in messages:
            if not allowed():
                log.info("not sending to %s: the number has opted out", masked(to))
                break
            try:
                await asyncio.to_thread(self.send_one, to, sms)
                sent += 1
            except (TwilioException, requests.RequestException) as exc:
                log.error("Twilio did not accept a message to %s: %s", masked(to), exc)
        return sent
