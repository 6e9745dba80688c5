"""Send email through an SMTP server (the shop's provider), configured by one URL:

``smtp://user:password@host:587`` (STARTTLS when the server offers it, required when a
password is given), ``smtps://user:password@host:465`` (TLS from the start), or
``smtp://host:25`` (a local relay). The URL holds a secret: it is never logged.
"""
from __future__ import annotations

import smtplib
import ssl
from urllib.parse import unquote, urlsplit

from backend.adapters.email.base import EmailError, EmailReceipt, EmailSender, OutgoingEmail
from backend.adapters.email.compose import compose


class SmtpSender(EmailSender):
    name = "smtp"

    def __init__(self, url: str, sender: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("BOOMERANG_SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.sender = sender
        self.timeout = timeout

    def __repr__(self) -> str:  # never the password
        return f"SmtpSender({self.host}:{self.port})"

    def send(self, message: OutgoingEmail) -> EmailReceipt:
        mail = compose(message, self.sender)
        try:
            with self._connect() as server:
                if self.user:
                    server.login(self.user, self.password)
                server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise EmailError("the mail server refused the address", retryable=False) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise EmailError("the mail server refused the credentials", retryable=False) from exc
        except smtplib.SMTPResponseException as exc:
            raise EmailError(f"the mail server answered {exc.smtp_code}", retryable=exc.smtp_code < 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailError(f"the mail server cannot be reached ({type(exc).__name__})", retryable=True) from exc
        return EmailReceipt(provider=self.name, message_id=str(mail["Message-ID"]))

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        elif self.user:
            server.close()
            raise EmailError("the mail server offers no STARTTLS: the password is not sent in clear",
                             retryable=False)
        return server
