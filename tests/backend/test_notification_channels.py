"""The customer is told on their channel, in their language (issue 14): a return made in
the web chat hears its news in that conversation, as the shop (not an agent); one made by
SMS, or by anyone with a number that did not say STOP, by SMS as before; anyone else by
email. Still one message per kind and return; chat and email rows retried like SMS."""
from __future__ import annotations

import dataclasses
import datetime as dt
import email
import uuid
from email import policy

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from backend.adapters.conversations.rasa import agent_bot_event, shop_bot_event
from backend.adapters.conversations.base import AgentMessage, ShopMessage
from backend.adapters.email.base import EmailError, EmailReceipt, EmailSender, OutgoingEmail
from backend.db.migrate import downgrade, upgrade
from backend.db.models import Customer, Notification
from backend.domain.notification_channel import Route, choose_route, usable_email
from backend.domain.notification_text import notification_subject, notification_text
from backend.queries.returns import get_return
from backend.services import notifications
from backend.services.erasure import erase_customer
from common.conversation_ids import new_web_id, sms_id
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, BEN, line_by_category, returnable
from tests.backend.test_api_staff import move
from tests.backend.test_consumer_law_migration import ROWS_AT_0009, _columns, _one, _run
from tests.backend.test_warehouse_inspection import inspect
from tests.backend.test_warehouse_receiving import anon, roles, still, wh  # noqa: F401 (fixtures)

ALICE_PHONE, BEN_PHONE = "+33639981234", "+447700900123"
WEB = "web-" + "ab" * 16


# --- the choice ------------------------------------------------------------------------------

@pytest.mark.parametrize("conversation, phone, refused, address, expected", [
    (WEB, ALICE_PHONE, False, "a@example.com", Route("chat", WEB)),        # the web chat first
    (WEB, None, True, None, Route("chat", WEB)),                           # whatever else is known
    (sms_id(ALICE_PHONE), ALICE_PHONE, False, "a@example.com", Route("sms", ALICE_PHONE)),
    ("rest:tester", ALICE_PHONE, False, "a@example.com", Route("sms", ALICE_PHONE)),
    (None, ALICE_PHONE, False, "a@example.com", Route("sms", ALICE_PHONE)),  # made by API: today's
    ("web-notahexid", ALICE_PHONE, False, None, Route("sms", ALICE_PHONE)),  # not a web chat id
    (None, ALICE_PHONE, True, "a@example.com", Route("email", "a@example.com")),  # said STOP
    (sms_id(ALICE_PHONE), ALICE_PHONE, True, "a@example.com", Route("email", "a@example.com")),
    (None, None, False, "a@example.com", Route("email", "a@example.com")),  # no phone
    (None, ALICE_PHONE, True, None, Route("sms", ALICE_PHONE)),             # nowhere: skipped as before
    (None, None, False, "erased-7@erased.invalid", Route("sms", None)),     # an erased customer
])
def test_the_channel_choice(conversation, phone, refused, address, expected):
    assert choose_route(conversation_id=conversation, phone=phone, sms_refused=refused,
                        email=address) == expected


def test_usable_email():
    assert usable_email("claire@example.com")
    assert not usable_email("") and not usable_email(None) and not usable_email("no-at-sign")
    assert not usable_email("erased-3@erased.invalid") and not usable_email("x@shop.INVALID.")


def test_only_sms_says_how_to_stop_and_email_has_a_subject_in_both_languages():
    words = dict(shop="Maison", rma="R-1", amount_minor=4400, currency="EUR",
                 reduction_minor=1500, reduction_reasons=("undeclared_damage",))
    sms = notification_text("refund_issued", "fr", **words)
    chat = notification_text("refund_issued", "fr", channel="chat", **words)
    mail = notification_text("refund_issued", "en", channel="email", **words)
    assert sms.endswith("Répondez STOP pour ne plus recevoir de SMS.")
    assert sms.startswith(chat) and "STOP" not in chat and "réduit de 15,00" in chat
    assert "STOP" not in mail and "reduced by €15.00" in mail
    assert notification_subject("parcel_received", "fr", shop="Maison", rma="R-1") == \
        "Maison : nous avons reçu votre colis pour le retour R-1"
    assert "refund" in notification_subject("refund_sent", "en", shop="Maison", rma="R-1")
    with pytest.raises(ValueError):
        notification_subject("birthday", "en", shop="Maison", rma="R-1")


