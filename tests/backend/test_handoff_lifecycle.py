"""The handoff lifecycle on a real database: queue, claim (once), reply, hand back, close,
rate, and the customer's own cancel, with the outbound channel recorded or failing."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from backend.db.models import HandoffMessage, HandoffRequest, StaffAccount
from backend.domain.handoff_lifecycle import HandoffMove, IllegalHandoffMove, check_move
from backend.services.errors import Conflict, Forbidden, NotFound, Unavailable
from backend.workflows.handoff import claim as claim_flow
from backend.workflows.handoff import customer_message, reply
from backend.workflows.handoff.close import close, rate
from backend.workflows.handoff.common import StaffActor
from backend.workflows.handoff.hand_back import hand_back
from backend.workflows.handoff.request import request_handoff

CONV = "web-" + "a" * 32


def _staff(ctx, email: str, role: str = "agent", name: str | None = None) -> StaffActor:
    with ctx.sessions() as s:
        account = StaffAccount(email=email, display_name=name or email.split("@")[0].title(), role=role,
                               password_hash="$argon2id$unused", active=True, preferred_language="en")
        s.add(account)
        s.commit()
        return StaffActor(staff_id=account.id, name=account.display_name, role=role)


def _request(ctx, conversation_id: str = CONV, language: str = "fr") -> dict:
    return request_handoff(ctx, conversation_id=conversation_id, channel="socketio", language=language,
                           reason="asked", summary="le pull est troué, écrivez à claire@example.com", claims=None)


def test_the_lifecycle_allows_only_its_moves():
    assert check_move(HandoffMove.CLAIM, "queued").value == "claimed"
    assert check_move(HandoffMove.HAND_BACK, "claimed").value == "returned"
    for move, status in [(HandoffMove.CLAIM, "claimed"), (HandoffMove.CANCEL, "claimed"),
                         (HandoffMove.CLOSE, "returned"), (HandoffMove.HAND_BACK, "cancelled")]:
        with pytest.raises(IllegalHandoffMove):
            check_move(move, status)


def test_a_request_is_queued_once_with_what_the_bot_may_promise(ctx):
    first = _request(ctx)
    again = _request(ctx)
    assert first["id"] == again["id"] and first["status"] == "queued"
    assert first["open_now"] is True and first["agents_online"] == 0
    assert first["wait_minutes"] is None  # no claims yet: "a few minutes", not a number
    assert "claire@example.com" not in first["summary"]


def test_two_agents_claiming_at_once_get_one_claim_and_one_conflict(ctx):
    handoff = _request(ctx)
    alice, bruno = _staff(ctx, "alice@shop.test"), _staff(ctx, "bruno@shop.test")
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def take(who: StaffActor) -> None:
        barrier.wait()
        try:
            outcomes.append(claim_flow.claim(ctx, handoff["id"], who)["assigned_staff_id"])
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=take, args=(who,)) for who in (alice, bruno)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1 and len(outcomes) == 2
    assert [o for o in outcomes if not isinstance(o, int)][0] in ("handoff_taken", "handoff_illegal_move")
    # The customer was told, in French, who joined.
    said = ctx.conversations.said
    assert len(said) == 1 and said[0][0] == CONV and "a rejoint la conversation" in said[0][1].text


def test_only_the_owner_replies_and_a_reply_is_stored_then_delivered(ctx):
    handoff = _request(ctx)
    alice, bruno = _staff(ctx, "alice@shop.test"), _staff(ctx, "bruno@shop.test")
    claim_flow.claim(ctx, handoff["id"], alice)
    with pytest.raises(Forbidden):
        reply.reply(ctx, handoff["id"], bruno, "Bonjour !")
    sent = reply.reply(ctx, handoff["id"], alice, "Bonjour, je regarde votre commande.")
    assert sent["delivery"] == "delivered" and sent["kind"] == "agent"
    assert ctx.conversations.said[-1][1].agent_name == "Alice"
    note = reply.note(ctx, handoff["id"], bruno, "client fidèle")
    assert note["kind"] == "note"
    assert all("fidèle" not in m.text for _c, m in ctx.conversations.said)


def test_a_reply_that_cannot_leave_is_kept_and_can_be_sent_again(ctx):
    handoff = _request(ctx)
    alice = _staff(ctx, "alice@shop.test")
    claim_flow.claim(ctx, handoff["id"], alice)
    ctx.conversations.fail = True
    failed = reply.reply(ctx, handoff["id"], alice, "Vous êtes là ?")
    assert failed["delivery"] == "failed"
    ctx.conversations.fail = False
    assert reply.retry(ctx, handoff["id"], failed["id"], alice)["delivery"] == "delivered"
    with pytest.raises(Conflict):
        reply.retry(ctx, handoff["id"], failed["id"], alice)


def test_hand_back_wakes_the_bot_and_a_down_channel_leaves_it_with_the_agent(ctx):
    handoff = _request(ctx)
    alice = _staff(ctx, "alice@shop.test")
    claim_flow.claim(ctx, handoff["id"], alice)
    ctx.conversations.fail = True
    with pytest.raises(Unavailable):
        hand_back(ctx, handoff["id"], alice)
    with ctx.sessions() as s:
        row = s.get(HandoffRequest, handoff["id"])
        assert row.status == "claimed" and row.assigned_staff_id == alice.staff_id and row.ended_at is None
    ctx.conversations.fail = False
    assert hand_back(ctx, handoff["id"], alice)["status"] == "returned"
    assert ctx.conversations.handed_back == [(CONV, "agent")]


def test_close_then_the_customer_rates_it(ctx):
    handoff = _request(ctx)
    alice = _staff(ctx, "alice@shop.test")
    claim_flow.claim(ctx, handoff["id"], alice)
    reply.reply(ctx, handoff["id"], alice, "C'est réglé.")
    closed = close(ctx, handoff["id"], alice)
    assert closed["status"] == "closed" and closed["first_response_at"] is not None
    assert ctx.conversations.handed_back == [(CONV, "closed")]
    assert rate(ctx, CONV, 4)["csat_score"] == 4
    with pytest.raises(NotFound):
        rate(ctx, "web-" + "b" * 32, 5)


def test_the_customer_writes_to_the_queue_and_can_cancel_it(ctx):
    with pytest.raises(NotFound):
        customer_message.relay(ctx, CONV, text="allo ?", intent="greet", confidence=0.9, photo_ids=[])
    handoff = _request(ctx)
    answer = customer_message.relay(ctx, CONV, text="mon numéro : +33639981234", intent="inform",
                                    confidence=0.7, photo_ids=["ph_1"])
    assert answer == {"handoff_id": handoff["id"], "status": "queued"}
    with ctx.sessions() as s:
        lines = s.execute(select(HandoffMessage).where(HandoffMessage.kind == "customer")).scalars().all()
        assert [m.photo_public_id for m in lines] == [None, "ph_1"]
        assert "+33639981234" not in lines[0].text and lines[0].intent == "inform"
    cancelled = customer_message.relay(ctx, CONV, text="/cancel_handoff", intent="cancel_handoff",
                                       confidence=1.0, photo_ids=[])
    assert cancelled["status"] == "cancelled"
    assert ctx.conversations.handed_back == [(CONV, "cancelled")]


def test_a_claimed_conversation_is_not_cancelled_by_a_typed_cancel(ctx):
    handoff = _request(ctx)
    claim_flow.claim(ctx, handoff["id"], _staff(ctx, "alice@shop.test"))
    answer = customer_message.relay(ctx, CONV, text="annule", intent="cancel_handoff", confidence=0.9,
                                    photo_ids=[])
    assert answer["status"] == "claimed" and ctx.conversations.handed_back == []


def test_the_wait_promised_follows_recent_claims(ctx):
    alice = _staff(ctx, "alice@shop.test")
    base = dt.datetime(2026, 12, 1, 10, 0)
    with ctx.sessions() as s:
        for i, minutes in enumerate([3, 4, 6, 7, 12, 2]):
            s.add(HandoffRequest(conversation_id=f"rest:old{i}", channel="rest", language="en", reason="asked",
                                 status="closed", created_at=base, updated_at=base,
                                 claimed_at=base + dt.timedelta(minutes=minutes), assigned_staff_id=alice.staff_id))
        s.commit()
    ctx.clock = lambda: base + dt.timedelta(days=1)
    answer = _request(ctx, "rest:new")
    assert answer["wait_minutes"] == 10  # 80th percentile (7 min) rounded up to 5-minute steps


def test_service_routes_need_the_service_token(client):
    from fastapi.testclient import TestClient

    with TestClient(client.app) as anonymous:
        for method, path in [("post", f"/api/v1/conversations/{CONV}/messages"),
                             ("post", f"/api/v1/conversations/{CONV}/csat"),
                             ("get", f"/api/v1/conversations/{CONV}/handoff")]:
            r = anonymous.request(method.upper(), path, json={} if method == "post" else None)
            assert r.status_code == 401, path
    r = client.post(f"/api/v1/conversations/{CONV}/messages", json={"text": "hello?"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_open_handoff"
    created = client.post("/api/v1/handoffs", json={"conversation_id": CONV, "channel": "socketio",
                                                    "language": "en", "reason": "asked"})
    assert created.status_code == 201 and created.json()["status"] == "queued"
    state = client.get(f"/api/v1/conversations/{CONV}/handoff").json()
    assert state["status"] == "queued" and state["agent_name"] is None
    r = client.post(f"/api/v1/conversations/{CONV}/csat", json={"score": 9})
    assert r.status_code == 422


def test_a_message_crossing_the_hand_back_does_not_wake_the_bot_twice(ctx):
    handoff = _request(ctx)
    alice = _staff(ctx, "alice@shop.test")
    claim_flow.claim(ctx, handoff["id"], alice)
    hand_back(ctx, handoff["id"], alice)
    crossing = customer_message.relay(ctx, CONV, text="merci", intent="thank", confidence=0.9, photo_ids=[])
    assert crossing == {"handoff_id": handoff["id"], "status": "returned"}
    later = ctx.now() + dt.timedelta(minutes=5)
    ctx.clock = lambda: later
    with pytest.raises(NotFound):
        customer_message.relay(ctx, CONV, text="re", intent="greet", confidence=0.9, photo_ids=[])
