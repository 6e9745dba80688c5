"""The agent API: who may call it (401/403 on every route), and the handoff seen and
worked through it — queue, conversation with context, claim race, reply, note, hand back,
close, photos only of that conversation, the supervisor's board, the live stream."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from backend.adapters.conversations.base import ConversationEvent
from backend.app import create_app
from backend.db.session import session_scope
from backend.services import staff_accounts
from tests.backend.conftest import SERVICE_TOKEN, STAFF_TOKEN

PASSWORD = "correct horse battery staple"
CONV = "web-" + "c" * 32
ROUTES = [
    ("GET", "/api/v1/agent/handoffs"), ("GET", "/api/v1/agent/handoffs/1"),
    ("POST", "/api/v1/agent/handoffs/1/claim"), ("POST", "/api/v1/agent/handoffs/1/release"),
    ("POST", "/api/v1/agent/handoffs/1/reassign"), ("POST", "/api/v1/agent/handoffs/1/messages"),
    ("POST", "/api/v1/agent/handoffs/1/messages/1/retry"), ("POST", "/api/v1/agent/handoffs/1/notes"),
    ("POST", "/api/v1/agent/handoffs/1/typing"), ("POST", "/api/v1/agent/handoffs/1/handback"),
    ("POST", "/api/v1/agent/handoffs/1/close"), ("GET", "/api/v1/agent/handoffs/1/photos/x"),
    ("POST", "/api/v1/agent/handoffs/1/photos"),
    ("GET", "/api/v1/agent/board"), ("GET", "/api/v1/agent/team"), ("GET", "/api/v1/agent/stream"),
]


def add_account(ctx, email: str, role: str = "agent", name: str | None = None) -> None:
    with session_scope(ctx.sessions) as s:
        staff_accounts.create_account(s, email=email, role=role, password=PASSWORD, now=ctx.now(),
                                      name=name or email.split("@")[0].title())


@pytest.fixture
def anon(ctx):
    with TestClient(create_app(ctx)) as c:
        yield c


def bearer(c: TestClient, email: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def open_handoff(c: TestClient, conversation_id: str = CONV, **extra) -> dict:
    r = c.post("/api/v1/handoffs", json={"conversation_id": conversation_id, "channel": "socketio",
                                         "language": "fr", "reason": "asked", **extra},
               headers={"Authorization": f"Bearer {SERVICE_TOKEN}", **extra.pop("headers", {})})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_agent_route_refuses_anonymous_callers(anon, method, path):
    r = anon.request(method, path, json={})
    assert r.status_code == 401
    assert r.json()["error"]["message_fr"]


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_agent_route_refuses_the_warehouse_and_the_service_token(anon, ctx, method, path):
    add_account(ctx, "dock@shop.test", role="warehouse")
    r = anon.request(method, path, json={}, headers=bearer(anon, "dock@shop.test"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "staff_role_forbidden"
    r = anon.request(method, path, json={}, headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code == 401


def test_the_board_is_for_supervisors(anon, ctx):
    add_account(ctx, "alice@shop.test")
    add_account(ctx, "sam@shop.test", role="supervisor")
    assert anon.get("/api/v1/agent/board", headers=bearer(anon, "alice@shop.test")).status_code == 403
    board = anon.get("/api/v1/agent/board", headers=bearer(anon, "sam@shop.test"))
    assert board.status_code == 200 and board.json()["waiting"] == 0


def test_an_agent_works_a_verified_customers_handoff_end_to_end(anon, ctx):
    add_account(ctx, "alice@shop.test", name="Alice")
    add_account(ctx, "bruno@shop.test", name="Bruno")
    alice, bruno = bearer(anon, "alice@shop.test"), bearer(anon, "bruno@shop.test")
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    r = anon.post("/api/v1/verify", json={"reference": "BM-100001", "contact": "alice.martin@example.com",
                                          "conversation_id": CONV}, headers={**service, "X-Client-Key": "t1"})
    assert r.status_code == 200, r.text
    ctx.conversations.histories[CONV] = ([
        ConversationEvent("customer", "je veux parler à quelqu'un", intent="human_handoff", confidence=0.93),
        ConversationEvent("bot", "Je vous passe un membre de notre équipe."),
    ], {"language": "fr", "order_reference": "BM-100001", "verified": True, "contact": "claire@x.test"})
    handoff = open_handoff(anon)
    assert handoff["verified_customer"] is True

    queue = anon.get("/api/v1/agent/handoffs", headers=alice).json()["handoffs"]
    assert [h["id"] for h in queue] == [handoff["id"]] and queue[0]["waiting_seconds"] >= 0

    hid = handoff["id"]
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=alice).json()["assigned_to"] == "Alice"
    second = anon.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=bruno)
    assert second.status_code == 409 and second.json()["error"]["message_fr"]

    anon.post(f"/api/v1/conversations/{CONV}/messages", json={"text": "vous êtes là ?", "intent": "greet",
                                                              "confidence": 0.4}, headers=service)
    sent = anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "Oui, je regarde."}, headers=alice)
    assert sent.status_code == 200 and sent.json()["delivery"] == "delivered"
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/messages", json={"text": "moi aussi"},
                     headers=bruno).status_code == 403
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/notes", json={"text": "colis perdu ?"},
                     headers=bruno).status_code == 200

    detail = anon.get(f"/api/v1/agent/handoffs/{hid}", headers=alice).json()
    assert detail["customer"]["name"] and "@" in detail["customer"]["email"]
    assert "alice.martin@example.com" not in json.dumps(detail)  # masked: the agent writes in the chat
    assert [m["kind"] for m in detail["messages"]][-3:] == ["customer", "agent", "note"]
    assert detail["history"][0]["intent"] == "human_handoff"
    assert detail["bot_view"]["turns"][0]["confidence"] == 0.93
    assert "contact" not in detail["bot_view"]["slots"] and detail["bot_view"]["slots"]["verified"] is True
    assert any("BM-100001" in line for line in detail["summary"])
    assert any(o["verified"] for o in detail["customer"]["orders"])

    back = anon.post(f"/api/v1/agent/handoffs/{hid}/handback", headers=alice)
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert ctx.conversations.handed_back == [(CONV, "agent")]
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/close", headers=alice).status_code == 409


def test_photos_are_served_only_within_their_conversation(anon, ctx):
    add_account(ctx, "alice@shop.test")
    alice = bearer(anon, "alice@shop.test")
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    token = anon.post("/api/v1/chat/upload-token", json={"conversation_id": CONV}, headers=service).json()
    from tests.backend.test_api_returns import jpeg_bytes  # the suite's own small real JPEG

    photo = anon.post("/api/v1/chat/photos", files={"file": ("p.jpg", jpeg_bytes(), "image/jpeg")},
                      headers={"Authorization": f"Bearer {token['upload_token']}"}).json()
    mine, other = open_handoff(anon), open_handoff(anon, "web-" + "d" * 32)
    ok = anon.get(f"/api/v1/agent/handoffs/{mine['id']}/photos/{photo['photo_id']}", headers=alice)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("image/")
    assert anon.get(f"/api/v1/agent/handoffs/{other['id']}/photos/{photo['photo_id']}",
                    headers=alice).status_code == 404


def test_the_live_stream_sends_the_queue(anon, ctx):
    """Over a real server: the test client would wait for the endless stream to end."""
    import requests

    from tests.live_backend import ThreadedBackend

    add_account(ctx, "alice@shop.test")
    alice = bearer(anon, "alice@shop.test")
    open_handoff(anon)
    server = ThreadedBackend(ctx)
    server.start()
    try:
        with requests.get(f"{server.url}/api/v1/agent/stream", headers=alice, stream=True, timeout=10) as events:
            assert events.status_code == 200
            assert events.headers["content-type"].startswith("text/event-stream")
            lines = []
            for raw in events.iter_lines(decode_unicode=True):
                lines.append(raw)
                if raw.startswith("data:"):
                    break
        assert requests.get(f"{server.url}/api/v1/agent/stream", timeout=10).status_code == 401
    finally:
        server.stop()
    assert "event: queue" in lines
    snapshot = json.loads(lines[-1][len("data:"):])
    assert [h["conversation_id"] for h in snapshot["handoffs"]] == [CONV]


def test_the_install_staff_token_still_reads_the_old_handoff_list(anon):
    open_handoff(anon)
    r = anon.get("/api/v1/staff/handoffs?status=open", headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert [h["status"] for h in r.json()["handoffs"]] == ["queued"]


def test_the_bot_phase_ends_where_the_handoff_began():
    # What was said with the team is the handoff's own transcript: not shown twice.
    import datetime as dt

    from backend.queries.handoffs import before_handoff

    started = dt.datetime(2026, 12, 5, 10, 0, 0)
    at = started.replace(tzinfo=dt.timezone.utc).timestamp()
    turns = [ConversationEvent("customer", "hello", at=at - 5),
             # The backend keeps whole seconds: the request itself came 0.6 s "after" it.
             ConversationEvent("customer", "a person please", at=at + 0.6),
             ConversationEvent("bot", "I'm passing you to a member of our team", at=at + 0.8),
             ConversationEvent("agent", "Alice has joined", at=at + 30),
             ConversationEvent("customer", "here is the crack", at=at + 40),
             ConversationEvent("bot", "I'm back!", at=at + 90)]
    kept = before_handoff(turns, started)
    assert [t.text for t in kept] == ["hello", "a person please", "I'm passing you to a member of our team"]
    assert before_handoff([ConversationEvent("customer", "no time")], started)[0].text == "no time"
    # With Rasa's pause in the history, the cut is there, however fast the agent answered.
    paused = ConversationEvent("event", None, at=at + 0.9, details={"paused": True})
    quick = [turns[0], turns[1], turns[2], paused,
             ConversationEvent("agent", "Alice has joined", at=at + 0.95),
             ConversationEvent("customer", "here is the crack", at=at + 0.97)]
    assert [t.text for t in before_handoff(quick, started)] == [
        "hello", "a person please", "I'm passing you to a member of our team"]
    # An earlier handoff's pause (before this one began) does not cut this one's history.
    earlier = ConversationEvent("event", None, at=at - 600, details={"paused": True})
    assert [t.text for t in before_handoff([earlier, *quick], started)][0] == "hello"
