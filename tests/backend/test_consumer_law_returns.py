"""The law's facts on a return (issue 13), the data side: what the policy is told (product
flags, the seal answer, the order's delivery cost and whether the whole order comes back),
what of its decision is stored and served (legal basis, refund deadline, delivery refund,
refund_late), the guarantee's remedies (only for a conformity reason; a replacement holds
the same SKU), on every database kind.

Until the engine applies the law, a test that needs a withdrawal or guarantee decision
wraps the engine (:func:`law_engine`): it records what the engine was asked and stamps the
decision with the legal fields, so what is tested is the storage and the plumbing.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from backend.db.models import InventoryItem, Order, Refund, ReturnRequest, ReturnStatusChange, Variant
from backend.domain import policy_engine
from backend.queries.returns import line_facts
from tests.backend.conftest import SERVICE_TOKEN, STAFF_TOKEN, customer_headers, today
from tests.backend.test_agent_api import add_account, bearer
from tests.backend.test_agent_return_actions import anon, handoff_for  # noqa: F401 (fixture)
from tests.backend.test_agent_return_actions import customer_headers as verified_headers
from tests.backend.test_api_returns import create, returnable

BEN = ("BM-100002", "ben.carter@example.com")  # earbuds + EUR 12 mugs: EUR 4.95 delivery
ALICE = ("BM-100001", "alice.martin@example.com")
DAN_SEALED = ("BM-100017", "dan.wright@example.org")
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
ORIGINAL_DECIDE = policy_engine.Policy.decide


def law_engine(monkeypatch, *, basis: str = "withdrawal", due_in_days: int | None = 14,
               delivery_refund: int = 0) -> list[dict]:
    """Wrap Policy.decide: record each call's facts, resolutions and OrderFacts, decide a
    replacement as today's engine decides an exchange, and stamp the legal fields."""
    calls: list[dict] = []

    def decide(self, lines, **kwargs):
        calls.append({"facts": [l.facts for l in lines], "resolutions": [l.resolution for l in lines],
                      "order": kwargs.get("order")})
        as_today = [dataclasses.replace(l, resolution="exchange") if l.resolution == "replacement"
                    else l for l in lines]
        decision = ORIGINAL_DECIDE(self, as_today, **kwargs)
        due = None if due_in_days is None else kwargs["today"] + dt.timedelta(days=due_in_days)
        return dataclasses.replace(
            decision, lines=tuple(dataclasses.replace(d, legal_basis=basis) for d in decision.lines),
            refund_due_on=due, delivery_refund_minor=delivery_refund)

    monkeypatch.setattr(policy_engine.Policy, "decide", decide)
    return calls


def _headers(client, order: tuple[str, str]) -> dict:
    return customer_headers(client, *order)


def _line(client, headers, number: str, sku: str) -> dict:
    return next(l for l in returnable(client, headers, number) if l["sku"] == sku)


# --- what the policy is told ------------------------------------------------------------------

def test_line_facts_carry_the_catalogue_flags(ctx):
    with ctx.sessions() as s:
        def facts(number: str) -> list:
            order = s.execute(select(Order).where(Order.number == number)).scalar_one()
            return [line_facts(l) for l in order.lines]

        (bracelet,) = facts("BM-100016")
        assert bracelet.personalised and not (bracelet.perishable or bracelet.used_goods)
        flowers, record = facts("BM-100018")
        assert flowers.perishable and not flowers.sealed_media
        assert record.sealed_media and not record.perishable and record.seal_intact is None
        (refurbished,) = facts("BM-100015")
        assert refurbished.used_goods and refurbished.delivered_on == today() - dt.timedelta(days=548)
        (jeans,) = facts("BM-100003")
        assert not (jeans.personalised or jeans.perishable or jeans.sealed_media or jeans.used_goods)
        order = s.execute(select(Order).where(Order.number == "BM-100017")).scalar_one()
        assert line_facts(order.lines[0], 1, seal_intact=False).seal_intact is False


