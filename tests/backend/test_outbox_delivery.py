"""The partner feed, delivering (issue 14): a real local webhook server that is down, then
fails, then recovers (nothing lost, nothing doubled, in order per return, the same event id
and bytes on redelivery, every body signed), and the real RabbitMQ broker. On SQLite and
PostgreSQL."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pika
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.context import build_context
from backend.db.models import OutboxDelivery, OutboxEvent
from backend.domain.partner_events import TYPE_PREFIX, parse_event, signature_valid
from backend.services.partner_feed import deliver_partner_events, retry_delay
from tests.backend.conftest import SERVICE_TOKEN, customer_headers
from tests.backend.test_api_returns import ALICE, BEN, create, line_by_category, returnable
from tests.backend.test_api_staff import move

SECRET = "partner-secret-" + "y" * 32
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Partner:
    """A partner's webhook endpoint on 127.0.0.1: records every request; ``answer`` decides
    the status code from the parsed body (200 unless told otherwise). Until :meth:`start`
    (and after :meth:`stop`) nothing listens: connection refused."""

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[dict] = []
        self.answer: Callable[[dict], int] = lambda _event: 200
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://hook:pa55word@127.0.0.1:{self.port}/boomerang?token=t0ken"

    def start(self) -> None:
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event = json.loads(body)
                status = partner.answer(event)
                partner.requests.append({"headers": dict(self.headers), "body": body, "event": event,
                                         "path": self.path, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if 200 <= r["status"] < 300]


@pytest.fixture
def partner():
    p = Partner()
    yield p
    p.stop()


@pytest.fixture
def fed(settings, partner):
    """A backend feeding the partner's webhook; back-off 60 s doubling, capped at 5 min."""
    context = build_context(dataclasses.replace(
        settings, partner_webhooks=(partner.url,), partner_secret=SECRET, partner_timeout_seconds=5,
        outbox_retry_seconds=60, outbox_retry_max_seconds=300))
    start = context.now()
    context.clock = lambda: start
    yield context
    context.engine.dispose()


@pytest.fixture
def fclient(fed):
    with TestClient(create_app(fed)) as c:
        c.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
        yield c


def advance(ctx, seconds: int) -> None:
    now = ctx.now() + dt.timedelta(seconds=seconds)
    ctx.clock = lambda: now


def new_return(client, who=ALICE, order="BM-100001", category="apparel") -> str:
    headers = customer_headers(client, *who)
    line = line_by_category(returnable(client, headers, order), category)
    r = create(client, headers, order, [{"order_line_id": line["order_line_id"], "reason_code": "changed_mind"}])
    assert r.status_code == 201, r.text
    return r.json()["rma"]


def stored(ctx) -> dict[str, list[tuple[OutboxEvent, OutboxDelivery]]]:
    """Per RMA, its events and their (one) delivery, in order."""
    with ctx.sessions() as s:
        rows = s.execute(select(OutboxEvent, OutboxDelivery).join(OutboxDelivery)
                         .order_by(OutboxEvent.id)).all()
    out: dict[str, list] = {}
    for event, delivery in rows:
        out.setdefault(event.rma, []).append((event, delivery))
    return out