def test_the_shops_message_is_a_plain_bot_message_for_the_widget():
    # The widget shows an agent's badge only for metadata.boomerang.from == "agent"
    # (web/src/chat.js agentOf); the SMS output signs only those too (bot/channels/sms_format.py).
    shop = shop_bot_event(ShopMessage("Nous avons reçu votre colis"))
    agent = agent_bot_event(AgentMessage("Bonjour", "Alice"))
    assert shop["event"] == agent["event"] == "bot"
    assert shop["text"] == "Nous avons reçu votre colis" and shop["data"] == {}
    assert shop["metadata"] == {"boomerang": {"from": "shop"}}
    assert "agent_name" not in shop["metadata"]["boomerang"]


def test_the_web_chat_and_sms_outputs_show_the_shops_message_as_the_bots():
    """Through Rasa as it reads the backend's event, to what the socket and the SMS send."""
    pytest.importorskip("rasa")
    from rasa.shared.core.events import Event

    from bot.channels.socketio import BoomerangSocketIOOutput
    from bot.channels.sms_format import author_of

    message = Event.from_parameters(shop_bot_event(ShopMessage("Nous avons reçu votre colis."))).message()
    [payload] = BoomerangSocketIOOutput.payloads(message)
    assert payload["text"] == "Nous avons reçu votre colis."
    # web/src/chat.js agentOf(): a badge only when metadata.boomerang.from is "agent".
    assert payload.get("metadata", {}).get("boomerang", {}).get("from") != "agent"
    assert author_of(message) is None  # an SMS would not be signed with a name either


# --- a return made in the web chat ---------------------------------------------------------

def shirt_return(client, who=ALICE, conversation_id=None, channel="web"):
    headers = customer_headers(client, *who)
    # Alice's linen shirt, or Ben's earbuds (inside the window): approved, a label at once.
    line = line_by_category(returnable(client, headers, who[0]), "apparel" if who == ALICE else "electronics")
    body = {"order_number": who[0], "channel": channel, "language": "en",
            "lines": [{"order_line_id": line["order_line_id"], "reason_code": "changed_mind"}]}
    if conversation_id:
        body["conversation_id"] = conversation_id
    r = client.post("/api/v1/returns", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    return r.json()


def outbox(ctx, rma) -> list[tuple[str, str, str, str | None]]:
    with ctx.sessions() as s:
        rows = s.execute(select(Notification).where(Notification.return_id == get_return(s, rma).id)
                         .order_by(Notification.id)).scalars()
        return [(n.kind, n.channel, n.status, n.recipient) for n in rows]


def bodies(ctx, rma) -> list[str]:
    with ctx.sessions() as s:
        return list(s.execute(select(Notification.body).where(Notification.return_id == get_return(s, rma).id)
                              .order_by(Notification.id)).scalars())


def test_a_web_chat_return_is_told_in_its_conversation_in_french(client, ctx, staff_headers):
    conversation = new_web_id()
    body = shirt_return(client, conversation_id=conversation)  # Alice reads French
    rma, line_id = body["rma"], body["lines"][0]["id"]
    with ctx.sessions() as s:
        assert get_return(s, rma).conversation_id == conversation
    said = ctx.conversations.announced
    # The label: the assistant showed it in the reply that made the return, so the chat is
    # not told again (skipped), and the sweep says nothing.
    assert outbox(ctx, rma) == [("label_issued", "chat", "skipped", conversation)]
    assert notifications.send_pending_notifications(ctx).sent == 0
    assert said == []

    # Later news is said in the conversation, left to the sweep (the assistant may hold the
    # conversation while it answers), once.
    assert move(client, staff_headers, rma, "received").status_code == 200
    assert notifications.send_pending_notifications(ctx).sent == 1
    assert notifications.send_pending_notifications(ctx).sent == 0
    received = said[-1][1].text
    assert said[-1][0] == conversation and rma in received and "reçu votre colis" in received

    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C", "reduction_minor": 1500,
                                              "reduction_reason": "undeclared_damage"}])
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    notifications.send_pending_notifications(ctx)
    refund = said[-1][1].text
    assert said[-1][0] == conversation and "remboursement" in refund
    assert "réduit de 15,00" in refund and "dommage non déclaré" in refund

    assert len(said) == 2 and all(isinstance(m, ShopMessage) for _c, m in said)
    assert ctx.conversations.said == []  # nothing was said as an agent
    assert not any("STOP" in m.text for _c, m in said)
    assert outbox(ctx, rma) == [("label_issued", "chat", "skipped", conversation),
                                ("parcel_received", "chat", "sent", conversation),
                                ("refund_issued", "chat", "sent", conversation)]


