"""Fixtures: a migrated, seeded database per test, on SQLite and (when reachable) PostgreSQL.

The schema is built with the real Alembic migrations and filled with the real demo seed
once per database kind; each test then gets its own copy (a file copy for SQLite, a
``CREATE DATABASE … TEMPLATE`` for PostgreSQL), so tests never see each other's returns.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.app import create_app
from backend.context import BackendContext, build_context
from backend.bootstrap import migrate_and_seed
from backend.settings import Settings

SERVICE_TOKEN = "test-service-token"
STAFF_TOKEN = "test-staff-token"
PG_URL = os.environ.get("BOOMERANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_URL, future=True, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


POSTGRES = _postgres_reachable()
DB_KINDS = ["sqlite"] + (["postgres"] if POSTGRES else [])


def _admin_engine():
    return create_engine(PG_URL, future=True, isolation_level="AUTOCOMMIT")


def _pg_url(dbname: str) -> str:
    return str(make_url(PG_URL).set(database=dbname))


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Iterator[dict[str, str]]:
    made: dict[str, str] = {}
    root = tmp_path_factory.mktemp("db-templates")
    sqlite_path = root / "template.db"
    migrate_and_seed(f"sqlite:///{sqlite_path}")
    made["sqlite"] = str(sqlite_path)
    pg_name = None
    if POSTGRES:
        pg_name = f"boomerang_tpl_{uuid.uuid4().hex[:10]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        migrate_and_seed(_pg_url(pg_name))
        made["postgres"] = pg_name
    yield made
    if pg_name:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=DB_KINDS)
def database_url(request, templates, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(templates["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    name = f"boomerang_t_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgres"]}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=DB_KINDS)
def empty_url(request, tmp_path) -> Iterator[str]:
    """An empty database (no schema) on each engine: for migration tests, which upgrade and
    downgrade it themselves."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"boomerang_m_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=database_url, service_token=SERVICE_TOKEN, staff_token=STAFF_TOKEN,
        secret_key="test-secret-key-of-at-least-32-bytes!!", media_dir=tmp_path / "media", public_base_url="http://testserver",
        mail_dir=tmp_path / "mail", smtp_url="",
        easypost_api_key="", expiry_sweep_seconds=0,
        # No periodic outbox sweep and no real Twilio account, whatever the environment says.
        notify_sweep_seconds=0, twilio_account_sid="", twilio_auth_token="",
        # No partner feed sweep nor partners: a test of the feed configures its own.
        outbox_sweep_seconds=0, partner_webhooks=(), partner_amqp_url="", partner_secret="",
        # Agents' replies are recorded (ctx.conversations), not sent to a Rasa; the team is
        # open unless a test says otherwise.
        rasa_api_url="none", support_hours="always",
    )


@pytest.fixture
def ctx(settings: Settings) -> Iterator[BackendContext]:
    context = build_context(settings)
    yield context
    context.engine.dispose()


@pytest.fixture
def client(ctx: BackendContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        c.headers.update({"Authorization": f"Bearer {SERVICE_TOKEN}"})
        yield c


@pytest.fixture
def staff_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {STAFF_TOKEN}"}


def verify(client: TestClient, reference: str, contact: str, client_key: str | None = None) -> dict:
    headers = {"X-Client-Key": client_key or uuid.uuid4().hex}
    r = client.post("/api/v1/verify", json={"reference": reference, "contact": contact}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def customer_headers(client: TestClient, reference: str, contact: str) -> dict[str, str]:
    return {"X-Customer-Token": verify(client, reference, contact)["customer_token"]}


def today() -> dt.date:
    return dt.datetime.utcnow().date()
