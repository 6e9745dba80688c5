"""What the backend needs from an email provider: send one plain-text message, say
whether a failure may be retried. Callers depend only on this module."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class EmailReceipt:
    provider: str
    message_id: str


class EmailError(Exception):
    """The provider did not take the message. ``retryable``: a later try may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class EmailSender(ABC):
    name: str

    @abstractmethod
    def send(self, message: OutgoingEmail) -> EmailReceipt:
        """Hand the message over; raise :class:`EmailError` when it is not taken."""
