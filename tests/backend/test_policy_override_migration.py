"""Migration 0007 adds the audit table of policy overrides, and takes it away again."""
from __future__ import annotations

from sqlalchemy import inspect, text as sql

from backend.db.migrate import downgrade, upgrade
from backend.db.session import make_engine


def test_0007_adds_and_removes_the_policy_overrides_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'o.db'}"
    upgrade(url, "0006")
    assert "policy_overrides" not in inspect(make_engine(url)).get_table_names()
    upgrade(url, "0007")
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("policy_overrides")}
    assert columns == {"id", "return_id", "staff_id", "actor", "reason", "overridden_codes", "created_at"}
    assert [i["column_names"] for i in inspect(engine).get_indexes("policy_overrides")] == [["return_id"]]
    with engine.connect() as conn:
        assert conn.execute(sql("SELECT version_num FROM alembic_version")).scalar_one() == "0007"
    downgrade(url, "0006")
    engine = make_engine(url)
    assert "policy_overrides" not in inspect(engine).get_table_names()
    assert "handoff_messages" in inspect(engine).get_table_names()
