"""The dock (issue 14, receiving): scan a label, count what arrived, record a carrier scan.

Through the real app on SQLite and PostgreSQL (conftest), with real staff accounts signed in
(warehouse, agent, supervisor) and a clock the test holds still.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.app import create_app
from backend.context import BackendContext
from backend.db.models import (Customer, Notification, Order, OrderLine, ReturnRequest, ReturnStatusChange,
                               UnexpectedItem, Variant)
from backend.db.session import session_scope
from backend.services import staff_accounts
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable

PASSWORD = "correct horse battery staple"
ROUTES = [("GET", "/api/v1/warehouse/returns/{rma}", None),
          ("POST", "/api/v1/warehouse/scan", {"code": "{rma}"}),
          ("POST", "/api/v1/warehouse/returns/{rma}/receipt", {"lines": []}),
          ("POST", "/api/v1/warehouse/returns/{rma}/carrier-scan", {})]


# --- fixtures and helpers (the other receiving tests use them too) ---------------------------

@pytest.fixture
def still(ctx: BackendContext) -> dt.datetime:
    """The context's clock, held at one moment (customer tokens are checked on real time)."""
    moment = dt.datetime.utcnow().replace(microsecond=0)
    ctx.clock = lambda: moment
    return moment


@pytest.fixture
def anon(ctx: BackendContext, still) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


def add_account(ctx: BackendContext, email: str, role: str, language: str = "en") -> None:
    with session_scope(ctx.sessions) as session:
        staff_accounts.create_account(session, email=email, role=role, password=PASSWORD, now=ctx.now(),
                                      name=None, language=language)


def bearer(c: TestClient, email: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def roles(anon, ctx) -> dict[str, dict[str, str]]:
    """Bearer headers of a signed-in account per role."""
    for role in ("warehouse", "agent", "supervisor", "admin"):
        add_account(ctx, f"{role}@shop.example", role)
    return {role: bearer(anon, f"{role}@shop.example") for role in ("warehouse", "agent", "supervisor", "admin")}


@pytest.fixture
def wh(roles) -> dict[str, str]:
    return roles["warehouse"]


def shirt_return(client: TestClient, resolution: str = "refund") -> dict:
    """Alice's linen shirt (BM-100001), changed mind: label_issued at once."""
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "changed_mind", "resolution": resolution}])
    assert r.status_code in (200, 201), r.text
    assert r.json()["status"] == "label_issued"
    return r.json()


def order_of_three(ctx: BackendContext, sku: str = "SHIRT-LIN-WHT-M") -> str:
    """A new order of Alice's: three of one shirt, delivered three days ago; its number."""
    number = f"BM-9{uuid.uuid4().int % 10**5:05d}"
    with session_scope(ctx.sessions) as s:
        alice = s.execute(select(Customer).where(Customer.email == ALICE[1])).scalar_one()
        variant = s.execute(select(Variant).where(Variant.sku == sku)).scalar_one()
        order = Order(number=number, customer=alice, currency=variant.currency,
                      ordered_at=ctx.now() - dt.timedelta(days=5), delivered_on=ctx.today() - dt.timedelta(days=3),
                      ship_name=alice.name, ship_line1="1 rue de la Paix", ship_city="Paris",
                      ship_postcode="75002", ship_country="FR", payment_reference="pay_test_three")
        order.lines.append(OrderLine(variant=variant, quantity=3, unit_price_minor=variant.price_minor,
                                     discount_minor=0, paid_minor=3 * variant.price_minor))
        s.add(order)
    return number