def test_a_partner_down_then_failing_then_back_gets_everything_once_in_order(
        fclient, fed, partner, staff_headers, caplog):
    alice = new_return(fclient)
    ben = new_return(fclient, BEN, "BM-100002", "home")
    assert move(fclient, staff_headers, alice, "in_transit").status_code == 200
    owed = stored(fed)
    assert [e.type for e, _ in owed[alice]] == [TYPE_PREFIX + s for s in
                                               ("requested", "approved", "label_created", "in_transit")]
    total = sum(len(v) for v in owed.values())

    # 1. Nobody listens: only each return's first event is tried; the rest wait behind it.
    with caplog.at_level(logging.INFO):
        down = deliver_partner_events(fed)
    assert (down.delivered, down.failed) == (0, 2)
    for rma in (alice, ben):
        (_, head), *rest = stored(fed)[rma]
        assert (head.attempts, head.last_error) == (1, "ConnectionError")
        assert head.next_attempt_at == fed.now() + dt.timedelta(seconds=60)
        assert all(d.attempts == 0 for _, d in rest)
    # Neither the secret nor the URL's credentials reach the log or the table.
    assert "127.0.0.1" in caplog.text
    for secret in (SECRET, "pa55word", "t0ken"):
        assert secret not in caplog.text
        assert all(secret not in d.destination and secret not in (d.last_error or "")
                   for rows in stored(fed).values() for _, d in rows)

    # 2. Back-off: nothing is tried before the pause is over.
    partner.start()
    advance(fed, 59)
    assert deliver_partner_events(fed).failed == 0 and partner.requests == []

    # 3. Up, but failing Alice's events with a 500 while Ben's go through: a return waits
    #    only for its own events.
    partner.answer = lambda event: 500 if event["subject"] == alice else 200
    advance(fed, 1)
    result = deliver_partner_events(fed)
    assert result.failed == 1 and result.delivered == len(owed[ben])
    (_, head), *_ = stored(fed)[alice]
    assert (head.attempts, head.last_error) == (2, "HTTP 500")
    assert head.next_attempt_at == fed.now() + dt.timedelta(seconds=120)  # doubled
    assert [r["event"]["subject"] for r in partner.requests].count(alice) == 1  # the head only

    # 4. Recovered: Alice's backlog goes in one sweep, in order; then nothing more.
    partner.answer = lambda _event: 200
    advance(fed, 120)
    result = deliver_partner_events(fed)
    assert result.failed == 0 and result.delivered == len(owed[alice])
    assert deliver_partner_events(fed).delivered == 0
    advance(fed, 3600)
    assert deliver_partner_events(fed).delivered == 0

    accepted = partner.accepted()
    assert len(accepted) == total  # nothing lost, nothing doubled
    assert len({r["event"]["id"] for r in accepted}) == total
    for rma in (alice, ben):
        got = [r["event"] for r in accepted if r["event"]["subject"] == rma]
        assert [e["data"]["sequence"] for e in got] == list(range(1, len(owed[rma]) + 1))
        assert [e["id"] for e in got] == [e.event_id for e, _ in owed[rma]]
    # The retried event kept its id and its bytes (so its signature) from try to try.
    alice_head = [r for r in partner.requests if r["event"]["id"] == owed[alice][0][0].event_id]
    assert [r["status"] for r in alice_head] == [500, 200]
    assert alice_head[0]["body"] == alice_head[1]["body"] == owed[alice][0][0].body.encode()
    for r in partner.requests:
        headers = r["headers"]
        assert headers["Content-Type"] == "application/cloudevents+json"
        assert signature_valid(SECRET, r["body"], headers["X-Boomerang-Signature"])
        assert not signature_valid("another-secret-" + "y" * 32, r["body"], headers["X-Boomerang-Signature"])
        assert headers["X-Boomerang-Event-Id"] == r["event"]["id"]
        assert headers["X-Boomerang-Event-Type"] == r["event"]["type"]
        assert headers["Authorization"].startswith("Basic ")  # the URL's credentials, as basic auth
        assert r["path"] == "/boomerang?token=t0ken"
        parse_event(r["body"])  # a valid CloudEvent
    assert all(d.delivered_at is not None and d.last_error is None
               for rows in stored(fed).values() for _, d in rows)


def test_a_later_change_waits_behind_an_undelivered_one(fclient, fed, partner, staff_headers):
    partner.start()
    partner.answer = lambda _event: 503
    rma = new_return(fclient)
    assert deliver_partner_events(fed).failed == 1
    assert move(fclient, staff_headers, rma, "in_transit").status_code == 200
    partner.answer = lambda _event: 200
    advance(fed, 30)  # the head is still backing off: nothing, not even the newer event, goes
    assert deliver_partner_events(fed).delivered == 0
    assert len(partner.requests) == 1
    advance(fed, 30)
    assert deliver_partner_events(fed).delivered == 4
    assert [r["event"]["data"]["sequence"] for r in partner.accepted()] == [1, 2, 3, 4]


