"""The web chat across several Rasa processes (issue 11, bot/channels/socketio_redis.py).

Two real channel servers (tests/bot/socketio_echo_server.py, the channel's blueprint on
Sanic, a stub in place of Rasa's agent) on two ports, and the real Redis of the machine
(``BOOMERANG_TEST_REDIS``, default 127.0.0.1:6379; nothing is skipped: Redis is part of
the test environment). The browser's socket is connected to server A; server B speaks in
its conversation as Rasa's API does with ``output_channel=latest`` (``get_output_channel()``
then ``send_text_message``) and through the typing route. With ``redis_url`` the browser
hears B; without it, it does not, which is the defect fixed.

"Does not hear" is shown without waiting on a clock: after the emit that must not arrive,
server A, which holds the socket, emits a marker; the next thing the browser gets is the
marker and nothing else has arrived.
"""
from __future__ import annotations

import asyncio
import os
import pickle
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest
import redis
import requests
import rasa.shared.utils.io as rasa_io
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.socketio import BoomerangSocketIOInput
from bot.channels.socketio_redis import DEFAULT_REDIS_CHANNEL, redis_address
from dev.stack import Services, free_port
from tests.bot.test_socketio_channel import TYPING_TOKEN, Browser, post_typing

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("BOOMERANG_TEST_REDIS", "127.0.0.1:6379")
REDIS_URL = f"redis://{REDIS}/0"


class Cluster(NamedTuple):
    a: str  # the server the browser connects to
    b: str  # the server that speaks
    channel: str  # the Redis channel they share ("" without Redis)
    trackers: Path  # the SQLite tracker store they share


def say(server: str, conversation_id: str, text: str) -> None:
    reply = requests.post(f"{server}/say", json={"conversation_id": conversation_id, "text": text}, timeout=10)
    assert reply.json() == {"ok": True}


def subscribers(channel: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return dict(client.pubsub_numsub(channel)).get(channel.encode(), 0)
    finally:
        client.close()


def start_cluster(work: Path, shared: bool) -> Iterator[Cluster]:
    channel = f"boomerang-socketio-test-{uuid.uuid4().hex}" if shared else ""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "RASA_AUTH_TOKEN": TYPING_TOKEN,
           "ECHO_TRACKER_DB": str(work / "trackers.db")}
    services = Services(work, env)
    urls = []
    try:
        for name in ("a", "b"):
            port = free_port()
            args = [REDIS_URL, channel] if shared else []
            server = services.start(name, [sys.executable, "-m", "tests.bot.socketio_echo_server", str(port), *args],
                                    ROOT)
            services.wait_ready(server, f"http://127.0.0.1:{port}/ready", timeout=60)
            urls.append(f"http://127.0.0.1:{port}")
        if shared:
            # Ready means subscribed (the channel subscribes before serving): both are there.
            assert subscribers(channel) == 2
        yield Cluster(urls[0], urls[1], channel, work / "trackers.db")
    finally:
        services.stop_all()


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[Cluster]:
    yield from start_cluster(tmp_path_factory.mktemp("scale-redis"), shared=True)


@pytest.fixture(scope="module")
def separate(tmp_path_factory) -> Iterator[Cluster]:
    yield from start_cluster(tmp_path_factory.mktemp("scale-alone"), shared=False)


def session(n: int) -> str:
    return f"web-{n:032x}"


# --- with redis_url: every process reaches every socket --------------------------------------

def test_a_reply_made_by_another_process_reaches_the_socket(shared):
    browser = Browser(shared.a)
    try:
        assert browser.session(session(1)) == session(1)  # session_confirm went through Redis too
        say(shared.b, session(1), "Alice: I found your order.")
        assert browser.reply() == {"text": "Alice: I found your order."}
        browser.say(session(1), "thanks")  # a message handled on A is answered on A as before
        assert browser.reply() == {"text": f"echo {session(1)} thanks [] ip:127.0.0.1"}
    finally:
        browser.close()


def test_the_typing_route_of_another_process_reaches_the_socket(shared):
    browser = Browser(shared.a)
    try:
        browser.session(session(2))
        assert post_typing(shared.b, {"conversation_id": session(2), "typing": True}).status_code == 200
        assert browser.reply() == ("typing", {"typing": True})
    finally:
        browser.close()


def test_each_reply_reaches_only_its_own_conversation(shared):
    on_a, on_b = Browser(shared.a), Browser(shared.b)
    try:
        on_a.session(session(3))
        on_b.session(session(4))
        say(shared.b, session(3), "for the customer on A")
        say(shared.a, session(4), "for the customer on B")
        assert on_a.reply() == {"text": "for the customer on A"}
        assert on_b.reply() == {"text": "for the customer on B"}
        say(shared.a, session(3), "marker A")
        say(shared.b, session(4), "marker B")
        assert on_a.reply() == {"text": "marker A"} and on_b.reply() == {"text": "marker B"}
        assert on_a.replies.empty() and on_b.replies.empty()
    finally:
        on_a.close()
        on_b.close()


