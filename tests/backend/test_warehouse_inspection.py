"""Inspection on the warehouse's word: grades, mismatches, the disposition the rules and the
law decide, the inventory it moves, the refund (reduced or not) and the partner feed."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import select

from backend.db.models import (
    InventoryItem,
    InventoryMovement,
    Notification,
    OutboxEvent,
    Refund,
    ReturnLine,
    ReturnRequest,
    Variant,
)
from backend.db.session import session_scope
from backend.domain.notification_text import notification_text
from backend.domain.partner_events import TYPE_PREFIX
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, BEN, create, jpeg_bytes, line_by_category, returnable
from tests.backend.test_api_staff import move
from tests.backend.test_staff_auth import anon, clock, error_code, role_headers  # noqa: F401 (fixtures)

SHIRT = "SHIRT-LIN-WHT-M"  # apparel, EUR 59.00
WAREHOUSE = "main-warehouse"


def received_return(client, staff_headers, order=ALICE, category="apparel",
                    reason="changed_mind", resolution="refund") -> tuple[str, int]:
    """A return of one line (``category`` from ``order``) moved to ``received``."""
    headers = customer_headers(client, *order)
    line = line_by_category(returnable(client, headers, order[0]), category)
    body = create(client, headers, order[0], [{"order_line_id": line["order_line_id"],
                                               "reason_code": reason, "resolution": resolution}]).json()
    rma = body["rma"]
    if body["status"] == "needs_review":
        assert move(client, staff_headers, rma, "approved").status_code == 200
    r = move(client, staff_headers, rma, "received")
    assert r.status_code == 200, r.text
    return rma, body["lines"][0]["id"]


def inspect(client, headers, rma, lines, note=None):
    return client.post(f"/api/v1/warehouse/returns/{rma}/inspection", headers=headers,
                       json={"lines": lines, "note": note})


def stock(ctx, sku: str, state: str = "sellable", location: str = WAREHOUSE) -> int:
    with ctx.sessions() as s:
        item = s.execute(select(InventoryItem).join(Variant).where(
            Variant.sku == sku, InventoryItem.state == state,
            InventoryItem.location == location)).scalar_one_or_none()
        return 0 if item is None else item.on_hand


def line_movements(ctx, line_id: int) -> list[tuple[str, str, int]]:
    with ctx.sessions() as s:
        rows = s.execute(select(InventoryMovement).where(InventoryMovement.return_line_id == line_id)
                         .order_by(InventoryMovement.id)).scalars().all()
        return [(m.kind, m.state, m.quantity) for m in rows]


def assert_stock_is_sum_of_movements(ctx) -> None:
    """The invariant: every stock row's on_hand equals the sum of its movements."""
    with ctx.sessions() as s:
        sums: dict[tuple[int, str, str], int] = {}
        for m in s.execute(select(InventoryMovement)).scalars():
            key = (m.variant_id, m.location, m.state)
            sums[key] = sums.get(key, 0) + m.quantity
        items = s.execute(select(InventoryItem)).scalars().all()
        assert items
        for item in items:
            assert item.on_hand == sums.get((item.variant_id, item.location, item.state), 0), (
                item.variant_id, item.location, item.state)


# --- every grade of an apparel item --------------------------------------------------------

# grade → (disposition, recovery %, value recovered of EUR 59.00, state the unit lands in or
# None for a write-off). By hand: 100% = 5900; 50% = 2950; 60% = 3540; 2% = 118.
APPAREL = {"N": ("restock", 100, 5900, "sellable"), "A": ("restock", 100, 5900, "sellable"),
           "B": ("resale_hold", 50, 2950, "resale_hold"), "C": ("refurbish", 60, 3540, "refurbish"),
           "D": ("recycle", 2, 118, None)}


