"""`python -m backend erase-customer`: one customer's personal data gone from every table,
their files and Rasa's tracker store; the bookkeeping stays; a STOP keeps working."""
from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import JSON, String, Text, create_engine, func, select, text

from backend.__main__ import main
from backend.db.models import Base, Customer, Label, Notification, Order, Photo, Refund, ReturnRequest, \
    ReturnStatusChange
from backend.services.erasure import CONVERSATION_ID_SOURCES, erase_customer, erase_tracker_conversations
from tests.backend.conftest import POSTGRES, _admin_engine, _pg_url, customer_headers
from tests.backend.test_chat_uploads import damaged_lamp, mint, upload

EMAIL, PHONE = "alice.martin@example.com", "+33639981234"
SMS_CONVERSATION = f"sms:{PHONE}"


@pytest.fixture
def cli_env(settings, monkeypatch):
    """`python -m backend` reads its settings from the environment: the test's own."""
    for name, value in {"BOOMERANG_DATABASE_URL": settings.database_url, "BOOMERANG_SECRET_KEY": settings.secret_key,
                        "BOOMERANG_MEDIA_DIR": str(settings.media_dir), "BOOMERANG_SERVICE_TOKEN": "x",
                        "BOOMERANG_EXPIRY_SWEEP_SECONDS": "0", "BOOMERANG_NOTIFY_SWEEP_SECONDS": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RASA_TRACKER_DB_URL", raising=False)
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)


def alice_everywhere(client, ctx, staff_headers) -> dict:
    """Alice leaves traces in every table that can hold them."""
    # An SMS conversation: verification (client key = the conversation), a chat photo,
    # a return claiming it with her words, a handoff, a STOP.
    headers = customer_headers(client, "BM-100001", EMAIL)
    # ... the conversation verified as hers, server-side (conversation_sessions).
    assert client.post("/api/v1/verify", json={"reference": "BM-100001", "contact": "06 39 98 12 34",
                                               "conversation_id": SMS_CONVERSATION},
                       headers={"X-Client-Key": SMS_CONVERSATION}).status_code == 200
    # ... and a mistyped order number with her email, from her browser.
    assert client.post("/api/v1/verify", json={"reference": "BM-999999", "contact": EMAIL},
                       headers={"X-Client-Key": "ip:198.51.100.7"}).status_code == 401
    token = mint(client, SMS_CONVERSATION).json()["upload_token"]
    photo_id = upload(client, token).json()["photo_id"]
    lamp = damaged_lamp(client, headers, [photo_id], SMS_CONVERSATION)
    assert lamp.status_code == 201, lamp.text
    rma = lamp.json()["rma"]
    # A second chat photo never claimed, in her SMS conversation.
    assert upload(client, mint(client, SMS_CONVERSATION).json()["upload_token"]).status_code == 201
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        ret.lines[0].reason_text = f"Cassée à l'arrivée, appelez Alice Martin au {PHONE}"
        s.add(ReturnStatusChange(return_id=ret.id, from_status=ret.status, to_status=ret.status, actor="staff",
                                 note=f"rang {EMAIL} / 06 39 98 12 34 about the lamp"))
        s.commit()
    h = client.post("/api/v1/handoffs", headers=headers, json={
        "conversation_id": SMS_CONVERSATION, "channel": "twilio_sms", "summary": f"I am Alice Martin, {EMAIL}"})
    assert h.status_code == 201
    assert client.put(f"/api/v1/sms/opt-outs/{quote(PHONE, safe='')}").json()["opted_out"] is True
    with ctx.sessions() as s:
        alice = s.execute(select(Customer).where(Customer.email == EMAIL)).scalar_one()
        order = s.execute(select(Order).where(Order.number == "BM-100001")).scalar_one()
        files = [Path(p) for p in s.execute(select(Photo.storage_path)).scalars()] + \
                [Path(p) for p in s.execute(select(Label.storage_path).where(Label.return_id == ret.id)).scalars()]
        assert s.execute(select(func.count(Notification.id)).where(
            Notification.customer_id == alice.id, Notification.recipient == PHONE)).scalar_one() >= 1
        traces = {"id": alice.id, "name": alice.name, "line1": order.ship_line1, "rma": rma,
                  "returns": s.execute(select(func.count(ReturnRequest.id)).where(
                      ReturnRequest.customer_id == alice.id)).scalar_one(),
                  "refunded": s.execute(select(func.coalesce(func.sum(ReturnRequest.refund_amount_minor), 0))
                                        .where(ReturnRequest.customer_id == alice.id)).scalar_one()}
    assert len(files) == 3 and all(f.is_file() for f in files)
    traces["files"] = files
    return traces


def every_text_value(ctx) -> list[str]:
    """Every string, text and JSON value of every table, lower-cased."""
    values = []
    with ctx.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
            if not cols:
                continue
            for row in conn.execute(select(*cols)):
                values += [(v if isinstance(v, str) else json.dumps(v)).lower() for v in row if v is not None]
    return values


