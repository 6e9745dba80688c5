"""What a verified customer has proved: which customer, for which order.

Plain values, kept in the domain because every layer passes them along: verification
(:mod:`backend.services.verification`) mints and decodes them, the routes receive them,
and the queries scope every lookup to them, so a query never has to import a service to
know whose order it may show.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerClaims:
    """What a valid customer token proves."""

    customer_id: int
    order_id: int