@pytest.mark.parametrize("grade", list(APPAREL))
def test_every_grade_of_a_shirt_goes_where_the_rules_say(client, ctx, staff_headers, grade):
    rma, line_id = received_return(client, staff_headers)
    disposition, percent, value, state = APPAREL[grade]
    before = stock(ctx, SHIRT, state) if state else None
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": grade,
                                              "notes": "checked under the lamp"}])
    assert r.status_code == 200, r.text
    line = r.json()["lines"][0]
    assert (line["grade"], line["disposition"], line["recovery_percent"]) == (grade, disposition, percent)
    assert line["disposition_rules_version"] == ctx.dispositions.version
    assert line["value_recovered_minor"] == value
    assert line["inspection_notes"] == "checked under the lamp"
    assert dt.datetime.fromisoformat(line["inspected_at"]).utcoffset() == dt.timedelta(0)  # UTC, with its zone
    assert line["disposition_explanation"]["en"].startswith("Rule “")
    assert line["disposition_explanation"]["fr"].startswith("Règle « ")
    assert line["overrides"] == []
    # Undeclared damage: the customer changed their mind, the shirt came back damaged.
    assert line["mismatches"] == (["undeclared_damage"] if grade in ("C", "D") else [])
    if state:
        assert stock(ctx, SHIRT, state) == before + 1
    assert line_movements(ctx, line_id) == [(disposition, state or disposition, 1)]
    # Paid at inspection (the default policy): resolved at once.
    assert r.json()["status"] == "refunded"
    assert [f["status"] for f in r.json()["refunds"]] == ["issued"]
    assert_stock_is_sum_of_movements(ctx)


def test_as_new_shoes_and_apparel_go_back_to_stock(client, ctx, staff_headers):
    """Both categories under the ESPR rule: as-new apparel and shoes are resold at full price."""
    rma, line_id = received_return(client, staff_headers)
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}])
    assert r.json()["lines"][0]["disposition_rule"] == "as-new apparel and shoes"
    got = client.get(f"/api/v1/inventory/{SHIRT}", headers=staff_headers).json()
    # Sellable units everywhere: 14 seeded at the warehouse + 3 in the store + the returned one.
    assert got["on_hand"] == 18
    assert {(l["location"], l["state"]): l["on_hand"] for l in got["locations"]}[(WAREHOUSE, "sellable")] == 15
    assert got["movements"][0]["kind"] == "restock" and got["movements"][0]["rma"] == rma
    assert got["movements"][-1]["kind"] == "opening"


def test_opened_electronics_go_to_the_bench_then_to_grade_b_stock(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers, order=BEN, category="electronics")
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "B", "flags": ["battery"]}])
    assert r.status_code == 200, r.text
    line = r.json()["lines"][0]
    assert (line["disposition"], line["recovery_percent"], line["value_recovered_minor"]) == (
        "refurbish", 70, 5593)  # 70% of 79.90 = 55.93
    queue = client.get("/api/v1/warehouse/refurbish", headers=staff_headers).json()["items"]
    assert [(i["line_id"], i["rma"], i["units"]) for i in queue] == [(line_id, rma, 1)]
    assert stock(ctx, "EARB-WLS-BLK", "refurbish") == 1
    done = client.post(f"/api/v1/warehouse/refurbish/{line_id}/done", headers=staff_headers,
                       json={"to": "sellable_b"})
    assert done.status_code == 200, done.text
    assert done.json()["items"] == []
    assert stock(ctx, "EARB-WLS-BLK", "refurbish") == 0
    assert stock(ctx, "EARB-WLS-BLK", "sellable_b") == 1
    inv = client.get("/api/v1/inventory/EARB-WLS-BLK", headers=staff_headers).json()
    assert inv["by_state"]["sellable_b"] == 1 and inv["on_hand"] == 25  # grade B is not full price
    again = client.post(f"/api/v1/warehouse/refurbish/{line_id}/done", headers=staff_headers,
                        json={"to": "sellable_b"})
    assert again.status_code == 409 and error_code(again) == "refurbish_not_waiting"
    wrong = client.post(f"/api/v1/warehouse/refurbish/{line_id}/done", headers=staff_headers,
                        json={"to": "restock"})
    assert wrong.status_code == 422 and error_code(wrong) == "refurbish_target_invalid"
    # The units left the bench: no override any more.
    late = client.post(f"/api/v1/warehouse/lines/{line_id}/disposition", headers=staff_headers,
                       json={"disposition": "resale_hold", "reason": "the outlet wants them"})
    assert late.status_code == 409 and error_code(late) == "override_units_gone"
    assert_stock_is_sum_of_movements(ctx)