def three_shirts_return(client: TestClient, ctx: BackendContext) -> dict:
    number = order_of_three(ctx)
    headers = customer_headers(client, number, ALICE[1])
    line = returnable(client, headers, number)[0]
    r = create(client, headers, number, [{"order_line_id": line["order_line_id"], "quantity": 3,
                                          "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.status_code in (200, 201), r.text
    assert r.json()["status"] == "label_issued", r.json()
    return r.json()


def history(ctx: BackendContext, rma: str) -> list[tuple[str, str]]:
    with ctx.sessions() as s:
        rows = s.execute(select(ReturnStatusChange.to_status, ReturnStatusChange.actor)
                         .join(ReturnRequest).where(ReturnRequest.rma == rma)
                         .order_by(ReturnStatusChange.id)).all()
    return [(status, actor) for status, actor in rows]


def error(r) -> dict:
    body = r.json()["error"]
    assert body["message"] and body["message_fr"] and body["message"] != body["message_fr"], body
    return body


def tracking_number(ctx: BackendContext, rma: str) -> str:
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        return ret.labels[-1].tracking_number


# --- who may call -------------------------------------------------------------------------------

def test_every_dock_route_needs_credentials_and_refuses_agents(client, anon, roles, staff_headers):
    rma = shirt_return(client)["rma"]
    before = history(anon.app.state.ctx, rma)
    for method, path, body in ROUTES:
        url = path.format(rma=rma)
        payload = None if body is None else {k: (v.format(rma=rma) if isinstance(v, str) else v)
                                             for k, v in body.items()}
        r = anon.request(method, url, json=payload)
        assert r.status_code == 401, (method, path, r.text)
        assert error(r)["code"] == "staff_token_invalid"
        r = anon.request(method, url, json=payload, headers={"Authorization": "Bearer not-a-token"})
        assert r.status_code == 401, (method, path, r.text)
        r = anon.request(method, url, json=payload, headers=roles["agent"])
        assert r.status_code == 403, (method, path, r.text)
        assert error(r)["code"] == "staff_role_forbidden"
    assert history(anon.app.state.ctx, rma) == before  # nothing moved for the refused callers
    # The warehouse, supervisors, admins and the install's staff token (an admin) may.
    for headers in (roles["warehouse"], roles["supervisor"], roles["admin"], staff_headers):
        r = anon.get(f"/api/v1/warehouse/returns/{rma}", headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["rma"] == rma


# --- scan -----------------------------------------------------------------------------------------

def test_scanning_the_label_receives_the_parcel_once_and_tells_the_customer(client, anon, ctx, wh):
    rma = shirt_return(client)["rma"]
    typed = " " + rma.lower().replace("-", " ") + " "  # a keyboard wedge in lower case, with spaces
    r = anon.post("/api/v1/warehouse/scan", json={"code": typed}, headers=wh)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["rma"] == rma and view["status"] == "received"
    assert view["status_text"]["fr"] and view["status_text"]["en"] != view["status_text"]["fr"]
    assert view["lines"][0]["quantity"] == 1 and view["lines"][0]["received_quantity"] is None
    assert "@" in view["customer"]["email"] and "alice.martin@example.com" != view["customer"]["email"]
    assert history(ctx, rma)[-1][0] == "received"
    assert history(ctx, rma)[-1][1].startswith("staff:") and history(ctx, rma)[-1][1].endswith("warehouse@shop.example")
    with ctx.sessions() as s:
        sms = s.execute(select(Notification).join(ReturnRequest).where(
            ReturnRequest.rma == rma, Notification.kind == "parcel_received")).scalar_one()
    assert sms.language == "fr" and "nous avons bien reçu votre colis" in sms.body
    # Scanned again (the parcel passed the scanner twice): it just opens, nothing changes.
    steps = len(history(ctx, rma))
    again = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh)
    assert again.status_code == 200 and again.json()["status"] == "received"
    assert len(history(ctx, rma)) == steps


def test_the_tracking_number_opens_the_return_too(client, anon, ctx, wh):
    rma = shirt_return(client)["rma"]
    code = tracking_number(ctx, rma)
    spaced = " ".join(code[i:i + 4] for i in range(0, len(code), 4)).lower()
    r = anon.post("/api/v1/warehouse/scan", json={"code": spaced}, headers=wh)
    assert r.status_code == 200, r.text
    assert r.json()["rma"] == rma and r.json()["status"] == "received"
    assert r.json()["label"]["tracking_number"] == code


def test_an_unknown_code_is_404_in_both_languages(anon, wh):
    r = anon.post("/api/v1/warehouse/scan", json={"code": "R-ZZZZ-ZZZZ"}, headers=wh)
    assert r.status_code == 404
    body = error(r)
    assert body["code"] == "warehouse_code_unknown"
    assert "R-ZZZZ-ZZZZ" in body["message"] and "Aucun retour" in body["message_fr"]
    r = anon.post("/api/v1/warehouse/scan", json={"code": "BMR000000000000"}, headers=wh)
    assert r.status_code == 404
    assert anon.get("/api/v1/warehouse/returns/R-ZZZZ-ZZZZ", headers=wh).status_code == 404
    assert anon.post("/api/v1/warehouse/scan", json={"code": "   "}, headers=wh).status_code == 422


def test_a_cancelled_return_is_refused_at_the_dock(client, anon, ctx, wh):
    ret = shirt_return(client)
    headers = customer_headers(client, *ALICE)
    assert client.post(f"/api/v1/returns/{ret['rma']}/cancel", headers=headers).status_code == 200
    r = anon.post("/api/v1/warehouse/scan", json={"code": ret["rma"]}, headers=wh)
    assert r.status_code == 409
    body = error(r)
    assert body["code"] == "parcel_return_cancelled" and body["current_status"] == "cancelled"
    assert "do not accept this parcel" in body["message"] and "n'acceptez pas ce colis" in body["message_fr"]
    assert history(ctx, ret["rma"])[-1][0] == "cancelled"
    # Nor can it be counted.
    r = anon.post(f"/api/v1/warehouse/returns/{ret['rma']}/receipt",
                  json={"lines": [{"line_id": ret["lines"][0]["id"], "received_quantity": 1}]}, headers=wh)
    assert r.status_code == 409 and error(r)["code"] == "parcel_return_cancelled"


def test_a_return_without_a_label_expects_no_parcel(client, anon, ctx, wh):
    headers = customer_headers(client, *ALICE)
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    ret = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                                 "reason_code": "damaged"}]).json()
    assert ret["status"] == "needs_review"
    r = anon.post("/api/v1/warehouse/scan", json={"code": ret["rma"]}, headers=wh)
    assert r.status_code == 409
    body = error(r)
    assert body["code"] == "parcel_not_expected" and "no parcel is expected" in body["message"]
    assert "aucun colis n'est attendu" in body["message_fr"]
    assert history(ctx, ret["rma"])[-1][0] == "needs_review"


