"""The shop's side of the lifecycle: scans, inspection, refunds, failures and expiry."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from backend.adapters.carriers.base import CarrierError
from backend.adapters.payments.local import LocalPaymentProvider
from backend.db.models import Refund, ReturnStatusChange
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable


def _new_return(client, reason="changed_mind", resolution="refund"):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    body = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                                  "reason_code": reason, "resolution": resolution}]).json()
    return headers, body


def move(client, staff_headers, rma, to_status, **extra):
    return client.post(f"/api/v1/staff/returns/{rma}/transitions", headers=staff_headers,
                       json={"to_status": to_status, "actor": "warehouse:amelie", **extra})


def history_count(ctx) -> int:
    with ctx.sessions() as s:
        return s.execute(select(func.count(ReturnStatusChange.id))).scalar_one()


def test_staff_endpoints_refuse_the_service_token(client):
    _, body = _new_return(client)
    r = client.post(f"/api/v1/staff/returns/{body['rma']}/transitions",
                    json={"to_status": "in_transit", "actor": "x"})
    assert r.status_code == 401


def test_full_lifecycle_to_refund_and_close(client, staff_headers):
    headers, body = _new_return(client)
    rma = body["rma"]
    for status in ("in_transit", "received"):
        assert move(client, staff_headers, rma, status).json()["status"] == status
    received = client.get(f"/api/v1/returns/{rma}", headers=headers).json()
    assert received["expected_refund_by"] is not None
    line_id = received["lines"][0]["id"]
    inspected = move(client, staff_headers, rma, "inspected", grades={str(line_id): "A"},
                     dispositions={str(line_id): "restock"}).json()
    assert inspected["lines"][0]["grade"] == "A" and inspected["lines"][0]["disposition"] == "restock"
    refunded = move(client, staff_headers, rma, "refunded").json()
    assert refunded["status"] == "refunded"
    assert refunded["refunds"][0]["status"] == "issued"
    assert refunded["refunds"][0]["amount_minor"] == body["money"]["refund_amount_minor"]
    assert "4,95" not in refunded["next_step"]["fr"]
    closed = move(client, staff_headers, rma, "closed").json()
    assert [t["status"] for t in closed["timeline"]] == [
        "requested", "approved", "label_issued", "in_transit", "received", "inspected", "refunded", "closed"]


def test_illegal_transition_is_409_and_changes_nothing(client, ctx, staff_headers):
    _, body = _new_return(client)
    before = history_count(ctx)
    r = move(client, staff_headers, body["rma"], "refunded")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "illegal_transition"
    assert "label_issued" in r.json()["error"]["message"]
    assert move(client, staff_headers, body["rma"], "teleported").status_code == 422
    assert history_count(ctx) == before
    with ctx.sessions() as s:
        assert s.execute(select(func.count(Refund.id))).scalar_one() == 0


def test_failed_refund_is_kept_and_retried(client, ctx, staff_headers):
    ctx.payments = LocalPaymentProvider(fail_next=1)
    _, body = _new_return(client)
    rma = body["rma"]
    for status in ("received", "inspected"):
        assert move(client, staff_headers, rma, status).status_code == 200
    r = move(client, staff_headers, rma, "refunded")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "refund_failed"
    view = client.get(f"/api/v1/staff/returns/{rma}", headers=staff_headers).json()
    assert view["status"] == "inspected"
    refund = view["refunds"][0]
    assert refund["status"] == "failed"
    retried = client.post(f"/api/v1/staff/refunds/{refund['id']}/retry", headers=staff_headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "refunded"
    assert [r["status"] for r in retried.json()["refunds"]] == ["issued"]  # the same row, not a second one


def test_customer_cannot_cancel_once_parcel_is_moving(client, staff_headers):
    headers, body = _new_return(client)
    move(client, staff_headers, body["rma"], "in_transit")
    r = client.post(f"/api/v1/returns/{body['rma']}/cancel", headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_cancellable"


def test_review_approval_issues_the_label(client, staff_headers):
    headers = customer_headers(client, *ALICE)
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    body = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                                  "reason_code": "damaged"}]).json()
    assert body["status"] == "needs_review"
    approved = move(client, staff_headers, body["rma"], "approved", note="photo sent by email")
    assert approved.json()["status"] == "label_issued"
    assert approved.json()["label"]["url"].startswith("http://testserver/labels/")


def test_unused_label_expires_after_policy_days(client, ctx, staff_headers):
    headers, body = _new_return(client)
    assert client.post("/api/v1/staff/maintenance/expire-labels", headers=staff_headers).json()["expired"] == []
    later = ctx.now() + dt.timedelta(days=ctx.policy.label_valid_days + 1)
    ctx.clock = lambda: later
    expired = client.post("/api/v1/staff/maintenance/expire-labels", headers=staff_headers).json()["expired"]
    assert body["rma"] in expired
    view = client.get(f"/api/v1/returns/{body['rma']}", headers=headers).json()
    assert view["status"] == "expired"
    assert "nouvelle demande" in view["next_step"]["fr"]


class _DownCarrier:
    name = "down"

    def create_return_label(self, request):
        raise CarrierError("carrier timed out", retryable=True)


def test_carrier_down_keeps_return_approved_and_label_can_be_retried(client, ctx):
    real = ctx.carrier
    ctx.carrier = _DownCarrier()
    headers, body = _new_return(client)
    assert body["status"] == "approved"
    assert body["label"] is None
    assert body["follow_up_error"]["code"] == "label_unavailable"
    assert "transporteur" in body["follow_up_error"]["message_fr"]
    assert client.post(f"/api/v1/returns/{body['rma']}/label", headers=headers).status_code == 503
    ctx.carrier = real
    retried = client.post(f"/api/v1/returns/{body['rma']}/label", headers=headers)
    assert retried.status_code == 200
    assert retried.json()["status"] == "label_issued"
