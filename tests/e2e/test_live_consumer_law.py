"""French consumer law in live conversations (issue 13), over REST against the whole stack:
the demo shop declares ``jurisdiction: FR`` and its demo orders BM-100011.. show each legal
path (README, "legal paths"). Each test uses its own order (one stack for the module)."""
from __future__ import annotations

import sqlite3
import uuid
from typing import Iterator

import pytest

from tests.e2e.test_live_assistant import Assistant, button, texts
from tests.live_stack import REST_CHANNEL, LiveStack, live_stack, require_model

require_model()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[LiveStack]:
    with live_stack(tmp_path_factory.mktemp("e2e-law"), credentials=REST_CHANNEL,
                    service_token="e2e-law-service-token") as running:
        yield running


@pytest.fixture(scope="module")
def assistant(stack: LiveStack) -> Assistant:
    return Assistant(stack.rasa_url, stack.backend_url)


def query(stack: LiveStack, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(stack.database) as db:
        return db.execute(sql, params).fetchall()


def returns_of(stack: LiveStack, order: str) -> list[tuple]:
    return query(stack, "select r.rma, r.status, l.resolution, l.legal_basis, r.restocking_fee_minor, "
                        "r.refund_due_on from return_requests r join return_lines l on l.return_id = r.id "
                        "join orders o on o.id = r.order_id where o.number = ?", order)


def rma_in(reply: str) -> str:
    return next(word.strip(".,:") for word in reply.split() if word.startswith("R-"))


def test_a_defect_past_the_shops_window_gets_the_guarantees_remedies(assistant, stack):
    # In French: the remedies offered, then "no" at the confirmation (nothing is created).
    fr = f"garantie-{uuid.uuid4().hex[:8]}"
    assistant.say(fr, "la fermeture éclair de mon jean est cassée")
    assistant.say(fr, "BM-100011")
    answers = assistant.say(fr, "+44 7700 900123")
    answers = assistant.say(fr, button(answers, "jean"))
    answers = assistant.say(fr, "/skip_photo")
    assert "garantie légale de conformité" in texts(answers), texts(answers)
    answers = assistant.say(fr, button(answers, "Réparation"))
    assert "Je valide" in texts(answers) and "réparation gratuite" in texts(answers), texts(answers)
    assistant.say(fr, "non")
    assert returns_of(stack, "BM-100011") == []

    # In English, 45 days after delivery (30-day window): a replacement, under the guarantee.
    en = f"guarantee-{uuid.uuid4().hex[:8]}"
    assistant.say(en, "the zip on my jeans broke, they're defective")
    assistant.say(en, "BM-100011")
    answers = assistant.say(en, "ben.carter@example.com")
    answers = assistant.say(en, button(answers, "jeans"))
    answers = assistant.say(en, "/skip_photo")
    offered = [b["title"] for a in answers for b in a.get("buttons", [])]
    assert "legal guarantee of conformity" in texts(answers) and offered[:2] == ["Replacement (same item)", "Repair"]
    answers = assistant.say(en, button(answers, "Replacement"))
    assert "Shall I go ahead" in texts(answers), texts(answers)
    reply = texts(assistant.say(en, "yes"))
    rma = rma_in(reply)
    [(made, status, resolution, basis, _, _)] = returns_of(stack, "BM-100011")
    assert (made, resolution, basis) == (rma, "replacement", "guarantee")
    assert status == "needs_review"  # no photo yet: the team checks the claim


def test_a_final_sale_item_within_14_days_is_returnable(assistant, stack):
    me = f"soldes-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "je voudrais retourner la veste, elle ne me va pas")
    assistant.say(me, "BM-100012")
    answers = assistant.say(me, "06 39 98 56 78")
    answers = assistant.say(me, button(answers, "veste"))
    answers = assistant.say(me, button(answers, "rembours"))
    assert "Je valide" in texts(answers), texts(answers)
    reply = texts(assistant.say(me, "oui"))
    assert "/labels/" in reply and "rétractation" in reply, reply
    [(_, status, _, basis, _, due)] = returns_of(stack, "BM-100012")
    assert (status, basis) == ("label_issued", "withdrawal") and due is not None


def test_a_withdrawal_carries_no_restocking_fee(assistant, stack):
    me = f"fee-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "I changed my mind about the e-reader")
    assistant.say(me, "BM-100013")
    answers = assistant.say(me, "dan.wright@example.org")
    answers = assistant.say(me, button(answers, "reader"))
    answers = assistant.say(me, button(answers, "refund"))
    reply = texts(assistant.say(me, "yes"))
    assert "withdrawal" in reply and "restocking" not in reply.lower(), reply
    [(_, status, _, basis, fee, due)] = returns_of(stack, "BM-100013")
    assert (status, basis, fee) == ("label_issued", "withdrawal", 0) and due is not None