def test_the_order_facts_say_when_the_whole_order_comes_back(client, monkeypatch):
    calls = law_engine(monkeypatch)
    headers = _headers(client, BEN)
    earbuds = _line(client, headers, "BM-100002", "EARB-WLS-BLK")
    mugs = _line(client, headers, "BM-100002", "MUGS-CER-WHT")
    first = create(client, headers, "BM-100002", [{"order_line_id": earbuds["order_line_id"],
                                                   "reason_code": "changed_mind"}])
    assert first.status_code == 201, first.text
    assert calls[-1]["order"] == policy_engine.OrderFacts(delivery_paid_minor=495, whole_order=False)
    # The mugs complete the order: the earlier active return counts.
    second = create(client, headers, "BM-100002", [{"order_line_id": mugs["order_line_id"],
                                                    "reason_code": "changed_mind"}])
    assert second.status_code == 201, second.text
    assert calls[-1]["order"] == policy_engine.OrderFacts(delivery_paid_minor=495, whole_order=True)


def test_a_cancelled_return_no_longer_counts_towards_the_whole_order(client, monkeypatch):
    calls = law_engine(monkeypatch)
    headers = _headers(client, BEN)
    earbuds = _line(client, headers, "BM-100002", "EARB-WLS-BLK")
    mugs = _line(client, headers, "BM-100002", "MUGS-CER-WHT")
    first = create(client, headers, "BM-100002", [{"order_line_id": earbuds["order_line_id"],
                                                   "reason_code": "changed_mind"}]).json()
    assert client.post(f"/api/v1/returns/{first['rma']}/cancel", headers=headers).status_code == 200
    create(client, headers, "BM-100002", [{"order_line_id": mugs["order_line_id"],
                                           "reason_code": "changed_mind"}])
    assert calls[-1]["order"].whole_order is False


def test_the_seal_answer_is_told_to_the_policy_and_stored_per_line(client, monkeypatch):
    calls = law_engine(monkeypatch)
    headers = _headers(client, DAN_SEALED)
    briefs = _line(client, headers, "BM-100017", "UNDR-BRF-BLK-M")
    r = create(client, headers, "BM-100017", [{"order_line_id": briefs["order_line_id"],
                                               "reason_code": "changed_mind", "seal_intact": True}])
    assert r.status_code == 201, r.text
    facts = calls[-1]["facts"][0]
    assert facts.hygiene and facts.seal_intact is True
    assert r.json()["lines"][0]["seal_intact"] is True
    bad = create(client, headers, "BM-100017", [{"order_line_id": briefs["order_line_id"],
                                                 "reason_code": "changed_mind", "seal_intact": "perhaps"}])
    assert bad.status_code == 422  # a yes, a no, or nothing


# --- what of the decision is stored and served ---------------------------------------------

def test_a_withdrawal_decision_is_stored_and_served(client, ctx, monkeypatch):
    law_engine(monkeypatch, basis="withdrawal", due_in_days=14, delivery_refund=495)
    headers = _headers(client, BEN)
    earbuds = _line(client, headers, "BM-100002", "EARB-WLS-BLK")
    r = create(client, headers, "BM-100002", [{"order_line_id": earbuds["order_line_id"],
                                               "reason_code": "changed_mind"}])
    assert r.status_code == 201, r.text
    body = r.json()
    due = today() + dt.timedelta(days=14)
    assert [l["legal_basis"] for l in body["lines"]] == ["withdrawal"]
    assert body["refund_due_on"] == due.isoformat() and body["refund_late"] is False
    assert body["money"]["delivery_refund_minor"] == 495
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == body["rma"])).scalar_one()
        assert (ret.refund_due_on, ret.delivery_refund_minor) == (due, 495)
        assert [l.legal_basis for l in ret.lines] == ["withdrawal"]
    # The same on the status answer and the staff view.
    for view in (client.get(f"/api/v1/returns/{body['rma']}", headers=headers).json(),
                 client.get(f"/api/v1/staff/returns/{body['rma']}", headers=STAFF).json()):
        assert view["refund_due_on"] == due.isoformat() and view["refund_late"] is False
        assert view["lines"][0]["legal_basis"] == "withdrawal"


