"""Proactive SMS from the outbox: what is sent (to whom, from whom, in which language),
what is skipped, retries after Twilio fails, and never twice – through the real twilio
client against a local fake Twilio API, on every database kind."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import socket
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from backend.__main__ import main
from backend.adapters.sms.base import SmsMessage
from backend.adapters.sms.factory import sms_sender_from_settings
from backend.adapters.sms.twilio import TwilioSmsSender
from backend.app import create_app
from backend.context import build_context
from backend.db.models import Customer, Notification, SmsOptOut
from backend.services import notifications
from backend.queries.returns import get_return
from tests.backend.conftest import SERVICE_TOKEN, customer_headers
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, INVALID_NUMBER, FakeTwilio
from tests.backend.test_api_returns import ALICE, BEN, create, jpeg_bytes, line_by_category, returnable
from tests.backend.test_api_staff import move

ALICE_PHONE, BEN_PHONE = "+33639981234", "+447700900123"


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio()
    yield fake
    fake.close()


def twilio_settings(settings, fake, **changes):
    values = {"twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
              "twilio_from_number": FROM_NUMBER, "twilio_api_base_url": fake.url, **changes}
    return dataclasses.replace(settings, **values)


@pytest.fixture
def tctx(settings, fake_twilio):
    context = build_context(twilio_settings(settings, fake_twilio))
    yield context
    context.engine.dispose()


@pytest.fixture
def tclient(tctx):
    with TestClient(create_app(tctx)) as c:
        c.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
        yield c


def shirt_return(client, who=ALICE, order="BM-100001", category="apparel") -> dict:
    headers = customer_headers(client, *who)
    line = line_by_category(returnable(client, headers, order), category)
    r = create(client, headers, order, [{"order_line_id": line["order_line_id"], "reason_code": "changed_mind"}])
    assert r.status_code == 201, r.text
    return r.json()


def rows(ctx, rma=None) -> list[Notification]:
    with ctx.sessions() as s:
        stmt = select(Notification).order_by(Notification.id)
        if rma:
            stmt = stmt.where(Notification.return_id == get_return(s, rma).id)
        return list(s.execute(stmt).scalars())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def later(ctx, minutes: int) -> None:
    start = ctx.now()
    ctx.clock = lambda: start + dt.timedelta(minutes=minutes)


# --- what is sent ------------------------------------------------------------------------

def test_each_kind_reaches_the_customer_once_in_their_language(tclient, tctx, fake_twilio, staff_headers):
    body = shirt_return(tclient)  # Alice writes in French
    rma = body["rma"]
    for status in ("in_transit", "received"):
        assert move(tclient, staff_headers, rma, status).status_code == 200
    line_id = body["lines"][0]["id"]
    move(tclient, staff_headers, rma, "inspected", grades={str(line_id): "A"}, dispositions={str(line_id): "restock"})
    refunded = move(tclient, staff_headers, rma, "refunded").json()
    move(tclient, staff_headers, rma, "closed")

    sent = fake_twilio.accepted
    assert [m["To"] for m in sent] == [ALICE_PHONE] * 3
    assert {m["From"] for m in sent} == {FROM_NUMBER}
    label, received, refund = (m["Body"] for m in sent)
    assert rma in label and body["label"]["url"] in label and "étiquette" in label
    assert rma in received and "reçu votre colis" in received
    assert rma in refund and "remboursement" in refund
    amount = refunded["refunds"][0]["amount_minor"]
    assert f"{amount // 100},{amount % 100:02d}" in refund  # French money
    assert all("STOP" in b for b in (label, received, refund))
    outbox = rows(tctx, rma)
    assert [(n.kind, n.status, n.language, n.recipient, n.provider, n.attempts) for n in outbox] == [
        ("label_issued", "sent", "fr", ALICE_PHONE, "twilio", 1),
        ("parcel_received", "sent", "fr", ALICE_PHONE, "twilio", 1),
        ("refund_issued", "sent", "fr", ALICE_PHONE, "twilio", 1)]
    assert [n.provider_message_id for n in outbox] == [m["sid"] for m in sent]
    assert all(n.sent_at is not None for n in outbox)


def test_english_customer_and_a_returnless_refund(tclient, tctx, fake_twilio):
    headers = customer_headers(tclient, *BEN)
    mugs = line_by_category(returnable(tclient, headers, "BM-100002"), "home")
    photo = tclient.post("/api/v1/photos", headers=headers,
                         files={"file": ("m.jpg", jpeg_bytes(), "image/jpeg")}).json()["photo_id"]
    r = create(tclient, headers, "BM-100002", [{"order_line_id": mugs["order_line_id"], "reason_code": "damaged",
                                                "photo_ids": [photo]}])
    assert r.json()["status"] == "refunded"
    assert len(fake_twilio.accepted) == 1
    message = fake_twilio.accepted[0]
    assert message["To"] == BEN_PHONE
    amount = r.json()["refunds"][0]["amount_minor"]
    assert f"refund of €{amount // 100}.{amount % 100:02d} for return {r.json()['rma']} has been issued" \
        in message["Body"]
    assert rows(tctx)[0].language == "en"


def test_messaging_service_is_used_instead_of_a_from_number(settings, fake_twilio):
    sender = TwilioSmsSender(ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid="MG" + "1" * 32,
                             api_base_url=fake_twilio.url)
    receipt = sender.send(SmsMessage(to=BEN_PHONE, body="hello"))
    assert receipt.message_id == fake_twilio.accepted[0]["sid"]
    assert fake_twilio.accepted[0]["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in fake_twilio.accepted[0]


def test_without_twilio_the_local_sender_records_and_logs(client, ctx, caplog):
    with caplog.at_level(logging.INFO, logger="backend.adapters.sms.local"):
        rma = shirt_return(client)["rma"]
    [row] = rows(ctx, rma)
    assert row.status == "sent" and row.provider == "local" and row.provider_message_id.startswith("local-")
    logged = caplog.text
    assert rma in logged and ALICE_PHONE not in logged and "***34" in logged  # masked number


def test_half_a_twilio_configuration_is_refused(settings):
    with pytest.raises(ValueError, match="TWILIO_FROM_NUMBER"):
        sms_sender_from_settings(dataclasses.replace(settings, twilio_account_sid=ACCOUNT_SID,
                                                     twilio_auth_token=AUTH_TOKEN, twilio_from_number=""))
    with pytest.raises(ValueError, match="TWILIO_AUTH_TOKEN"):
        sms_sender_from_settings(dataclasses.replace(settings, twilio_account_sid=ACCOUNT_SID))


# --- what is not sent ----------------------------------------------------------------------

def test_opted_out_customer_gets_no_sms(tclient, tctx, fake_twilio):
    # Issue 14: a customer who said STOP is told by email instead (test_notification_channels).
    assert tclient.put(f"/api/v1/sms/opt-outs/%2B{ALICE_PHONE[1:]}").status_code == 200
    rma = shirt_return(tclient)["rma"]
    [row] = rows(tctx, rma)
    assert row.channel == "email" and "STOP" not in row.body
    assert fake_twilio.requests == []
    assert notifications.send_pending_notifications(tctx).sent == 0
    assert fake_twilio.requests == []


@pytest.mark.parametrize("how", ["number_only", "customer_flag_only", "no_phone"])
def test_each_reason_to_skip_is_honoured_at_send_time(tclient, tctx, fake_twilio, how):
    fake_twilio.fail_next = 1  # queued for SMS, not sent yet: the reason arrives in between
    rma = shirt_return(tclient)["rma"]
    [row] = rows(tctx, rma)
    assert row.channel == "sms" and row.status == "failed"
    with tctx.sessions.begin() as s:
        if how == "number_only":  # STOP from the number before it was known as a customer
            s.add(SmsOptOut(phone=ALICE_PHONE, created_at=tctx.now()))
        elif how == "customer_flag_only":
            s.execute(update(Customer).where(Customer.phone == ALICE_PHONE).values(sms_opt_out=True))
        else:
            s.execute(update(Customer).where(Customer.phone == ALICE_PHONE).values(phone=None))
    later(tctx, 60)
    assert notifications.send_pending_notifications(tctx).skipped == 1
    [row] = rows(tctx, rma)
    assert row.status == "skipped"
    assert ("opted out" in row.last_error) if how != "no_phone" else ("no phone" in row.last_error)
    assert fake_twilio.accepted == []


# --- failures, retries, never twice ------------------------------------------------------------

def test_twilio_5xx_leaves_the_row_failed_and_a_later_sweep_sends_it_once(tclient, tctx, fake_twilio):
    fake_twilio.fail_next = 1
    body = shirt_return(tclient)
    assert body["status"] == "label_issued"  # the customer's answer does not wait on SMS
    [row] = rows(tctx, body["rma"])
    assert row.status == "failed" and row.attempts == 1 and "500" in row.last_error
    assert fake_twilio.accepted == []
    assert notifications.send_pending_notifications(tctx).sent == 0  # backing off
    later(tctx, 5)
    assert notifications.send_pending_notifications(tctx).sent == 1
    assert notifications.send_pending_notifications(tctx).sent == 0
    assert len(fake_twilio.accepted) == 1 and len(fake_twilio.requests) == 2
    [row] = rows(tctx, body["rma"])
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None


def test_twilio_unreachable_is_retried_up_to_the_cap(settings, fake_twilio):
    ctx = build_context(twilio_settings(settings, fake_twilio, notify_max_attempts=3,
                                        twilio_api_base_url=f"http://127.0.0.1:{closed_port()}"))
    try:
        with TestClient(create_app(ctx)) as c:
            c.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
            rma = shirt_return(c)["rma"]
        for minutes in (10, 20, 30, 40):
            later(ctx, minutes)
            notifications.send_pending_notifications(ctx)
        [row] = rows(ctx, rma)
        assert row.status == "failed" and row.attempts == 3
    finally:
        ctx.engine.dispose()


def test_a_refused_number_is_not_retried(tclient, tctx, fake_twilio):
    with tctx.sessions.begin() as s:
        s.execute(update(Customer).where(Customer.phone == ALICE_PHONE).values(phone=INVALID_NUMBER))
    rma = shirt_return(tclient)["rma"]
    later(tctx, 60)
    notifications.send_pending_notifications(tctx)
    [row] = rows(tctx, rma)
    assert row.status == "failed" and "21211" in row.last_error
    assert len(fake_twilio.requests) == 1


def test_a_duplicate_transition_or_dispatch_sends_nothing_twice(tclient, tctx, fake_twilio, staff_headers):
    rma = shirt_return(tclient)["rma"]
    move(tclient, staff_headers, rma, "in_transit")
    assert move(tclient, staff_headers, rma, "received").status_code == 200
    assert move(tclient, staff_headers, rma, "received").status_code == 409
    with tctx.sessions.begin() as s:  # the same change announced again, in its own transaction
        ret = get_return(s, rma)
        again = notifications.queue_for_status(tctx, s, ret)
        return_id = ret.id
    notifications.dispatch_for_return(tctx, return_id)
    [label, received] = rows(tctx, rma)
    assert again.id == received.id
    assert notifications.dispatch(tctx, received.id) == "sent"
    later(tctx, 60)
    assert notifications.send_pending_notifications(tctx).sent == 0
    assert [m["Body"].count(rma) for m in fake_twilio.accepted] == [1, 1]
    assert len(fake_twilio.requests) == 2


def test_a_send_cut_short_by_a_crash_is_picked_up_after_its_lease(tclient, tctx, fake_twilio):
    fake_twilio.fail_next = 1
    rma = shirt_return(tclient)["rma"]
    [row] = rows(tctx, rma)
    with tctx.sessions.begin() as s:  # as if the process died between claiming and recording
        s.execute(update(Notification).where(Notification.id == row.id)
                  .values(status="sending", claimed_at=tctx.now()))
    assert notifications.send_pending_notifications(tctx).sent == 0  # still leased
    later(tctx, 10)
    assert notifications.send_pending_notifications(tctx).sent == 1
    assert len(fake_twilio.accepted) == 1


# --- the sweep's two homes -------------------------------------------------------------------

def test_cli_send_notifications(tclient, tctx, fake_twilio, settings, monkeypatch, capsys):
    fake_twilio.fail_next = 1
    rma = shirt_return(tclient)["rma"]
    with tctx.sessions.begin() as s:  # make the failed row due now
        s.execute(update(Notification).values(claimed_at=tctx.now() - dt.timedelta(hours=1)))
    for name, value in {"BOOMERANG_DATABASE_URL": settings.database_url, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
                        "TWILIO_API_BASE_URL": fake_twilio.url}.items():
        monkeypatch.setenv(name, value)
    assert main(["send-notifications"]) == 0
    assert "1 sent" in capsys.readouterr().out
    assert rows(tctx, rma)[0].status == "sent" and len(fake_twilio.accepted) == 1


def test_the_api_process_sweeps_periodically(settings, fake_twilio):
    ctx = build_context(twilio_settings(settings, fake_twilio, notify_sweep_seconds=1))
    fake_twilio.fail_next = 1
    try:
        with TestClient(create_app(ctx)) as c:
            c.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
            rma = shirt_return(c)["rma"]
            later(ctx, 60)
            deadline = time.monotonic() + 20
            while rows(ctx, rma)[0].status != "sent" and time.monotonic() < deadline:
                time.sleep(0.1)
        assert rows(ctx, rma)[0].status == "sent"
        assert len(fake_twilio.accepted) == 1
    finally:
        ctx.engine.dispose()
