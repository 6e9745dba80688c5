"""Demo data for "Maison Boomerang", a French/English online shop: ``seed(session)``.

Why it exists: the assistant only shows what it can do against orders that walk every
branch of the returns policy; :func:`seed` fills an *empty* database with a realistic shop
around a handful of fixed demo orders, so ``make run`` gives a working demo, the README can
quote order numbers, and tests can rely on them.

One module per job: :mod:`.seeding` (the entry point, its order of steps and guarantees),
:mod:`.catalogue` (products, variants, stock), :mod:`.customers` (the demo people and the
random ones), :mod:`.orders` (the fixed demo orders, documented there, and the random ones),
:mod:`.returns` (past returns with their status histories), :mod:`.built` (what the steps
hand each other). Only :mod:`backend.bootstrap` and the command line seed; ``backend.db``
never imports this package.
"""
from backend.demo.seeding import SeedSummary, seed

__all__ = ["SeedSummary", "seed"]
