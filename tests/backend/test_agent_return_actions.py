"""An agent acts on the handed-over conversation's return: approve, reject, issue the
label, override the policy's refusal (audited). Who may (401/403 on every route, only the
conversation's holder or a supervisor), and what each action leaves behind."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.db.models import OrderLine, PolicyOverride, ReturnRequest
from backend.domain import policy_override
from backend.domain.policy import load_policy
from tests.backend.conftest import SERVICE_TOKEN, STAFF_TOKEN
from tests.backend.test_agent_api import add_account, bearer
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable
from tests.backend.test_api_staff import _DownCarrier

CHLOE = ("BM-100004", "chloe.dubois@example.net")
ACTIONS = ("approve", "reject", "label", "override")
REASON = "Loyal customer, swimsuit unworn with tags: one-off goodwill."
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
COMMERCIAL_POLICY = Path(__file__).resolve().parent / "policies" / "commercial.yml"


@pytest.fixture
def anon(ctx):
    # The override is of a refusal by the shop's own rules (a swimsuit refused outright for
    # hygiene): these tests run on a jurisdiction-none policy, the demo policy before issue
    # 13. Under French law (the demo policy) that swimsuit is refused only once its seal is
    # broken, which the customer has not said here.
    ctx.policy = load_policy(COMMERCIAL_POLICY)
    with TestClient(create_app(ctx)) as c:
        yield c


def customer_headers(c: TestClient, reference: str, contact: str) -> dict[str, str]:
    r = c.post("/api/v1/verify", json={"reference": reference, "contact": contact},
               headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "X-Client-Key": uuid.uuid4().hex})
    assert r.status_code == 200, r.text
    return {"X-Customer-Token": r.json()["customer_token"]}


def needs_review_return(c: TestClient) -> tuple[dict, dict]:
    """A damaged lamp with no photo: the policy holds it for a person."""
    headers = customer_headers(c, *ALICE)
    with_service = {**headers, "Authorization": f"Bearer {SERVICE_TOKEN}"}
    lamp = line_by_category(returnable(c, with_service, "BM-100001"), "home")
    body = create(c, with_service, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                                   "reason_code": "damaged"}]).json()
    assert body["status"] == "needs_review", body
    return headers, body


def policy_rejected_return(c: TestClient) -> tuple[dict, dict]:
    """A swimsuit returned for a change of mind: the policy refuses it (hygiene)."""
    headers = customer_headers(c, *CHLOE)
    with_service = {**headers, "Authorization": f"Bearer {SERVICE_TOKEN}"}
    swimsuit = line_by_category(returnable(c, with_service, "BM-100004"), "swimwear")
    body = create(c, with_service, "BM-100004", [{"order_line_id": swimsuit["order_line_id"],
                                                   "reason_code": "changed_mind", "resolution": "refund"}],
                  language="fr").json()
    assert body["status"] == "rejected", body
    return headers, body


def handoff_for(c: TestClient, customer: dict | None, claim_with: dict | None) -> int:
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}", **(customer or {})}
    r = c.post("/api/v1/handoffs", json={"conversation_id": "web-" + uuid.uuid4().hex, "channel": "socketio",
                                         "language": "en", "reason": "asked"}, headers=headers)
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    if claim_with is not None:
        assert c.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=claim_with).status_code == 200
    return hid


def act(c: TestClient, hid: int, action: str, headers: dict, **body):
    return c.post(f"/api/v1/agent/handoffs/{hid}/return/{action}", json=body, headers=headers)


def events(c: TestClient, hid: int, headers: dict) -> list[tuple[str, str | None]]:
    detail = c.get(f"/api/v1/agent/handoffs/{hid}", headers=headers).json()
    return [(m["text"], m["author"]) for m in detail["messages"] if m["kind"] == "event"]


@pytest.fixture
def team(anon, ctx) -> dict[str, dict]:
    add_account(ctx, "alice@shop.test", name="Alice")
    add_account(ctx, "bruno@shop.test", name="Bruno")
    add_account(ctx, "sam@shop.test", role="supervisor", name="Sam")
    add_account(ctx, "dock@shop.test", role="warehouse", name="Dock")
    return {name: bearer(anon, f"{name}@shop.test") for name in ("alice", "bruno", "sam", "dock")}


# --- who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ACTIONS)
def test_every_return_action_refuses_anonymous_callers_and_the_service_token(anon, action):
    r = act(anon, 1, action, {})
    assert r.status_code == 401 and r.json()["error"]["message_fr"]
    assert act(anon, 1, action, {"Authorization": f"Bearer {SERVICE_TOKEN}"}).status_code == 401


@pytest.mark.parametrize("action", ACTIONS)
def test_every_return_action_refuses_the_warehouse(anon, team, action):
    r = act(anon, 1, action, team["dock"], note="x", reason=REASON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "staff_role_forbidden"


@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_conversations_holder_acts_on_its_return(anon, team, action):
    customer, body = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    r = act(anon, hid, action, team["bruno"], note="not mine", reason=REASON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "handoff_not_yours"
    assert anon.get(f"/api/v1/staff/returns/{body['rma']}", headers=STAFF).json()["status"] == "needs_review"


def test_a_queued_conversation_must_be_claimed_first_and_one_without_a_return_has_nothing(anon, team):
    customer, _ = needs_review_return(anon)
    queued = handoff_for(anon, customer, claim_with=None)
    assert act(anon, queued, "approve", team["alice"]).json()["error"]["code"] == "handoff_not_yours"
    anonymous = handoff_for(anon, None, claim_with=team["alice"])
    r = act(anon, anonymous, "approve", team["alice"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "handoff_no_return"
    assert r.json()["error"]["message_fr"]
    assert act(anon, 2**31, "approve", team["alice"]).status_code == 422
    assert act(anon, 999999, "approve", team["alice"]).status_code == 404


def test_an_ended_conversation_no_longer_lets_its_agent_act(anon, ctx, team):
    customer, _ = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    assert anon.post(f"/api/v1/agent/handoffs/{hid}/close", headers=team["alice"]).status_code == 200
    r = act(anon, hid, "approve", team["alice"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "handoff_not_claimed_for_return"


# --- approve, reject, label ----------------------------------------------------------------------

def test_approving_a_held_return_issues_its_label_and_says_so_in_the_transcript(anon, team):
    customer, body = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    r = act(anon, hid, "approve", team["alice"])
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "label_issued"
    assert view["label"]["url"].startswith("http://testserver/labels/")
    assert [h["status"] for h in view["history"]][-2:] == ["approved", "label_issued"]
    assert view["history"][-2]["actor"].startswith("staff:") and "alice@shop.test" in view["history"][-2]["actor"]
    assert (f"return_approved:{body['rma']}", "Alice") in events(anon, hid, team["alice"])
    again = act(anon, hid, "approve", team["alice"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "return_not_in_review"
    assert again.json()["error"]["current_status"] == "label_issued"


def test_a_supervisor_may_step_in_on_someone_elses_conversation(anon, team):
    customer, _ = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    assert act(anon, hid, "approve", team["sam"]).json()["status"] == "label_issued"
    assert events(anon, hid, team["sam"])[-1][1] == "Sam"


def test_carrier_down_after_approval_answers_the_approved_return_then_the_label_can_be_issued(anon, ctx, team):
    customer, body = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    real, ctx.carrier = ctx.carrier, _DownCarrier()
    r = act(anon, hid, "approve", team["alice"])
    assert r.status_code == 200
    assert r.json()["status"] == "approved" and r.json()["label"] is None
    assert r.json()["follow_up_error"]["code"] == "label_unavailable"
    down = act(anon, hid, "label", team["alice"])
    assert down.status_code == 503 and down.json()["error"]["message_fr"]
    ctx.carrier = real
    labelled = act(anon, hid, "label", team["alice"])
    assert labelled.status_code == 200 and labelled.json()["status"] == "label_issued"
    assert labelled.json()["label"]["tracking_number"]
    assert [t for t, _ in events(anon, hid, team["alice"])][-2:] == [
        f"return_approved:{body['rma']}", f"return_label_issued:{body['rma']}"]
    twice = act(anon, hid, "label", team["alice"])
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "label_not_allowed"


def test_rejecting_needs_a_note_which_the_history_keeps(anon, team):
    customer, body = needs_review_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    for note in (None, "   ", "x" * 1001, "nul \u0000 byte"):
        r = act(anon, hid, "reject", team["alice"], note=note)
        assert r.status_code == 422 and r.json()["error"]["code"] == "reject_note_required"
        assert r.json()["error"]["message_fr"]
    r = act(anon, hid, "reject", team["alice"], note="  Lamp broken by the customer, per photos by email. ")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["history"][-1]["note"] == "Lamp broken by the customer, per photos by email."
    assert events(anon, hid, team["alice"])[-1] == (f"return_rejected:{body['rma']}", "Alice")
    # A person's own refusal at review is not the policy's: no override of it.
    r = act(anon, hid, "override", team["alice"], reason=REASON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "override_not_allowed"


# --- the policy override ---------------------------------------------------------------------------

def test_overriding_the_policys_refusal_approves_with_the_paid_price_and_is_audited(anon, ctx, team):
    customer, body = policy_rejected_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    overridden_codes = body["decision"]["reason_codes"]
    assert "hygiene" in overridden_codes
    assert anon.get(f"/api/v1/agent/handoffs/{hid}", headers=team["alice"]).json()["return"]["may_override"] is True

    r = act(anon, hid, "override", team["alice"], reason=f"   {REASON}  ")
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "label_issued" and view["label"]["url"]
    assert view["decision"]["reason_codes"] == [policy_override.OVERRIDE_CODE]
    assert view["decision"]["explanation"] == dict(policy_override.EXPLANATION)
    assert all(line["eligible"] for line in view["lines"])
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == body["rma"])).scalar_one()
        line = s.get(OrderLine, ret.lines[0].order_line_id)
        paid = line.unit_paid_minor * ret.lines[0].quantity
        audit = s.execute(select(PolicyOverride)).scalars().all()
    assert paid > 0
    assert view["money"] == {"currency": view["money"]["currency"], "restocking_fee_minor": 0,
                             "shipping_fee_minor": 0, "refund_amount_minor": paid,
                             "delivery_refund_minor": 0, "refund_reduction_minor": 0}
    assert [(a.return_id, a.reason, a.overridden_codes, a.staff_id is not None) for a in audit] == [
        (ret.id, REASON, overridden_codes, True)]
    assert [h["status"] for h in view["history"]] == ["requested", "rejected", "approved", "label_issued"]
    assert view["history"][2]["note"] == REASON
    assert view["overrides"][0]["by"] == "Alice" and view["overrides"][0]["reason"] == REASON
    assert view["overrides"][0]["overridden_codes"] == overridden_codes
    assert view["may_override"] is False
    assert events(anon, hid, team["alice"])[-1] == (f"return_overridden:{body['rma']}", "Alice")

    # The customer sees the exception in their language, never the agent's reason.
    mine = anon.get(f"/api/v1/returns/{body['rma']}",
                    headers={**customer, "Authorization": f"Bearer {SERVICE_TOKEN}"}).json()
    assert "exceptionnel" in mine["decision"]["explanation"]["fr"]
    assert REASON not in str(mine) and "overrides" not in mine and "history" not in mine
    # Once is enough.
    assert act(anon, hid, "override", team["alice"], reason=REASON).json()["error"]["code"] == "override_not_allowed"


def test_the_override_reason_must_say_something(anon, ctx, team):
    customer, body = policy_rejected_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    for reason in (None, "", "too short", "  short    ", "x" * 1001, "a NUL \u0000 in the reason"):
        r = act(anon, hid, "override", team["alice"], reason=reason)
        assert r.status_code == 422 and r.json()["error"]["code"] == "override_reason_length"
        assert "10" in r.json()["error"]["message_fr"]
    with ctx.sessions() as s:
        assert s.execute(select(PolicyOverride)).first() is None
    assert anon.get(f"/api/v1/staff/returns/{body['rma']}", headers=STAFF).json()["status"] == "rejected"


def test_the_generic_staff_move_cannot_approve_a_refused_return(anon, ctx, team):
    _, body = policy_rejected_return(anon)
    for headers in (STAFF, team["alice"]):
        r = anon.post(f"/api/v1/staff/returns/{body['rma']}/transitions", headers=headers,
                      json={"to_status": "approved", "actor": "someone", "note": "just approve it"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
        assert r.json()["error"]["message"].endswith("Allowed next: closed.")
    assert anon.get(f"/api/v1/staff/returns/{body['rma']}", headers=STAFF).json()["status"] == "rejected"


def test_a_rejection_after_inspection_cannot_be_overridden(anon, team):
    customer, body = needs_review_return(anon)
    rma = body["rma"]
    for status in ("approved", "received", "inspected", "rejected"):
        r = anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=STAFF,
                      json={"to_status": status, "actor": "warehouse:amelie", "note": "worn and stained"})
        assert r.status_code == 200, r.text
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    r = act(anon, hid, "override", team["alice"], reason=REASON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "override_not_allowed"
    assert r.json()["error"]["message_fr"]
    for action in ("approve", "reject"):
        r = act(anon, hid, action, team["alice"], note="not for the console")
        assert r.status_code == 409 and r.json()["error"]["code"] == "return_not_in_review"
    assert anon.get(f"/api/v1/staff/returns/{rma}", headers=STAFF).json()["status"] == "rejected"


def test_erasing_the_customer_scrubs_them_from_the_override_reason(anon, ctx, team):
    """The reason is staff words about the customer: erasure scrubs it like a status note,
    and a reason left too short for the audit row reads as erased."""
    from backend.services.erasure import ERASED_REASON, erase_customer

    customer, _ = policy_rejected_return(anon)
    hid = handoff_for(anon, customer, claim_with=team["alice"])
    assert act(anon, hid, "override", team["alice"], reason=CHLOE[1]).status_code == 200
    report = erase_customer(ctx, email=CHLOE[1])
    assert report.override_reasons == 1
    with ctx.sessions() as s:
        assert s.execute(select(PolicyOverride.reason)).scalars().all() == [ERASED_REASON]
