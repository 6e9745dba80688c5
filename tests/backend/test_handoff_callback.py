"""A reply later by SMS or email when nobody could join the chat at once: the customer's
choice (relayed from the chat's buttons), and the agent's replies that then also leave by
SMS (through the twilio client to the local fake Twilio) or by email (the folder outbox,
and a real SMTP server)."""
from __future__ import annotations

import email
from email import policy
import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from backend.adapters.email.base import EmailError, OutgoingEmail
from backend.adapters.email.smtp import SmtpSender
from backend.app import create_app
from backend.db.migrate import downgrade, upgrade
from backend.db.models import HandoffMessage, HandoffRequest
from backend.db.session import session_scope
from backend.domain.handoff_callback import parse_choice
from backend.services import sms_opt_outs
from tests.backend.conftest import SERVICE_TOKEN
from tests.backend.test_agent_api import add_account, bearer
from tests.backend.test_notifications import fake_twilio, tctx  # noqa: F401 (fixtures: Twilio's fake API)

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
CONV = "web-" + "d" * 32
EMAIL_CHOICE = '/handoff_callback{"callback_via": "email"}'
SMS_CHOICE = '/handoff_callback{"callback_via": "sms"}'


@pytest.fixture
def anon(tctx):
    with TestClient(create_app(tctx)) as c:
        yield c


def handoff_for(c: TestClient, order: str, contact: str, language: str = "fr", channel: str = "socketio") -> int:
    r = c.post("/api/v1/verify", json={"reference": order, "contact": contact, "conversation_id": CONV},
               headers={**SERVICE, "X-Client-Key": "cb"})
    assert r.status_code == 200, r.text
    r = c.post("/api/v1/handoffs", json={"conversation_id": CONV, "channel": channel, "language": language,
                                         "reason": "asked"}, headers=SERVICE)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def customer_says(c: TestClient, text: str) -> dict:
    r = c.post(f"/api/v1/conversations/{CONV}/messages", json={"text": text}, headers=SERVICE)
    assert r.status_code == 200, r.text
    return r.json()


def stored(ctx, hid: int) -> tuple[HandoffRequest, list[HandoffMessage]]:
    with session_scope(ctx.sessions) as s:
        h = s.get(HandoffRequest, hid)
        s.expunge(h)
        messages = list(s.query(HandoffMessage).filter_by(handoff_id=hid).order_by(HandoffMessage.id))
        for m in messages:
            s.expunge(m)
    return h, messages


@pytest.mark.parametrize("text, choice", [
    (EMAIL_CHOICE, "email"), (SMS_CHOICE, "sms"), ('/handoff_callback{"callback_via": "fax"}', ""),
    ("/handoff_callback{not json", ""), ("/handoff_callback", ""), ("call me back by sms", None),
    ("/cancel_handoff", None), (None, None)])
def test_only_the_buttons_payload_is_a_choice(text, choice):
    assert parse_choice(text) == choice


def test_a_verified_customer_chooses_email_and_the_agents_reply_arrives_by_email(anon, tctx):
    hid = handoff_for(anon, "BM-100001", "alice.martin@example.com")
    assert customer_says(anon, EMAIL_CHOICE) == {"handoff_id": hid, "status": "queued"}
    handoff, messages = stored(tctx, hid)
    assert handoff.callback_via == "email" and handoff.callback_at is not None
    # The choice is an event for the agent, not a customer line with the raw payload.
    assert [(m.kind, m.text) for m in messages][-1] == ("event", "callback_email")
    conversation, said = tctx.conversations.said[-1]
    assert conversation == CONV and "a***@example.com" in said.text and "e-mail" in said.text
    assert "alice.martin@example.com" not in said.text

    add_account(tctx, "alice@shop.test", name="Alice")
    agent = bearer(anon, "alice@shop.test")
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=agent).status_code == 200
    assert anon.get(f"/api/v1/agent/handoffs/{hid}", headers=agent).json()["handoff"]["callback_via"] == "email"
    sent = anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "Votre colis est en route."},
                     headers=agent)
    assert sent.status_code == 200 and sent.json()["delivery"] == "delivered"  # on the chat too
    [mail_file] = list(tctx.settings.mail_dir.glob("*.eml"))
    mail = email.message_from_bytes(mail_file.read_bytes(), policy=policy.default)
    assert mail["To"] == "alice.martin@example.com"
    assert mail["Subject"] == "Boomerang : la réponse de notre équipe à votre demande"
    body = mail.get_content()
    assert "Votre colis est en route." in body and "Alice" in body
    assert stored(tctx, hid)[1][-1].text == "callback_sent_email"


