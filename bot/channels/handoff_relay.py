"""While a person owns the conversation, the customer's messages reach them.

When a handoff opens, ``action_handoff`` pauses the conversation: Rasa still parses and
records every message the customer sends (intent, confidence, photo ids in the metadata)
but says nothing. Each Boomerang input channel (web chat, SMS, REST) wraps the callback
Rasa hands it with :meth:`HandoffRelay.wrap`; once Rasa has handled a message, the relay
reads the conversation's tracker and, when the message arrived while the conversation was
paused, posts it to the backend (``POST /api/v1/conversations/{id}/messages``), which
adds it to the handoff the agent sees.

* The message is found in the tracker by its ``message_id``, so two messages in quick
  succession are never mixed up; "paused" means paused *before* this message (the one
  that asked for a person is already in the handoff's summary, it is not relayed).
* A plain "cancel" while the request is still queued means "stop waiting": it is relayed
  as ``cancel_handoff``, which the backend reads as the customer's cancel (it then hands
  the conversation back to the bot). Once an agent has claimed it, "cancel" is a message
  for the agent like any other.
* The backend answers 404 ``no_open_handoff`` when it holds no open handoff for a paused
  conversation (the handoff was erased, say): the customer would otherwise get silence
  forever, so the relay resumes the bot itself, which says it is back.
* The backend call is blocking (``requests``): it runs in an executor. A failure is
  logged, masked, and never breaks the channel; the message stays in the tracker.
  The customer's words are never logged.
* A turn in which the bot answered was not paused: the tracker is read only after a
  silent turn (the channels' outputs say how many messages they sent), so ordinary
  messages cost nothing more.

The tracker store comes from the Sanic app (``app.ctx.agent``), captured when the
server starts by a listener on the channel's blueprint.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Awaitable, Callable, Optional, Sequence

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ConversationPaused,
    ConversationResumed,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
)
from sanic import Blueprint

from common import backend_client
from common.backend_client import BackendError
from common.pii import mask_text

log = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
CANCEL_HANDOFF = "cancel_handoff"
HANDBACK_INTENT = "EXTERNAL_handback"


def paused_user_event(events: Sequence[Event], message_id: Optional[str]) -> Optional[UserUttered]:
    """The user event of ``message_id`` when the conversation was paused as it arrived.

    Paused means the latest pause/resume before the message was a pause (a restart or a
    new session ends a pause too, as they do in Rasa).
    """
    if not message_id:
        return None
    events = list(events)  # a tracker's events are a deque
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered) and event.message_id == message_id:
            return event if _paused_before(events, index) else None
    return None


def _paused_before(events: Sequence[Event], index: int) -> bool:
    for event in reversed(events[:index]):
        if isinstance(event, ConversationPaused):
            return True
        if isinstance(event, (ConversationResumed, Restarted, SessionStarted)):
            return False
    return False


def sent_count(output: Any) -> Optional[int]:
    """How many messages ``output`` has sent so far, when it can tell (collectors keep them
    in ``messages``, the web chat's output counts them in ``sent``)."""
    messages = getattr(output, "messages", None)
    if isinstance(messages, list):
        return len(messages)
    sent = getattr(output, "sent", None)
    return sent if isinstance(sent, int) else None


def photo_ids_of(metadata: Any) -> list[str]:
    ids = metadata.get("photo_ids") if isinstance(metadata, dict) else None
    return [str(p) for p in ids if p] if isinstance(ids, list) else []


class HandoffRelay:
    """Relays what a customer writes during a handoff, for one input channel."""

    def __init__(self, channel: str,
                 backend: Callable[[], backend_client.BackendClient] = backend_client.get_client) -> None:
        self.channel = channel
        self.backend = backend
        self.app: Any = None
        self.warned = False

    def attach(self, blueprint: Blueprint) -> None:
        """Capture the Sanic app (and through it Rasa's agent) when the server starts."""

        async def capture_app(app: Any, _loop: Any) -> None:
            self.app = app

        blueprint.listener("before_server_start")(capture_app)

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        """``on_new_message``, then the relay: what each channel passes to Rasa instead."""

        @functools.wraps(on_new_message)
        async def handle_then_relay(message: UserMessage) -> Any:
            before = sent_count(message.output_channel)
            result = await on_new_message(message)
            after = sent_count(message.output_channel)
            if before is None or after is None or after == before:  # the bot said nothing
                await self.relay(message)
            return result

        return handle_then_relay

    # --- the relay -------------------------------------------------------------------------

    @property
    def agent(self) -> Any:
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    async def relay(self, message: UserMessage) -> None:
        """Post ``message`` to the backend when it came while the conversation was paused."""
        conversation = mask_text(str(message.sender_id))
        try:
            store = getattr(self.agent, "tracker_store", None)
            if store is None:
                if self.app is None and not self.warned:
                    self.warned = True
                    log.warning("the %s channel cannot relay messages during handoffs: its server "
                                "never started (no before_server_start)", self.channel)
                return
            tracker = await store.retrieve(message.sender_id)
            event = paused_user_event(tracker.events, message.message_id) if tracker else None
            if event is None:
                return
            answer = await self._post(message, event)
        except BackendError as exc:
            if exc.status == 404 and exc.code == "no_open_handoff":
                log.warning("conversation %s is paused but the backend has no open handoff: "
                            "the assistant takes it back", conversation)
                await self.resume(message)
            else:
                log.error("a customer message in %s did not reach the handoff: %s %s",
                          conversation, exc.status, exc.code)
            return
        except Exception as exc:  # noqa: BLE001 — the channel must go on whatever happens here
            log.error("a customer message in %s was not relayed: %s", conversation, type(exc).__name__)
            return
        log.info("customer message in %s relayed to the handoff (%s)", conversation, answer.get("status"))

    async def _post(self, message: UserMessage, event: UserUttered) -> dict:
        intent = event.intent or {}
        name = intent.get("name")
        confidence = intent.get("confidence")
        client = self.backend()
        loop = asyncio.get_running_loop()
        if name == "cancel":
            name = await loop.run_in_executor(None, self._cancel_intent, client, message.sender_id)
        call = functools.partial(
            client.relay_customer_message, message.sender_id, text=event.text,
            intent=name, confidence=float(confidence) if confidence is not None else None,
            photo_ids=photo_ids_of(message.metadata), channel=message.input_channel or self.channel)
        return await loop.run_in_executor(None, call)

    @staticmethod
    def _cancel_intent(client: backend_client.BackendClient, conversation_id: str) -> str:
        """"cancel" while nobody has picked the request up yet means "stop waiting"."""
        try:
            status = client.handoff_status(conversation_id).get("status")
        except BackendError:
            return "cancel"
        return CANCEL_HANDOFF if status == "queued" else "cancel"

    async def resume(self, message: UserMessage) -> None:
        """Give the conversation back to the bot, which says it is back (as a hand-back)."""
        agent = self.agent
        try:
            async with agent.lock_store.lock(message.sender_id):
                tracker = await agent.processor.fetch_tracker_and_update_session(
                    message.sender_id, message.output_channel)
                if not tracker.is_paused():
                    return
                tracker.update(ConversationResumed())
                if tracker.latest_action_name != ACTION_LISTEN_NAME:  # a user turn follows a listen
                    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                await agent.trigger_intent(HANDBACK_INTENT, [{"entity": "handback_reason", "value": "agent"}],
                                           message.output_channel, tracker)
        except Exception as exc:  # noqa: BLE001
            log.error("conversation %s could not be resumed: %s", mask_text(str(message.sender_id)),
                      type(exc).__name__)
