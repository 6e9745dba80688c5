"""The built-in SMS "provider": sends nothing, logs the message, and reports it as sent by
``local``, so the outbox, its texts and its opt-out rules work with no account at all."""
from __future__ import annotations

import logging
import uuid

from backend.adapters.sms.base import SmsMessage, SmsReceipt, SmsSender
from common.pii import mask_phone

log = logging.getLogger(__name__)


class LocalSmsSender(SmsSender):
    name = "local"

    def send(self, message: SmsMessage) -> SmsReceipt:
        log.info("SMS (local, not sent) to %s: %s", mask_phone(message.to), message.body)
        return SmsReceipt(provider=self.name, message_id=f"local-{uuid.uuid4().hex}")
