"""While a person owns the conversation, every channel relays the customer's messages to
the backend (bot/channels/handoff_relay.py).

First the relay alone (a stand-in agent with a real in-memory tracker store, a recording
backend client), then each channel wired to it over real HTTP: the REST webhook and the
SMS webhook served by Sanic, talking to a small fake of the backend's routes through the
real BackendClient, and the web chat's socket.io handlers.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Restarted, UserUttered
from sanic import Sanic

from bot.channels.handoff_relay import HandoffRelay, paused_user_event
from bot.channels.rest import NamespacedRestInput
from bot.channels.sms_config import SmsSettings
from bot.channels.socketio import BoomerangSocketIOInput
from bot.channels.twilio_sms import TwilioSmsInput
from common.backend_client import BackendClient, BackendError
from dev.stack import free_port
from tests.bot.fake_rasa import PausingAgent, app_with
from tests.bot.test_socketio_channel import CREDENTIALS, WEB, Built
from tests.bot.test_twilio_sms_channel import RecordingBackend as SmsRecordingBackend
from tests.bot.test_twilio_sms_channel import Server as SmsServer
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio, inbound, png, signed_post

SECRET_WORDS = "my address is 12 rue des Lilas"


# --- which messages are relayed -------------------------------------------------------------------

def user(text: str, message_id: str) -> UserUttered:
    return UserUttered(text, {"name": "inform", "confidence": 0.9}, message_id=message_id)


def test_only_a_message_that_came_while_paused_is_relayed():
    events = [user("human", "m1"), ConversationPaused(), user("hello?", "m2"), user("again", "m3"),
              ConversationResumed(), user("back", "m4"), ConversationPaused(), Restarted(), user("x", "m5")]
    assert paused_user_event(events, "m1") is None  # the one that asked: in the handoff's summary
    assert paused_user_event(events, "m2").text == "hello?"
    assert paused_user_event(events, "m3").text == "again"
    assert paused_user_event(events, "m4") is None
    assert paused_user_event(events, "m5") is None  # a restart ends a pause, as in Rasa
    assert paused_user_event(events, "unknown") is None and paused_user_event(events, None) is None


@dataclass
class RelayBackend:
    """Records the relay's calls; answers like the backend (``status`` of the open handoff)."""

    status: str = "queued"
    fail: BackendError | None = None
    calls: list[tuple] = field(default_factory=list)

    def relay_customer_message(self, conversation_id: str, **kwargs: Any) -> dict:
        self.calls.append(("relay", conversation_id, kwargs))
        if self.fail:
            raise self.fail
        return {"handoff_id": 1, "status": "cancelled" if kwargs["intent"] == "cancel_handoff" else self.status}

    def handoff_status(self, conversation_id: str) -> dict:
        self.calls.append(("status", conversation_id))
        if self.fail:
            raise self.fail
        return {"status": self.status, "agent_name": None, "wait_minutes": 3, "open_now": True}


class Harness:
    """The relay around a stand-in agent, as a channel wraps Rasa's callback."""

    def __init__(self, backend: RelayBackend | None = None) -> None:
        self.agent = PausingAgent()
        self.backend = backend or RelayBackend()
        self.relay = HandoffRelay("socketio", backend=lambda: self.backend)
        self.relay.app = app_with(self.agent)
        self.handle = self.relay.wrap(self.agent.handle_message)
        self.output = CollectingOutputChannel()

    def say(self, text: str, metadata: dict | None = None, sender: str = WEB) -> list[dict]:
        start = len(self.output.messages)
        asyncio.run(self.handle(UserMessage(text, self.output, sender, input_channel="socketio",
                                            metadata=metadata or {})))
        return self.output.messages[start:]

    def relayed(self) -> list[dict]:
        return [c[2] | {"conversation_id": c[1]} for c in self.backend.calls if c[0] == "relay"]