def test_a_customer_choosing_sms_gets_the_agents_reply_through_twilio(anon, tctx, fake_twilio):  # noqa: F811
    hid = handoff_for(anon, "BM-100001", "alice.martin@example.com", language="en")
    customer_says(anon, SMS_CHOICE)
    assert "***34" in tctx.conversations.said[-1][1].text
    add_account(tctx, "alice@shop.test", name="Alice")
    agent = bearer(anon, "alice@shop.test")
    anon.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=agent)
    anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "Your parcel is on its way."}, headers=agent)
    [sms] = fake_twilio.accepted
    assert sms["To"] == "+33639981234" and sms["Body"] == "Boomerang – Alice from our team: Your parcel is on its way."
    assert stored(tctx, hid)[1][-1].text == "callback_sent_sms"

    # A number that said STOP since gets nothing more, and the agent is told.
    sms_opt_outs.set_opt_out(tctx, "+33639981234", True)
    anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "Anything else?"}, headers=agent)
    assert len(fake_twilio.accepted) == 1
    assert stored(tctx, hid)[1][-1].text == "callback_unavailable_sms"


def test_a_failed_copy_is_written_in_the_transcript_and_the_chat_reply_stands(anon, tctx, fake_twilio):  # noqa: F811
    hid = handoff_for(anon, "BM-100001", "alice.martin@example.com", language="en")
    customer_says(anon, SMS_CHOICE)
    add_account(tctx, "alice@shop.test", name="Alice")
    agent = bearer(anon, "alice@shop.test")
    anon.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=agent)
    fake_twilio.fail_next = 5
    sent = anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "Hello"}, headers=agent)
    assert sent.status_code == 200 and sent.json()["delivery"] == "delivered"
    assert stored(tctx, hid)[1][-1].text == "callback_failed_sms"


def test_without_a_number_on_record_sms_is_refused_and_the_customer_told_where_the_answer_comes(anon, tctx):
    hid = handoff_for(anon, "BM-100006", "emma.leroy@example.net")  # Emma has no phone
    customer_says(anon, SMS_CHOICE)
    assert stored(tctx, hid)[0].callback_via is None
    assert "numéro de mobile" in tctx.conversations.said[-1][1].text


def test_an_unverified_customer_cannot_have_the_answer_sent_to_an_address(anon, tctx):
    r = anon.post("/api/v1/handoffs", json={"conversation_id": CONV, "channel": "socketio", "language": "en",
                                            "reason": "asked"}, headers=SERVICE)
    hid = r.json()["id"]
    customer_says(anon, EMAIL_CHOICE)
    handoff, messages = stored(tctx, hid)
    assert handoff.callback_via is None and not [m for m in messages if m.kind == "customer"]
    assert "need to know who you are" in tctx.conversations.said[-1][1].text


@pytest.fixture
def smtp_server():
    received: list[email.message.Message] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            received.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as probe:  # a free port (aiosmtpd checks its own start on it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    controller.received = received
    controller.test_port = port
    yield controller
    controller.stop()


def test_the_smtp_sender_delivers_to_a_real_smtp_server(smtp_server):
    sender = SmtpSender(f"smtp://127.0.0.1:{smtp_server.test_port}",
                        "Boomerang <returns@shop.test>")
    receipt = sender.send(OutgoingEmail(to="claire@example.com", subject="Réponse", body="Bonjour Claire"))
    [mail] = smtp_server.received
    assert mail["To"] == "claire@example.com" and mail["Subject"] == "Réponse"
    assert mail["From"] == "Boomerang <returns@shop.test>" and receipt.provider == "smtp"


def test_the_smtp_sender_never_sends_a_password_in_clear_and_reports_a_server_down(smtp_server):
    port = smtp_server.test_port
    sender = SmtpSender(f"smtp://user:s3cret@127.0.0.1:{port}", "returns@shop.test")
    assert "s3cret" not in repr(sender)
    with pytest.raises(EmailError) as refused:
        sender.send(OutgoingEmail(to="claire@example.com", subject="x", body="y"))
    assert not refused.value.retryable and not smtp_server.received
    with smtplib.SMTP("127.0.0.1", port) as probe:  # the server is up: the refusal was ours
        assert probe.noop()[0] == 250
    down = SmtpSender("smtp://127.0.0.1:1", "returns@shop.test", timeout=2)
    with pytest.raises(EmailError) as unreachable:
        down.send(OutgoingEmail(to="claire@example.com", subject="x", body="y"))
    assert unreachable.value.retryable


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "mail.example.com:25"])
def test_a_malformed_smtp_url_is_refused_at_start(url):
    with pytest.raises(ValueError):
        SmtpSender(url, "returns@shop.test")


def test_migration_0008_downgrades_and_upgrades(anon, tctx, database_url):
    def columns() -> set[str]:
        return {c["name"] for c in inspect(tctx.engine).get_columns("handoff_requests")}

    # With rows that point at the table (its transcript lines): the downgrade keeps them.
    hid = handoff_for(anon, "BM-100001", "alice.martin@example.com")
    customer_says(anon, EMAIL_CHOICE)
    assert {"callback_via", "callback_at"} <= columns()
    tctx.engine.dispose()
    downgrade(database_url, "0007")
    assert not {"callback_via", "callback_at"} & columns()
    tctx.engine.dispose()
    upgrade(database_url)
    assert {"callback_via", "callback_at"} <= columns()
    handoff, messages = stored(tctx, hid)
    assert handoff.callback_via is None and [m.text for m in messages][-1] == "callback_email"
