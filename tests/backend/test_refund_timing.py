"""Refunds on the warehouse's word (issue 14): the policy's ``refunds.issue_at`` says when the
money goes out (carrier scan, receipt or, by default, after inspection); an early refund
changes no status, is paid once, and is told once to the customer in their language.
"""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from backend.adapters.payments.local import LocalPaymentProvider
from backend.db.models import Notification, Refund, ReturnRequest
from backend.domain.policy import PolicyError, load_policy, policy_from_text
from backend.settings import DEFAULT_POLICY_FILE
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import BEN, create, line_by_category, returnable
from tests.backend.test_easypost_webhook import SECRET, event, post as post_webhook
from tests.backend.test_warehouse_receiving import (anon, history, roles, shirt_return, still,  # noqa: F401
                                                    three_shirts_return, tracking_number, wh)


def at(ctx, moment: str) -> None:
    ctx.policy = dataclasses.replace(ctx.policy, refund_issue_at=moment)


def fee(ctx, rma: str) -> int:
    with ctx.sessions() as s:
        return s.execute(select(ReturnRequest.shipping_fee_minor).where(ReturnRequest.rma == rma)).scalar_one()


def refunds(ctx, rma: str) -> list[tuple[str, int, str]]:
    with ctx.sessions() as s:
        return [(r.status, r.amount_minor, r.method) for r in s.execute(
            select(Refund).join(ReturnRequest).where(ReturnRequest.rma == rma).order_by(Refund.id)).scalars()]


def money_messages(ctx, rma: str) -> list[Notification]:
    with ctx.sessions() as s:
        return list(s.execute(select(Notification).join(ReturnRequest).where(
            ReturnRequest.rma == rma, Notification.kind == "refund_issued")).scalars())


def owed(ctx, rma: str) -> int:
    """What the return refunds: the lines less the warehouse's reductions, less the fee."""
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        lines = sum(l.refund_amount_minor - l.refund_reduction_minor for l in ret.lines if l.eligible)
        return lines - ret.shipping_fee_minor


def move(anon, headers, rma, to):
    return anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=headers,
                     json={"to_status": to, "actor": "t"})


# --- the policy file ---------------------------------------------------------------------------

def test_the_policy_says_when_the_refund_goes_out_and_refuses_a_typo():
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    assert load_policy(DEFAULT_POLICY_FILE).refund_issue_at == "inspection"  # the demo shop's choice
    assert "issue_at: inspection" in text
    assert policy_from_text(text.replace("  issue_at: inspection\n", "")).refund_issue_at == "inspection"
    for moment in ("carrier_scan", "receipt", "inspection"):
        assert policy_from_text(text.replace("issue_at: inspection", f"issue_at: {moment}")).refund_issue_at == moment
    with pytest.raises(PolicyError) as err:
        policy_from_text(text.replace("issue_at: inspection", "issue_at: carrier-scan"), "shop.yml")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "issue_at: inspection" in l)
    assert f"shop.yml:{line}: refunds.issue_at: unknown moment 'carrier-scan' (did you mean 'carrier_scan'?)" \
        in str(err.value)


# --- the default: after inspection -------------------------------------------------------------

def test_by_default_nothing_is_paid_before_inspection(client, anon, ctx, wh, staff_headers):
    rma = shirt_return(client)["rma"]
    assert anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh).status_code == 200
    view = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).json()
    line = view["lines"][0]["id"]
    view = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                     json={"lines": [{"line_id": line, "received_quantity": 1}]}).json()
    assert view["refunds"] == [] and refunds(ctx, rma) == [] and money_messages(ctx, rma) == []
    assert move(anon, staff_headers, rma, "inspected").status_code == 200
    assert move(anon, staff_headers, rma, "refunded").json()["refunds"][0]["status"] == "issued"


# --- at the carrier's scan ----------------------------------------------------------------------

def test_at_carrier_scan_the_money_goes_when_the_carrier_has_the_parcel(client, anon, ctx, wh, staff_headers):
    at(ctx, "carrier_scan")
    rma = shirt_return(client)["rma"]
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "in_transit"  # the money moved, the status did not
    assert [(x["status"], x["amount_minor"]) for x in view["refunds"]] == [("issued", owed(ctx, rma))]
    assert [h[0] for h in history(ctx, rma)][-1] == "in_transit"
    sms = money_messages(ctx, rma)
    assert len(sms) == 1 and sms[0].language == "fr"  # Alice reads French
    assert "déjà remboursé" in sms[0].body and rma in sms[0].body
    paid = len(ctx.payments.records)
    # The rest of the way: received, inspected, refunded with no second payment nor message.
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).json()["status"] == "received"
    assert move(anon, staff_headers, rma, "inspected").status_code == 200
    done = move(anon, staff_headers, rma, "refunded")
    assert done.status_code == 200 and done.json()["status"] == "refunded"
    assert len(ctx.payments.records) == paid
    assert [s for s, _, _ in refunds(ctx, rma)] == ["issued"] and len(money_messages(ctx, rma)) == 1