def test_messages_during_a_handoff_reach_the_backend_with_intent_photos_and_channel():
    h = Harness()
    assert h.say("hello") == [{"recipient_id": WEB, "text": "echo hello"}]
    assert {"boomerang": {"handoff": "queued"}} in [m.get("custom") for m in h.say("human")]
    assert h.relayed() == []  # the bot answered both: nothing to relay
    assert h.say("hello?") == []  # silence from the bot…
    assert h.say("/send_photo", {"photo_ids": ["ph_1", "ph_2"], "boomerang_client": "ip:1.2.3.4"}) == []
    assert h.relayed() == [  # …but the agent gets everything
        {"conversation_id": WEB, "text": "hello?", "intent": "inform", "confidence": 0.93, "photo_ids": [],
         "channel": "socketio"},
        {"conversation_id": WEB, "text": "/send_photo", "intent": "send_photo", "confidence": 0.93,
         "photo_ids": ["ph_1", "ph_2"], "channel": "socketio"}]


def test_the_tracker_is_read_only_after_a_turn_the_bot_did_not_answer():
    h = Harness()
    looked: list[str] = []
    relay = h.relay.relay

    async def counting(message: UserMessage) -> None:
        looked.append(message.text)
        await relay(message)

    h.relay.relay = counting  # type: ignore[method-assign]
    h.say("hello")
    h.say("human")
    assert looked == []  # the bot answered both
    h.say("hello?")
    assert looked == ["hello?"]


def test_cancel_while_nobody_has_picked_the_request_up_cancels_it():
    h = Harness()
    h.say("human")
    h.say("cancel")
    assert h.relayed()[-1]["intent"] == "cancel_handoff"
    h.backend.status = "claimed"
    h.say("cancel")  # now it is a message for the agent (a return to cancel, say)
    assert h.relayed()[-1]["intent"] == "cancel"
    h.say("/cancel_handoff")  # the button: always a cancel
    assert h.relayed()[-1]["intent"] == "cancel_handoff"


def test_a_backend_failure_is_logged_masked_and_the_channel_goes_on(caplog):
    h = Harness(RelayBackend(fail=BackendError(0, "backend_unavailable", {"en": "down", "fr": "en panne"})))
    h.say("human", sender="sms:+33639981234")
    with caplog.at_level(logging.INFO):
        assert h.say(SECRET_WORDS, sender="sms:+33639981234") == []
    assert "did not reach the handoff" in caplog.text
    assert SECRET_WORDS not in caplog.text and "12 rue" not in caplog.text
    assert "+33639981234" not in caplog.text  # the conversation id holds the phone number


def test_an_unexpected_error_never_breaks_the_channel(caplog):
    h = Harness()
    h.say("human")
    h.relay.app = app_with(object())  # no tracker store at all: nothing to relay, no error
    assert h.say("hello?") == []

    h.relay.app = app_with(h.agent)
    h.backend.relay_customer_message = lambda *a, **k: (_ for _ in ()).throw(RuntimeError(SECRET_WORDS))  # type: ignore
    with caplog.at_level(logging.INFO):
        assert h.say("still there?") == []
    assert "was not relayed: RuntimeError" in caplog.text and SECRET_WORDS not in caplog.text


def test_a_paused_conversation_without_an_open_handoff_is_given_back_to_the_bot():
    h = Harness(RelayBackend(fail=BackendError(404, "no_open_handoff", {"en": "No open handoff.", "fr": "Aucune demande."})))
    h.say("human")
    answers = h.say("hello?")
    assert {"boomerang": {"handoff": "ended"}} in [m.get("custom") for m in answers]  # the bot is back
    assert h.agent.triggered == [{"intent": "EXTERNAL_handback", "sender_id": WEB,
                                  "entities": [{"entity": "handback_reason", "value": "agent"}]}]
    assert not asyncio.run(h.agent.is_paused(WEB))
    h.backend.fail = None
    assert h.say("hello") == [{"recipient_id": WEB, "text": "echo hello"}]


# --- over HTTP: a fake of the backend's routes ------------------------------------------------------