def test_a_chat_not_reached_is_retried_with_the_same_back_off_and_said_once(client, ctx, staff_headers):
    conversation = new_web_id()
    rma = shirt_return(client, who=BEN, conversation_id=conversation)["rma"]
    assert move(client, staff_headers, rma, "received").status_code == 200
    ctx.conversations.fail = True
    assert notifications.send_pending_notifications(ctx).failed == 1
    assert outbox(ctx, rma)[-1] == ("parcel_received", "chat", "failed", conversation)
    ctx.conversations.fail = False
    assert notifications.send_pending_notifications(ctx).sent == 0  # backing off
    start = ctx.now()
    ctx.clock = lambda: start + dt.timedelta(minutes=5)
    assert notifications.send_pending_notifications(ctx).sent == 1
    assert notifications.send_pending_notifications(ctx).sent == 0
    [(to, message)] = ctx.conversations.announced
    assert to == conversation and rma in message.text and "received" in message.text  # Ben reads English


def test_one_message_per_kind_whatever_the_channel(client, ctx, staff_headers):
    conversation = new_web_id()
    rma = shirt_return(client, conversation_id=conversation)["rma"]
    assert move(client, staff_headers, rma, "received").status_code == 200
    with ctx.sessions.begin() as s:  # the conversation forgotten: the route would now be SMS
        ret = get_return(s, rma)
        ret.conversation_id = None
        again = notifications.queue_for_status(ctx, s, ret)
        assert again.channel == "chat"  # the row already queued, not a second one
    with pytest.raises(IntegrityError):  # and the database refuses a second one anyway
        with ctx.sessions.begin() as s:
            ret = get_return(s, rma)
            s.add(Notification(customer_id=ret.customer_id, return_id=ret.id, kind="parcel_received",
                               channel="sms", recipient=ALICE_PHONE, language="fr", body="x",
                               status="pending", attempts=0, created_at=ctx.now()))
    # Sent now, the chat row finds no conversation to speak in: skipped, never elsewhere.
    assert notifications.send_pending_notifications(ctx).skipped == 1
    assert ctx.conversations.announced == []


def test_an_sms_return_is_told_by_sms_as_before(client, ctx):
    rma = shirt_return(client, conversation_id=sms_id(ALICE_PHONE), channel="sms")["rma"]
    assert outbox(ctx, rma) == [("label_issued", "sms", "sent", ALICE_PHONE)]
    assert bodies(ctx, rma)[0].endswith("STOP pour ne plus recevoir de SMS.")
    assert ctx.conversations.announced == []