def test_erase_customer_leaves_no_trace_but_keeps_the_books(client, ctx, staff_headers, cli_env, capsys):
    t = alice_everywhere(client, ctx, staff_headers)
    needles = [EMAIL, PHONE.lstrip("+"), "39 98 12 34", t["name"].lower(), t["line1"].lower()]
    assert all(any(n in v for v in every_text_value(ctx)) for n in needles)  # the scan finds them

    # A dry run counts and changes nothing.
    assert main(["erase-customer", "--email", EMAIL.upper(), "--dry-run", "--no-rasa-api"]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "photos: 2" in out and "handoffs: 1" in out
    assert all(any(n in v for v in every_text_value(ctx)) for n in needles)
    assert all(f.is_file() for f in t["files"])

    assert main(["erase-customer", "--email", EMAIL, "--no-rasa-api"]) == 0
    out = capsys.readouterr().out
    # Alice's orders: BM-100001 and the consumer-law fixtures BM-100014 and BM-100018.
    for line in ("customers: 1", "orders: 3", "reason texts: 1", "status notes: 1", "photos: 2",
                 "photo files: 2", "label files: 1", "handoffs: 1", "conversation sessions: 1",
                 "opt outs hashed: 1", "conversations: 2"):
        assert f"  {line}\n" in out, out
    assert "verification attempts: 0" not in out and "notifications: 0" not in out
    for raw in (EMAIL, PHONE, t["name"]):
        assert raw not in out  # counts only

    values = every_text_value(ctx)
    for needle in needles:
        assert not [v for v in values if needle in v], needle
    assert not any(f.exists() for f in t["files"])
    with ctx.sessions() as s:
        from backend.db.models import VerificationAttempt
        from backend.services.verification import contact_hash
        assert s.execute(select(func.count(VerificationAttempt.id)).where(
            VerificationAttempt.contact_hash == contact_hash(ctx.settings, EMAIL))).scalar_one() == 0
    # Her SMS conversation proves nothing any more.
    assert client.get("/api/v1/orders/BM-100001/returns",
                      headers={"X-Conversation-Id": SMS_CONVERSATION}).status_code == 401
    with ctx.sessions() as s:
        alice = s.get(Customer, t["id"])
        assert (alice.name, alice.email, alice.phone) == ("Erased customer", f"erased-{t['id']}@erased.invalid", None)
        # The books: the same returns and amounts, detached from the person.
        assert s.execute(select(func.count(ReturnRequest.id)).where(
            ReturnRequest.customer_id == t["id"])).scalar_one() == t["returns"]
        assert s.execute(select(func.sum(ReturnRequest.refund_amount_minor)).where(
            ReturnRequest.customer_id == t["id"])).scalar_one() == t["refunded"]
        assert s.execute(select(Customer).where(Customer.email == "ben.carter@example.com")).scalar_one()
        assert all(n.status != "pending" for n in s.execute(select(Notification).where(
            Notification.customer_id == t["id"])).scalars())
    # Her STOP still counts, though her number is stored nowhere.
    status = client.get(f"/api/v1/sms/opt-outs/{quote(PHONE, safe='')}").json()
    assert status == {"phone": PHONE, "opted_out": True}
    # ... and START clears it.
    assert client.delete(f"/api/v1/sms/opt-outs/{quote(PHONE, safe='')}").json()["opted_out"] is False
    assert client.get(f"/api/v1/sms/opt-outs/{quote(PHONE, safe='')}").json()["opted_out"] is False

    # Idempotent: nothing left to change, whichever way she is named.
    again = erase_customer(ctx, customer_id=t["id"])
    assert (again.customers, again.orders, again.photos, again.handoffs, again.notifications,
            again.verification_attempts, again.label_files) == (0, 0, 0, 0, 0, 0, 0)
    assert main(["erase-customer", "--email", EMAIL, "--no-rasa-api"]) == 0
    assert "  customers: 0\n" in capsys.readouterr().out


def test_erase_by_phone_alone_covers_a_number_without_a_customer(client, ctx, cli_env, capsys):
    stranger = "+447700900999"
    conv = f"sms:{stranger}"
    assert client.put(f"/api/v1/sms/opt-outs/{quote(stranger, safe='')}").status_code == 200
    assert upload(client, mint(client, conv).json()["upload_token"]).status_code == 201
    assert client.post("/api/v1/handoffs", json={"conversation_id": stranger, "channel": "twilio_sms",
                                                  "summary": "help"}).status_code == 201
    assert main(["erase-customer", "--phone", "+44 7700 900999", "--no-rasa-api"]) == 0
    out = capsys.readouterr().out
    assert "  customers: 0\n" in out and "  photos: 1\n" in out and "  handoffs: 1\n" in out
    assert not [v for v in every_text_value(ctx) if "447700900999" in v]
    assert client.get(f"/api/v1/sms/opt-outs/{quote(stranger, safe='')}").json()["opted_out"] is True
    assert main(["erase-customer", "--phone", "0639981234", "--no-rasa-api"]) == 2  # national form: ambiguous


def test_conversation_ids_come_from_every_recorded_source(client, ctx):
    """Web-chat conversations the backend recorded for the customer are erased too."""
    assert len(CONVERSATION_ID_SOURCES) >= 2
    headers = customer_headers(client, "BM-100001", EMAIL)
    assert client.post("/api/v1/handoffs", headers=headers, json={
        "conversation_id": "web-7f3a", "channel": "socketio", "summary": "hello"}).status_code == 201
    report = erase_customer(ctx, email=EMAIL, dry_run=True)
    assert report.conversation_ids == sorted(["web-7f3a", SMS_CONVERSATION, PHONE])


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL not reachable")
@pytest.mark.postgres
def test_sql_tracker_store_conversations_are_deleted(client, ctx, cli_env, capsys, monkeypatch):
    """Rasa's own SQLTrackerStore makes its events table; the command empties her conversations."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    name = f"boomerang_tracker_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _pg_url(name)
    try:
        store = SQLTrackerStore(Domain.empty(), host=url)  # a full URL, as endpoints.production.yml gives it
        for sender in (SMS_CONVERSATION, PHONE, "web-other"):
            tracker = DialogueStateTracker(sender, [])
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(f"I am {EMAIL}, {PHONE}"))
            asyncio.run(store.save(tracker))
        store.engine.dispose()

        engine = create_engine(url, future=True)
        with engine.connect() as conn:
            senders = lambda: dict(conn.execute(text(  # noqa: E731
                "SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all())
            before = senders()
            assert set(before) == {SMS_CONVERSATION, PHONE, "web-other"}
            conn.commit()
            assert erase_tracker_conversations(url, [SMS_CONVERSATION, PHONE], dry_run=True) == 4
            assert set(senders()) == set(before)
            conn.commit()
            monkeypatch.setenv("RASA_TRACKER_DB_URL", url)
            assert main(["erase-customer", "--email", EMAIL, "--no-rasa-api"]) == 0
            assert "4 events of 2 conversations deleted from the SQL tracker store" in capsys.readouterr().out
            assert senders() == {"web-other": before["web-other"]}
            conn.commit()
        engine.dispose()
        assert erase_tracker_conversations(url, [SMS_CONVERSATION, PHONE]) == 0  # idempotent
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


MODEL = Path(__file__).resolve().parents[2] / "models" / "boomerang.tar.gz"


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model (run `make model`)")
def test_in_memory_conversations_are_emptied_in_a_running_rasa(tmp_path):
    """The development setup keeps conversations in Rasa's memory: the command empties them
    through Rasa's HTTP API (with its --auth-token), and says so when Rasa is not there."""
    import os
    import sys

    import requests

    from dev.stack import Services, free_port
    from backend.services.erasure import clear_rasa_memory

    (tmp_path / "credentials.yml").write_text("rest:\n")
    (tmp_path / "endpoints.yml").write_text('action_endpoint:\n  url: "http://127.0.0.1:9/webhook"\n')
    root = Path(__file__).resolve().parents[2]
    services = Services(tmp_path, {**os.environ, "PYTHONPATH": str(root), "RASA_TELEMETRY_ENABLED": "false"})
    port, token = free_port(), "erase-test-token"
    url = f"http://127.0.0.1:{port}"
    try:
        rasa = services.start("rasa", [str(Path(sys.executable).parent / "rasa"), "run", "--model", str(MODEL),
                                       "--enable-api", f"--auth-token={token}", "--port", str(port),
                                       "--endpoints", str(tmp_path / "endpoints.yml"),
                                       "--credentials", str(tmp_path / "credentials.yml")], root)
        services.wait_ready(rasa, f"{url}/status?token={token}", timeout=240)
        for sender in (SMS_CONVERSATION, "web-other"):
            r = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": f"hi, {EMAIL}"},
                              timeout=60)
            assert r.status_code == 200

        def user_texts(sender):
            r = requests.get(f"{url}/conversations/{quote(sender, safe=':+')}/tracker", params={"token": token},
                             timeout=10)
            return [e.get("text") for e in r.json()["events"] if e["event"] == "user"]

        assert user_texts(SMS_CONVERSATION) == [f"hi, {EMAIL}"]
        assert clear_rasa_memory(url, "wrong", [SMS_CONVERSATION])[0] is None
        assert clear_rasa_memory(url, token, [SMS_CONVERSATION, PHONE], dry_run=True)[0] == 1
        assert user_texts(SMS_CONVERSATION) == [f"hi, {EMAIL}"]
        cleared, note = clear_rasa_memory(url, token, [SMS_CONVERSATION, PHONE])
        assert cleared == 1, note
        assert user_texts(SMS_CONVERSATION) == []
        assert user_texts("web-other") == [f"hi, {EMAIL}"]
    finally:
        services.stop_all()
    cleared, note = clear_rasa_memory(url, token, [SMS_CONVERSATION])
    assert cleared is None and "not reachable" in note