class FakeBackendRoutes:
    """``POST /api/v1/conversations/{id}/messages`` and ``GET …/handoff`` as the backend
    answers them (issue 11), on 127.0.0.1; records what it was sent."""

    def __init__(self, token: str = "relay-test-token") -> None:
        self.token = token
        self.received: list[dict] = []
        self.open: set[str] = set()
        self.status = "queued"
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def client(self) -> BackendClient:
        return BackendClient(self.url, self.token, read_timeout=5, retries=0)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _conversation(self, suffix: str) -> str | None:
                match = re.fullmatch(rf"/api/v1/conversations/([^/]+)/{suffix}", self.path)
                return requests.utils.unquote(match.group(1)) if match else None

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {fake.token}":
                    return True
                self._reply(401, {"error": {"code": "unauthorized", "message": "no", "message_fr": "non"}})
                return False

            def do_GET(self) -> None:
                conversation = self._conversation("handoff")
                if conversation is None or not self._authorised():
                    return self._reply(404, {}) if conversation is None else None
                if conversation not in fake.open:
                    return self._reply(404, {"error": {"code": "no_open_handoff", "message": "none",
                                                       "message_fr": "aucune"}})
                self._reply(200, {"status": fake.status, "agent_name": None, "wait_minutes": 3, "open_now": True})

            def do_POST(self) -> None:
                conversation = self._conversation("messages")
                if conversation is None or not self._authorised():
                    return self._reply(404, {}) if conversation is None else None
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if conversation not in fake.open:
                    return self._reply(404, {"error": {"code": "no_open_handoff", "message": "none",
                                                       "message_fr": "aucune"}})
                fake.received.append({"conversation_id": conversation, **body})
                cancel = body.get("intent") == "cancel_handoff" or body.get("text") == "/cancel_handoff"
                self._reply(200, {"handoff_id": 7, "status": "cancelled" if cancel else fake.status})

        return Handler


@pytest.fixture
def routes() -> Iterator[FakeBackendRoutes]:
    fake = FakeBackendRoutes()
    yield fake
    fake.close()