def test_the_easypost_scan_pays_too_and_english_customers_read_english(client, anon, ctx):
    at(ctx, "carrier_scan")
    ctx.settings = dataclasses.replace(ctx.settings, easypost_webhook_secret=SECRET)
    headers = customer_headers(client, *BEN)
    earbuds = line_by_category(returnable(client, headers, BEN[0]), "electronics")
    r = create(client, headers, BEN[0], [{"order_line_id": earbuds["order_line_id"],
                                          "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.json()["status"] == "label_issued", r.json()
    rma = r.json()["rma"]
    assert post_webhook(anon, event(tracking_number(ctx, rma), "in_transit", "evt_ben")).json() == {"outcome": "moved"}
    assert [s for s, _, _ in refunds(ctx, rma)] == ["issued"]
    sms = money_messages(ctx, rma)
    assert len(sms) == 1 and sms[0].language == "en"
    assert "we have already sent your refund" in sms[0].body


def test_a_failed_early_refund_lets_the_parcel_move_on_and_is_retried_in_place(client, anon, ctx, wh):
    at(ctx, "carrier_scan")
    ctx.payments = LocalPaymentProvider(fail_next=1)
    rma = shirt_return(client)["rma"]
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_transit"
    assert [x["status"] for x in r.json()["refunds"]] == ["failed"]
    assert money_messages(ctx, rma) == []  # nothing said while the money has not left
    refund_id = r.json()["refunds"][0]["id"]
    retried = anon.post(f"/api/v1/staff/refunds/{refund_id}/retry", headers=wh)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "in_transit"
    assert [x["status"] for x in retried.json()["refunds"]] == ["issued"]  # the same row
    assert len(money_messages(ctx, rma)) == 1


def test_a_parcel_the_carrier_never_scanned_is_paid_when_it_reaches_the_dock(client, anon, ctx, wh):
    at(ctx, "carrier_scan")
    rma = shirt_return(client)["rma"]
    view = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).json()
    assert view["status"] == "received"
    assert [x["status"] for x in view["refunds"]] == ["issued"]
    sms = money_messages(ctx, rma)
    assert len(sms) == 1 and "avons reçu votre colis" in sms[0].body


# --- at receipt ---------------------------------------------------------------------------------

def test_at_receipt_the_money_waits_for_the_count_and_misses_what_is_missing(client, anon, ctx, wh):
    at(ctx, "receipt")
    ret = three_shirts_return(client, ctx)
    rma, line = ret["rma"], ret["lines"][0]["id"]
    assert anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh).json()["refunds"] == []
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).json()["refunds"] == []
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line, "received_quantity": 2}]})
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "received"
    full = view["lines"][0]["refund_amount_minor"]
    reduction = full // 3
    assert view["lines"][0]["refund_reduction_minor"] == reduction
    assert [(x["status"], x["amount_minor"]) for x in view["refunds"]] == [("issued", owed(ctx, rma))]
    assert owed(ctx, rma) == full - reduction - fee(ctx, rma)
    sms = money_messages(ctx, rma)
    assert len(sms) == 1 and sms[0].language == "fr" and "avons reçu votre colis" in sms[0].body
    # The money is gone: a recount keeps the count but cannot change the refund any more.
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line, "received_quantity": 1}]})
    assert r.json()["lines"][0]["received_quantity"] == 1
    assert r.json()["lines"][0]["refund_reduction_minor"] == reduction
    assert [(x["status"], x["amount_minor"]) for x in r.json()["refunds"]] == [("issued", full - reduction - fee(ctx, rma))]
    assert len(money_messages(ctx, rma)) == 1


def test_an_exchange_owes_no_money_so_nothing_is_paid_early(client, anon, ctx, wh):
    at(ctx, "carrier_scan")
    headers = customer_headers(client, "BM-100001", "alice.martin@example.com")
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    option = next(o for o in shirt["exchange_options"] if o["available"] > 0)
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], "reason_code": "wrong_size",
                                               "resolution": "exchange", "exchange_sku": option["sku"]}])
    assert r.status_code in (200, 201), r.text
    rma = r.json()["rma"]
    view = anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh).json()
    assert view["status"] == "in_transit" and view["refunds"] == [] and money_messages(ctx, rma) == []
