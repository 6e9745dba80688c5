"""What the backend needs from an SMS provider: send one text, say whether a failure may
be retried. Notifications depend only on this module."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str


@dataclass(frozen=True)
class SmsReceipt:
    provider: str
    message_id: str


class SmsError(Exception):
    """The provider did not take the message. ``retryable``: a later try may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class SmsSender(ABC):
    name: str

    @abstractmethod
    def send(self, message: SmsMessage) -> SmsReceipt:
        """Hand the message to the provider; raise :class:`SmsError` when it is not taken."""
