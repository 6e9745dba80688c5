"""Choose the email sender from settings: SMTP when ``BOOMERANG_SMTP_URL`` is set, else
the folder outbox (``var/mail``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.adapters.email.base import EmailSender
from backend.adapters.email.outbox import FolderOutbox
from backend.adapters.email.smtp import SmtpSender

if TYPE_CHECKING:
    from backend.settings import Settings


def email_sender_from_settings(settings: Settings) -> EmailSender:
    if settings.smtp_url:
        return SmtpSender(settings.smtp_url, settings.mail_from, timeout=settings.sms_timeout_seconds * 2)
    return FolderOutbox(settings.mail_dir, settings.mail_from)
