"""Migrations are the schema, and a database that is down gets a clear answer."""
from __future__ import annotations

import dataclasses

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from backend.app import create_app
from backend.context import build_context
from backend.db.migrate import downgrade, upgrade
from backend.db.models import Base
from backend.db.session import make_engine
from tests.backend.conftest import SERVICE_TOKEN


def test_migrations_build_exactly_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    downgrade(url, "base")
    assert set(inspect(make_engine(url)).get_table_names()) <= {"alembic_version"}


def test_database_down_answers_503_in_both_languages(settings):
    down = dataclasses.replace(settings, database_url="postgresql://postgres@127.0.0.1:1/nowhere")
    app = create_app(build_context(down))
    with TestClient(app) as client:
        r = client.post("/api/v1/verify", json={"reference": "BM-100001", "contact": "a@example.com"},
                        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "database_unavailable"
    assert r.json()["error"]["message_fr"]


def test_handoffs_stored_before_the_lifecycle_keep_their_meaning(tmp_path):
    """0006 renames the statuses: open → queued, accepted → claimed (and back on downgrade)."""
    from sqlalchemy import text as sql

    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url, "0005")
    engine = make_engine(url)
    with engine.begin() as conn:
        for cid, status in (("rest:a", "open"), ("rest:b", "accepted"), ("rest:c", "closed")):
            conn.execute(sql("INSERT INTO handoff_requests (conversation_id, channel, language, reason, status, "
                             "created_at, updated_at) VALUES (:c, 'rest', 'en', 'human_handoff', :s, "
                             "'2026-12-01 10:00:00', '2026-12-01 10:00:00')"), {"c": cid, "s": status})
    upgrade(url)
    with engine.connect() as conn:
        assert dict(conn.execute(sql("SELECT conversation_id, status FROM handoff_requests")).all()) == {
            "rest:a": "queued", "rest:b": "claimed", "rest:c": "closed"}
    downgrade(url, "0005")
    with engine.connect() as conn:
        assert dict(conn.execute(sql("SELECT conversation_id, status FROM handoff_requests")).all()) == {
            "rest:a": "open", "rest:b": "accepted", "rest:c": "closed"}