def test_the_real_engine_stores_a_withdrawal_with_its_deadline(client):
    """Alice's shirt, delivered days ago, back for a change of mind: the 14-day right of
    withdrawal, refund due within 14 days of the request (the demo shop is FR)."""
    headers = _headers(client, ALICE)
    shirt = _line(client, headers, "BM-100001", "SHIRT-LIN-WHT-M")
    body = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                                  "reason_code": "changed_mind"}]).json()
    assert [l["legal_basis"] for l in body["lines"]] == ["withdrawal"]
    assert [l["seal_intact"] for l in body["lines"]] == [None]
    assert body["refund_due_on"] == (today() + dt.timedelta(days=14)).isoformat()
    assert body["refund_late"] is False
    assert body["money"]["delivery_refund_minor"] == 0  # the lamp stays: not the whole order


def test_a_later_look_never_pushes_the_refund_deadline_back():
    from backend.services.returns import apply_decision

    first = dt.date(2026, 1, 10)
    ret = ReturnRequest(refund_due_on=first)
    decision = policy_engine.ReturnDecision(
        outcome="approved", eligible=True, lines=(), reason_codes=(), restocking_fee_minor=0,
        return_shipping_fee_minor=0, refund_amount_minor=0, returnless=False, currency="EUR",
        policy_version="v", explanation={"en": "", "fr": ""}, refund_due_on=first + dt.timedelta(days=3))
    apply_decision(ret, decision)
    assert ret.refund_due_on == first
    apply_decision(ret, dataclasses.replace(decision, refund_due_on=None))
    assert ret.refund_due_on is None  # no longer a withdrawal: no legal deadline


def _set(ctx, rma: str, **values) -> None:
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        for name, value in values.items():
            setattr(ret, name, value)
        s.commit()