def test_a_damaged_battery_is_recycled_whatever_the_grade(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers, order=BEN, category="electronics")
    line = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A",
                                                 "flags": ["battery", "battery_damaged"]}]).json()["lines"][0]
    assert line["disposition"] == "recycle"
    assert "battery_hazard" in line["disposition_guards"] or line["disposition_rule"] == "damaged lithium battery"
    assert line_movements(ctx, line_id) == [("recycle", "recycle", 1)]
    assert stock(ctx, "EARB-WLS-BLK", "sellable") == 25  # nothing back on the shelf


def test_claimed_damage_not_found_is_flagged(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers, category="home", reason="damaged")
    line = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}]).json()["lines"][0]
    assert line["mismatches"] == ["claimed_damage_not_found"]


def test_inspector_adds_wrong_item(client, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    line = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "B",
                                                 "mismatches": ["wrong_item"]}]).json()["lines"][0]
    assert line["mismatches"] == ["wrong_item"]


# --- refunds on the warehouse's word -------------------------------------------------------

def test_a_reduction_needs_its_reason_and_comes_off_the_refund(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    no_reason = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C",
                                                      "reduction_minor": 1500}])
    assert no_reason.status_code == 422 and error_code(no_reason) == "reduction_reason_required"
    assert str(line_id) in no_reason.json()["error"]["message"]
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C", "reduction_minor": 1500,
                                              "reduction_reason": "undeclared_damage"}])
    assert r.status_code == 200, r.text
    body = r.json()
    line = body["lines"][0]
    assert (line["refund_reduction_minor"], line["refund_reduction_reason"]) == (1500, "undeclared_damage")
    assert body["status"] == "refunded"
    # 59.00 - 15.00 taken off - the 4.95 return shipping the policy charges for a change of mind.
    assert body["refunds"][0]["amount_minor"] == 5900 - 1500 - 495
    with ctx.sessions() as s:  # Alice is told in French, on her channel, why it is less
        sms = s.execute(select(Notification).join(ReturnRequest, ReturnRequest.id == Notification.return_id)
                        .where(ReturnRequest.rma == rma, Notification.kind == "refund_issued")).scalar_one()
    assert "réduit de 15,00" in sms.body and "dommage non déclaré" in sms.body


def test_the_refund_message_says_what_was_taken_off_and_why():
    en = notification_text("refund_issued", "en", shop="Maison", rma="R-1", amount_minor=4400,
                           currency="EUR", reduction_minor=1500, reduction_reasons=("undeclared_damage",))
    fr = notification_text("refund_issued", "fr", shop="Maison", rma="R-1", amount_minor=4400,
                           currency="EUR", reduction_minor=1500, reduction_reasons=("undeclared_damage",))
    assert "reduced by" in en and "15.00" in en and "damage not declared" in en
    assert "réduit de" in fr and "15,00" in fr and "dommage non déclaré" in fr
    plain = notification_text("refund_issued", "en", shop="Maison", rma="R-1", amount_minor=4400,
                              currency="EUR")
    assert "reduced" not in plain