def test_a_resolved_return_is_refused_and_an_inspected_one_opens(client, anon, ctx, wh, staff_headers):
    rma = shirt_return(client)["rma"]
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).status_code == 200
    move = lambda to, **extra: anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=staff_headers,
                                         json={"to_status": to, "actor": "t", **extra})
    assert move("inspected").status_code == 200
    r = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh)
    assert r.status_code == 200 and r.json()["status"] == "inspected"
    assert move("refunded").status_code == 200
    r = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh)
    assert r.status_code == 409
    assert error(r)["code"] == "parcel_already_done"


# --- receipt --------------------------------------------------------------------------------------

def test_a_partial_receipt_takes_the_missing_units_share_off_the_refund(client, anon, ctx, wh, staff_headers):
    ret = three_shirts_return(client, ctx)
    rma, line = ret["rma"], ret["lines"][0]
    with ctx.sessions() as s:
        refund_amount = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one().lines[0].refund_amount_minor
    assert refund_amount > 0
    # Still label_issued: the receipt receives the parcel first.
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh, json={
        "lines": [{"line_id": line["id"], "received_quantity": 2}],
        "unexpected": [{"code": "earb-wls-blk", "quantity": 1, "note": "earbuds in the box"},
                       {"code": "a red sock", "note": None}],
        "note": "box damp"})
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "received"
    got = view["lines"][0]
    assert got["received_quantity"] == 2
    assert got["refund_reduction_minor"] == refund_amount * 1 // 3  # one of three units missing
    assert got["refund_reduction_reason"] == "missing_items"
    assert [(u["code"], u["quantity"], u["note"]) for u in view["unexpected_items"]] == [
        ("earb-wls-blk", 1, "earbuds in the box"), ("a red sock", 1, None)]
    assert all(u["actor"].endswith("warehouse@shop.example") for u in view["unexpected_items"])
    with ctx.sessions() as s:
        linked = dict(s.execute(select(UnexpectedItem.code, UnexpectedItem.variant_id)).all())
        earbuds = s.execute(select(Variant.id).where(Variant.sku == "EARB-WLS-BLK")).scalar_one()
    assert linked == {"earb-wls-blk": earbuds, "a red sock": None}
    assert [h for h in history(ctx, rma) if h[0] == "received"] and history(ctx, rma)[-1][0] == "received"
    with ctx.sessions() as s:
        note = s.execute(select(ReturnStatusChange.note).join(ReturnRequest).where(
            ReturnRequest.rma == rma, ReturnStatusChange.to_status == "received")).scalar_one()
    assert note == "box damp"

    # The third shirt turns up in another box: a recount replaces the count, the reduction goes.
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line["id"], "received_quantity": 3}]})
    assert r.status_code == 200, r.text
    got = r.json()["lines"][0]
    assert (got["received_quantity"], got["refund_reduction_minor"], got["refund_reduction_reason"]) == (3, 0, None)
    assert len(r.json()["unexpected_items"]) == 2  # appended, never replaced
    assert [h[0] for h in history(ctx, rma)].count("received") == 1

    # Recounted at one: two thirds off; then the refund after inspection pays the rest.
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line["id"], "received_quantity": 1}]})
    reduction = refund_amount * 2 // 3
    assert r.json()["lines"][0]["refund_reduction_minor"] == reduction
    move = lambda to: anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=staff_headers,
                                json={"to_status": to, "actor": "t"})
    assert move("inspected").status_code == 200
    refunded = move("refunded")
    assert refunded.status_code == 200, refunded.text
    with ctx.sessions() as s:
        ret_row = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        paid = sum(x.amount_minor for x in ret_row.refunds)
        fee = ret_row.shipping_fee_minor
    assert paid == refund_amount - reduction - fee