def test_an_early_refund_is_said_in_the_chat_once_and_inspection_says_nothing_more(client, anon, ctx, wh):
    ctx.policy = dataclasses.replace(ctx.policy, refund_issue_at="receipt")
    conversation = new_web_id()
    body = shirt_return(client, conversation_id=conversation)
    rma, line_id = body["rma"], body["lines"][0]["id"]
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).status_code == 200
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line_id, "received_quantity": 1}]})
    assert r.status_code == 200 and r.json()["refunds"][0]["status"] == "issued"
    notifications.send_pending_notifications(ctx)
    early = ctx.conversations.announced[-1][1].text
    assert "vous avons remboursé" in early and rma in early  # French, on receipt
    r = inspect(anon, wh, rma, [{"line_id": line_id, "grade": "A"}])
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    notifications.send_pending_notifications(ctx)
    assert [k for k, *_ in outbox(ctx, rma)] == ["label_issued", "parcel_received", "refund_issued"]
    # The label was shown in the reply that made the return; then the parcel, then the money
    # once: no second message about it.
    assert len(ctx.conversations.announced) == 2


# --- email -----------------------------------------------------------------------------

def mails(ctx) -> list[email.message.EmailMessage]:
    folder = ctx.settings.mail_dir
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def test_a_customer_with_no_phone_gets_an_email(client, ctx, staff_headers):
    with ctx.sessions.begin() as s:
        s.execute(update(Customer).where(Customer.phone == BEN_PHONE).values(phone=None))
    rma = shirt_return(client, who=BEN)["rma"]  # made through the API, no conversation
    assert outbox(ctx, rma) == [("label_issued", "email", "sent", "ben.carter@example.com")]
    [mail] = mails(ctx)
    assert mail["To"] == "ben.carter@example.com"
    assert mail["Subject"] == f"{ctx.settings.shop_name}: your return {rma} is approved, here is your label"
    text = mail.get_content()
    assert rma in text and "Your prepaid label" in text and "STOP" not in text
    assert move(client, staff_headers, rma, "received").status_code == 200
    assert [m["Subject"] for m in mails(ctx)][-1].endswith(f"we have received your parcel for return {rma}")


def test_a_french_customer_who_said_stop_gets_a_french_email(client, ctx):
    assert client.put(f"/api/v1/sms/opt-outs/%2B{ALICE_PHONE[1:]}").status_code == 200
    rma = shirt_return(client)["rma"]
    assert outbox(ctx, rma) == [("label_issued", "email", "sent", "alice.martin@example.com")]
    [mail] = mails(ctx)
    assert "votre retour" in mail["Subject"] and "étiquette prépayée" in mail.get_content()


class RefusingOnce(EmailSender):
    """The shop's mail server down for one try, then the folder outbox."""

    name = "refusing-once"

    def __init__(self, then: EmailSender, retryable: bool = True) -> None:
        self.then, self.retryable, self.tries = then, retryable, 0

    def send(self, message: OutgoingEmail) -> EmailReceipt:
        self.tries += 1
        if self.tries == 1:
            raise EmailError("the mail server answered 451", retryable=self.retryable)
        return self.then.send(message)


def test_an_email_not_taken_is_retried_by_the_sweep_and_sent_once(client, ctx):
    with ctx.sessions.begin() as s:
        s.execute(update(Customer).where(Customer.phone == BEN_PHONE).values(phone=None))
    ctx.email = RefusingOnce(ctx.email)
    rma = shirt_return(client, who=BEN)["rma"]
    assert outbox(ctx, rma)[0][:3] == ("label_issued", "email", "failed") and mails(ctx) == []
    assert notifications.send_pending_notifications(ctx).sent == 0  # backing off
    start = ctx.now()
    ctx.clock = lambda: start + dt.timedelta(minutes=5)
    assert notifications.send_pending_notifications(ctx).sent == 1
    assert notifications.send_pending_notifications(ctx).sent == 0
    assert len(mails(ctx)) == 1 and ctx.email.tries == 2


def test_an_address_refused_for_good_is_not_retried(client, ctx):
    with ctx.sessions.begin() as s:
        s.execute(update(Customer).where(Customer.phone == BEN_PHONE).values(phone=None))
    ctx.email = RefusingOnce(ctx.email, retryable=False)
    rma = shirt_return(client, who=BEN)["rma"]
    start = ctx.now()
    ctx.clock = lambda: start + dt.timedelta(hours=2)
    notifications.send_pending_notifications(ctx)
    assert outbox(ctx, rma)[0][:3] == ("label_issued", "email", "failed") and ctx.email.tries == 1


