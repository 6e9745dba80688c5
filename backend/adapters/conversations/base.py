"""What the backend needs to reach a customer in their own conversation.

An agent's reply, the shop's own news about a return made in the chat
(services.notifications), a hand-back to the bot and the "agent is typing" dots all go to
the conversation, not to an address: the web chat's open socket or the customer's phone is
the channel's business. The backend names the conversation and the channel delivers
(today through Rasa, which knows each conversation's latest channel and keeps the
message in the conversation's history).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


class DeliveryFailed(Exception):
    """The message did not reach the channel; nothing was said to the customer."""


@dataclass(frozen=True)
class AgentMessage:
    text: str
    agent_name: str
    photo_url: str | None = None


@dataclass(frozen=True)
class ShopMessage:
    """The shop itself speaking (a return's news: label ready, parcel received, refund),
    not a person: the chat shows it as the assistant's own message, with no agent's name."""

    text: str


@dataclass
class ConversationEvent:
    """One turn of the conversation before the handoff, as the agent reads it."""

    kind: str  # customer | bot | event
    text: str | None
    at: float | None = None
    intent: str | None = None
    confidence: float | None = None
    image: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class CustomerChannel(ABC):
    name: str

    @abstractmethod
    def say(self, conversation_id: str, message: AgentMessage) -> None:
        """Deliver an agent's message; raise :class:`DeliveryFailed` when it did not leave."""

    @abstractmethod
    def announce(self, conversation_id: str, message: ShopMessage) -> None:
        """Deliver the shop's own message; raise :class:`DeliveryFailed` when it did not leave."""

    @abstractmethod
    def hand_back(self, conversation_id: str, reason: str) -> None:
        """Give the conversation back to the bot, which speaks first (reason: agent,
        cancelled or closed). Raise :class:`DeliveryFailed` when the bot was not reached."""

    @abstractmethod
    def typing(self, conversation_id: str, typing: bool) -> None:
        """Show or hide the agent's typing dots (best effort: never raises)."""

    @abstractmethod
    def history(self, conversation_id: str) -> tuple[list[ConversationEvent], dict[str, Any]]:
        """The conversation so far and the bot's slots; empty when it cannot be read."""
