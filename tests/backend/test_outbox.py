"""The partner feed's outbox, writing side (issue 14): every return status change writes its
CloudEvent in the change's own transaction, the body is a valid CloudEvents 1.0 event with no
personal data, deliveries are made only for the destinations configured, a configuration
that cannot work is refused; migration 0011 up and down. On SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import inspect, select, text as sql

from backend.context import build_context
from backend.db.migrate import downgrade, upgrade
from backend.db.models import Customer, Order, OutboxDelivery, OutboxEvent, ReturnStatusChange
from backend.db.session import make_engine
from backend.domain.lifecycle import ReturnStatus
from backend.domain.partner_events import (
    STEP_FOR_STATUS,
    TYPE_PREFIX,
    mask_url,
    parse_event,
    signature,
    signature_valid,
)
from backend.queries.returns import get_return
from backend.services.outbox import PartnerFeedConfigError
from backend.workflows.steps import move_and_announce
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable
from tests.backend.test_api_staff import move

SECRET = "partner-secret-" + "x" * 32
ALICE_WORDS = "Too small, call me on 06 39 98 12 34 or alice.martin@example.com"


def alice_return(client) -> dict:
    """A changed-mind shirt from Alice (requested → approved → label_issued at once), with
    her contact details in her own words."""
    headers = customer_headers(client, *ALICE)
    line = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    r = create(client, headers, "BM-100001", [{"order_line_id": line["order_line_id"],
                                               "reason_code": "changed_mind", "reason_text": ALICE_WORDS}])
    assert r.status_code == 201, r.text
    return r.json()


def events(ctx, rma: str | None = None) -> list[OutboxEvent]:
    with ctx.sessions() as s:
        stmt = select(OutboxEvent).order_by(OutboxEvent.id)
        if rma:
            stmt = stmt.where(OutboxEvent.rma == rma)
        return list(s.execute(stmt).scalars())


def deliveries(ctx) -> list[OutboxDelivery]:
    with ctx.sessions() as s:
        return list(s.execute(select(OutboxDelivery).order_by(OutboxDelivery.id)).scalars())


# --- one event per change, in the change's transaction ---------------------------------------

def test_every_status_change_writes_its_event_in_order(client, ctx, staff_headers):
    body = alice_return(client)
    rma, line_id = body["rma"], body["lines"][0]["id"]
    for status in ("in_transit", "received"):
        assert move(client, staff_headers, rma, status).status_code == 200
    assert move(client, staff_headers, rma, "inspected", grades={str(line_id): "A"},
                dispositions={str(line_id): "restock"}).status_code == 200
    for status in ("refunded", "closed"):
        assert move(client, staff_headers, rma, status).status_code == 200

    written = events(ctx, rma)
    steps = ["requested", "approved", "label_created", "in_transit", "received", "inspected",
             "refunded", "closed"]
    assert [e.type for e in written] == [TYPE_PREFIX + s for s in steps]
    assert [e.sequence for e in written] == list(range(1, 9))
    assert len({e.event_id for e in written}) == 8
    with ctx.sessions() as s:
        history = s.execute(select(ReturnStatusChange).where(
            ReturnStatusChange.return_id == written[0].return_id).order_by(ReturnStatusChange.id)).scalars().all()
    datas = [json.loads(e.body)["data"] for e in written]
    assert [(d["from_status"], d["status"]) for d in datas] == [(h.from_status, h.to_status) for h in history]
    assert [e.created_at for e in written] == [h.created_at for h in history]
    assert datas[5]["lines"][0]["grade"] == "A" and datas[5]["lines"][0]["disposition"] == "restock"
    # No destination configured: the events are kept as an audit trail, owed to nobody.
    assert deliveries(ctx) == []


def test_a_refused_or_rolled_back_change_writes_no_event(client, ctx, staff_headers):
    rma = alice_return(client)["rma"]
    before = len(events(ctx))
    assert move(client, staff_headers, rma, "refunded").status_code == 409  # illegal from label_issued
    assert len(events(ctx)) == before

    def fail_after(_session, _ret):
        raise RuntimeError("the step after the transition failed")

    with pytest.raises(RuntimeError):
        move_and_announce(ctx, rma, ReturnStatus.IN_TRANSIT, actor="test", after=fail_after)
    assert len(events(ctx)) == before
    with ctx.sessions() as s:
        assert get_return(s, rma).status == "label_issued"
    move_and_announce(ctx, rma, ReturnStatus.IN_TRANSIT, actor="test")
    assert [e.type for e in events(ctx, rma)][-1] == TYPE_PREFIX + "in_transit"
    assert len(events(ctx)) == before + 1


# --- the body -------------------------------------------------------------------------------

def test_the_body_is_a_valid_cloudevent_without_personal_data(client, ctx):
    rma = alice_return(client)["rma"]
    first = events(ctx, rma)[0]
    event = parse_event(first.body)  # the SDK validates the required attributes
    attrs = event.get_attributes()
    assert attrs["specversion"] == "1.0"
    assert attrs["id"] == first.event_id and uuid.UUID(attrs["id"])
    assert attrs["type"] == "org.boomerang.return.requested"
    assert attrs["subject"] == rma
    assert attrs["source"] == ctx.settings.public_base_url
    assert attrs["datacontenttype"] == "application/json"
    assert attrs["time"].utcoffset() == dt.timedelta(0)
    assert attrs["time"].replace(tzinfo=None) == first.created_at
    data = event.get_data()
    assert data["rma"] == rma and data["order_number"] == "BM-100001"
    assert data["status"] == "requested" and data["from_status"] is None and data["sequence"] == 1
    [line] = data["lines"]
    assert set(line) == {"line_id", "sku", "quantity", "reason_code", "resolution", "eligible",
                         "exchange_sku", "grade", "disposition"}
    assert line["reason_code"] == "changed_mind" and line["quantity"] == 1 and line["sku"]
    with ctx.sessions() as s:
        order = s.execute(select(Order).where(Order.number == "BM-100001")).scalar_one()
        customer = s.get(Customer, order.customer_id)
        personal = [customer.email, customer.name, customer.phone, customer.phone[-9:], order.ship_name,
                    order.ship_line1, order.ship_postcode, "alice", "06 39 98", ALICE_WORDS[:10]]
    for e in events(ctx, rma):
        for value in personal:
            assert value.lower() not in e.body.lower(), value


def test_every_lifecycle_status_names_its_step():
    assert set(STEP_FOR_STATUS) == {s.value for s in ReturnStatus}
    assert STEP_FOR_STATUS["label_issued"] == "label_created"
    assert all(step.replace("_", "").isalpha() for step in STEP_FOR_STATUS.values())


def test_the_signature_is_verifiable_with_the_secret_only():
    body = b'{"specversion": "1.0"}'
    header = signature(SECRET, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signature_valid(SECRET, body, header)
    assert not signature_valid(SECRET + "!", body, header)
    assert not signature_valid(SECRET, body + b" ", header)
    assert not signature_valid(SECRET, body, "")


# --- destinations ---------------------------------------------------------------------------

def test_deliveries_are_made_for_the_destinations_configured_at_write_time(client, ctx, settings):
    alice_return(client)  # nothing configured yet: no delivery
    assert deliveries(ctx) == []
    configured = dataclasses.replace(
        settings, partner_webhooks=("https://bob:hunter2@partner.example/hook?token=abc", "http://wms.local/in"),
        partner_secret=SECRET, partner_amqp_url="amqp://guest:guest@127.0.0.1:5672/")
    fed = build_context(configured)
    try:
        rma = fed_return(fed)
        owed = deliveries(fed)
        new_events = events(fed, rma)
        assert len(owed) == 3 * len(new_events) and len(new_events) >= 2
        assert {d.destination for d in owed} == {"https://bob:***@partner.example/hook?token=***",
                                                  "http://wms.local/in", "amqp"}
        assert all(d.attempts == 0 and d.delivered_at is None and d.last_error is None for d in owed)
        assert all(d.next_attempt_at == e.created_at for e in new_events for d in owed if d.event_id == e.id)
    finally:
        fed.engine.dispose()


def fed_return(ctx) -> str:
    """A return made through the services (no HTTP): approved and labelled at once."""
    from backend.domain.claims import CustomerClaims
    from backend.domain.commands import CreateReturnInput, LineInput
    from backend.workflows.create_return import create_return

    with ctx.sessions() as s:
        order = s.execute(select(Order).where(Order.number == "BM-100002")).scalar_one()
        line = order.lines[0]
        claims = CustomerClaims(customer_id=order.customer_id, order_id=order.id)
        order_number, line_id = order.number, line.id
    ret = create_return(ctx, claims, CreateReturnInput(
        order_number=order_number, lines=(LineInput(order_line_id=line_id, quantity=1,
                                                    reason_code="changed_mind", resolution="refund"),),
        channel="web", language="en"), idempotency_key=uuid.uuid4().hex)
    return ret.rma


@pytest.mark.parametrize("changes, message", [
    ({"partner_webhooks": ("https://partner.example/hook",), "partner_secret": ""}, "BOOMERANG_PARTNER_SECRET"),
    ({"partner_webhooks": ("https://partner.example/hook",), "partner_secret": "short"}, "32 characters"),
    ({"partner_webhooks": ("ftp://user:s3cret@partner.example/x",), "partner_secret": SECRET}, "not an http"),
    ({"partner_webhooks": ("https://a:s3cret@p.example/h", "https://a:0ther@p.example/h"),
      "partner_secret": SECRET}, "listed twice"),
])
def test_an_unusable_partner_configuration_is_refused_at_start(settings, changes, message):
    with pytest.raises(PartnerFeedConfigError, match=message) as refused:
        build_context(dataclasses.replace(settings, **changes))
    assert "s3cret" not in str(refused.value) and "0ther" not in str(refused.value)


def test_urls_are_masked_before_they_are_stored_or_logged():
    assert mask_url("https://bob:hunter2@partner.example:8443/hook?token=abc&x=1#frag") == \
        "https://bob:***@partner.example:8443/hook?token=***&x=***"
    assert mask_url("https://tok3n@partner.example/h") == "https://***@partner.example/h"
    assert mask_url("amqp://guest:guest@127.0.0.1:5672/%2F") == "amqp://guest:***@127.0.0.1:5672/%2F"
    assert mask_url("http://wms.local/in") == "http://wms.local/in"


# --- migration 0011 -------------------------------------------------------------------------

def test_0011_adds_the_outbox_tables_and_takes_them_away(empty_url):
    url = empty_url
    upgrade(url, "0010")
    engine = make_engine(url)
    try:
        assert not {"outbox_events", "outbox_deliveries"} & set(inspect(engine).get_table_names())
        upgrade(url, "0011")
        tables = set(inspect(make_engine(url)).get_table_names())
        assert {"outbox_events", "outbox_deliveries"} <= tables
        with engine.connect() as conn:
            assert conn.execute(sql("SELECT version_num FROM alembic_version")).scalar_one() == "0011"
        downgrade(url, "0010")
        assert not {"outbox_events", "outbox_deliveries"} & set(inspect(make_engine(url)).get_table_names())
        upgrade(url, "head")
        assert {"outbox_events", "outbox_deliveries"} <= set(inspect(make_engine(url)).get_table_names())
    finally:
        engine.dispose()
