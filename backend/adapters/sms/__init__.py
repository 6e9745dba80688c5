"""SMS providers for proactive notifications.

Callers depend only on :mod:`.base`; :func:`sms_sender_from_settings` picks Twilio when
it is configured and the built-in local sender otherwise.
"""
from backend.adapters.sms.base import SmsError, SmsMessage, SmsReceipt, SmsSender
from backend.adapters.sms.factory import sms_sender_from_settings

__all__ = ["SmsError", "SmsMessage", "SmsReceipt", "SmsSender", "sms_sender_from_settings"]
