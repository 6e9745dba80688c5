"""Refund payment providers.

Callers depend only on :mod:`.base` (the :class:`PaymentProvider` interface and its data
classes) and get a concrete provider from :func:`provider_from_name`, so adding a real
provider (Stripe, Shopify Payments...) is a new adapter plus one registry entry, not a
change to the refunds service.
"""
from __future__ import annotations

from typing import Callable

from backend.adapters.payments.base import (
    REFUND_METHODS,
    PaymentProvider,
    RefundInstruction,
    RefundMethod,
    RefundOutcome,
    refund_idempotency_key,
)
from backend.adapters.payments.local import LocalPaymentProvider

_PROVIDERS: dict[str, Callable[[], PaymentProvider]] = {
    LocalPaymentProvider.name: LocalPaymentProvider,
}


def provider_from_name(name: str) -> PaymentProvider:
    """A new provider for a name as stored in ``refunds.provider`` (case and spaces ignored).

    Each call builds a new instance; the local provider's ledger lives in its instance, so
    build one per process and reuse it.
    """
    key = (name or "").strip().lower()
    factory = _PROVIDERS.get(key)
    if factory is None:
        known = ", ".join(sorted(_PROVIDERS))
        raise ValueError(f"unknown payment provider {name!r}; available providers: {known}")
    return factory()


__all__ = [
    "REFUND_METHODS",
    "LocalPaymentProvider",
    "PaymentProvider",
    "RefundInstruction",
    "RefundMethod",
    "RefundOutcome",
    "provider_from_name",
    "refund_idempotency_key",
]
