"""RabbitMQ: each event published to a durable topic exchange, routing key = event type.

Messages are persistent (delivery mode 2), carry the event id as ``message_id`` and the
CloudEvent JSON as the body (structured mode, ``application/cloudevents+json``). Publisher
confirms are on: an event counts as delivered only once the broker has acknowledged it.
A partner binds its own durable queue (e.g. ``org.boomerang.return.#``) to the exchange;
what the exchange routes nowhere is dropped by the broker, so bind before events flow.

One connection per sweep; after a failure the rest of the sweep fails fast (a broker that
is down is not dialled once per event).
"""
from __future__ import annotations

import logging

import pika
from pika.adapters.blocking_connection import BlockingChannel

from backend.adapters.partners.base import PartnerError, PartnerEvent, PartnerSender
from backend.domain.partner_events import CONTENT_TYPE

# A broker that is down makes pika log a dozen ERROR lines per try, every sweep; the feed
# logs each failure once itself (the destination masked), so pika says only what is fatal.
logging.getLogger("pika").setLevel(logging.CRITICAL)


class AmqpPublisher(PartnerSender):
    def __init__(self, url: str, exchange: str, timeout: float) -> None:
        self._url = url
        self._exchange = exchange
        self._timeout = timeout
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._broken: str | None = None

    def _open(self) -> BlockingChannel:
        if self._channel is None:
            params = pika.URLParameters(self._url)
            params.socket_timeout = self._timeout
            params.blocked_connection_timeout = self._timeout
            params.connection_attempts = 1
            self._connection = pika.BlockingConnection(params)
            channel = self._connection.channel()
            channel.confirm_delivery()
            channel.exchange_declare(exchange=self._exchange, exchange_type="topic", durable=True)
            self._channel = channel
        return self._channel

    def send(self, event: PartnerEvent) -> None:
        if self._broken:
            raise PartnerError(self._broken)
        try:
            self._open().basic_publish(
                exchange=self._exchange, routing_key=event.type, body=event.body,
                properties=pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=2,
                                                message_id=event.event_id, type=event.type))
        except Exception as exc:  # pika's errors may quote the URL: only the class is kept
            self._broken = f"AMQP {type(exc).__name__}"
            self.close()
            raise PartnerError(self._broken) from None

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:
                pass