def test_more_units_than_expected_become_unexpected_items_of_that_sku(client, anon, ctx, wh):
    ret = shirt_return(client)
    line = ret["lines"][0]
    r = anon.post(f"/api/v1/warehouse/returns/{ret['rma']}/receipt", headers=wh,
                  json={"lines": [{"line_id": line["id"], "received_quantity": 3}]})
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["lines"][0]["received_quantity"] == 1 and view["lines"][0]["refund_reduction_minor"] == 0
    assert [(u["code"], u["quantity"]) for u in view["unexpected_items"]] == [(view["lines"][0]["sku"], 2)]


def test_a_receipt_refuses_foreign_or_repeated_lines_and_bad_counts(client, anon, ctx, wh):
    ret = shirt_return(client)
    rma, line_id = ret["rma"], ret["lines"][0]["id"]
    url = f"/api/v1/warehouse/returns/{rma}/receipt"
    r = anon.post(url, headers=wh, json={"lines": [{"line_id": 999999, "received_quantity": 1}]})
    assert r.status_code == 422 and error(r)["code"] == "invalid" and "999999" in error(r)["message"]
    r = anon.post(url, headers=wh, json={"lines": [{"line_id": line_id, "received_quantity": 1},
                                                   {"line_id": line_id, "received_quantity": 0}]})
    assert r.status_code == 422 and "une seule fois" in error(r)["message_fr"]
    r = anon.post(url, headers=wh, json={"lines": [{"line_id": line_id, "received_quantity": -1}]})
    assert r.status_code == 422 and error(r)["code"] == "invalid_request"
    r = anon.post(url, headers=wh, json={"unexpected": [{"code": "X", "quantity": 0}]})
    assert r.status_code == 422
    assert history(ctx, rma)[-1][0] == "label_issued"  # nothing was received on the way
    assert anon.post("/api/v1/warehouse/returns/R-ZZZZ-ZZZZ/receipt", headers=wh,
                     json={"lines": []}).status_code == 404