def test_no_reduction_once_the_money_went_out_early(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    with session_scope(ctx.sessions) as s:  # as an early refund (issue_at: receipt) leaves it
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        s.add(Refund(return_request=ret, amount_minor=5900, currency="EUR", method="original_payment",
                     status="issued", provider="local", created_at=ctx.now(), updated_at=ctx.now(),
                     issued_at=ctx.now()))
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C", "reduction_minor": 100,
                                              "reduction_reason": "missing_parts"}])
    assert r.status_code == 409 and error_code(r) == "refund_already_issued"
    # Without a reduction: inspected, then resolved since the money already went out.
    ok = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}])
    assert ok.status_code == 200 and ok.json()["status"] == "refunded"
    assert len(ok.json()["refunds"]) == 1  # nothing paid twice


def test_a_policy_paying_at_receipt_that_never_counted_pays_at_inspection(client, ctx, staff_headers):
    # The parcel went to received by a plain status move, never counted: nothing was paid
    # at receipt, so inspection, the latest moment any policy pays, pays it.
    ctx.policy = dataclasses.replace(ctx.policy, refund_issue_at="receipt")
    rma, line_id = received_return(client, staff_headers)
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}])
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    assert [f["status"] for f in r.json()["refunds"]] == ["issued"]


def test_a_refused_parcel_is_rejected(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    not_allowed = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "B", "refuse": True}])
    assert not_allowed.status_code == 422 and error_code(not_allowed) == "refuse_needs_grade_d_mismatch"
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "D", "refuse": True,
                                              "mismatches": ["wrong_item"], "notes": "a brick"}])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["refunds"] == []
    assert "wrong_item" in r.json()["history"][-1]["note"]
    # Not ours to stock or write off: no disposition, no movement (it waits to go back).
    assert r.json()["lines"][0]["disposition"] is None and line_movements(ctx, line_id) == []
    with ctx.sessions() as s:
        types = [e.type for e in s.execute(select(OutboxEvent).where(OutboxEvent.rma == rma)
                                           .order_by(OutboxEvent.sequence)).scalars()]
    assert types[-2:] == [TYPE_PREFIX + "inspected", TYPE_PREFIX + "rejected"]


# --- refusals ------------------------------------------------------------------------------

def test_only_a_received_return_is_inspected(client, ctx, staff_headers):
    headers = customer_headers(client, *ALICE)
    line = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    body = create(client, headers, "BM-100001", [{"order_line_id": line["order_line_id"],
                                                  "reason_code": "changed_mind"}]).json()
    r = inspect(client, staff_headers, body["rma"], [{"line_id": body["lines"][0]["id"], "grade": "A"}])
    assert r.status_code == 409 and error_code(r) == "inspection_needs_received"
    assert "label_issued" in r.json()["error"]["message"]
    missing = inspect(client, staff_headers, "R-NOPE-0000", [])
    assert missing.status_code == 404


def test_bad_bodies_are_422_and_change_nothing(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    cases = [([], "inspection_line_ungraded"),
             ([{"line_id": line_id, "grade": "E"}], "invalid_grade"),
             ([{"line_id": line_id, "grade": "A", "flags": ["sparkly"]}], "unknown_inspection_flags"),
             ([{"line_id": line_id, "grade": "A", "mismatches": ["meh"]}], "unknown_mismatches"),
             ([{"line_id": line_id, "grade": "A"}, {"line_id": line_id, "grade": "B"}], "inspection_line_twice"),
             ([{"line_id": line_id, "grade": "A"}, {"line_id": 999999, "grade": "B"}], "invalid")]
    for lines, code in cases:
        r = inspect(client, staff_headers, rma, lines)
        assert r.status_code == 422, (lines, r.text)
        assert error_code(r) == code
    nul = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A", "notes": "a\x00b"}])
    assert nul.status_code == 422  # PostgreSQL could not store it: refused, not a 500
    ungraded = inspect(client, staff_headers, rma, [])
    assert str(line_id) in ungraded.json()["error"]["message"]
    assert str(line_id) in ungraded.json()["error"]["message_fr"]
    with ctx.sessions() as s:
        line = s.get(ReturnLine, line_id)
        assert line.grade is None and line.disposition is None
        assert line.return_request.status == "received"
    assert line_movements(ctx, line_id) == []


def test_the_partner_feed_gets_inspected_then_disposed(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "B"}])
    with ctx.sessions() as s:
        events = s.execute(select(OutboxEvent).where(OutboxEvent.rma == rma)
                           .order_by(OutboxEvent.sequence)).scalars().all()
    types = [e.type[len(TYPE_PREFIX):] for e in events]
    assert types[-3:] == ["inspected", "disposed", "refunded"]
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    data = json.loads(events[-2].body)["data"]
    assert data["rma"] == rma
    assert [(l["line_id"], l["disposition"], l["grade"]) for l in data["lines"]] == [
        (line_id, "resale_hold", "B")]
    assert "alice" not in events[-2].body.lower()