def test_refund_late_once_the_deadline_passed_without_the_refund(client, ctx, monkeypatch):
    law_engine(monkeypatch)
    headers = _headers(client, BEN)
    earbuds = _line(client, headers, "BM-100002", "EARB-WLS-BLK")
    body = create(client, headers, "BM-100002", [{"order_line_id": earbuds["order_line_id"],
                                                  "reason_code": "changed_mind"}]).json()
    rma = body["rma"]
    assert body["money"]["refund_amount_minor"] > 0

    def late() -> bool:
        customer = client.get(f"/api/v1/returns/{rma}", headers=headers).json()["refund_late"]
        staff = client.get(f"/api/v1/staff/returns/{rma}", headers=STAFF).json()["refund_late"]
        assert customer == staff
        return staff

    _set(ctx, rma, refund_due_on=today() - dt.timedelta(days=1))
    # The parcel is neither proved sent nor received: the shop may hold the refund back.
    assert late() is False
    assert client.post(f"/api/v1/staff/returns/{rma}/transitions", headers=STAFF,
                       json={"to_status": "in_transit", "actor": "dock"}).status_code == 200
    assert late() is False  # proved sent only today: the deadline moves to today
    with ctx.sessions() as s:  # the carrier's scan was three days ago
        scan = s.execute(select(ReturnStatusChange).join(ReturnRequest).where(
            ReturnRequest.rma == rma, ReturnStatusChange.to_status == "in_transit")).scalar_one()
        scan.created_at = dt.datetime.combine(today() - dt.timedelta(days=3), dt.time(9))
        s.commit()
    _set(ctx, rma, refund_due_on=today())  # the last day itself is not late
    assert late() is False
    _set(ctx, rma, refund_due_on=today() - dt.timedelta(days=1))
    assert late() is True
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        s.add(Refund(return_request=ret, amount_minor=ret.refund_amount_minor, currency="EUR",
                     method="original_payment", status="pending", provider="fake"))
        s.commit()
    assert late() is True  # a pending refund is not paid
    with ctx.sessions() as s:
        refund = s.execute(select(Refund).join(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        refund.status, refund.issued_at = "issued", dt.datetime.utcnow()
        s.commit()
    assert late() is False
    _set(ctx, rma, status="cancelled")
    with ctx.sessions() as s:
        for refund in s.execute(select(Refund)).scalars():
            refund.status = "failed"
        s.commit()
    assert late() is False  # nothing is owed on a cancelled return


# --- who sees it --------------------------------------------------------------------------

def test_the_staff_views_show_the_legal_fields_and_keep_their_guards(anon, ctx, monkeypatch):  # noqa: F811
    law_engine(monkeypatch)
    add_account(ctx, "alice@shop.test", name="Alice")
    add_account(ctx, "dock@shop.test", role="warehouse", name="Dock")
    agent, dock = bearer(anon, "alice@shop.test"), bearer(anon, "dock@shop.test")
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    customer = verified_headers(anon, *BEN)
    with_service = {**customer, **service}
    earbuds = _line(anon, with_service, "BM-100002", "EARB-WLS-BLK")
    body = create(anon, with_service, "BM-100002", [{"order_line_id": earbuds["order_line_id"],
                                                     "reason_code": "changed_mind"}]).json()
    rma = body["rma"]
    assert anon.get(f"/api/v1/staff/returns/{rma}").status_code == 401
    assert anon.get(f"/api/v1/staff/returns/{rma}", headers=service).status_code == 401
    staff_view = anon.get(f"/api/v1/staff/returns/{rma}", headers=dock).json()  # every role reads
    assert staff_view["refund_due_on"] and staff_view["lines"][0]["legal_basis"] == "withdrawal"
    hid = handoff_for(anon, customer, claim_with=agent)
    detail = anon.get(f"/api/v1/agent/handoffs/{hid}", headers=agent)
    assert detail.status_code == 200, detail.text
    ret = detail.json()["return"]
    assert ret["rma"] == rma and ret["refund_late"] is False
    assert ret["refund_due_on"] == (today() + dt.timedelta(days=14)).isoformat()
    assert ret["lines"][0]["legal_basis"] == "withdrawal"
    assert anon.get(f"/api/v1/agent/handoffs/{hid}").status_code == 401
    assert anon.get(f"/api/v1/agent/handoffs/{hid}", headers=dock).status_code == 403


# --- the guarantee's remedies ------------------------------------------------------------

@pytest.mark.parametrize("remedy", ["repair", "replacement", "price_reduction"])
def test_a_remedy_needs_a_conformity_reason(client, remedy):
    headers = _headers(client, ALICE)
    shirt = _line(client, headers, "BM-100001", "SHIRT-LIN-WHT-M")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "wrong_size", "resolution": remedy}])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "remedy_needs_conformity_reason"
    assert "legal guarantee" in error["message"] and "damaged" in error["message"]
    assert "garantie légale de conformité" in error["message_fr"]
    words = {"repair": "réparation", "replacement": "remplacement", "price_reduction": "réduction du prix"}
    assert words[remedy] in error["message_fr"]


def test_an_unknown_resolution_lists_the_remedies_too(client):
    headers = _headers(client, ALICE)
    shirt = _line(client, headers, "BM-100001", "SHIRT-LIN-WHT-M")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "defective", "resolution": "teleport"}])
    assert r.status_code == 422
    assert "repair" in r.json()["error"]["message"] and "price_reduction" in r.json()["error"]["message"]


def _reserved(ctx, sku: str) -> int:
    with ctx.sessions() as s:
        return sum(i.reserved for i in s.execute(
            select(InventoryItem).join(Variant).where(Variant.sku == sku)).scalars())


def test_a_replacement_reserves_the_same_sku(client, ctx, monkeypatch):
    calls = law_engine(monkeypatch, basis="guarantee", due_in_days=None)
    headers = _headers(client, ALICE)
    shirt = _line(client, headers, "BM-100001", "SHIRT-LIN-WHT-M")
    before = _reserved(ctx, "SHIRT-LIN-WHT-M")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "defective", "resolution": "replacement"}])
    assert r.status_code == 201, r.text
    body = r.json()
    assert calls[-1]["resolutions"] == ["replacement"]
    line = body["lines"][0]
    assert line["resolution"] == "replacement" and line["exchange_sku"] == "SHIRT-LIN-WHT-M"
    assert line["legal_basis"] == "guarantee" and body["refund_due_on"] is None
    assert line["refund_amount_minor"] == 0
    assert _reserved(ctx, "SHIRT-LIN-WHT-M") == before + 1
    # Cancelling gives the unit back, as for an exchange.
    assert client.post(f"/api/v1/returns/{body['rma']}/cancel", headers=headers).status_code == 200
    assert _reserved(ctx, "SHIRT-LIN-WHT-M") == before


