"""The web chat channel (bot/channels/socketio.py) against the two Rasa defects it fixes.

Each defect is first reproduced on Rasa's stock ``SocketIOInput``, then shown fixed on
``BoomerangSocketIOInput``; a last group talks to a real server over socket.io (polling
transport: python-socketio's websocket client needs a newer aiohttp than Rasa allows).
"""
from __future__ import annotations

import asyncio
import os
import queue
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest
import rasa.core.channels.socketio as rasa_socketio
import requests
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from dev.stack import Services, free_port
from bot.channels.socketio import BoomerangSocketIOInput

ROOT = Path(__file__).resolve().parents[2]
WEB = "web-" + "ab" * 16  # a well-formed web conversation id
TYPING_TOKEN = "typing-test-token"
CREDENTIALS = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
               "session_persistence": True, "metadata_key": "customData"}


class CoroutineEnterRoomServer(socketio.AsyncServer):
    """python-socketio ≥ 5.10's shape: ``enter_room`` is a coroutine on the async server."""

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        super().enter_room(sid, room, namespace=namespace)


class Built:
    """A channel's socket.io server and handlers, with the messages it passed to Rasa."""

    def __init__(self, channel: SocketIOInput) -> None:
        self.received: list[UserMessage] = []

        async def on_new_message(message: UserMessage) -> None:
            self.received.append(message)

        channel.blueprint(on_new_message)
        assert channel.sio is not None
        self.sio = channel.sio
        self.handlers = channel.sio.handlers["/"]

    def connect(self) -> str:
        """A socket connected to the default namespace, as the Engine.IO layer would add it."""
        return self.sio.manager.connect(uuid.uuid4().hex, "/")

    def in_room(self, sid: str, room: str) -> bool:
        return sid in self.sio.manager.rooms.get("/", {}).get(room, {})

    def call(self, event: str, sid: str, data: Any) -> None:
        """Run one event handler to completion, on its own loop in its own thread (so a
        loop already running in this thread, Playwright's say, is no obstacle)."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, self.handlers[event](sid, data)).result()


def build(cls: type[SocketIOInput], monkeypatch: pytest.MonkeyPatch, server: type = socketio.AsyncServer) -> Built:
    monkeypatch.setattr(rasa_socketio, "AsyncServer", server)
    return Built(cls.from_credentials(CREDENTIALS))


# --- RasaHQ/rasa#13027: enter_room became a coroutine ---------------------------------------

@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_stock_channel_never_joins_the_session_room_when_enter_room_is_a_coroutine(monkeypatch):
    built = build(SocketIOInput, monkeypatch, CoroutineEnterRoomServer)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": "web-abc"})
    assert not built.in_room(sid, "web-abc")  # replies to the session never reach this socket


@pytest.mark.parametrize("server", [CoroutineEnterRoomServer, socketio.AsyncServer],
                         ids=["enter_room-coroutine", "enter_room-plain"])
def test_fixed_channel_joins_the_session_room_either_way(monkeypatch, server):
    built = build(BoomerangSocketIOInput, monkeypatch, server)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    assert built.in_room(sid, WEB)


def test_fixed_channel_mints_a_session_id_when_none_is_asked_for(monkeypatch):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, None)
    rooms = [room for room, members in built.sio.manager.rooms["/"].items() if sid in members and room not in (None, sid)]
    assert len(rooms) == 1 and rooms[0].startswith("web-") and len(rooms[0]) == 36


@pytest.mark.parametrize("asked", ["sms:+33639981234", "+33639981234", "rest:me", "web-abc", "web-" + "AB" * 16])
def test_a_session_outside_the_web_namespace_is_never_granted(monkeypatch, asked):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": asked})
    built.call("user_uttered", sid, {"session_id": asked, "message": "hello"})
    assert not built.in_room(sid, asked)
    assert [m.sender_id.startswith("web-") and m.sender_id != asked for m in built.received] == [True]


def test_a_socket_speaks_only_in_its_own_session(monkeypatch):
    # Before the fix each message's session_id was the conversation: any socket could
    # post into any conversation, an SMS customer's included.
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, {"session_id": "sms:+33639981234", "message": "hello"})
    built.call("user_uttered", sid, {"session_id": "web-" + "cd" * 16, "message": "hello"})
    assert [m.sender_id for m in built.received] == [WEB, WEB]


def test_the_client_cannot_claim_an_identity_in_the_metadata(monkeypatch):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, {"message": "hi", "customData": {"boomerang_client": "sms:+33639981234"}})
    assert "boomerang_client" not in built.received[0].metadata


# --- RasaHQ/rasa#9582: a user_uttered without a message -------------------------------------

def test_stock_channel_passes_a_null_message_on_and_rasa_parsing_raises(monkeypatch):
    built = build(SocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("user_uttered", sid, {"session_id": "web-abc", "message": None})
    assert [m.text for m in built.received] == [None]
    with pytest.raises(AttributeError):  # the first step of Rasa's NLU graph on that text
        YAMLStoryReader.unpack_regex_message(Message({TEXT: built.received[0].text}))
    with pytest.raises(AttributeError):  # and an event with no data fails in the handler itself
        built.call("user_uttered", sid, None)


@pytest.mark.parametrize("data", [None, {}, {"session_id": "web-abc"}, {"session_id": "web-abc", "message": None},
                                  {"session_id": "web-abc", "message": "   "},
                                  {"session_id": "web-abc", "message": None, "customData": "{not json"}],
                         ids=["no-data", "empty", "no-message", "null", "blank", "bad-metadata"])
def test_fixed_channel_ignores_events_without_a_message(monkeypatch, data):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, data)
    assert built.received == []


def test_fixed_channel_passes_messages_and_metadata_on_unchanged(monkeypatch):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, {"session_id": WEB, "message": "hello",
                                     "customData": {"language": "fr"}})
    built.call("user_uttered", sid, {"session_id": WEB, "message": "/send_photo",
                                     "customData": '{"photo_ids": ["p1"]}'})
    assert [(m.sender_id, m.text, m.metadata) for m in built.received] == [
        (WEB, "hello", {"language": "fr"}), (WEB, "/send_photo", {"photo_ids": ["p1"]})]


def test_fixed_channel_sends_photos_without_text_as_send_photo(monkeypatch):
    built = build(BoomerangSocketIOInput, monkeypatch)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, {"session_id": WEB, "message": None,
                                     "customData": {"photo_ids": ["p1", "p2"]}})
    assert [(m.text, m.metadata["photo_ids"]) for m in built.received] == [("/send_photo", ["p1", "p2"])]


def test_fixed_channel_still_refuses_messages_without_a_session(monkeypatch):
    built = build(BoomerangSocketIOInput, monkeypatch)
    built.call("user_uttered", built.connect(), {"session_id": WEB, "message": "hello"})
    assert built.received == []


# --- a real server, a real socket.io client ------------------------------------------------

@pytest.fixture(scope="module")
def echo_server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    services = Services(tmp_path_factory.mktemp("socketio"), env)
    try:
        server = services.start("echo", [sys.executable, "-m", "tests.bot.socketio_echo_server", str(port)], ROOT,
                                extra_env={"RASA_AUTH_TOKEN": TYPING_TOKEN})
        services.wait_ready(server, f"http://127.0.0.1:{port}/ready", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        services.stop_all()


class Browser:
    """A socket.io client speaking the web widget's protocol, replies collected in a queue."""

    def __init__(self, url: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.replies: queue.Queue[Any] = queue.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("agent_typing", lambda data: self.replies.put(("typing", data)))
        self.client.on("session_confirm", lambda sid: self.replies.put(("confirm", sid)))
        self.client.connect(url, transports=["polling"])

    def session(self, session_id: str | None) -> str:
        self.client.emit("session_request", {"session_id": session_id})
        kind, confirmed = self.replies.get(timeout=20)
        assert kind == "confirm"
        return confirmed

    def say(self, session_id: str, message: Any, custom: dict | None = None) -> None:
        self.client.emit("user_uttered", {"session_id": session_id, "message": message,
                                          "customData": custom or {}})

    def reply(self) -> Any:
        return self.replies.get(timeout=20)

    def close(self) -> None:
        self.client.disconnect()


def test_a_real_client_gets_its_reply_in_its_session(echo_server):
    browser = Browser(echo_server)
    try:
        assert browser.session("web-" + "1" * 32) == "web-" + "1" * 32
        browser.say("web-" + "1" * 32, "hello")
        assert browser.reply() == {"text": f"echo web-{'1' * 32} hello [] ip:127.0.0.1"}
    finally:
        browser.close()


def test_an_empty_message_gets_no_error_and_the_conversation_goes_on(echo_server):
    browser = Browser(echo_server)
    session = "web-" + "2" * 32
    try:
        browser.session(session)
        browser.say(session, None)
        browser.say(session, None, {"photo_ids": ["p1"]})
        browser.say(session, "still there?")
        assert browser.reply() == {"text": f"echo {session} /send_photo [p1] ip:127.0.0.1"}
        assert browser.reply() == {"text": f"echo {session} still there? [] ip:127.0.0.1"}
        assert browser.replies.empty()
    finally:
        browser.close()


def test_a_reconnected_socket_with_the_same_session_gets_the_replies(echo_server):
    session = "web-" + "3" * 32
    first = Browser(echo_server)
    first.session(session)
    first.close()
    second = Browser(echo_server)
    try:
        assert second.session(session) == session
        second.say(session, "back again")
        assert second.reply() == {"text": f"echo {session} back again [] ip:127.0.0.1"}
    finally:
        second.close()


# --- handoffs: what the browser is told (issue 11) --------------------------------------------

def test_stock_output_crashes_on_a_custom_payload(monkeypatch):
    """Rasa's SocketIOOutput.send_custom_json passes the payload's keys to emit()."""
    from rasa.core.channels.socketio import SocketIOOutput

    sio = socketio.AsyncServer(async_mode="asgi")
    with pytest.raises(TypeError):
        asyncio.run(SocketIOOutput(sio, "bot_uttered").send_custom_json(WEB, {"boomerang": {"handoff": "queued"}}))


def test_the_output_keeps_custom_and_who_wrote_it_and_drops_the_rest():
    from bot.channels.socketio import BoomerangSocketIOOutput

    payloads = BoomerangSocketIOOutput.payloads
    assert payloads({"text": "Wait\n\nplease", "buttons": [{"title": "Cancel", "payload": "/cancel_handoff"}],
                     "custom": {"boomerang": {"handoff": "queued"}}, "utter_action": "utter_x"}) == [
        {"text": "Wait"},
        {"text": "please", "quick_replies": [{"content_type": "text", "title": "Cancel", "payload": "/cancel_handoff"}],
         "custom": {"boomerang": {"handoff": "queued"}}}]
    agent = {"boomerang": {"from": "agent", "agent_name": "Alice"}}
    assert payloads({"text": "Hi", "image": "https://x/p.jpg", "attachment": None, **agent, "timestamp": 3}) == [
        {"text": "Hi", "metadata": agent, "timestamp": 3},
        {"attachment": {"type": "image", "payload": {"src": "https://x/p.jpg"}}, "metadata": agent, "timestamp": 3}]
    assert payloads({"custom": {"boomerang": {"handoff": "ended"}}}) == [{"custom": {"boomerang": {"handoff": "ended"}}}]
    assert payloads({"text": "plain"}) == [{"text": "plain"}]


def test_a_real_client_gets_the_handoff_marker_and_the_agents_name(echo_server):
    browser = Browser(echo_server)
    session = "web-" + "4" * 32
    try:
        browser.session(session)
        browser.say(session, "handoff")
        assert browser.reply() == {"text": "A person will join you.", "custom": {"boomerang": {"handoff": "queued"}},
                                   "quick_replies": [{"content_type": "text", "title": "Cancel",
                                                      "payload": "/cancel_handoff"}]}
        browser.say(session, "agent")
        who = {"boomerang": {"from": "agent", "agent_name": "Alice"}}
        assert [browser.reply(), browser.reply()] == [{"text": "Hello, I'm Alice.", "metadata": who, "timestamp": 1.0},
                                                     {"text": "Let me look.", "metadata": who, "timestamp": 1.0}]
        browser.say(session, "custom-only")
        assert browser.reply() == {"custom": {"boomerang": {"handoff": "ended"}}}
    finally:
        browser.close()


def post_typing(url: str, body: Any, token: str | None = TYPING_TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{url}/webhooks/socketio/typing", json=body, headers=headers, timeout=10)


def test_agent_typing_reaches_the_conversations_sockets_only_with_the_token(echo_server):
    browser = Browser(echo_server)
    other = Browser(echo_server)
    session = "web-" + "5" * 32
    try:
        browser.session(session)
        other.session("web-" + "6" * 32)
        assert post_typing(echo_server, {"conversation_id": session, "typing": True}).status_code == 200
        assert browser.reply() == ("typing", {"typing": True})
        assert post_typing(echo_server, {"conversation_id": session, "typing": False}).json() == {"ok": True}
        assert browser.reply() == ("typing", {"typing": False})
        assert post_typing(echo_server, {"conversation_id": session, "typing": True}, token=None).status_code == 401
        assert post_typing(echo_server, {"conversation_id": session, "typing": True}, token="wrong").status_code == 401
        for bad in ({"conversation_id": "sms:+33639981234", "typing": True}, {"conversation_id": session},
                    {"conversation_id": session, "typing": "yes"}, ["nope"]):
            assert post_typing(echo_server, bad).status_code == 422, bad
        assert browser.replies.empty() and other.replies.empty()
    finally:
        browser.close()
        other.close()


def test_the_typing_route_never_opens_without_a_token():
    from bot.channels.socketio import bearer_matches

    assert bearer_matches("Bearer s3cret", "s3cret")
    assert not bearer_matches("Bearer s3cret", None) and not bearer_matches("Bearer ", "")
    assert not bearer_matches(None, "s3cret") and not bearer_matches("s3cret", "s3cret")
    assert not bearer_matches("Bearer s3cret ", "s3cret")