# --- who may ---------------------------------------------------------------------------------

def test_inspection_routes_need_the_warehouse(client, anon, role_headers, staff_headers):  # noqa: F811
    rma, line_id = received_return(client, staff_headers)
    routes = [("POST", f"/api/v1/warehouse/returns/{rma}/inspection", {"lines": []}),
              ("POST", f"/api/v1/warehouse/lines/{line_id}/disposition",
               {"disposition": "restock", "reason": "because"}),
              ("GET", "/api/v1/warehouse/refurbish", None),
              ("POST", f"/api/v1/warehouse/refurbish/{line_id}/done", {"to": "sellable_b"}),
              ("GET", "/api/v1/warehouse/photos/ph_nothing", None),
              ("POST", f"/api/v1/warehouse/lines/{line_id}/photos", None)]
    for method, path, body in routes:
        assert anon.request(method, path, json=body).status_code == 401, path
        r = anon.request(method, path, json=body, headers=role_headers["agent"])
        assert r.status_code == 403 and error_code(r) == "staff_role_forbidden", path
        for role in ("warehouse", "supervisor", "admin"):
            r = anon.request(method, path, json=body, headers=role_headers[role])
            assert r.status_code not in (401, 403), (path, role, r.text)


# --- the warehouse's photos ------------------------------------------------------------------

def test_the_inspector_adds_photos_and_reads_them_back(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    r = client.post(f"/api/v1/warehouse/lines/{line_id}/photos", headers=staff_headers,
                    files={"file": ("stain.jpg", jpeg_bytes(), "image/jpeg")})
    assert r.status_code == 200, r.text
    photos = r.json()["lines"][0]["warehouse_photos"]
    assert len(photos) == 1 and r.json()["lines"][0]["customer_photos"] == []
    got = client.get(photos[0]["url"], headers=staff_headers)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert got.content[:2] == b"\xff\xd8"
    assert client.get("/api/v1/warehouse/photos/ph_nothing", headers=staff_headers).status_code == 404
    bad = client.post(f"/api/v1/warehouse/lines/{line_id}/photos", headers=staff_headers,
                      files={"file": ("x.jpg", b"not an image", "image/jpeg")})
    assert bad.status_code in (415, 422)
    nowhere = client.post("/api/v1/warehouse/lines/999999/photos", headers=staff_headers,
                          files={"file": ("stain.jpg", jpeg_bytes(), "image/jpeg")})
    assert nowhere.status_code == 404


def test_a_bad_rules_file_stops_the_start_up_with_its_line(settings, tmp_path):
    import dataclasses

    from backend.context import build_context
    from backend.domain.disposition import DispositionRulesError
    bad = tmp_path / "rules.yml"
    bad.write_text('version: "x"\ncurrency: EUR\ncategories: {default: {}}\n'
                   'recovery_percent: {restock: 100}\nrules:\n  - name: all\n    then: bin\n')
    with pytest.raises(DispositionRulesError) as caught:
        build_context(dataclasses.replace(settings, disposition_file=bad))
    assert "rules.yml" in str(caught.value)


def test_an_opened_hygiene_item_is_flagged_and_donated(client, ctx, staff_headers):
    """A product sold sealed for hygiene (pierced earrings are, among jewellery) carries the
    hygiene flag whatever its category: opened, it is donated, never restocked."""
    rma, line_id = received_return(client, staff_headers)
    with session_scope(ctx.sessions) as s:  # this test's own copy of the catalogue
        s.get(ReturnLine, line_id).order_line.variant.product.hygiene = True
    line = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A",
                                                 "flags": ["seal_broken"]}]).json()["lines"][0]
    assert line["mismatches"] == ["seal_broken_hygiene"]
    assert (line["disposition"], line["disposition_rule"]) == ("donate", "opened hygiene item")
    assert line_movements(ctx, line_id) == [("donate", "donate", 1)]


