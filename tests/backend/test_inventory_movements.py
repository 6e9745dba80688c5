"""Stock is explained, never overwritten: one movement per change, the stock row and its
movement in one transaction, and ``GET /api/v1/inventory/{sku}``."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from backend.db.models import InventoryItem, InventoryMovement, Variant
from backend.db.session import session_scope
from backend.services import inventory
from backend.services.errors import Conflict
from tests.backend.conftest import customer_headers
from tests.backend.test_api_returns import ALICE, BEN, create, line_by_category, returnable
from tests.backend.test_api_staff import move
from tests.backend.test_staff_auth import anon, clock, role_headers  # noqa: F401 (fixtures)
from tests.backend.test_warehouse_inspection import (
    SHIRT,
    WAREHOUSE,
    assert_stock_is_sum_of_movements,
    inspect,
    line_movements,
    received_return,
    stock,
)


def test_the_seeded_stock_is_the_sum_of_its_opening_movements(ctx):
    assert_stock_is_sum_of_movements(ctx)
    with ctx.sessions() as s:
        kinds = {m.kind for m in s.execute(select(InventoryMovement)).scalars()}
    assert kinds == {"opening"}


def test_a_write_off_records_units_and_value_without_stock(client, ctx, staff_headers):
    """Cheap damaged mugs (EUR 12.00, grade C) are donated: counted, not kept."""
    rma, line_id = received_return(client, staff_headers, order=BEN, category="home")
    with ctx.sessions() as s:
        rows_before = len(s.execute(select(InventoryItem)).scalars().all())
    line = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "C"}]).json()["lines"][0]
    assert (line["disposition"], line["value_recovered_minor"]) == ("donate", 0)
    with ctx.sessions() as s:
        m = s.execute(select(InventoryMovement).where(InventoryMovement.return_line_id == line_id)).scalar_one()
        assert (m.kind, m.state, m.quantity, m.unit_value_minor, m.location) == ("donate", "donate", 1, 1200, WAREHOUSE)
        assert len(s.execute(select(InventoryItem)).scalars().all()) == rows_before  # no stock row for donations
    assert_stock_is_sum_of_movements(ctx)


def test_an_exchange_shipped_is_a_movement(client, ctx, staff_headers):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    body = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], "reason_code": "wrong_size",
                                                  "resolution": "exchange", "exchange_sku": "SHIRT-LIN-WHT-L"}]).json()
    rma, line_id = body["rma"], body["lines"][0]["id"]
    assert move(client, staff_headers, rma, "received").status_code == 200
    large_before = stock(ctx, "SHIRT-LIN-WHT-L")
    r = inspect(client, staff_headers, rma, [{"line_id": line_id, "grade": "A"}])
    assert r.status_code == 200 and r.json()["status"] == "exchanged", r.text
    assert stock(ctx, "SHIRT-LIN-WHT-L") == large_before - 1
    with ctx.sessions() as s:
        shipped = s.execute(select(InventoryMovement).where(InventoryMovement.kind == "exchange_shipped")).scalar_one()
        assert (shipped.quantity, shipped.state, shipped.return_line_id) == (-1, "sellable", line_id)
    assert line_movements(ctx, line_id)[0] == ("restock", "sellable", 1)
    assert_stock_is_sum_of_movements(ctx)


def test_a_movement_never_takes_stock_below_zero(ctx):
    with session_scope(ctx.sessions) as s:
        variant = s.execute(select(Variant).where(Variant.sku == SHIRT)).scalar_one()
        variant_id = variant.id
    with pytest.raises(Conflict):
        with session_scope(ctx.sessions) as s:
            inventory.record_movement(s, variant_id=variant_id, location=WAREHOUSE, state="sellable_b",
                                      quantity=-1, kind="sold", unit_value_minor=0, actor="test",
                                      at=dt.datetime(2026, 12, 5))
    assert stock(ctx, SHIRT, "sellable_b") == 0
    assert_stock_is_sum_of_movements(ctx)


def test_inventory_of_a_sku(client, ctx, staff_headers):
    got = client.get(f"/api/v1/inventory/{SHIRT}", headers=staff_headers)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["sku"] == SHIRT and body["name"]["en"].startswith("Linen shirt")
    assert body["name"]["fr"].startswith("Chemise en lin")
    assert body["on_hand"] == 17  # 14 at the warehouse, 3 in the store (the seed's fixed stock)
    assert body["by_state"] == {"sellable": 17, "sellable_b": 0, "refurbish": 0, "resale_hold": 0}
    assert sorted((l["location"], l["state"], l["on_hand"]) for l in body["locations"]) == [
        (WAREHOUSE, "sellable", 14), ("paris-store", "sellable", 3)]
    assert sum(m["quantity"] for m in body["movements"]) == 17
    assert all(dt.datetime.fromisoformat(m["at"]).tzinfo is not None for m in body["movements"])
    nope = client.get("/api/v1/inventory/NO-SUCH-SKU", headers=staff_headers)
    assert nope.status_code == 404
    assert "NO-SUCH-SKU" in nope.json()["error"]["message"] and "NO-SUCH-SKU" in nope.json()["error"]["message_fr"]


def test_inventory_is_for_staff_only_and_every_role_may_read_it(anon, role_headers):  # noqa: F811
    assert anon.get(f"/api/v1/inventory/{SHIRT}").status_code == 401
    for role, headers in role_headers.items():  # agents check stock before offering an exchange
        assert anon.get(f"/api/v1/inventory/{SHIRT}", headers=headers).status_code == 200, role
