"""Filling an empty database with the demo shop, in one transaction, in a fixed order.

Why one entry point: ``make run``, the test fixtures and the benchmarks all need the same
shop, and the steps depend on each other (orders name the catalogue's SKUs, returns reserve
its stock and use the orders), so the order of the steps and the guarantees below live here
while each step lives with its data (:mod:`backend.demo.catalogue`, ``customers``,
``orders``, ``returns``).

Guarantees
----------
* Deterministic: the same ``(today, rng_seed)`` gives the same customers, catalogue, stock,
  orders and returns. Only RMA numbers differ between runs, because they come from
  :func:`common.identifiers.new_rma` (which uses :mod:`secrets` on purpose: RMAs must
  never be guessable, not even in a demo database that gets copied around).
  The steps share one ``random.Random(rng_seed)``, never the global generator, and draw
  from it in the order below.
* Idempotent: if the database already holds products, customers or orders, nothing is
  written and the summary says ``skipped=True`` (safe to call on every ``make run``).
* All or nothing: one transaction, committed at the end, rolled back on any error.
* Every date is relative to ``today`` (default: today in UTC, like the rest of the
  backend), and every timestamp is strictly before midnight at the start of ``today``,
  so nothing seeded lies in the future. A demo database ages: delete it and re-seed to
  get the "N days ago" of the fixtures back.
* The shop follows the policy it is given (by default the shipped one): its currency, and
  what the seeded returns may be (see :mod:`backend.demo.returns`).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import Customer, Order, Product
from backend.demo.built import Built
from backend.demo.catalogue import add_catalogue
from backend.demo.customers import add_demo_customers, add_random_customers
from backend.demo.orders import add_demo_orders, add_random_orders
from backend.demo.returns import add_frank_returns, add_past_returns
from backend.domain.policy import Policy, load_policy
from backend.settings import DEFAULT_POLICY_FILE


@dataclass(frozen=True)
class SeedSummary:
    """Rows this call added. All zero with ``skipped=True`` when the database had data."""

    customers: int = 0
    products: int = 0
    variants: int = 0
    orders: int = 0
    order_lines: int = 0
    returns: int = 0
    skipped: bool = False


def seed(session: Session, *, today: dt.date | None = None, rng_seed: int = 7,
         policy: Policy | None = None) -> SeedSummary:
    """Fill an empty database with the Maison Boomerang demo shop, in one transaction.

    Does nothing (``skipped=True``) if any product, customer or order already exists: the
    seed must never mix demo rows into a real shop, and ``make run`` calls it every time.
    """
    if _has_data(session):
        return SeedSummary(skipped=True)
    today = today or dt.datetime.utcnow().date()
    rng = random.Random(rng_seed)
    # Midnight at the start of `today`: every seeded timestamp stays before it.
    horizon = dt.datetime.combine(today, dt.time.min)
    built = Built()
    try:
        policy = policy or load_policy(DEFAULT_POLICY_FILE)
        currency = policy.currency
        add_catalogue(session, rng, built, currency=currency)
        demo_customers = add_demo_customers(session, today, built)
        add_demo_orders(session, today, built, demo_customers, currency=currency)
        random_customers = add_random_customers(session, rng, today, built)
        add_random_orders(session, rng, today, built, random_customers, currency=currency)
        add_frank_returns(session, rng, horizon, built)
        add_past_returns(session, rng, today, horizon, built, policy)
        session.flush()
        summary = SeedSummary(
            customers=len(built.customers),
            products=len(built.products),
            variants=len(built.variants),
            orders=len(built.orders),
            order_lines=sum(len(o.lines) for o in built.orders),
            returns=len(built.returns),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


def _has_data(session: Session) -> bool:
    for model in (Product, Customer, Order):
        if session.execute(select(func.count()).select_from(model)).scalar_one():
            return True
    return False
