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

For handoffs to a person (issue 11):

* while a person owns the conversation, the customer's messages go on to the backend
  (bot/channels/handoff_relay.py);
* the output (:class:`BoomerangSocketIOOutput`) tells the widget what the stock one
  drops: a message's ``custom`` payload (``{"boomerang": {"handoff": "queued"}}`` when a
  handoff opens, ``"ended"`` when the bot is back) rides on the message instead of
  crashing the stock ``send_custom_json``, and the ``boomerang`` entry of a bot event's
  metadata (``{"from": "agent", "agent_name": "Alice"}`` on what an agent wrote) reaches
  the browser as ``metadata.boomerang``;
* ``POST /webhooks/socketio/typing`` ``{conversation_id, typing}`` (``Authorization:
  Bearer <RASA_AUTH_TOKEN>``) emits ``agent_typing`` ``{typing}`` to the conversation's
  sockets: the backend calls it while an agent types;
* what was said while no socket was there to hear it (an agent's reply while the page
  was closed or offline, the bot taking the conversation back) is not lost: each
  ``bot_uttered`` carries its event's ``timestamp``, and a ``session_request`` with
  ``since`` (the latest one the browser showed) gets the bot messages written after it
  again, from the tracker (at most REPLAY_MAX, none older than REPLAY_WINDOW).

With several Rasa processes (``redis_url`` in the credentials), every emit — a reply made
through ``output_channel=latest``, the typing route's, the session's own — goes through
Redis to whichever process holds the session's socket (bot/channels/socketio_redis.py);
the replay reads the tracker store, which those processes share.
"""
from __future__ import annotations

import hmac
import inspect
import json
import logging
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.handoff_relay import HandoffRelay
from bot.channels.socketio_redis import DEFAULT_REDIS_CHANNEL, redis_settings, share_through_redis
from common.conversation_ids import CLIENT_METADATA_KEY, address_client, is_web_id, new_web_id
from common.pii import mask_text

log = logging.getLogger(__name__)

SEND_PHOTO = "/send_photo"
# The entry of a bot event's metadata that the browser is given (who wrote the message).
SHOWN_METADATA = "boomerang"
AGENT_TYPING_EVT = "agent_typing"
TYPING_TOKEN_ENV = "RASA_AUTH_TOKEN"
REPLAY_MAX = 50  # bot messages sent again to a socket that asks for what it missed
REPLAY_WINDOW = 24 * 3600.0  # seconds: nothing older is sent again


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


class BoomerangSocketIOOutput(SocketIOOutput):
    """One ``bot_uttered`` per text paragraph, as Rasa's, with the extras the widget reads.

    * ``custom`` goes on the message's last event (Rasa's ``send_custom_json`` passes the
      payload's keys to ``AsyncServer.emit`` as keyword arguments, which raises);
    * the ``boomerang`` entry of the bot event's metadata (who wrote it: an agent, and
      their name) goes on every event of the message as ``metadata.boomerang``; nothing
      else of the metadata leaves the server.
    """

    sent = 0  # messages sent through this output (the relay reads it: bot_uttered means not paused)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        for payload in self.payloads(message):
            await self._send_message(recipient_id, payload)

    @staticmethod
    def payloads(message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        shown = message.get(SHOWN_METADATA)
        extras = {"metadata": {SHOWN_METADATA: shown}} if isinstance(shown, dict) else {}
        stamp = message.get("timestamp")
        if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
            extras = {**extras, "timestamp": stamp}  # the browser asks again from the last it saw
        payloads: List[Dict[Text, Any]] = []
        text = str(message.get("text") or "").strip()
        buttons = message.get("quick_replies") or message.get("buttons") or []
        if text or buttons:
            payloads += [{"text": part, **extras} for part in (text.split("\n\n") if text else [""])]
            if buttons:
                payloads[-1]["quick_replies"] = [
                    {"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                    for b in buttons if isinstance(b, dict)]
        if message.get("image"):
            payloads.append({"attachment": {"type": "image", "payload": {"src": message["image"]}}, **extras})
        if message.get("attachment") and message.get("attachment") != message.get("image"):
            payloads.append({"attachment": message["attachment"], **extras})
        for element in message.get("elements") or []:
            payloads.append({"attachment": {"type": "template",
                                            "payload": {"template_type": "generic", "elements": element}},
                             **extras})
        custom = message.get("custom")
        if isinstance(custom, dict) and custom:
            if payloads:
                payloads[-1]["custom"] = custom
            else:
                payloads.append({"custom": custom, **extras})
        return payloads

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def bearer_matches(header: Optional[str], token: Optional[str]) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time; never without a token."""
    if not token or not header:
        return False
    return hmac.compare_digest(header.encode("utf-8"), f"Bearer {token}".encode("utf-8"))


class BoomerangSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel, with the session room and empty-message fixes, and
    each socket held to the one web session it was confirmed."""

    relay: Optional[HandoffRelay] = None
    # Redis shared by several Rasa processes for their emits; None: this process's sockets only.
    redis_url: Optional[str] = None
    redis_channel: str = DEFAULT_REDIS_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BoomerangSocketIOInput":
        """The stock options, plus ``redis_url`` and ``redis_channel`` (socketio_redis.py)."""
        channel = super().from_credentials(credentials)
        channel.redis_url, channel.redis_channel = redis_settings(credentials)
        return channel

    def get_output_channel(self) -> Optional[OutputChannel]:
        """What Rasa's API (``output_channel=latest``) speaks through: ours, with the extras."""
        if self.sio is None:
            return super().get_output_channel()
        return BoomerangSocketIOOutput(self.sio, self.bot_message_evt)

    async def replay(self, sid: str, session_id: str, since: float) -> None:
        """Send socket ``sid`` the bot messages of ``session_id`` written after ``since``."""
        store = getattr(self.relay.agent if self.relay else None, "tracker_store", None)
        if store is None or self.sio is None:
            return
        try:
            tracker = await store.retrieve(session_id)
        except Exception as exc:  # noqa: BLE001 — a reconnect must never fail on this
            log.warning("messages missed in %s not sent again: %s", session_id, type(exc).__name__)
            return
        if tracker is None:
            return
        floor = max(since, time.time() - REPLAY_WINDOW)
        missed = [e for e in tracker.events if isinstance(e, BotUttered) and (e.timestamp or 0) > floor]
        for event in missed[-REPLAY_MAX:]:
            for payload in BoomerangSocketIOOutput.payloads(event.message()):
                await self.sio.emit(self.bot_message_evt, payload, room=sid, namespace=self.namespace)
        if missed:
            log.debug("socket %s got %d missed messages again", sid, min(len(missed), REPLAY_MAX))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """Build the stock blueprint, then replace its faulty event handlers."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint
        if self.redis_url:
            share_through_redis(sio, blueprint, self.redis_url, self.redis_channel)
        handlers = sio.handlers.get(self.namespace or "/", {})
        stock_disconnect = handlers.get("disconnect")
        relay = self.relay = self.relay or HandoffRelay(self.name())
        relay.attach(blueprint)
        handle_then_relay = relay.wrap(on_new_message)
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
            since = data.get("since")
            if session_id == asked and isinstance(since, (int, float)) and not isinstance(since, bool):
                await self.replay(sid, session_id, float(since))

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
            output = BoomerangSocketIOOutput(sio, self.bot_message_evt)
            sender_id = session_id if self.session_persistence else sid
            await handle_then_relay(UserMessage(text, output, sender_id, input_channel=self.name(),
                                                metadata=metadata))

        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)
            if stock_disconnect is not None:
                await stock_disconnect(sid)

        @blueprint.route("/typing", methods=["POST"])
        async def agent_typing(request: Request) -> HTTPResponse:
            """The backend says an agent is (or stopped) typing in a web conversation."""
            if not os.environ.get(TYPING_TOKEN_ENV):
                return response.json({"error": f"{TYPING_TOKEN_ENV} is not set"}, status=503)
            if not bearer_matches(request.headers.get("Authorization"), os.environ.get(TYPING_TOKEN_ENV)):
                return response.json({"error": "unauthorized"}, status=401)
            try:
                body = request.json
            except Exception:  # noqa: BLE001 — Sanic raises its own error on a bad body
                body = None
            conversation_id = body.get("conversation_id") if isinstance(body, dict) else None
            typing = body.get("typing") if isinstance(body, dict) else None
            if not is_web_id(conversation_id) or not isinstance(typing, bool):
                return response.json({"error": "expected {conversation_id: web-<32 hex>, typing: bool}"},
                                     status=422)
            await sio.emit(AGENT_TYPING_EVT, {"typing": typing}, room=conversation_id, namespace=self.namespace)
            log.debug("agent typing=%s in %s", typing, mask_text(conversation_id))
            return response.json({"ok": True})

        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return blueprint
