"""A channel that keeps what it was asked to say, for tests and for a backend run alone.

With no Rasa to talk to (the backend started on its own, or a unit test), the agent's
messages are recorded here instead of delivered, and :attr:`fail` lets a test play a
channel that is down.
"""
from __future__ import annotations

from typing import Any

from backend.adapters.conversations.base import (
    AgentMessage,
    ConversationEvent,
    CustomerChannel,
    DeliveryFailed,
    ShopMessage,
)


class RecordingChannel(CustomerChannel):
    name = "recording"

    def __init__(self) -> None:
        self.said: list[tuple[str, AgentMessage]] = []
        self.announced: list[tuple[str, ShopMessage]] = []  # the shop's own messages
        self.handed_back: list[tuple[str, str]] = []
        self.typing_calls: list[tuple[str, bool]] = []
        self.histories: dict[str, tuple[list[ConversationEvent], dict[str, Any]]] = {}
        self.fail = False

    def say(self, conversation_id: str, message: AgentMessage) -> None:
        if self.fail:
            raise DeliveryFailed("the channel is down (test)")
        self.said.append((conversation_id, message))

    def announce(self, conversation_id: str, message: ShopMessage) -> None:
        if self.fail:
            raise DeliveryFailed("the channel is down (test)")
        self.announced.append((conversation_id, message))

    def hand_back(self, conversation_id: str, reason: str) -> None:
        if self.fail:
            raise DeliveryFailed("the channel is down (test)")
        self.handed_back.append((conversation_id, reason))

    def typing(self, conversation_id: str, typing: bool) -> None:
        self.typing_calls.append((conversation_id, typing))

    def history(self, conversation_id: str) -> tuple[list[ConversationEvent], dict[str, Any]]:
        return self.histories.get(conversation_id, ([], {}))
