"""A database ready for use: migrated to the latest schema, demo data in when empty.

One path for `python -m backend setup`, the test fixtures and the benchmarks. It lives
beside ``db/`` rather than in it: the database layer knows the schema, not the demo shop,
so ``backend.db`` never imports ``backend.seed``.
"""
from __future__ import annotations

from backend.db.migrate import upgrade
from backend.db.session import make_engine, make_session_factory
from backend.seed import SeedSummary, seed


def migrate_and_seed(database_url: str) -> SeedSummary:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return seed(session)
    finally:
        engine.dispose()
