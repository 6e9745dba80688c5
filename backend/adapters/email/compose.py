"""One RFC 5322 message from an :class:`OutgoingEmail` (standard library only)."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from backend.adapters.email.base import OutgoingEmail


def compose(message: OutgoingEmail, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
    mail.set_content(message.body)
    return mail
