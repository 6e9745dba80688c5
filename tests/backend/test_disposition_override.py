"""A person overrides the rules' disposition: with a reason, audited, still under the law,
and the stock follows by compensating movements (never an edit)."""
from __future__ import annotations

from sqlalchemy import select

from backend.db.models import DispositionOverride, InventoryItem, ReturnLine, Variant
from backend.db.session import session_scope
from tests.backend.test_api_staff import move
from tests.backend.test_staff_auth import error_code
from tests.backend.test_warehouse_inspection import (
    SHIRT,
    assert_stock_is_sum_of_movements,
    inspect,
    line_movements,
    received_return,
    stock,
)


def override(client, headers, line_id, **body):
    return client.post(f"/api/v1/warehouse/lines/{line_id}/disposition", headers=headers, json=body)


def inspected(client, staff_headers, grade="B", **extra) -> tuple[str, int]:
    rma, line_id = received_return(client, staff_headers)
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": grade, **extra}])
    assert r.status_code == 200, r.text
    return rma, line_id


def test_an_override_moves_the_units_and_is_audited(client, ctx, staff_headers):
    rma, line_id = inspected(client, staff_headers, "B")  # rules: resale_hold
    sellable = stock(ctx, SHIRT)
    r = override(client, staff_headers, line_id, disposition="restock",
                 reason="pressed and folded, as new")
    assert r.status_code == 200, r.text
    line = r.json()["lines"][0]
    assert line["disposition"] == "restock" and line["disposition_rule"] == "staff override"
    assert (line["recovery_percent"], line["value_recovered_minor"]) == (100, 5900)
    assert [(o["from_disposition"], o["to_disposition"], o["reason"], o["actor"]) for o in line["overrides"]] == [
        ("resale_hold", "restock", "pressed and folded, as new", "staff-token")]
    assert "pressed and folded" in line["disposition_explanation"]["en"]
    assert "remplacé par" in line["disposition_explanation"]["fr"]
    assert stock(ctx, SHIRT, "resale_hold") == 0 and stock(ctx, SHIRT) == sellable + 1
    assert line_movements(ctx, line_id) == [("resale_hold", "resale_hold", 1),
                                            ("override_reversal", "resale_hold", -1),
                                            ("override", "sellable", 1)]
    with ctx.sessions() as s:
        rows = s.execute(select(DispositionOverride)).scalars().all()
        assert [(o.return_line_id, o.from_disposition, o.to_disposition) for o in rows] == [
            (line_id, "resale_hold", "restock")]
    assert_stock_is_sum_of_movements(ctx)


def test_the_law_refuses_destroying_a_resellable_item(client, ctx, staff_headers):
    _, line_id = inspected(client, staff_headers, "A")
    r = override(client, staff_headers, line_id, disposition="recycle", reason="no room on the shelf")
    assert r.status_code == 422
    assert error_code(r) == "disposition_refused_by_law"
    assert "L541-15-8" in r.json()["error"]["message"] and "L541-15-8" in r.json()["error"]["message_fr"]
    assert r.json()["error"]["lawful_disposition"] == "resale_hold"
    no_exception = override(client, staff_headers, line_id, disposition="dispose", reason="no room at all")
    assert no_exception.status_code == 422 and error_code(no_exception) == "disposition_exception_invalid"
    unbacked = override(client, staff_headers, line_id, disposition="dispose", reason="no room at all",
                        exception="hazardous")  # the inspection did not flag it hazardous
    assert unbacked.status_code == 422 and error_code(unbacked) == "disposition_refused_by_law"
    with ctx.sessions() as s:
        assert s.get(ReturnLine, line_id).disposition == "restock"
        assert s.execute(select(DispositionOverride)).first() is None
    assert line_movements(ctx, line_id) == [("restock", "sellable", 1)]


def test_an_override_needs_a_reason_an_inspected_line_and_a_change(client, ctx, staff_headers):
    _, line_id = inspected(client, staff_headers, "B")
    short = override(client, staff_headers, line_id, disposition="restock", reason="ok ")
    assert short.status_code == 422 and error_code(short) == "disposition_override_reason"
    missing = client.post(f"/api/v1/warehouse/lines/{line_id}/disposition", headers=staff_headers,
                          json={"disposition": "restock"})
    assert missing.status_code == 422
    unknown = override(client, staff_headers, line_id, disposition="bin", reason="because I can")
    assert unknown.status_code == 422 and error_code(unknown) == "invalid_disposition"
    same = override(client, staff_headers, line_id, disposition="resale_hold", reason="just to be sure")
    assert same.status_code == 409 and error_code(same) == "disposition_unchanged"
    nowhere = override(client, staff_headers, 999999, disposition="restock", reason="a fine reason")
    assert nowhere.status_code == 404
    # A line not inspected yet has nothing to override.
    _, fresh = received_return(client, staff_headers, category="home")
    early = override(client, staff_headers, fresh, disposition="restock", reason="a fine reason")
    assert early.status_code == 409 and error_code(early) == "line_not_inspected"


def test_units_already_sold_cannot_be_taken_back(client, ctx, staff_headers):
    """A restocked unit reserved for an exchange since: the override would take stock that is
    promised, so it is refused and nothing moves."""
    _, line_id = inspected(client, staff_headers, "A")
    with session_scope(ctx.sessions) as s:
        item = s.execute(select(InventoryItem).join(Variant).where(
            Variant.sku == SHIRT, InventoryItem.location == "main-warehouse",
            InventoryItem.state == "sellable")).scalar_one()
        item.reserved = item.on_hand  # every unit promised
    r = override(client, staff_headers, line_id, disposition="resale_hold", reason="outlet instead")
    assert r.status_code == 409 and error_code(r) == "stock_units_gone"
    assert line_movements(ctx, line_id) == [("restock", "sellable", 1)]


def test_the_generic_route_decides_by_the_rules_and_checks_the_law(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    refused = move(client, staff_headers, rma, "inspected", grades={str(line_id): "A"},
                   dispositions={str(line_id): "dispose"})
    assert refused.status_code == 422
    r = move(client, staff_headers, rma, "inspected", grades={str(line_id): "B"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "inspected"  # that route moves one step at a time
    assert r.json()["lines"][0]["disposition"] == "resale_hold"
    assert line_movements(ctx, line_id) == [("resale_hold", "resale_hold", 1)]


def test_a_disposition_chosen_on_the_generic_route_is_kept_and_audited(client, ctx, staff_headers):
    rma, line_id = received_return(client, staff_headers)
    r = move(client, staff_headers, rma, "inspected", grades={str(line_id): "B"},
             dispositions={str(line_id): "restock"})
    assert r.status_code == 200, r.text
    assert r.json()["lines"][0]["disposition"] == "restock"
    with ctx.sessions() as s:
        rows = s.execute(select(DispositionOverride)).scalars().all()
        assert [(o.return_line_id, o.from_disposition, o.to_disposition) for o in rows] == [
            (line_id, "resale_hold", "restock")]
    assert line_movements(ctx, line_id) == [("restock", "sellable", 1)]
