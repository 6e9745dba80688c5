"""The measures (GET /api/v1/kpis and /kpis.csv): every figure of a small fixed history,
written in the test in March 2021 (years before anything the demo seed writes), checked
against the value worked out by hand in the comments; the CSV; who may ask (401/403) and
which periods are refused (422). On SQLite and PostgreSQL (conftest)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.db.models import (
    Customer,
    InventoryMovement,
    Label,
    Order,
    OrderLine,
    Refund,
    ReturnLine,
    ReturnRequest,
    ReturnStatusChange,
    Variant,
)
from backend.db.session import session_scope
from backend.domain.staff import ROLES
from backend.services import staff_accounts
from tests.backend.conftest import STAFF_TOKEN

PASSWORD = "correct horse battery staple"
PERIOD = {"from": "2021-03-01", "to": "2021-03-14"}  # Monday 1 to Sunday 14 March: two weeks
H = dt.timedelta(hours=1)


def at(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2021, 3, day, hour)


@pytest.fixture
def anon(ctx) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


ADMIN = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def _history(ctx) -> None:
    """Four orders, five return requests (two of which never became returns)."""
    with session_scope(ctx.sessions) as s:
        v = {sku: s.execute(select(Variant).where(Variant.sku == sku)).scalar_one() for sku in (
            "SHIRT-LIN-BLU-M", "LAMP-TBL-BLK", "SNKR-LTH-WHT-40", "EARB-WLS-WHT", "SWTR-MER-GRY-M")}
        who = Customer(email="kpi@example.com", name="Kay Pi", preferred_language="en")
        s.add(who)

        def order(number: str, delivered: dt.date, *lines: tuple[str, int, int]) -> Order:
            o = Order(number=number, customer=who, currency="EUR", ordered_at=dt.datetime.combine(
                delivered - dt.timedelta(days=3), dt.time(9)), delivered_on=delivered, ship_name="Kay Pi",
                ship_line1="1 rue", ship_city="Lyon", ship_postcode="69001", ship_country="FR")
            for sku, qty, paid in lines:
                o.lines.append(OrderLine(variant=v[sku], quantity=qty, unit_price_minor=v[sku].price_minor,
                                         discount_minor=v[sku].price_minor * qty - paid, paid_minor=paid))
            s.add(o)
            return o

        # In the period: O1 (2 shirts 11800 + lamp 8900), O2 (sneakers 11900 - 1900 = 10000), O3 (earbuds 7990).
        o1 = order("BM-900001", dt.date(2021, 3, 2), ("SHIRT-LIN-BLU-M", 2, 11800), ("LAMP-TBL-BLK", 1, 8900))
        o2 = order("BM-900002", dt.date(2021, 3, 9), ("SNKR-LTH-WHT-40", 1, 10000))
        o3 = order("BM-900003", dt.date(2021, 3, 10), ("EARB-WLS-WHT", 1, 7990))
        # Before it: O4, a sweater 8900, returned in the period.
        o4 = order("BM-900004", dt.date(2021, 2, 20), ("SWTR-MER-GRY-M", 1, 8900))
        s.flush()

        def ret(rma: str, o: Order, line: OrderLine, reason: str, path: list[tuple[str, dt.datetime]], *,
                resolution: str = "refund", due: dt.date | None = None, refund: int = 0) -> ReturnRequest:
            r = ReturnRequest(rma=rma, order=o, customer=who, status=path[-1][0], currency="EUR", policy_version="t",
                              refund_amount_minor=refund, refund_due_on=due, created_at=path[0][1],
                              updated_at=path[-1][1], decision_reasons=[])
            r.lines.append(ReturnLine(order_line=line, quantity=1, reason_code=reason, resolution=resolution,
                                      refund_amount_minor=refund, decision_reasons=[]))
            previous = None
            for status, moment in path:
                r.history.append(ReturnStatusChange(from_status=previous, to_status=status, actor="t",
                                                    created_at=moment))
                previous = status
            s.add(r)
            return r

        # R1: a shirt, wrong size. Label after 2 h, carrier scan 24 h later, received 48 h after, inspected
        # 6 h later (grade A, restocked 24 h after receipt), refunded 24 h after inspection (104 h after the
        # request), deadline 14 March: on time.
        r1 = ret("R-KPI-0001", o1, o1.lines[0], "wrong_size", [
            ("requested", at(4, 10)), ("approved", at(4, 10)), ("label_issued", at(4, 12)), ("in_transit", at(5, 12)),
            ("received", at(7, 12)), ("inspected", at(7, 18)), ("refunded", at(8, 18)), ("closed", at(9, 9))],
            due=dt.date(2021, 3, 14), refund=5900)
        # R2: the lamp, damaged. Label after 4 h, scan 20 h later, received, inspected 24 h later (grade C,
        # refurbish at 60 %: 5340 of 8900), refunded 72 h after inspection (168 h after the request),
        # deadline 10 March: late.
        r2 = ret("R-KPI-0002", o1, o1.lines[1], "damaged", [
            ("requested", at(5, 9)), ("approved", at(5, 9)), ("label_issued", at(5, 13)), ("in_transit", at(6, 9)),
            ("received", at(8, 9)), ("inspected", at(9, 9)), ("refunded", at(12, 9))],
            due=dt.date(2021, 3, 10), refund=8900)
        # R3: the sweater of O4, changed mind, store credit; label after 1 h and nothing since; deadline
        # 12 March passed unpaid: late.
        r3 = ret("R-KPI-0003", o4, o4.lines[0], "changed_mind", [
            ("requested", at(10, 15)), ("approved", at(10, 15)), ("label_issued", at(10, 16))],
            resolution="store_credit", due=dt.date(2021, 3, 12), refund=8900)
        # R4 (rejected) and R5 (cancelled) are requests, not returns: in no figure but `requests`.
        ret("R-KPI-0004", o3, o3.lines[0], "defective", [("requested", at(11, 8)), ("rejected", at(11, 9))],
            due=dt.date(2021, 3, 13), refund=7990)
        ret("R-KPI-0005", o2, o2.lines[0], "wrong_size", [("requested", at(12, 8)), ("cancelled", at(12, 9))])
        s.flush()

        l1, l2 = r1.lines[0], r2.lines[0]
        l1.received_quantity, l1.grade, l1.inspected_at = 1, "A", at(7, 18)
        l1.disposition, l1.recovery_percent, l1.value_recovered_minor = "restock", 100, 5900
        l2.received_quantity, l2.grade, l2.inspected_at = 1, "C", at(9, 9)
        l2.disposition, l2.recovery_percent, l2.value_recovered_minor = "refurbish", 60, 5340
        s.add(InventoryMovement(variant_id=v["SHIRT-LIN-BLU-M"].id, location="main-warehouse", state="sellable",
                                quantity=1, kind="restock", unit_value_minor=5900, return_line_id=l1.id,
                                actor="t", created_at=at(8, 12)))
        s.add(InventoryMovement(variant_id=v["LAMP-TBL-BLK"].id, location="main-warehouse", state="refurbish",
                                quantity=1, kind="refurbish", unit_value_minor=8900, return_line_id=l2.id,
                                actor="t", created_at=at(9, 9)))
        for r, cost, made in ((r1, 500, at(4, 12)), (r2, 700, at(5, 13)), (r3, 600, at(10, 16))):
            s.add(Label(return_request=r, carrier="local", tracking_number=f"T{r.rma}", download_token=f"tok-{r.rma}",
                        storage_path="/dev/null", cost_minor=cost, created_at=made, expires_at=made + 30 * 24 * H))
        s.add(Refund(return_request=r1, amount_minor=5900, currency="EUR", method="original_payment",
                     status="issued", provider="local", created_at=at(8, 17), issued_at=at(8, 18)))
        s.add(Refund(return_request=r2, amount_minor=8900, currency="EUR", method="original_payment",
                     status="issued", provider="local", created_at=at(12, 8), issued_at=at(12, 9)))


def test_every_figure_of_a_fixed_history(ctx, anon):
    _history(ctx)
    r = anon.get("/api/v1/kpis", params=PERIOD, headers=ADMIN)
    assert r.status_code == 200, r.text
    k = r.json()
    assert k["period"] == {"from": "2021-03-01", "to": "2021-03-14", "days": 14}
    assert k["currency"] == "EUR"
    # Delivered in the period: O1, O2, O3; units 2 + 1 + 1 + 1 = 5; paid 11800 + 8900 + 10000 + 7990 = 38690.
    assert k["deliveries"] == {"orders": 3, "units": 5, "value_minor": 38690}
    # Requested: R1..R5 = 5; returns R1, R2, R3 on orders O1 and O4; units 3; value 5900 (11800 / 2) + 8900 + 8900.
    assert k["returns"] == {"requests": 5, "returns": 3, "orders": 2, "units": 3, "value_minor": 23700}
    assert k["return_rate_units"] == 0.6  # 3 / 5
    assert k["return_rate_orders"] == 0.6667  # 2 / 3
    assert k["return_rate_value"] == 0.6126  # 23700 / 38690 = 0.61256
    # The cohort of O1..O3: only O1 has returns (R1, R2); R4 was rejected, R5 cancelled.
    assert k["cohort"] == {"orders": 3, "units": 5, "value_minor": 38690, "orders_returned": 1,
                           "units_returned": 2, "value_returned_minor": 14800,
                           "return_rate_orders": 0.3333, "return_rate_units": 0.4,
                           "return_rate_value": 0.3825}  # 14800 / 38690 = 0.38253
    steps = {row["key"]: row for row in k["processing"]}
    assert [row["key"] for row in k["processing"]] == ["request_to_label", "label_to_carrier_scan",
                                                       "received_to_inspected", "inspected_to_refunded",
                                                       "request_to_refunded", "dock_to_stock"]
    # Nearest rank: the median of n values is the ceil(n/2)-th, the p90 the ceil(0.9 n)-th.
    assert steps["request_to_label"] == {"key": "request_to_label", "count": 3, "median_hours": 2.0,
                                         "p90_hours": 4.0}  # 1, 2, 4
    assert steps["label_to_carrier_scan"] == {"key": "label_to_carrier_scan", "count": 2, "median_hours": 20.0,
                                              "p90_hours": 24.0}  # 20, 24
    assert (steps["received_to_inspected"]["count"], steps["received_to_inspected"]["median_hours"],
            steps["received_to_inspected"]["p90_hours"]) == (2, 6.0, 24.0)
    assert (steps["inspected_to_refunded"]["median_hours"], steps["inspected_to_refunded"]["p90_hours"]) == (24.0, 72.0)
    # 4 March 10:00 → 8 March 18:00 = 104 h; 5 March 09:00 → 12 March 09:00 = 168 h.
    assert (steps["request_to_refunded"]["median_hours"], steps["request_to_refunded"]["p90_hours"]) == (104.0, 168.0)
    # Only R1 was restocked: received 7 March 12:00, on the shelf 8 March 12:00.
    assert steps["dock_to_stock"] == {"key": "dock_to_stock", "count": 1, "median_hours": 24.0, "p90_hours": 24.0}
    # Deadlines in the period: R1 (paid 8th, due 14th: on time), R2 (paid 12th, due 10th, its parcel back
    # before: late), R3 (unpaid, due 12th, but its parcel was neither scanned nor received: the law lets
    # the refund wait for it, L221-24: not due yet); R4's does not count (rejected). 1 / (1 + 1) = 0.5.
    assert k["refund_deadline"] == {"due": 3, "on_time": 1, "late": 1, "not_due_yet": 1, "share_on_time": 0.5}
    assert k["refund_on_time_rate"] == 0.5
    # Inspected: the shirt (5900, all recovered) and the lamp (8900, 60 % = 5340): 11240 / 14800 = 0.75946.
    assert k["recovery"] == {"lines": 2, "units": 2, "value_minor": 14800, "value_recovered_minor": 11240}
    assert k["recovery_rate"] == 0.7595
    assert k["diversion_rate"] == 1.0  # nothing disposed of
    mix = {row["key"]: row for row in k["disposition_mix"]}
    assert list(mix) == ["restock", "refurbish", "return_to_vendor", "resale_hold", "donate", "recycle", "dispose"]
    assert mix["restock"] == {"key": "restock", "lines": 1, "units": 1, "value_minor": 5900,
                              "value_recovered_minor": 5900, "share_of_units": 0.5, "recovery_rate": 1.0}
    assert mix["refurbish"] == {"key": "refurbish", "lines": 1, "units": 1, "value_minor": 8900,
                                "value_recovered_minor": 5340, "share_of_units": 0.5, "recovery_rate": 0.6}
    assert mix["dispose"] == {"key": "dispose", "lines": 0, "units": 0, "value_minor": 0,
                              "value_recovered_minor": 0, "share_of_units": 0.0, "recovery_rate": None}
    # By category, against the period's deliveries: apparel delivered 2 shirts (11800), returned a shirt and
    # the sweater sold in February (5900 + 8900): 2 / 2 units, 14800 / 11800 = 1.2542 of the value.
    cats = k["by_category"]
    assert [c["key"] for c in cats] == ["apparel", "home", "electronics", "shoes"]
    assert cats[0] == {"key": "apparel", "units_delivered": 2, "value_delivered_minor": 11800, "lines": 2,
                       "units_returned": 2, "value_returned_minor": 14800, "return_rate_units": 1.0,
                       "return_rate_value": 1.2542}
    assert cats[1]["return_rate_units"] == 1.0 and cats[1]["value_returned_minor"] == 8900
    assert cats[3] == {"key": "shoes", "units_delivered": 1, "value_delivered_minor": 10000, "lines": 0,
                       "units_returned": 0, "value_returned_minor": 0, "return_rate_units": 0.0,
                       "return_rate_value": 0.0}  # R5 was cancelled
    products = k["by_product"]
    assert [p["name"]["en"] for p in products] == ["Linen shirt", "Table lamp", "Merino wool sweater"]
    assert products[0]["name"]["fr"] == "Chemise en lin" and products[0]["category"] == "apparel"
    assert products[0]["return_rate_units"] == 0.5  # 1 of 2 shirts
    assert products[2]["units_delivered"] == 0 and products[2]["return_rate_units"] is None
    # Reasons, most units first, then most value: one unit each, 1 / 3 of the returned units, 1 / 5 delivered.
    assert k["by_reason"] == [
        {"key": "changed_mind", "lines": 1, "units": 1, "value_minor": 8900, "share_of_returned_units": 0.3333,
         "return_rate_units": 0.2},
        {"key": "damaged", "lines": 1, "units": 1, "value_minor": 8900, "share_of_returned_units": 0.3333,
         "return_rate_units": 0.2},
        {"key": "wrong_size", "lines": 1, "units": 1, "value_minor": 5900, "share_of_returned_units": 0.3333,
         "return_rate_units": 0.2}]
    # Labels: 500 + 700 + 600 = 1800 for 3 returns, + 3 × 350 handling = 2850: 950 a return.
    assert k["costs"] == {"returns_with_label": 3, "labels": 3, "label_cost_minor": 1800,
                          "handling_cost_per_return_minor": 350, "handling_cost_minor": 1050,
                          "total_cost_minor": 2850, "cost_per_return_minor": 950}
    assert k["cost_per_return_minor"] == 950
    assert k["refunds_issued"] == {"count": 2, "amount_minor": 14800}
    # Week of 1 March: O1 delivered (3 units, 20700), R1 and R2 asked (2 units, 14800), R1 inspected.
    # Week of 8 March: O2 and O3 (2 units, 17990), R3 (1 unit, 8900), R2 inspected (5340 of 8900).
    assert k["weekly"] == [
        {"week_start": "2021-03-01", "returns": 2, "units": 2, "value_minor": 14800, "units_delivered": 3,
         "value_delivered_minor": 20700, "return_rate_units": 0.6667, "inspected_units": 1,
         "value_inspected_minor": 5900, "value_recovered_minor": 5900, "recovery_rate": 1.0},
        {"week_start": "2021-03-08", "returns": 1, "units": 1, "value_minor": 8900, "units_delivered": 2,
         "value_delivered_minor": 17990, "return_rate_units": 0.5, "inspected_units": 1,
         "value_inspected_minor": 8900, "value_recovered_minor": 5340, "recovery_rate": 0.6}]


def test_a_period_only_counts_its_own_days(ctx, anon):
    """From Tuesday 2 to Saturday 6 March: O1 only; R1 and R2 asked; R1 inspected on the 7th is out."""
    _history(ctx)
    k = anon.get("/api/v1/kpis", params={"from": "2021-03-02", "to": "2021-03-06"}, headers=ADMIN).json()
    assert k["deliveries"] == {"orders": 1, "units": 3, "value_minor": 20700}
    assert k["returns"]["returns"] == 2 and k["return_rate_units"] == 0.6667  # 2 / 3
    assert k["recovery_rate"] is None and k["recovery"]["units"] == 0
    assert [w["week_start"] for w in k["weekly"]] == ["2021-03-01"]  # the Monday, though the 1st is outside
    # Nothing ended yet but labels (R1 at 12:00 on the 4th, R2 at 13:00 on the 5th) and scans (R1, R2).
    steps = {row["key"]: row["count"] for row in k["processing"]}
    assert steps == {"request_to_label": 2, "label_to_carrier_scan": 2, "received_to_inspected": 0,
                     "inspected_to_refunded": 0, "request_to_refunded": 0, "dock_to_stock": 0}


def test_an_empty_period_has_no_rates(ctx, anon):
    k = anon.get("/api/v1/kpis", params={"from": "2010-01-04", "to": "2010-01-10"}, headers=ADMIN).json()
    assert k["return_rate_units"] is None and k["recovery_rate"] is None and k["cost_per_return_minor"] is None
    assert k["by_category"] == [] and k["by_reason"] == [] and len(k["weekly"]) == 1


def test_the_csv_holds_the_same_figures(ctx, anon):
    _history(ctx)
    r = anon.get("/api/v1/kpis.csv", params=PERIOD, headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="boomerang-kpis-2021-03-01-2021-03-14.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["metric", "dimension", "key", "name", "value"]
    got = {tuple(row[:3]): row[3:] for row in rows[1:]}
    assert got[("period_from", "", "")] == ["", "2021-03-01"]
    assert got[("return_rate_units", "", "")] == ["", "0.6"]
    assert got[("returns_value_minor", "", "")] == ["", "23700"]
    assert got[("cost_per_return_minor", "", "")] == ["", "950"]
    assert got[("recovery_rate", "", "")] == ["", "0.7595"]
    assert got[("units_returned", "category", "apparel")] == ["", "2"]
    assert got[("median_hours", "step", "request_to_refunded")] == ["", "104.0"]
    assert got[("value_recovered_minor", "disposition", "refurbish")] == ["", "5340"]
    assert got[("recovery_rate", "disposition", "dispose")] == ["", ""]  # no base: empty, not 0
    assert got[("units", "reason", "wrong_size")] == ["", "1"]
    assert got[("returns", "week", "2021-03-08")] == ["", "1"]
    shirt = next(row for row in rows if row[1] == "product" and row[3] == "Linen shirt" and row[0] == "units_returned")
    assert shirt[4] == "1"
    # Every figure of the JSON's lists is a row: 6 steps × 3 figures, 7 dispositions × 6, 2 weeks × 10.
    assert sum(1 for row in rows if row[1] == "step") == 18
    assert sum(1 for row in rows if row[1] == "disposition") == 42
    assert sum(1 for row in rows if row[1] == "week") == 20


def test_the_default_period_is_the_last_90_days(ctx, anon):
    k = anon.get("/api/v1/kpis", headers=ADMIN).json()
    today = ctx.today()
    assert k["period"] == {"from": (today - dt.timedelta(days=89)).isoformat(), "to": today.isoformat(), "days": 90}
    only_from = anon.get("/api/v1/kpis", params={"from": "2026-01-01", "to": "2026-01-31"}, headers=ADMIN).json()
    assert only_from["period"]["days"] == 31


@pytest.mark.parametrize("params, code", [
    ({"from": "2021-03-14", "to": "2021-03-01"}, "kpi_range_reversed"),
    ({"from": "2020-01-01", "to": "2021-01-01"}, "kpi_range_too_long"),  # 367 days
    ({"from": "2021-02-30"}, "invalid_request"),
    ({"to": "9999-12-31"}, "kpi_date_out_of_range"),  # the day after would overflow
    ({"from": "0001-01-01", "to": "0001-01-07"}, "kpi_date_out_of_range"),
    ({"to": "yesterday"}, "invalid_request"),
])
def test_bad_periods_are_refused_in_both_languages(anon, params, code):
    for path in ("/api/v1/kpis", "/api/v1/kpis.csv", "/api/v1/warehouse/disposal-register.csv"):
        r = anon.get(path, params=params, headers=ADMIN)
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == code and error["message"] != error["message_fr"]


def test_a_full_leap_year_is_allowed(anon):
    r = anon.get("/api/v1/kpis", params={"from": "2020-01-01", "to": "2020-12-31"}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["period"]["days"] == 366


def test_warehouse_and_managers_may_read_agents_may_not(ctx, anon):
    with session_scope(ctx.sessions) as s:
        for role in ROLES:
            staff_accounts.create_account(s, email=f"{role}@shop.example", role=role, password=PASSWORD,
                                          name=role, now=ctx.now())
    for path in ("/api/v1/kpis", "/api/v1/kpis.csv", "/api/v1/warehouse/disposal-register.csv"):
        assert anon.get(path).status_code == 401
        assert anon.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
        for role in ROLES:
            login = anon.post("/api/v1/auth/login", json={"email": f"{role}@shop.example", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            r = anon.get(path, headers=headers)
            if role == "agent":
                assert r.status_code == 403 and r.json()["error"]["code"] == "staff_role_forbidden"
            else:
                assert r.status_code == 200, (role, r.text)


def test_openapi_documents_the_answer(anon):
    spec = anon.get("/openapi.json").json()
    ok = spec["paths"]["/api/v1/kpis"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/KpisOut")
    schema = spec["components"]["schemas"]["KpisOut"]
    for field in ("return_rate_units", "return_rate_orders", "return_rate_value", "recovery_rate", "weekly",
                  "by_category", "by_reason", "disposition_mix", "processing"):
        assert field in schema["properties"]
    params = {p["name"] for p in spec["paths"]["/api/v1/kpis"]["get"]["parameters"] if p["in"] == "query"}
    assert params == {"from", "to"}
    assert "text/csv" in spec["paths"]["/api/v1/kpis.csv"]["get"]["responses"]["200"]["content"]


# --- the seeded quarter (backend.demo.history) ------------------------------------------------

def _seed_quarter(ctx):
    from backend.bootstrap import seed_demo_history
    return seed_demo_history(ctx.engine)


def test_the_seeded_quarter_gives_plausible_figures(ctx, anon):
    with ctx.sessions() as s:
        before = s.execute(select(Order.number, Order.delivered_on).where(Order.number.like("BM-1%"))
                           .order_by(Order.number)).all()
        shirt_s = s.execute(select(Variant).where(Variant.sku == "SHIRT-LIN-WHT-S")).scalar_one()
        stock_before = _stock(s)
    summary = _seed_quarter(ctx)
    assert not summary.skipped and summary.orders > 400 and summary.returns > 80
    assert _seed_quarter(ctx).skipped  # once
    k = anon.get("/api/v1/kpis", headers=ADMIN).json()  # the last 90 days
    assert 0.05 <= k["return_rate_units"] <= 0.40
    assert 0.05 <= k["return_rate_orders"] <= 0.40 and 0.05 <= k["return_rate_value"] <= 0.40
    assert 0.05 <= k["cohort"]["return_rate_units"] <= 0.40
    assert 0.4 <= k["recovery_rate"] <= 0.95
    assert k["returns"]["requests"] > k["returns"]["returns"] > 80  # some rejected, cancelled, expired
    assert 0.5 <= k["refund_on_time_rate"] < 1 and k["refund_deadline"]["late"] > 0
    assert 300 <= k["cost_per_return_minor"] <= 1500
    steps = {row["key"]: row for row in k["processing"]}
    assert all(row["count"] > 10 and row["median_hours"] <= row["p90_hours"] for row in steps.values())
    assert steps["request_to_label"]["median_hours"] < 1 < steps["request_to_refunded"]["median_hours"]
    mix = {row["key"]: row["units"] for row in k["disposition_mix"]}
    assert mix["restock"] > mix["refurbish"] > 0 and mix["resale_hold"] > 0
    by_category = {row["key"]: row["return_rate_units"] for row in k["by_category"]}
    assert by_category["apparel"] > by_category["home"]  # clothes come back more often
    assert k["by_reason"][0]["key"] == "wrong_size"
    assert len(k["weekly"]) in (13, 14) and sum(1 for w in k["weekly"] if w["returns"] > 0) >= 12
    with ctx.sessions() as s:
        # The demo orders and the stock the fixtures rely on are untouched.
        assert s.execute(select(Order.number, Order.delivered_on).where(Order.number.like("BM-1%"))
                         .order_by(Order.number)).all() == before
        from backend.db.models import InventoryItem
        assert {i.on_hand for i in s.execute(select(InventoryItem).where(
            InventoryItem.variant_id == shirt_s.id)).scalars()} == {0}
        emails = s.execute(select(Customer.email).join(Order).where(Order.number.like("BM-3%"))).scalars().all()
        assert emails and all(e.startswith("history-") and e.endswith("@example.com") for e in emails)
        # Every disposition came from the real rules file.
        versions = set(s.execute(select(ReturnLine.disposition_rules_version).join(OrderLine).join(Order).where(
            Order.number.like("BM-3%"), ReturnLine.disposition.is_not(None))).scalars())
        assert versions == {"2026.12-1"}
        # Stock is explained by its movements: every change the quarter made is one.
        moved: dict[tuple, int] = {}
        for variant_id, location, state, quantity in s.execute(select(
                InventoryMovement.variant_id, InventoryMovement.location, InventoryMovement.state,
                InventoryMovement.quantity).where(InventoryMovement.actor == "seed:history")):
            moved[(variant_id, location, state)] = moved.get((variant_id, location, state), 0) + quantity
        stock_after = _stock(s)
        kept = {key: n for key, n in moved.items() if key[2] in ("sellable", "sellable_b", "refurbish", "resale_hold")}
        assert kept and all(stock_after[key] - stock_before.get(key, 0) == n for key, n in kept.items())
        assert {key: n for key, n in stock_after.items() if n != stock_before.get(key, 0)} == {
            key: stock_before.get(key, 0) + n for key, n in kept.items() if n}
        gone = {key[2] for key in moved} - {"sellable", "sellable_b", "refurbish", "resale_hold"}
        assert gone and gone <= {"recycle", "donate", "return_to_vendor", "dispose"}


def _stock(s) -> dict[tuple, int]:
    from backend.db.models import InventoryItem
    return {(i.variant_id, i.location, i.state): i.on_hand for i in s.execute(select(InventoryItem)).scalars()}


def test_the_seeded_quarter_is_the_same_every_time():
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from backend.db.models import Base
    from backend.demo import seed
    from backend.demo.history import seed_history
    from backend.queries.kpis import Period, kpis

    today = dt.date(2026, 6, 15)
    figures = []
    for _ in range(2):
        engine = create_engine("sqlite://", future=True)
        Base.metadata.create_all(engine)
        with Session(engine) as s:
            seed(s, today=today)
            seed_history(s, today=today)
            figures.append(kpis(s, Period(today - dt.timedelta(days=89), today), today=today, currency="EUR",
                                handling_cost_minor=350))
        engine.dispose()
    assert figures[0] == figures[1] and figures[0]["returns"]["returns"] > 80


def test_setup_adds_the_quarter_once(tmp_path):
    """`python -m backend setup` gives the demo shop its quarter; a second setup adds nothing."""
    import subprocess
    import sys

    from sqlalchemy import func

    from backend.db.session import make_engine, make_session_factory
    from tests.backend.test_staff_cli import ROOT, cli_env

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = cli_env(url, tmp_path)
    outputs = [subprocess.run([sys.executable, "-m", "backend", "setup"], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300) for _ in range(2)]
    assert all(o.returncode == 0 for o in outputs), outputs[0].stderr
    assert "seeded a quarter of history for the dashboard" in outputs[0].stdout
    assert "quarter" not in outputs[1].stdout
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        history = s.execute(select(func.count()).select_from(Order).where(Order.number.like("BM-3%"))).scalar_one()
        assert history > 400
    engine.dispose()
