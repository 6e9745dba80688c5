"""The built-in email "provider": writes each message as an ``.eml`` file in a folder
(``var/mail`` by default) instead of sending it, so a fresh install's email replies can
be read (any mail program opens them) with no mail server at all."""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from backend.adapters.email.base import EmailError, EmailReceipt, EmailSender, OutgoingEmail
from backend.adapters.email.compose import compose
from common.pii import mask_email

log = logging.getLogger(__name__)


class FolderOutbox(EmailSender):
    name = "folder"

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, message: OutgoingEmail) -> EmailReceipt:
        message_id = uuid.uuid4().hex
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self.folder / f"{message_id}.eml"
            # Written under a temporary name, then renamed: a reader never sees half a mail.
            partial = path.with_suffix(".part")
            partial.write_bytes(bytes(compose(message, self.sender)))
            os.chmod(partial, 0o600)
            partial.rename(path)
        except OSError as exc:
            raise EmailError(f"cannot write to the mail folder: {exc.strerror}", retryable=True) from exc
        log.info("email (kept in %s, not sent) to %s: %s", self.folder, mask_email(message.to), message.subject)
        return EmailReceipt(provider=self.name, message_id=message_id)
