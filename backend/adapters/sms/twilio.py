"""Proactive SMS through Twilio (common/twilio_messages.py, shared with the SMS channel)."""
from __future__ import annotations

from backend.adapters.sms.base import SmsError, SmsMessage, SmsReceipt, SmsSender
from common.twilio_messages import TwilioMessages, TwilioSendError


class TwilioSmsSender(SmsSender):
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, *, from_number: str = "",
                 messaging_service_sid: str = "", api_base_url: str = "https://api.twilio.com",
                 timeout: float = 10.0) -> None:
        self.twilio = TwilioMessages(account_sid, auth_token, from_number=from_number,
                                     messaging_service_sid=messaging_service_sid,
                                     api_base_url=api_base_url, timeout=timeout)

    def send(self, message: SmsMessage) -> SmsReceipt:
        try:
            sid = self.twilio.send(message.to, message.body)
        except TwilioSendError as exc:
            raise SmsError(str(exc), retryable=exc.retryable) from exc
        return SmsReceipt(provider=self.name, message_id=sid)
