"""The production event broker publishes, before it closes, what it had accepted (a
restart right after a turn used to drop that turn's events from RabbitMQ)."""
from __future__ import annotations

import asyncio

import rasa.shared.core.events  # noqa: F401  (the broker's publication uses it, as in the server)
from rasa.core.brokers.pika import PikaEventBroker

from bot.brokers.pika_flushing import FlushingPikaEventBroker


class SlowExchange:
    """A RabbitMQ exchange that takes a moment to confirm each message."""

    def __init__(self) -> None:
        self.published: list[bytes] = []

    async def publish(self, message, routing_key: str) -> None:
        await asyncio.sleep(0.2)
        self.published.append(message.body)


def published_before_close(broker_class: type[PikaEventBroker]) -> list[bytes]:
    async def scenario() -> list[bytes]:
        broker = broker_class("localhost", "guest", "guest", queues=["q"], event_loop=asyncio.get_running_loop())
        exchange = SlowExchange()
        broker._exchange = exchange
        broker.publish({"event": "user", "text": "BM-100001", "sender_id": "me"})
        await broker.close()
        return exchange.published

    return asyncio.run(scenario())


def test_an_event_in_flight_is_published_before_the_broker_closes():
    assert len(published_before_close(FlushingPikaEventBroker)) == 1


def test_rasas_own_broker_drops_it_which_is_why_this_one_exists():
    assert published_before_close(PikaEventBroker) == []


def test_production_endpoints_use_it():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "endpoints.production.yml").read_text()
    assert "type: bot.brokers.pika_flushing.FlushingPikaEventBroker" in text
