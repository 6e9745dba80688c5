"""Reach the customer through Rasa's HTTP API, which knows each conversation's channel.

* Say: a ``bot`` event appended with ``execute_side_effects=true&output_channel=latest``
  is sent on the channel the customer last wrote from (web socket room, Twilio SMS) and
  kept in the conversation's history, so the transcript stays whole in one place.
* Hand back: ``resume``, then the external intent ``EXTERNAL_handback``: the bot speaks
  first, with the slots it had.
* Typing: the socket.io channel's own route (web only; other channels ignore it).

Rasa's API is protected by its ``--auth-token`` (passed as ``?token=``, never logged
here). Works with several Rasa processes when they share a tracker store and, for the
web chat, a socket.io message queue: the process that takes the call emits to the room.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import requests

from backend.adapters.conversations.base import (
    AgentMessage,
    ConversationEvent,
    CustomerChannel,
    DeliveryFailed,
    ShopMessage,
)

log = logging.getLogger(__name__)

HANDBACK_INTENT = "EXTERNAL_handback"


def agent_bot_event(message: AgentMessage) -> dict[str, Any]:
    """The tracker event for an agent's message: the text (and photo) for every channel, and
    who wrote it in ``metadata.boomerang``, which the web chat's output passes to the
    browser (bot/channels/socketio.py) and the SMS output uses to sign the text."""
    data: dict[str, Any] = {"image": message.photo_url} if message.photo_url else {}
    return {"event": "bot", "text": message.text, "data": data,
            "metadata": {"boomerang": {"from": "agent", "agent_name": message.agent_name}}}


def shop_bot_event(message: ShopMessage) -> dict[str, Any]:
    """The tracker event for the shop's own message: a bot event like the assistant's, its
    ``metadata.boomerang`` saying ``from: shop`` (no agent name), so the web chat shows it as
    a bot message without an agent's badge and the SMS output does not sign it."""
    return {"event": "bot", "text": message.text, "data": {},
            "metadata": {"boomerang": {"from": "shop"}}}


class RasaChannel(CustomerChannel):
    name = "rasa"

    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe=':+@')}/{tail}"

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        params = {**kwargs.pop("params", {}), "token": self.token}
        try:
            response = self.http.request(method, url, params=params, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"Rasa could not be reached ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise DeliveryFailed(f"Rasa answered {response.status_code}")
        return response

    def say(self, conversation_id: str, message: AgentMessage) -> None:
        self._call("POST", self._url(conversation_id, "tracker/events"),
                   params={"execute_side_effects": "true", "output_channel": "latest"},
                   json=[agent_bot_event(message)])

    def announce(self, conversation_id: str, message: ShopMessage) -> None:
        self._call("POST", self._url(conversation_id, "tracker/events"),
                   params={"execute_side_effects": "true", "output_channel": "latest"},
                   json=[shop_bot_event(message)])

    def hand_back(self, conversation_id: str, reason: str) -> None:
        self._call("POST", self._url(conversation_id, "tracker/events"), json=[{"event": "resume"}])
        self._call("POST", self._url(conversation_id, "trigger_intent"),
                   params={"output_channel": "latest"},
                   json={"name": HANDBACK_INTENT, "entities": {"handback_reason": reason}})

    def typing(self, conversation_id: str, typing: bool) -> None:
        try:
            self.http.post(f"{self.base_url}/webhooks/socketio/typing",
                           json={"conversation_id": conversation_id, "typing": typing},
                           headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout)
        except requests.RequestException:
            log.info("typing indicator not delivered")

    def history(self, conversation_id: str) -> tuple[list[ConversationEvent], dict[str, Any]]:
        try:
            tracker = self._call("GET", self._url(conversation_id, "tracker"),
                                 params={"include_events": "ALL"}).json()
        except (DeliveryFailed, ValueError):
            log.warning("conversation history unavailable")
            return [], {}
        return events_from_tracker(tracker.get("events") or []), dict(tracker.get("slots") or {})


def events_from_tracker(events: list[dict[str, Any]]) -> list[ConversationEvent]:
    """The turns an agent reads: what the customer said (with the bot's reading of it) and
    what the bot answered; everything else (slots, action runs) is the bot's business."""
    turns: list[ConversationEvent] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            turns.append(ConversationEvent(
                kind="customer", text=event.get("text"), at=event.get("timestamp"),
                intent=intent.get("name"), confidence=intent.get("confidence"),
                details={"entities": [{"entity": e.get("entity"), "value": e.get("value")}
                                      for e in parse.get("entities") or []]}))
        elif kind == "bot":
            data = event.get("data") or {}
            meta = (event.get("metadata") or {}).get("boomerang") or {}
            turns.append(ConversationEvent(
                kind="agent" if meta.get("from") == "agent" else "bot", text=event.get("text"),
                at=event.get("timestamp"), image=data.get("image"),
                details={"agent_name": meta.get("agent_name")} if meta.get("agent_name") else {}))
        elif kind == "pause":
            # Where a person took over (the console cuts the bot's phase there).
            turns.append(ConversationEvent(kind="event", text=None, at=event.get("timestamp"),
                                           details={"paused": True}))
        elif kind == "action" and event.get("name") in ("action_default_fallback", "action_two_stage_fallback"):
            turns.append(ConversationEvent(kind="event", text=None, at=event.get("timestamp"),
                                           details={"failed_answer": True}))
    return turns