def test_a_replacement_is_the_same_item_not_another_size(client, monkeypatch):
    law_engine(monkeypatch, basis="guarantee", due_in_days=None)
    headers = _headers(client, ALICE)
    shirt = _line(client, headers, "BM-100001", "SHIRT-LIN-WHT-M")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "defective", "resolution": "replacement",
                                               "exchange_sku": "SHIRT-LIN-WHT-L"}])
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_replacement"
    assert r.json()["error"]["message_fr"]


def test_a_repair_carries_no_refund(client, monkeypatch):
    calls: list[list[str]] = []

    def decide(self, lines, **kwargs):  # today's engine knows no repair: decide it as an exchange
        calls.append([l.resolution for l in lines])
        as_today = [dataclasses.replace(l, resolution="exchange", exchange_in_stock=True) for l in lines]
        return ORIGINAL_DECIDE(self, as_today, **kwargs)

    monkeypatch.setattr(policy_engine.Policy, "decide", decide)
    headers = _headers(client, ALICE)
    lamp = _line(client, headers, "BM-100001", "LAMP-TBL-BRS")
    body = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                                  "reason_code": "damaged", "resolution": "repair"}]).json()
    assert calls[-1] == ["repair"]
    assert body["lines"][0]["resolution"] == "repair" and body["lines"][0]["exchange_sku"] is None
    assert body["money"]["refund_amount_minor"] == 0


# --- eligibility --------------------------------------------------------------------------

def test_eligibility_answers_show_the_guarantee_end_and_the_seal_question(client):
    from backend.domain.consumer_law import guarantee_ends_on

    (briefs,) = returnable(client, _headers(client, DAN_SEALED), "BM-100017")  # sealed, delivered 5 days ago
    assert briefs["needs_seal_answer"] is True
    assert briefs["guarantee_ends_on"] == guarantee_ends_on(today() - dt.timedelta(days=5)).isoformat()
    shirt = _line(client, _headers(client, ALICE), "BM-100001", "SHIRT-LIN-WHT-M")
    assert shirt["needs_seal_answer"] is False


def test_openapi_documents_the_new_fields(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"refund_due_on", "refund_late"} <= set(schemas["ReturnOut"]["properties"])
    assert {"legal_basis", "seal_intact"} <= set(schemas["ReturnLineOut"]["properties"])
    assert "delivery_refund_minor" in schemas["MoneyOut"]["properties"]
    assert {"guarantee_ends_on", "needs_seal_answer"} <= set(schemas["ReturnableLineOut"]["properties"])
    line_in = schemas["ReturnLineIn"]["properties"]
    assert "seal_intact" in line_in and "replacement" in line_in["resolution"]["description"]


def test_the_delivery_refund_is_paid_with_the_goods_money():
    from backend.db.models import ReturnLine
    from backend.services.refunds import planned_amounts

    def ret(*resolutions: str, delivery: int, fee: int = 0) -> ReturnRequest:
        return ReturnRequest(delivery_refund_minor=delivery, shipping_fee_minor=fee, lines=[
            ReturnLine(resolution=r, eligible=True, refund_amount_minor=1000) for r in resolutions])

    assert planned_amounts(ret("refund", delivery=495)) == {"original_payment": 1495, "store_credit": 0}
    assert planned_amounts(ret("refund", "store_credit", delivery=495)) == {
        "original_payment": 1495, "store_credit": 1000}
    assert planned_amounts(ret("store_credit", delivery=495)) == {"original_payment": 0, "store_credit": 1495}
    assert planned_amounts(ret("refund", delivery=0, fee=300)) == {"original_payment": 700, "store_credit": 0}
