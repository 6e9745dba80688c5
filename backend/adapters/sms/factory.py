"""Choose the SMS sender from settings: Twilio when its credentials are set, else local.

Half a Twilio configuration (an account SID but no sender, say) is an error at start-up
rather than messages silently going nowhere.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.adapters.sms.base import SmsSender
from backend.adapters.sms.local import LocalSmsSender
from backend.adapters.sms.twilio import TwilioSmsSender

if TYPE_CHECKING:
    from backend.settings import Settings


def sms_sender_from_settings(settings: Settings) -> SmsSender:
    if not settings.twilio_configured:
        return LocalSmsSender()
    return TwilioSmsSender(settings.twilio_account_sid, settings.twilio_auth_token,
                           from_number=settings.twilio_from_number,
                           messaging_service_sid=settings.twilio_messaging_service_sid,
                           api_base_url=settings.twilio_api_base_url,
                           timeout=settings.sms_timeout_seconds)
