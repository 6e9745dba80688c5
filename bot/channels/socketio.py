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

And one security fix: the stock channel takes each message's ``session_id`` as the
conversation id, so a socket could speak in any conversation, an SMS one included
(``sms:+33…``). Here a socket speaks only in the session it was confirmed, and a
session id is a web one (``web-`` + 32 hex, see common/conversation_ids.py) or a fresh
one is minted. The browser's address goes into the message metadata for verification
throttling, replacing whatever the client claimed there.
"""
from __future__ import annotations

import inspect
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from socketio import AsyncServer

from common.conversation_ids import CLIENT_METADATA_KEY, address_client, is_web_id, new_web_id

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


def client_address(environ: Any) -> Optional[str]:
    """The browser's address as this server sees it (a proxy's forwarded address when
    Sanic is configured to trust it: REAL_IP_HEADER / FORWARDED_SECRET)."""
    request = environ.get("sanic.request") if isinstance(environ, dict) else None
    if request is None:
        return None
    return address_client(getattr(request, "remote_addr", "") or getattr(request, "ip", ""))


def message_text(data: Dict[str, Any], metadata: Dict[str, Any]) -> Optional[str]:
    """The text to hand to Rasa, or None when the event carries nothing to answer."""
    text = data.get("message")
    if isinstance(text, str) and text.strip():
        return text
    if metadata.get("photo_ids"):
        return SEND_PHOTO
    return None


class BoomerangSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel, with the session room and empty-message fixes, and
    each socket held to the one web session it was confirmed."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """Build the stock blueprint, then replace its faulty event handlers."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint
        handlers = sio.handlers.get(self.namespace or "/", {})
        stock_message_handler: Handler = handlers[self.user_message_evt]
        stock_disconnect = handlers.get("disconnect")
        # socket id → the web session it was confirmed (dropped when the socket goes).
        sessions: Dict[str, str] = {}
        self.sessions = sessions

        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            asked = data.get("session_id")
            session_id = asked if is_web_id(asked) else new_web_id()
            sessions[sid] = session_id
            if self.session_persistence:
                await join_room(sio, sid, session_id, self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            log.debug("socket %s joined session %s", sid, session_id)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                log.debug("socket %s sent %s without a message; ignored", sid, self.user_message_evt)
                return
            session_id = sessions.get(sid)
            if session_id is None:
                log.info("socket %s sent a message before asking for a session; ignored", sid)
                return
            metadata = parse_metadata(data.get(self.metadata_key))
            metadata.pop(CLIENT_METADATA_KEY, None)
            client = client_address(sio.get_environ(sid, namespace=self.namespace))
            if client:
                metadata[CLIENT_METADATA_KEY] = client
            text = message_text(data, metadata)
            if text is None:
                log.debug("socket %s sent an empty %s; ignored", sid, self.user_message_evt)
                return
            await stock_message_handler(sid, {**data, "session_id": session_id, "message": text,
                                              self.metadata_key: metadata})

        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)
            if stock_disconnect is not None:
                await stock_disconnect(sid)

        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return blueprint