def test_a_claimed_row_is_not_sent_by_a_second_sweep(fclient, fed, partner):
    """Two API workers sweeping at once: the second finds the row leased and sends nothing."""
    partner.start()
    rma = new_return(fclient)
    with fed.sessions.begin() as s:
        head = s.execute(select(OutboxDelivery).join(OutboxEvent).where(OutboxEvent.rma == rma)
                         .order_by(OutboxEvent.id)).scalars().first()
        head.attempts, head.next_attempt_at = 1, fed.now() + dt.timedelta(seconds=60)  # as if claimed
    assert deliver_partner_events(fed).delivered == 0 and partner.requests == []
    advance(fed, 61)  # the lease ran out (that sender died): retried, the same event
    assert deliver_partner_events(fed).delivered == 3
    assert len(partner.accepted()) == 3


def test_a_stuck_return_does_not_crowd_out_the_others(fclient, fed, partner):
    """One due head per return is read per sweep (``limit`` returns): a return whose event
    is backing off, however old, does not hold back a later return's events."""
    alice = new_return(fclient)
    ben = new_return(fclient, BEN, "BM-100002", "home")
    first = deliver_partner_events(fed, limit=1)  # down: Alice's head (the oldest) fails
    assert (first.delivered, first.failed) == (0, 1)
    partner.start()
    second = deliver_partner_events(fed, limit=1)  # Alice's head backs off: Ben's turn
    assert (second.delivered, second.failed) == (3, 0)
    assert {r["event"]["subject"] for r in partner.accepted()} == {ben}
    owed = stored(fed)
    assert all(d.delivered_at is None for _, d in owed[alice])
    # Rows owed to a destination no longer configured are kept and counted, not sent.
    fed.settings = dataclasses.replace(fed.settings, partner_webhooks=())
    advance(fed, 3600)
    gone = deliver_partner_events(fed)
    assert (gone.delivered, gone.failed, gone.unconfigured) == (0, 0, 3)


def test_back_off_doubles_up_to_its_cap(fed):
    assert [retry_delay(fed, n).total_seconds() for n in (1, 2, 3, 4, 5, 50)] == [60, 120, 240, 300, 300, 300]


# --- RabbitMQ, the real broker ------------------------------------------------------------------

def _amqp_reachable() -> bool:
    try:
        pika.BlockingConnection(pika.URLParameters(AMQP_URL + "?connection_attempts=1&socket_timeout=2")).close()
        return True
    except Exception:
        return False


needs_rabbitmq = pytest.mark.skipif(not _amqp_reachable(), reason="no RabbitMQ at 127.0.0.1:5672")


@pytest.fixture
def exchange_queue():
    """A fresh exchange (as the backend declares it) and a temporary queue bound to it."""
    exchange = f"boomerang.test.{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue=queue, exchange=exchange, routing_key="org.boomerang.return.#")
    yield exchange, channel, queue
    channel.exchange_delete(exchange=exchange)
    connection.close()


def drain(channel, queue) -> list[tuple]:
    got = []
    while True:
        method, properties, body = channel.basic_get(queue=queue, auto_ack=True)
        if method is None:
            return got
        got.append((method, properties, body))