# --- erasure ---------------------------------------------------------------------------

def test_erasure_forgets_the_conversation_a_return_was_made_in(client, ctx):
    conversation = new_web_id()
    rma = shirt_return(client, conversation_id=conversation)["rma"]
    report = erase_customer(ctx, email="alice.martin@example.com")
    assert conversation in report.conversation_ids and report.return_conversations == 1
    with ctx.sessions() as s:
        assert get_return(s, rma).conversation_id is None
    assert outbox(ctx, rma) == [("label_issued", "chat", "skipped", None)]
    assert notifications.send_pending_notifications(ctx).sent == 0
    assert ctx.conversations.announced == []


# --- migration 0013 ------------------------------------------------------------------------

NOTIFICATION = ("INSERT INTO notifications (id, customer_id, return_id, kind, channel, recipient, "
                "language, body, status, attempts, created_at) VALUES ({id}, 1, 1, '{kind}', "
                "'{channel}', '{to}', 'en', 'hello', 'sent', 1, '2024-01-07 10:00:00')")


def test_0013_keeps_the_conversation_and_widens_the_channels_and_takes_them_away(empty_url):
    url = empty_url
    upgrade(url, "0012")
    assert "conversation_id" not in _columns(url, "return_requests")
    _run(url, *ROWS_AT_0009, NOTIFICATION.format(id=1, kind="label_issued", channel="sms", to=ALICE_PHONE))
    with pytest.raises(IntegrityError):  # before 0013, SMS only
        _run(url, NOTIFICATION.format(id=2, kind="parcel_received", channel="chat", to="x"))

    upgrade(url, "0013")
    assert "conversation_id" in _columns(url, "return_requests")
    assert _one(url, "SELECT conversation_id FROM return_requests") == (None,)  # made before: none known
    _run(url, f"UPDATE return_requests SET conversation_id = '{WEB}'",
         NOTIFICATION.format(id=2, kind="parcel_received", channel="chat", to=WEB),
         NOTIFICATION.format(id=3, kind="refund_issued", channel="email", to="a" * 60 + "@example.com"))
    with pytest.raises(IntegrityError):  # one message per kind, whatever the channel
        _run(url, NOTIFICATION.format(id=4, kind="label_issued", channel="email", to="a@example.com"))
    with pytest.raises(IntegrityError):
        _run(url, NOTIFICATION.format(id=5, kind="refund_issued", channel="fax", to="1"))
    assert _one(url, "SELECT channel, recipient FROM notifications WHERE id = 1") == ("sms", ALICE_PHONE)

    downgrade(url, "0012")
    assert "conversation_id" not in _columns(url, "return_requests")
    assert _one(url, "SELECT COUNT(*), MIN(channel) FROM notifications") == (1, "sms")
    with pytest.raises(IntegrityError):  # the old check is back
        _run(url, NOTIFICATION.format(id=6, kind="parcel_received", channel="chat", to="x"))
    upgrade(url, "head")
    assert "conversation_id" in _columns(url, "return_requests")


def test_a_label_issued_later_is_said_in_the_chat(client, ctx, staff_headers):
    # Held for review when made (a damaged item without its photo): the label comes when a
    # person approves, long after the reply that made the return, so the chat is told.
    conversation = new_web_id()
    headers = customer_headers(client, *ALICE)
    line = line_by_category(returnable(client, headers, ALICE[0]), "apparel")
    r = client.post("/api/v1/returns", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                    json={"order_number": ALICE[0], "channel": "web", "language": "fr",
                          "conversation_id": conversation,
                          "lines": [{"order_line_id": line["order_line_id"], "reason_code": "damaged"}]})
    assert r.status_code == 201 and r.json()["status"] == "needs_review", r.text
    rma = r.json()["rma"]
    assert move(client, staff_headers, rma, "approved").status_code == 200
    assert outbox(ctx, rma) == [("label_issued", "chat", "pending", conversation)]
    assert notifications.send_pending_notifications(ctx).sent == 1
    assert "étiquette" in ctx.conversations.announced[-1][1].text