def test_a_failed_payment_leaves_the_return_inspected_and_retryable(client, ctx, staff_headers):
    from backend.adapters.payments.local import LocalPaymentProvider
    ctx.payments = LocalPaymentProvider(fail_next=1)
    rma, line_id = received_return(client, staff_headers)
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}])
    assert r.status_code == 200, r.text  # the inspection stands
    assert r.json()["status"] == "inspected"
    assert [f["status"] for f in r.json()["refunds"]] == ["failed"]
    retried = client.post(f"/api/v1/staff/refunds/{r.json()['refunds'][0]['id']}/retry", headers=staff_headers)
    assert retried.status_code == 200 and retried.json()["status"] == "refunded"


def test_the_customer_is_told_the_reduced_amount(client, ctx, staff_headers):
    # What the chat's status answer says: the money actually refunded, not the amount decided
    # before the warehouse took 10.00 off.
    rma, line_id = received_return(client, staff_headers)
    before = client.get(f"/api/v1/staff/returns/{rma}", headers=staff_headers).json()["money"]["refund_amount_minor"]
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C", "reduction_minor": 1000,
                                              "reduction_reason": "undeclared_damage"}])
    assert r.status_code == 200 and r.json()["status"] == "refunded"
    view = client.get(f"/api/v1/staff/returns/{rma}", headers=staff_headers).json()
    assert view["money"]["refund_reduction_minor"] == 1000
    paid = sum(x["amount_minor"] for x in view["refunds"])
    assert paid == before - 1000
    euros = f"{paid / 100:.2f}"
    assert euros in view["next_step"]["en"] and f"{before / 100:.2f}" not in view["next_step"]["en"]
    assert euros.replace(".", ",") in view["next_step"]["fr"]


def register(client, headers, **params) -> list[dict]:
    import csv as csv_module
    import io
    r = client.get("/api/v1/warehouse/disposal-register.csv", headers=headers, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv_module.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))


def test_the_disposal_register_records_what_left_stock(client, ctx, staff_headers):
    # A damaged battery (e-waste, dangerous goods) leaves stock; an as-new shirt does not.
    battery_rma, battery_line = received_return(client, staff_headers, order=BEN, category="electronics")
    inspect(client, staff_headers, battery_rma, [{"line_id": battery_line, "grade": "A",
                                                  "flags": ["battery", "battery_damaged"]}])
    shirt_rma, shirt_line = received_return(client, staff_headers)
    inspect(client, staff_headers, shirt_rma, [{"line_id": shirt_line, "grade": "A"}])
    rows = register(client, staff_headers)
    assert [r["rma"] for r in rows] == [battery_rma]
    [row] = rows
    assert (row["sku"], row["disposition"], row["units"]) == ("EARB-WLS-BLK", "recycle", "1")
    assert row["e_waste_record"] == "yes" and row["battery_hazard"] == "yes"
    assert "battery_hazard" in row["guards"].split() and row["rules_version"]
    assert int(row["value_minor"]) == int(row["unit_value_minor"]) > 0
    # A period before the inspection holds nothing.
    before = (ctx.today() - dt.timedelta(days=10)).isoformat()
    assert register(client, staff_headers, **{"from": before, "to": before}) == []