@needs_rabbitmq
def test_events_are_published_to_the_rabbitmq_exchange(settings, exchange_queue, staff_headers, caplog):
    exchange, channel, queue = exchange_queue
    # First the broker is unreachable (nothing listens on that port): kept, retried later.
    dead = f"amqp://guest:s3cretpw@127.0.0.1:{free_port()}/"
    ctx = build_context(dataclasses.replace(settings, partner_amqp_url=dead, partner_amqp_exchange=exchange,
                                            partner_timeout_seconds=3, outbox_retry_seconds=0))
    try:
        with TestClient(create_app(ctx)) as client:
            client.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
            rma = new_return(client)
            assert move(client, staff_headers, rma, "in_transit").status_code == 200
        with caplog.at_level(logging.DEBUG):
            failed = deliver_partner_events(ctx)
        assert (failed.delivered, failed.failed) == (0, 1)
        assert "AMQPConnectionError" in caplog.text and "s3cretpw" not in caplog.text
        with ctx.sessions() as s:
            errors = {d.last_error for d in s.execute(select(OutboxDelivery)).scalars()}
        assert errors == {"AMQP AMQPConnectionError", None}
        assert drain(channel, queue) == []

        ctx.settings = dataclasses.replace(ctx.settings, partner_amqp_url=AMQP_URL)  # the broker is back
        result = deliver_partner_events(ctx)
        assert (result.delivered, result.failed) == (4, 0)
        got = drain(channel, queue)
        with ctx.sessions() as s:
            written = s.execute(select(OutboxEvent).where(OutboxEvent.rma == rma)
                                .order_by(OutboxEvent.id)).scalars().all()
        assert [m.routing_key for m, _, _ in got] == [e.type for e in written]
        assert [p.message_id for _, p, _ in got] == [e.event_id for e in written]
        assert [b.decode() for _, _, b in got] == [e.body for e in written]
        assert {(p.delivery_mode, p.content_type) for _, p, _ in got} == {(2, "application/cloudevents+json")}
        assert [parse_event(b).get_attributes()["subject"] for _, _, b in got] == [rma] * 4
        assert deliver_partner_events(ctx).delivered == 0 and drain(channel, queue) == []
    finally:
        ctx.engine.dispose()


# --- what is still owed, for the staff ---------------------------------------------------------

def test_managers_see_what_a_partner_has_not_taken_yet(fclient, fed, partner, staff_headers):
    path = "/api/v1/staff/partner-feed/undelivered"
    assert fclient.get(path, headers={"Authorization": ""}).status_code == 401
    assert fclient.get(path).status_code == 401  # the service token is no staff token
    rma = new_return(fclient)
    deliver_partner_events(fed)  # nobody listens
    listed = fclient.get(path, headers=staff_headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 3
    assert [(u["rma"], u["sequence"], u["attempts"], u["last_error"]) for u in body["undelivered"]] == [
        (rma, 1, 1, "ConnectionError"), (rma, 2, 0, None), (rma, 3, 0, None)]
    first = body["undelivered"][0]
    assert first["type"] == TYPE_PREFIX + "requested" and first["next_attempt_at"].endswith("+00:00")
    assert "pa55word" not in listed.text and "t0ken" not in listed.text and "hook:***@" in listed.text
    assert fclient.get(path, params={"limit": 1}, headers=staff_headers).json()["total"] == 3
    assert len(fclient.get(path, params={"limit": 1}, headers=staff_headers).json()["undelivered"]) == 1
    assert fclient.get(path, params={"limit": 0}, headers=staff_headers).status_code == 422
    partner.start()
    advance(fed, 60)
    deliver_partner_events(fed)
    assert fclient.get(path, headers=staff_headers).json() == {"total": 0, "undelivered": []}


def test_the_api_process_runs_the_sweep_on_its_own(settings, partner):
    """BOOMERANG_OUTBOX_SWEEP_SECONDS: the API's periodic loop delivers without being asked."""
    import time

    partner.start()
    ctx = build_context(dataclasses.replace(settings, partner_webhooks=(partner.url,), partner_secret=SECRET,
                                            outbox_sweep_seconds=1))
    try:
        with TestClient(create_app(ctx)) as client:
            client.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
            rma = new_return(client)
            deadline = time.monotonic() + 15
            while len(partner.accepted()) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
        assert [r["event"]["subject"] for r in partner.accepted()] == [rma] * 3
    finally:
        ctx.engine.dispose()
