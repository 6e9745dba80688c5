"""Migration 0010 (issue 13): the law's columns arrive with values that keep what stored rows
meant, the remedies become allowed resolutions, and a downgrade takes it all away again,
on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text as sql
from sqlalchemy.exc import IntegrityError

from backend.db.migrate import downgrade, upgrade
from backend.db.session import make_engine

NEW_COLUMNS = {
    "products": {"personalised", "perishable", "sealed_media", "used_goods"},
    "orders": {"delivery_paid_minor"},
    "return_lines": {"seal_intact", "legal_basis"},
    "return_requests": {"refund_due_on", "delivery_refund_minor"},
}

ROWS_AT_0009 = [
    "INSERT INTO customers (id, email, name, preferred_language, sms_opt_out, created_at) "
    "VALUES (1, 'old@example.com', 'Old Customer', 'en', false, '2024-01-01 10:00:00')",
    "INSERT INTO products (id, name, category, final_sale, hygiene) "
    "VALUES (1, 'Old lamp', 'home', false, false)",
    "INSERT INTO variants (id, product_id, sku, price_minor, currency) "
    "VALUES (1, 1, 'OLD-LAMP', 5000, 'EUR')",
    "INSERT INTO orders (id, number, customer_id, currency, ordered_at, delivered_on, ship_name, "
    "ship_line1, ship_city, ship_postcode, ship_country) VALUES (1, 'BM-000001', 1, 'EUR', "
    "'2024-01-02 10:00:00', '2024-01-05', 'Old Customer', '1 rue', 'Lyon', '69001', 'FR')",
    "INSERT INTO order_lines (id, order_id, variant_id, quantity, unit_price_minor, "
    "discount_minor, paid_minor) VALUES (1, 1, 1, 3, 5000, 0, 15000)",
    "INSERT INTO return_requests (id, rma, order_id, customer_id, status, channel, language, "
    "currency, policy_version, decision_reasons, explanation_en, explanation_fr, returnless, "
    "restocking_fee_minor, shipping_fee_minor, refund_amount_minor, created_at, updated_at) "
    "VALUES (1, 'R-OLD0-0001', 1, 1, 'approved', 'api', 'en', 'EUR', 'v1', '[]', 'ok', 'ok', "
    "false, 0, 0, 5000, '2024-01-06 10:00:00', '2024-01-06 10:00:00')",
    "INSERT INTO return_lines (id, return_id, order_line_id, quantity, reason_code, resolution, "
    "eligible, decision_reasons, restocking_fee_minor, refund_amount_minor) "
    "VALUES (1, 1, 1, 1, 'changed_mind', 'refund', true, '[]', 0, 5000)",
]


def _remedy_line(line_id: int, resolution: str) -> str:
    return ("INSERT INTO return_lines (id, return_id, order_line_id, quantity, reason_code, "
            "resolution, eligible, decision_reasons, restocking_fee_minor, refund_amount_minor) "
            f"VALUES ({line_id}, 1, 1, 1, 'defective', '{resolution}', true, '[]', 0, 0)")


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _run(url: str, *statements: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sql(statement))
    finally:
        engine.dispose()


def _one(url: str, query: str) -> tuple:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(sql(query)).one())
    finally:
        engine.dispose()


def test_0010_adds_the_laws_columns_keeping_stored_rows_meaning_and_takes_them_away(empty_url):
    url = empty_url
    upgrade(url, "0009")
    for table, columns in NEW_COLUMNS.items():
        assert not columns & _columns(url, table), table
    _run(url, *ROWS_AT_0009)
    with pytest.raises(IntegrityError):  # before 0010, a remedy is no resolution
        _run(url, _remedy_line(2, "repair"))

    upgrade(url, "0010")
    for table, columns in NEW_COLUMNS.items():
        assert columns <= _columns(url, table), table
    assert _one(url, "SELECT version_num FROM alembic_version") == ("0010",)
    # Rows from before: no flag, no delivery paid, decided under the shop's own policy.
    flags = _one(url, "SELECT personalised, perishable, sealed_media, used_goods FROM products")
    assert [bool(f) for f in flags] == [False] * 4
    assert _one(url, "SELECT delivery_paid_minor FROM orders") == (0,)
    assert _one(url, "SELECT legal_basis, seal_intact FROM return_lines") == ("commercial", None)
    assert _one(url, "SELECT refund_due_on, delivery_refund_minor FROM return_requests") == (None, 0)
    # The guarantee's remedies are allowed resolutions now; anything else still is not.
    _run(url, _remedy_line(2, "repair"), _remedy_line(3, "replacement"),
         _remedy_line(4, "price_reduction"))
    with pytest.raises(IntegrityError):
        _run(url, _remedy_line(5, "teleport"))
    _run(url, "UPDATE return_lines SET legal_basis = 'guarantee', seal_intact = true WHERE id = 2",
         "UPDATE return_requests SET refund_due_on = '2024-01-20', delivery_refund_minor = 495")

    downgrade(url, "0009")
    for table, columns in NEW_COLUMNS.items():
        assert not columns & _columns(url, table), table
    # The remedies read as what they come closest to before 0010; nothing is lost.
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(sql("SELECT id, resolution FROM return_lines")).all())
    engine.dispose()
    assert rows == {1: "refund", 2: "refund", 3: "exchange", 4: "refund"}
    with pytest.raises(IntegrityError):  # the old check is back
        _run(url, _remedy_line(6, "replacement"))
    upgrade(url, "head")  # and up again
    assert NEW_COLUMNS["return_lines"] <= _columns(url, "return_lines")