class ChannelServer(SmsServer):
    """Rasa's way of serving channels: ``register`` on a Sanic app whose ``ctx.agent``
    handles the messages; started like `rasa run` starts it (its before_server_start
    listeners run, which is when the relay finds the agent)."""

    def __init__(self, channel: Any, agent: PausingAgent) -> None:
        Sanic.test_mode = True
        self.app = Sanic(f"relay_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = agent
        register([channel], self.app, route="/webhooks/")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the Sanic test server did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            self.server = await self.app.create_server(host="127.0.0.1", port=self.port,
                                                       return_asyncio_server=True, access_log=False)
            await self.server.startup()
            await self.server.before_start()
            self.ready.set()
            await self.server.serve_forever()

        self.task = self.loop.create_task(serve())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass


def test_the_rest_channel_relays_over_http(routes, caplog):
    agent = PausingAgent()
    channel = NamespacedRestInput()
    channel.relay = HandoffRelay("rest", backend=routes.client)
    server = ChannelServer(channel, agent)
    http = requests.Session()
    http.trust_env = False
    try:
        def say(text: str) -> list[dict]:
            r = http.post(f"{server.url}/webhooks/rest/webhook", json={"sender": "ann", "message": text}, timeout=30)
            assert r.status_code == 200, r.text
            return r.json()

        assert {"boomerang": {"handoff": "queued"}} in [m.get("custom") for m in say("human")]
        routes.open.add("rest:ann")
        with caplog.at_level(logging.DEBUG):
            assert say(SECRET_WORDS) == []
        assert routes.received == [{"conversation_id": "rest:ann", "text": SECRET_WORDS, "intent": "inform",
                                    "confidence": 0.93, "photo_ids": [], "channel": "rest"}]
        assert SECRET_WORDS not in caplog.text
        # The backend no longer has the handoff (erased, say): the bot takes the conversation back.
        routes.open.clear()
        assert {"boomerang": {"handoff": "ended"}} in [m.get("custom") for m in say("anyone?")]
        assert say("hello") == [{"recipient_id": "rest:ann", "text": "echo hello"}]
    finally:
        server.close()


def test_the_sms_channel_relays_text_and_photos_and_the_agents_name_heads_their_sms(routes):
    fake = FakeTwilio()
    agent = PausingAgent()
    backend = SmsRecordingBackend()
    customer = "+33639981234"
    settings = SmsSettings(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=FROM_NUMBER,
                           api_base_url=fake.url)
    channel = TwilioSmsInput(settings, backend=lambda: backend)
    channel.relay = HandoffRelay("twilio_sms", backend=routes.client)
    server = ChannelServer(channel, agent)
    server.url = f"{server.url}/webhooks/twilio_sms/webhook"
    try:
        assert signed_post(server.url, inbound(customer, "human")).status_code == 200
        [handoff] = fake.wait_for(customer, 1)
        assert handoff["body"].endswith("1) Cancel and go back to the assistant")
        routes.open.add(f"sms:{customer}")
        # "1" right after it answers the cancel choice: the backend gets the customer's cancel.
        signed_post(server.url, inbound(customer, "1"))
        assert (routes.received[-1]["text"], routes.received[-1]["intent"]) == ("/cancel_handoff", "cancel_handoff")
        photo = fake.add_media("crack.png", png((180, 40, 40)))
        signed_post(server.url, inbound(customer, "it is cracked", media=[(photo, "image/png")]))
        assert routes.received[-1] == {"conversation_id": f"sms:{customer}", "text": "it is cracked",
                                       "intent": "inform", "confidence": 0.93, "photo_ids": ["ph_1"],
                                       "channel": "twilio_sms"}
        assert len(fake.sent_to(customer)) == 1  # the bot said nothing more
        # What an agent writes comes back through Rasa's API (a bot event with their name).
        output = channel.get_output_channel()
        asyncio.run(output.send_response(f"sms:{customer}", {"text": "Hello, I'm looking at your lamp.",
                                                              "boomerang": {"from": "agent", "agent_name": "Alice"}}))
        assert fake.wait_for(customer, 2)[-1]["body"] == "Alice: Hello, I'm looking at your lamp."
        # After the agent's message, "1" is an answer to the agent, not the old cancel choice.
        signed_post(server.url, inbound(customer, "1"))
        assert (routes.received[-1]["text"], routes.received[-1]["intent"]) == ("1", "inform")
    finally:
        server.close()
        fake.close()


def test_the_web_chat_relays(monkeypatch):
    channel = BoomerangSocketIOInput.from_credentials(CREDENTIALS)
    backend = RelayBackend()
    channel.relay = HandoffRelay("socketio", backend=lambda: backend)
    agent = PausingAgent()
    built = Built.__new__(Built)
    built.received = []

    async def on_new_message(message: UserMessage) -> None:
        built.received.append(message)
        await agent.handle_message(message)

    channel.blueprint(on_new_message)
    channel.relay.app = app_with(agent)
    built.sio, built.handlers = channel.sio, channel.sio.handlers["/"]
    emitted: list[tuple] = []

    async def emit(event: str, data: Any = None, room: Any = None, **kwargs: Any) -> None:
        emitted.append((event, data, room))

    monkeypatch.setattr(channel.sio, "emit", emit)
    sid = built.connect()
    built.call("session_request", sid, {"session_id": WEB})
    built.call("user_uttered", sid, {"session_id": WEB, "message": "human"})
    built.call("user_uttered", sid, {"session_id": WEB, "message": "are you there?",
                                     "customData": {"photo_ids": ["ph_9"]}})
    assert [c[2]["text"] for c in backend.calls if c[0] == "relay"] == ["are you there?"]
    assert backend.calls[-1][2]["photo_ids"] == ["ph_9"] and backend.calls[-1][2]["channel"] == "socketio"
    handoff = [data for event, data, room in emitted if event == "bot_uttered"]
    assert handoff[-1]["custom"] == {"boomerang": {"handoff": "queued"}}
    assert handoff[-1]["quick_replies"][0]["payload"] == "/cancel_handoff"
