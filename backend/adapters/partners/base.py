"""What the partner feed needs from a destination: take one event, or say why not.

A failure's text is short and safe to store and log: an HTTP status or an exception's
class name, never a URL (it may carry credentials) nor the secret.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class PartnerEvent:
    event_id: str
    type: str
    body: bytes  # the CloudEvent JSON, exactly as stored


class PartnerError(Exception):
    """The destination did not take the event; a later try may (every failure is retried)."""


class PartnerSender(ABC):
    @abstractmethod
    def send(self, event: PartnerEvent) -> None:
        """Hand over the event; raise :class:`PartnerError` when it was not accepted."""

    def close(self) -> None:
        """Release connections at the end of a sweep."""
