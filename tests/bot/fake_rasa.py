"""Rasa's agent where the channels meet it, without a model: for channel and relay tests.

``PausingAgent.handle_message`` does what Rasa's processor does with a message, as far as
a channel can tell: it logs the user event (with a made-up parse) in a real
``InMemoryTrackerStore``, and answers unless the conversation is paused. "human" opens a
handoff the way action_handoff does (a message with the handoff marker, then a pause);
``trigger_intent`` is Rasa's hand-back (the relay calls it when the backend has no open
handoff for a paused conversation).
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

INTENTS = {"human": "human_handoff", "cancel": "cancel", "/cancel_handoff": "cancel_handoff",
           "hello": "greet", "/send_photo": "send_photo"}
HANDOFF_MESSAGE = {"text": "A member of our team will join you here in about 4 minutes.",
                   "buttons": [{"title": "Cancel and go back to the assistant", "payload": "/cancel_handoff"}],
                   "custom": {"boomerang": {"handoff": "queued"}}}
HANDBACK_MESSAGE = {"text": "I'm back! Is there anything else I can help with?",
                    "custom": {"boomerang": {"handoff": "ended"}}}


class PausingAgent:
    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()
        self.triggered: List[Dict[str, Any]] = []
        self.processor = SimpleNamespace(fetch_tracker_and_update_session=self._fetch)

    async def _fetch(self, sender_id: str, output_channel: Any = None, metadata: Any = None) -> DialogueStateTracker:
        return await self.tracker_store.get_or_create_tracker(sender_id)

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        intent = {"name": INTENTS.get(message.text or "", "inform"), "confidence": 0.93}
        tracker.update(UserUttered(message.text, intent, [], input_channel=message.input_channel,
                                   message_id=message.message_id, metadata=message.metadata))
        if not tracker.is_paused():
            if message.text == "human":
                await utter(tracker, message.output_channel, HANDOFF_MESSAGE)
                tracker.update(ConversationPaused())
            else:
                await utter(tracker, message.output_channel, {"text": f"echo {message.text}"})
        await self.tracker_store.save(tracker)

    async def trigger_intent(self, intent_name: str, entities: List[Dict[str, Any]], output_channel: OutputChannel,
                             tracker: DialogueStateTracker) -> None:
        self.triggered.append({"intent": intent_name, "entities": entities, "sender_id": tracker.sender_id})
        tracker.update(UserUttered.create_external(intent_name, entities))
        await utter(tracker, output_channel, HANDBACK_MESSAGE)
        await self.tracker_store.save(tracker)

    # --- what the backend does through Rasa's API -----------------------------------------------

    async def resume(self, sender_id: str, output_channel: OutputChannel) -> None:
        """The backend's hand-back: a resume event, then EXTERNAL_handback."""
        tracker = await self.tracker_store.get_or_create_tracker(sender_id)
        tracker.update(ConversationResumed())
        await self.trigger_intent("EXTERNAL_handback", [{"entity": "handback_reason", "value": "agent"}],
                                  output_channel, tracker)

    async def agent_says(self, sender_id: str, text: str, agent_name: str, output_channel: OutputChannel,
                         image: str | None = None) -> None:
        """An agent's message (and photo), as Rasa's /tracker/events?execute_side_effects=true
        records and sends it."""
        tracker = await self.tracker_store.get_or_create_tracker(sender_id)
        await utter(tracker, output_channel, {"text": text, **({"image": image} if image else {})},
                    metadata={"boomerang": {"from": "agent", "agent_name": agent_name}})
        await self.tracker_store.save(tracker)

    async def is_paused(self, sender_id: str) -> bool:
        tracker = await self.tracker_store.retrieve(sender_id)
        return bool(tracker and tracker.is_paused())


async def utter(tracker: DialogueStateTracker, output: OutputChannel, message: Dict[str, Any],
                metadata: Dict[str, Any] | None = None) -> None:
    """Record a bot message and send it, the way Rasa's processor does (BotUttered.message())."""
    data = {k: v for k, v in message.items() if k != "text"}
    event = BotUttered(message.get("text"), data=data, metadata=metadata or {})
    tracker.update(event)
    await output.send_response(tracker.sender_id, event.message())


def app_with(agent: Any) -> Any:
    """What the relay reads: ``app.ctx.agent``."""
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))
