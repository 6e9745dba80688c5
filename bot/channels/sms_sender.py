"""Sending a turn's SMS/MMS (common/twilio_messages.py, shared with the backend's SMS).

The client is synchronous (requests), so sends run in a worker thread and never block
Rasa's event loop. ``api_base_url`` points the client at another server with the same
API (a local fake in the live tests); in production it stays unset.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable, Sequence

from bot.channels.sms_format import OutgoingSms
from common.pii import mask_phone
from common.twilio_messages import TwilioMessages, TwilioSendError

log = logging.getLogger(__name__)

SEND_TIMEOUT = 15.0


class SmsSender:
    """Sends the formatted messages of a turn from the configured number."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str,
                 api_base_url: str | None = None) -> None:
        self.twilio = TwilioMessages(account_sid, auth_token, from_number=from_number,
                                     api_base_url=api_base_url, timeout=SEND_TIMEOUT)

    def send_one(self, to: str, sms: OutgoingSms) -> str | None:
        """Send one message; its Twilio SID."""
        return self.twilio.send(to, sms.body, sms.media_urls)

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
                log.info("not sending to %s: the number has opted out", mask_phone(to))
                break
            try:
                await asyncio.to_thread(self.send_one, to, sms)
                sent += 1
            except TwilioSendError as exc:
                log.error("Twilio did not accept a message to %s: %s", mask_phone(to), exc)
        return sent
