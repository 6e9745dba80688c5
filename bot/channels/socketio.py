"""The website chat channel: Rasa 3.6's socket.io channel with two known defects fixed.

Registered in credentials.yml as ``bot.channels.socketio.BoomerangSocketIOInput``. It
speaks Rasa's standard protocol (``session_request`` → ``session_confirm``,
``user_uttered`` → ``bot_uttered``), so any Rasa web widget keeps working; only the two
handlers that misbehave are replaced, on the server the stock channel builds.

* RasaHQ/rasa#13027 — python-socketio 5.10 made ``AsyncServer.enter_room`` a coroutine,
  which Rasa calls without awaiting: with session persistence the socket never joins
  its session's room and no reply reaches the browser. Here the result is awaited when it
  is awaitable, so the channel works with both (the project also pins python-socketio
  below 5.10).
* RasaHQ/rasa#9582 — a ``user_uttered`` event without a message (a widget's empty init
  payload, ``null`` data) is passed on with ``text=None`` and the NLU pipeline raises.
  Here such an event is ignored, unless it carries photo ids, which are then sent as
  ``/send_photo`` (the convention every channel follows) so no uploaded photo is lost.
"""
from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from socketio import AsyncServer

log = logging.getLogger(__name__)

SEND_PHOTO = "/send_photo"
Handler = Callable[[str, Any], Awaitable[None]]


async def join_room(sio: AsyncServer, sid: str, room: str, namespace: Optional[str]) -> None:
    """Put ``sid`` in ``room`` whether ``enter_room`` is plain (≤5.9) or a coroutine (≥5.10)."""
    result = sio.enter_room(sid, room, namespace=namespace)
    if inspect.isawaitable(result):
        await result


def parse_metadata(raw: Any) -> Dict[str, Any]:
    """The event's metadata as a dict; a JSON string is decoded, anything else is dropped."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            log.warning("socket.io message metadata is not valid JSON; ignored")
            return {}
    return raw if isinstance(raw, dict) else {}


def message_text(data: Dict[str, Any], metadata: Dict[str, Any]) -> Optional[str]:
    """The text to hand to Rasa, or None when the event carries nothing to answer."""
    text = data.get("message")
    if isinstance(text, str) and text.strip():
        return text
    if metadata.get("photo_ids"):
        return SEND_PHOTO
    return None


class BoomerangSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel, with the session room and empty-message fixes."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """Build the stock blueprint, then replace its two faulty event handlers."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint
        handlers = sio.handlers.get(self.namespace or "/", {})
        stock_message_handler: Handler = handlers[self.user_message_evt]

        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await join_room(sio, sid, str(session_id), self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            log.debug("socket %s joined session %s", sid, session_id)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                log.debug("socket %s sent %s without a message; ignored", sid, self.user_message_evt)
                return
            metadata = parse_metadata(data.get(self.metadata_key))
            text = message_text(data, metadata)
            if text is None:
                log.debug("socket %s sent an empty %s; ignored", sid, self.user_message_evt)
                return
            await stock_message_handler(sid, {**data, "message": text, self.metadata_key: metadata})

        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return blueprint