def test_a_pickle_published_on_the_channel_is_never_unpickled(shared):
    """python-socketio's stock manager unpickles what it reads: whoever can publish in that
    Redis could run code in Rasa. This channel reads JSON only."""
    browser = Browser(shared.a)
    emit = {"method": "emit", "event": "bot_uttered", "data": {"text": "pickled"}, "namespace": "/",
            "room": session(5), "skip_sid": None, "callback": None, "host_id": "elsewhere"}
    client = redis.Redis.from_url(REDIS_URL)
    try:
        browser.session(session(5))
        assert client.publish(shared.channel, pickle.dumps(emit)) == 2
        assert client.publish(shared.channel, "not json") == 2
        say(shared.b, session(5), "marker")
        assert browser.reply() == {"text": "marker"}
        assert browser.replies.empty()
    finally:
        client.close()
        browser.close()


def test_a_reconnect_to_any_process_gets_what_was_missed_from_the_shared_tracker(shared):
    """The reply written by another process while the page was closed (an agent's, through
    Rasa's API on B) is in the shared tracker store: the reconnect on A replays it."""
    store = SQLTrackerStore(dialect="sqlite", db=str(shared.trackers))
    seen = BotUttered("seen before", timestamp=1000.0)
    missed = BotUttered("Alice: your label is ready", metadata={"boomerang": {"from": "agent", "agent_name": "Alice"}},
                        timestamp=time.time())
    asyncio.run(store.save(DialogueStateTracker.from_events(session(7), [seen, missed])))
    for server in (shared.a, shared.b):
        browser = Browser(server)
        try:
            browser.client.emit("session_request", {"session_id": session(7), "since": 1000.0})
            assert browser.reply() == ("confirm", session(7))
            assert browser.reply() == {"text": "Alice: your label is ready", "timestamp": missed.timestamp,
                                       "metadata": {"boomerang": {"from": "agent", "agent_name": "Alice"}}}
            say(server, session(7), "marker")
            assert browser.reply() == {"text": "marker"} and browser.replies.empty()
        finally:
            browser.close()


# --- without redis_url: one process's sockets only (what the option fixes) -------------------

def test_without_redis_another_process_speaks_to_nobody(separate):
    browser = Browser(separate.a)
    try:
        browser.session(session(6))
        say(separate.b, session(6), "lost")
        assert post_typing(separate.b, {"conversation_id": session(6), "typing": True}).status_code == 200
        say(separate.a, session(6), "marker")
        assert browser.reply() == {"text": "marker"}
        assert browser.replies.empty()
    finally:
        browser.close()


# --- start-up and configuration ---------------------------------------------------------------

def test_redis_down_at_start_stops_the_process_with_a_clear_line(tmp_path):
    closed = free_port()  # nothing listens there
    services = Services(tmp_path, {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"})
    try:
        server = services.start("down", [sys.executable, "-m", "tests.bot.socketio_echo_server", str(free_port()),
                                         f"redis://:s3cret-pw@127.0.0.1:{closed}/0"], ROOT)
        assert server.proc.wait(timeout=120) != 0
        log = server.log_path.read_text()
        assert f"Redis for socket.io (redis_url, redis://127.0.0.1:{closed}/0) is unreachable" in log
        assert "s3cret-pw" not in log
    finally:
        services.stop_all()


def test_redis_url_comes_from_the_credentials_and_empty_means_one_process():
    alone = BoomerangSocketIOInput.from_credentials({"session_persistence": True, "redis_url": ""})
    assert alone.redis_url is None and alone.session_persistence
    shared = BoomerangSocketIOInput.from_credentials({"redis_url": " redis://r:6379/1 ", "redis_channel": "x"})
    assert (shared.redis_url, shared.redis_channel) == ("redis://r:6379/1", "x")
    assert BoomerangSocketIOInput.from_credentials(None).redis_channel == DEFAULT_REDIS_CHANNEL
    assert redis_address("rediss://user:pw@cache.internal:6380/2") == "rediss://cache.internal:6380/2"


@pytest.mark.parametrize("value, expected", [("", None), ("redis://:pw@redis:6379/1", "redis://:pw@redis:6379/1")])
def test_production_credentials_read_the_redis_url_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("SOCKETIO_REDIS_URL", value)
    credentials = rasa_io.read_config_file(ROOT / "credentials.production.yml")
    channel = BoomerangSocketIOInput.from_credentials(credentials["bot.channels.socketio.BoomerangSocketIOInput"])
    assert channel.redis_url == expected