def test_the_count_is_closed_once_inspected(client, anon, ctx, wh, staff_headers):
    ret = shirt_return(client)
    rma, line_id = ret["rma"], ret["lines"][0]["id"]
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).status_code == 200
    assert anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=staff_headers,
                     json={"to_status": "inspected", "actor": "t"}).status_code == 200
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/receipt", headers=wh,
                  json={"lines": [{"line_id": line_id, "received_quantity": 0}]})
    assert r.status_code == 409
    body = error(r)
    assert body["code"] == "receipt_closed" and "inspection" in body["message"] and "inspection" in body["message_fr"]
    view = anon.get(f"/api/v1/warehouse/returns/{rma}", headers=wh).json()
    assert view["lines"][0]["received_quantity"] is None


# --- carrier scan by a person ----------------------------------------------------------------------

def test_a_staff_carrier_scan_moves_the_return_in_transit(client, anon, ctx, roles):
    rma = shirt_return(client)["rma"]
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={"note": "seen on the carrier site"},
                  headers=roles["supervisor"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_transit"
    assert r.json()["history"][-1]["note"] == "seen on the carrier site"
    again = anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=roles["warehouse"])
    assert again.status_code == 409
    assert error(again)["code"] == "illegal_transition"
    # The dock then receives the parcel from in_transit.
    r = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=roles["warehouse"])
    assert r.json()["status"] == "received"
    assert [h[0] for h in history(ctx, rma)][-3:] == ["label_issued", "in_transit", "received"]


def test_the_dock_page_session_scans_with_its_csrf_token_only(client, anon, ctx, roles):
    """The dock page signs in with a cookie: a scan without its CSRF header moves nothing."""
    rma = shirt_return(client)["rma"]
    assert anon.get("/agent/login?lang=fr").status_code == 200
    r = anon.post("/agent/login", json={"email": "warehouse@shop.example", "password": PASSWORD},
                  headers={"X-CSRF-Token": anon.cookies.get("boomerang_csrf")})
    assert r.status_code == 200, r.text
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        refused = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=headers)
        assert refused.status_code == 403 and error(refused)["code"] == "csrf_failed"
    assert history(ctx, rma)[-1][0] == "label_issued"
    assert anon.get(f"/api/v1/warehouse/returns/{rma}").status_code == 200  # a read needs no token
    r = anon.post("/api/v1/warehouse/scan", json={"code": rma},
                  headers={"X-CSRF-Token": anon.cookies.get("boomerang_csrf")})
    assert r.status_code == 200 and r.json()["status"] == "received"


def test_two_scans_at_once_both_open_the_return(client, anon, ctx, wh, monkeypatch):
    """The second of two simultaneous scans finds the parcel received by the first: no 409."""
    from backend.workflows import receive as receive_flow

    rma = shirt_return(client)["rma"]
    real_receive = receive_flow.receive

    def first_scan_wins_meanwhile(ctx_, rma_, **kwargs):
        real_receive(ctx_, rma_, actor="staff:0:other-dock@shop.example", note="the other dock")
        return real_receive(ctx_, rma_, **kwargs)  # now received -> received: refused by the state machine

    monkeypatch.setattr(receive_flow, "receive", first_scan_wins_meanwhile)
    r = anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "received"
    assert [h[0] for h in history(ctx, rma)].count("received") == 1
