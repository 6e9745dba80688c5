"""A database ready for use: migrated to the latest schema, demo data in when empty.

One path for `python -m backend setup`, the test fixtures and the benchmarks. It lives
beside ``db/`` rather than in it: the database layer knows the schema, not the demo shop,
so ``backend.db`` never imports ``backend.demo``.

On the demo shop only (a database holding the seed's demo orders), ``setup`` also makes
the demo staff accounts when they are missing, one per role, with this install's own
password (``BOOMERANG_DEMO_STAFF_PASSWORD``, drawn into ``var/secrets.env``). A real shop's
database never holds the demo orders, so it never gets these accounts.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.db.migrate import upgrade
from backend.db.models import Customer, Order, utcnow
from backend.db.session import make_engine, make_session_factory, session_scope
from backend.demo import SeedSummary, seed
from backend.demo.history import HistorySummary, seed_history
from backend.demo.orders import DEMO_ORDERS
from backend.services import staff_accounts
from backend.services.errors import Conflict
from common import install_secrets

DEMO_STAFF_PASSWORD = "BOOMERANG_DEMO_STAFF_PASSWORD"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    role: str
    name: str
    language: str


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("admin@boomerang.local", "admin", "Demo Admin", "en"),
    DemoStaff("agent@boomerang.local", "agent", "Demo Agent", "en"),
    DemoStaff("supervisor@boomerang.local", "supervisor", "Demo Supervisor", "en"),
    DemoStaff("warehouse@boomerang.local", "warehouse", "Demo Warehouse", "en"),
)


def migrate_and_seed(database_url: str, *, history: bool = False) -> SeedSummary:
    """Migrate, then seed an empty database. ``history``: also the demo shop's quarter of
    history for the dashboard (:mod:`backend.demo.history`; what ``setup`` asks for, the
    per-test seeding does not), added once, on the demo shop only."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            summary = seed(session)
        if history:
            seed_demo_history(engine)
        return summary
    finally:
        engine.dispose()


def seed_demo_history(engine) -> HistorySummary:  # type: ignore[no-untyped-def]
    """The quarter of history, on the demo shop only (a real shop's database is left alone)."""
    with make_session_factory(engine)() as session:
        if not holds_demo_shop(session):
            return HistorySummary(skipped=True)
        return seed_history(session)


def holds_demo_shop(session: Session) -> bool:
    """True when the database holds the seed's demo shop (its first demo order and customer)."""
    first = DEMO_ORDERS[0]
    return session.execute(select(Order.id).join(Customer, Order.customer_id == Customer.id).where(
        Order.number == first.number, Customer.email == first.email)).first() is not None


def ensure_demo_staff(database_url: str, password: str | None = None) -> list[str]:
    """Make the demo staff accounts the demo shop lacks; the emails made (none elsewhere).

    ``password``: the accounts' password, else this install's (from the environment, else
    drawn once into var/secrets.env). Accounts already there are left as they are.
    """
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            if not holds_demo_shop(session):
                return []
            missing = [d for d in DEMO_STAFF if staff_accounts.find_account(session, d.email) is None]
        if not missing:
            return []
        password = password or install_secrets.get(DEMO_STAFF_PASSWORD)
        made = []
        for demo in missing:
            try:
                with session_scope(factory) as session:
                    staff_accounts.create_account(session, email=demo.email, role=demo.role, password=password,
                                                  name=demo.name, language=demo.language, now=utcnow())
                made.append(demo.email)
            except (Conflict, IntegrityError):  # another setup made it meanwhile
                continue
        return made
    finally:
        engine.dispose()
