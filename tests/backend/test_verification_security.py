"""Verification under attack (issue 9, findings 2–4): throttling that slows guessers without
locking out the real customer, RMAs counted as their order, and the proof kept server-side
per conversation instead of a bearer token in the assistant's tracker."""
from __future__ import annotations

import datetime as dt

import pytest

from backend.services.verification import backoff_seconds

ALICE = ("BM-100001", "alice.martin@example.com")
BEN = ("BM-100002", "ben.carter@example.com")


@pytest.fixture
def clock(ctx):
    """A clock the test moves by hand, so pauses are asserted without sleeping."""
    state = {"now": dt.datetime(2026, 12, 5, 10, 0, 0)}
    ctx.clock = lambda: state["now"]

    def advance(seconds: float) -> None:
        state["now"] += dt.timedelta(seconds=seconds)
    return advance


def attempt(client, reference, contact, who, conversation_id=None):
    body = {"reference": reference, "contact": contact}
    if conversation_id:
        body["conversation_id"] = conversation_id
    return client.post("/api/v1/verify", json=body, headers={"X-Client-Key": who})


def test_backoff_doubles_past_the_free_failures_up_to_the_cap(settings):
    assert [backoff_seconds(n, 5, settings) for n in range(4, 9)] == [0, 2, 4, 8, 16]
    assert backoff_seconds(40, 5, settings) == settings.verify_max_delay_seconds == 300


def test_the_real_customer_gets_in_while_their_order_is_being_guessed(client, clock):
    # Before the fix: five failures on an order locked it for 15 minutes, right contact or not.
    for i in range(30):
        assert attempt(client, ALICE[0], f"x{i}@example.com", f"attacker-{i % 3}").status_code in (401, 429)
        clock(1)
    r = attempt(client, ALICE[0], ALICE[1], "ip:alice-phone")
    assert r.status_code == 200, r.text
    assert r.json()["order"]["number"] == ALICE[0]


def test_a_guesser_meets_growing_pauses_not_a_fixed_lock(client, clock):
    for i in range(5):
        assert attempt(client, ALICE[0], f"x{i}@example.com", "ip:eve").status_code == 401
    refused = attempt(client, ALICE[0], "x5@example.com", "ip:eve")
    assert refused.status_code == 429
    first_pause = int(refused.headers["Retry-After"])
    assert 0 < first_pause <= 2
    assert "réessayez" in refused.json()["error"]["message_fr"].lower()
    clock(first_pause)
    assert attempt(client, ALICE[0], "x5@example.com", "ip:eve").status_code == 401
    refused = attempt(client, ALICE[0], "x6@example.com", "ip:eve")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > first_pause  # it grows
    # Waiting is what lifts it; the right pair then works even for the same client.
    clock(int(refused.headers["Retry-After"]))
    assert attempt(client, *ALICE, "ip:eve").status_code == 200


def test_an_rma_counts_as_its_order(client, clock, ctx):
    # Before the fix each RMA of an order gave five more guesses of its own.
    from sqlalchemy import select
    from backend.db.models import ReturnRequest
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).order_by(ReturnRequest.id)).scalars().first()
        rma, number = ret.rma, ret.order.number
    for i in range(5):
        assert attempt(client, number, f"x{i}@example.com", "ip:eve").status_code == 401
    assert attempt(client, rma, "x9@example.com", "ip:eve").status_code == 429


def test_guessing_order_numbers_for_one_email_is_throttled_per_contact(client, clock):
    for i in range(5):
        assert attempt(client, f"BM-{900000 + i}", ALICE[1], f"ip:bot-{i}").status_code == 401
    # A sixth client that already failed with this email must wait too.
    assert attempt(client, "BM-900009", ALICE[1], "ip:bot-0").status_code == 429
    # The real customer, from their own client, still gets in.
    assert attempt(client, *ALICE, "ip:alice").status_code == 200


def test_a_scanning_client_is_slowed_down(client, clock):
    for i in range(10):
        attempt(client, f"BM-{900000 + i}", f"a{i}@example.com", "ip:scanner")
    r = attempt(client, *BEN, "ip:scanner")
    assert r.status_code == 429
    assert attempt(client, *BEN, "ip:ben").status_code == 200


# --- the proof lives server-side, per conversation ---------------------------------------

def test_a_verified_conversation_gets_no_bearer_token_and_reads_only_its_order(client, clock):
    r = attempt(client, *ALICE, "sms:+33639981234", conversation_id="sms:+33639981234")
    assert r.status_code == 200
    assert r.json()["customer_token"] is None
    ok = client.get("/api/v1/orders/BM-100001/returnable-lines", headers={"X-Conversation-Id": "sms:+33639981234"})
    assert ok.status_code == 200
    assert client.get("/api/v1/orders/BM-100002/returnable-lines",
                      headers={"X-Conversation-Id": "sms:+33639981234"}).status_code == 404


def test_another_conversation_or_channel_proves_nothing(client, clock):
    attempt(client, *ALICE, "sms:+33639981234", conversation_id="sms:+33639981234")
    for other in ("rest:+33639981234", "web-" + "0" * 32, "+33639981234", "sms:+33639981235"):
        r = client.get("/api/v1/orders/BM-100001/returnable-lines", headers={"X-Conversation-Id": other})
        assert r.status_code == 401, other
        assert r.json()["error"]["code"] == "conversation_not_verified"
        assert "vérifier" in r.json()["error"]["message_fr"]


def test_the_proof_expires_and_a_failed_new_attempt_ends_it(client, clock, settings):
    conv = "web-" + "a" * 32
    attempt(client, *ALICE, "ip:a", conversation_id=conv)
    headers = {"X-Conversation-Id": conv}
    assert client.get("/api/v1/orders/BM-100001/returns", headers=headers).status_code == 200
    clock(settings.customer_token_ttl_seconds + 1)
    assert client.get("/api/v1/orders/BM-100001/returns", headers=headers).status_code == 401
    attempt(client, *ALICE, "ip:a", conversation_id=conv)
    assert client.get("/api/v1/orders/BM-100001/returns", headers=headers).status_code == 200
    assert attempt(client, BEN[0], "wrong@example.com", "ip:a", conversation_id=conv).status_code == 401
    assert client.get("/api/v1/orders/BM-100001/returns", headers=headers).status_code == 401


def test_only_the_service_may_name_a_conversation(client, clock):
    conv = "web-" + "b" * 32
    attempt(client, *ALICE, "ip:a", conversation_id=conv)
    r = client.get("/api/v1/orders/BM-100001/returns",
                   headers={"X-Conversation-Id": conv, "Authorization": "Bearer not-the-service"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "service_token_invalid"


def test_a_handoff_from_a_verified_conversation_knows_the_customer(client, clock, staff_headers):
    conv = "sms:+33639981234"
    attempt(client, *ALICE, conv, conversation_id=conv)
    r = client.post("/api/v1/handoffs", json={"conversation_id": conv, "channel": "twilio_sms"})
    assert r.status_code == 201
    assert r.json()["verified_customer"] is True
    r = client.post("/api/v1/handoffs", json={"conversation_id": "rest:someone", "channel": "rest"})
    assert r.json()["verified_customer"] is False
