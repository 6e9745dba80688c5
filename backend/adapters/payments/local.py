"""The built-in payment provider: no account, no network, refunds recorded in memory.

It lets a shop run Boomerang end to end on a fresh machine (and a shop that refunds by
hand record what it owes), and it behaves like a real provider where it matters for the
refunds service: a retried idempotency key returns the first payout instead of paying
again, and ``fail_next`` simulates an outage so the failed → retry path is testable
without mocks.

The ledger lives in this object only: build one provider per process (e.g. at app
startup) and reuse it, since a fresh instance has forgotten earlier keys.
"""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from backend.adapters.payments.base import (
    PaymentProvider,
    RefundInstruction,
    RefundOutcome,
    invalid_instruction_reason,
)

PAYOUT_PREFIX = "lp_"
STORE_CREDIT_PREFIX = "sc_"
OUTAGE_REASON = "simulated provider outage"


def new_reference(method: str) -> str:
    """``lp_``/``sc_`` + 24 hex digits from :mod:`secrets`: unguessable, fits the column."""
    prefix = STORE_CREDIT_PREFIX if method == "store_credit" else PAYOUT_PREFIX
    return prefix + secrets.token_hex(12)


@dataclass(frozen=True)
class LocalRefundRecord:
    """One refund the local provider has "paid"."""

    instruction: RefundInstruction
    provider_reference: str


class LocalPaymentProvider(PaymentProvider):
    """Records refunds in memory, keyed by idempotency key.

    ``fail_next=N`` makes the next N calls fail as a retryable outage, before anything is
    recorded, exactly as an unreachable provider would.
    """

    name = "local"

    def __init__(self, *, fail_next: int = 0) -> None:
        if fail_next < 0:
            raise ValueError("fail_next cannot be negative")
        self.fail_next = fail_next
        self._records: dict[str, LocalRefundRecord] = {}
        # FastAPI runs sync endpoints in a thread pool: check-then-record must be atomic,
        # or two concurrent retries of one key could both pay.
        self._lock = threading.Lock()

    @property
    def records(self) -> tuple[LocalRefundRecord, ...]:
        """Every refund paid so far, in order: what a test or a manager's export reads."""
        with self._lock:
            return tuple(self._records.values())

    def issue_refund(self, instruction: RefundInstruction) -> RefundOutcome:
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return RefundOutcome.failed(OUTAGE_REASON, retryable=True)
            invalid = invalid_instruction_reason(instruction)
            if invalid is not None:
                return RefundOutcome.failed(invalid, retryable=False)
            return self._pay_once(instruction)

    def _pay_once(self, instruction: RefundInstruction) -> RefundOutcome:
        """The first payout for this key, or the earlier one when the key is a retry.

        Reusing a key for different details is refused (as Stripe does): it is a bug in
        the caller, and silently returning the old payout would hide a wrong amount.
        """
        existing = self._records.get(instruction.idempotency_key)
        if existing is not None:
            if existing.instruction != instruction:
                return RefundOutcome.failed(
                    f"idempotency key {instruction.idempotency_key!r} was already used "
                    "for a different refund",
                    retryable=False,
                )
            return RefundOutcome.succeeded(existing.provider_reference)
        record = LocalRefundRecord(instruction, new_reference(instruction.method))
        self._records[instruction.idempotency_key] = record
        return RefundOutcome.succeeded(record.provider_reference)

    def __repr__(self) -> str:
        return f"LocalPaymentProvider(fail_next={self.fail_next})"
