"""SMS through Twilio's Messages API, with the official client (twilio 8.2).

The client gets its own ``TwilioHttpClient`` so every call has a timeout, and the API
domain's ``base_url`` (the documented attribute of ``twilio.base.domain.Domain``) is set
from ``TWILIO_API_BASE_URL``, which is how tests point it at a local fake Twilio.
Twilio's 5xx and 429 answers and network errors may be retried; other 4xx (a bad number,
a blocked recipient) may not.
"""
from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from backend.adapters.sms.base import SmsError, SmsMessage, SmsReceipt, SmsSender


class TwilioSmsSender(SmsSender):
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, *, from_number: str = "",
                 messaging_service_sid: str = "", api_base_url: str = "https://api.twilio.com",
                 timeout: float = 10.0) -> None:
        if not account_sid or not auth_token:
            raise ValueError("Twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        self.client.api.base_url = api_base_url.rstrip("/")

    def send(self, message: SmsMessage) -> SmsReceipt:
        sender = ({"messaging_service_sid": self.messaging_service_sid} if self.messaging_service_sid
                  else {"from_": self.from_number})
        try:
            created = self.client.api.v2010.account.messages.create(to=message.to, body=message.body, **sender)
        except TwilioRestException as exc:
            raise SmsError(f"twilio {exc.status} (code {exc.code}): {exc.msg}",
                           retryable=exc.status >= 500 or exc.status == 429) from exc
        except (TwilioException, requests.RequestException, ValueError) as exc:
            raise SmsError(f"twilio unreachable or unreadable: {exc}", retryable=True) from exc
        return SmsReceipt(provider=self.name, message_id=str(created.sid))
