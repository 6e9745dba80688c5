"""endpoints.production.yml against the real services: PostgreSQL, Redis and RabbitMQ.

The assistant runs as in production: conversations in a fresh PostgreSQL database, the
conversation lock in Redis, every event published to a RabbitMQ queue. A customer starts a
return, Rasa is restarted mid-conversation, and the conversation goes on where it was:
nothing lived only in the process's memory.

Each service is found at its usual local address (or the variables below); a test that
finds one not listening is skipped with the reason, as on a fresh machine without them.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import uuid
from typing import Iterator

import aio_pika
import pytest
import redis
import requests
import sqlalchemy as sa

from tests.live_stack import REST_CHANNEL, ROOT, LiveStack, live_stack, require_model

require_model()

PG_URL = os.environ.get("BOOMERANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST, REDIS_PORT = os.environ.get("BOOMERANG_TEST_REDIS", "127.0.0.1:6379").split(":")
RABBIT_HOST, RABBIT_PORT = os.environ.get("BOOMERANG_TEST_RABBITMQ", "127.0.0.1:5672").split(":")
TOKEN = "production-endpoints-token"


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _require(name: str, host: str, port: int) -> None:
    if not _listening(host, port):
        pytest.skip(f"{name} is not listening at {host}:{port}", allow_module_level=True)


pg = sa.engine.make_url(PG_URL)
_require("PostgreSQL", pg.host or "127.0.0.1", pg.port or 5432)
_require("Redis", REDIS_HOST, int(REDIS_PORT))
_require("RabbitMQ", RABBIT_HOST, int(RABBIT_PORT))


class RedisCommands:
    """Every command Redis runs while the test runs (MONITOR), kept for assertions."""

    def __init__(self) -> None:
        self._client = redis.Redis(host=REDIS_HOST, port=int(REDIS_PORT))
        self._monitor = self._client.monitor()
        self._monitor.__enter__()
        self.commands: list[str] = []
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        try:
            for command in self._monitor.listen():
                self.commands.append(command["command"])
        except Exception:  # the connection closed at the end of the test
            pass

    def close(self) -> None:
        self._monitor.__exit__(None, None, None)  # disconnects: the listening thread ends


def _on_rabbitmq(work):
    """Run ``await work(channel)`` on a fresh connection to the test's RabbitMQ."""
    async def run():
        connection = await aio_pika.connect(host=RABBIT_HOST, port=int(RABBIT_PORT), login="guest",
                                            password="guest")
        async with connection:
            return await work(await connection.channel())

    return asyncio.run(run())


def _queued_events(queue_name: str) -> list[dict]:
    """Drain the test's RabbitMQ queue: the events Rasa published."""
    async def drain(channel) -> list[dict]:
        queue = await channel.get_queue(queue_name, ensure=True)
        events = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            events.append(json.loads(message.body))
        return events

    return _on_rabbitmq(drain)


def _delete_queue(queue_name: str) -> None:
    async def delete(channel) -> None:
        await channel.queue_delete(queue_name)

    _on_rabbitmq(delete)


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[tuple[LiveStack, str, str, RedisCommands, str]]:
    suffix = uuid.uuid4().hex[:10]
    database, queue, prefix = f"rasa_tracker_{suffix}", f"boomerang_events_{suffix}", f"boomerang{suffix}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    tracker_url = pg.set(database=database).render_as_string(hide_password=False)
    env = {"RASA_TRACKER_DB_URL": tracker_url, "REDIS_HOST": REDIS_HOST, "REDIS_PORT": REDIS_PORT,
           "REDIS_PASSWORD": "", "REDIS_DB": "0", "RASA_LOCK_KEY_PREFIX": prefix,
           "RABBITMQ_HOST": RABBIT_HOST, "RABBITMQ_PORT": RABBIT_PORT, "RABBITMQ_USER": "guest",
           "RABBITMQ_PASSWORD": "guest", "RABBITMQ_QUEUE": queue}
    redis_commands = RedisCommands()
    try:
        with live_stack(tmp_path_factory.mktemp("production"), credentials=REST_CHANNEL, service_token=TOKEN,
                        env=env, endpoints=ROOT / "endpoints.production.yml") as stack:
            yield stack, tracker_url, queue, redis_commands, prefix
    finally:
        redis_commands.close()
        try:
            _delete_queue(queue)
        except Exception:  # never declared: Rasa did not get that far
            pass
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def say(stack: LiveStack, sender: str, text: str) -> str:
    r = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                      timeout=60)
    assert r.status_code == 200, r.text
    return "\n".join(answer.get("text", "") for answer in r.json())


def test_a_conversation_survives_a_restart_and_reaches_every_service(production):
    stack, tracker_url, queue, redis_commands, prefix = production
    me = f"prod-{uuid.uuid4().hex[:8]}"
    assert "BM-" in say(stack, me, "I want to return something I bought")
    say(stack, me, "BM-100001")

    stack.restart_rasa()
    # The form goes on: the order number given before the restart is still known.
    answer = say(stack, me, "alice.martin@example.com")
    assert "Alice" in answer, answer

    # PostgreSQL holds the conversation's events, before and after the restart.
    engine = sa.create_engine(tracker_url)
    try:
        with engine.connect() as conn:
            texts = [json.loads(data).get("text") for (data,) in conn.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :me AND type_name = 'user' ORDER BY id"),
                {"me": f"rest:{me}"})]
    finally:
        engine.dispose()
    assert texts == ["I want to return something I bought", "BM-100001", "alice.martin@example.com"]

    # RabbitMQ received every event of the conversation, in order.
    published = [e for e in _queued_events(queue) if e.get("sender_id") == f"rest:{me}"]
    assert [e["text"] for e in published if e["event"] == "user"] == texts
    assert any(e["event"] == "bot" for e in published)

    # The conversation's lock was taken in Redis under the configured prefix.
    lock_key = f"{prefix}:lock:rest:{me}"
    assert any(lock_key in command for command in redis_commands.commands), redis_commands.commands[-20:]
