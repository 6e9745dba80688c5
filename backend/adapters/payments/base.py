"""The payment-provider interface every refund backend implements.

The refunds service hands a :class:`RefundInstruction` to a :class:`PaymentProvider` and
records the :class:`RefundOutcome` on the ``refunds`` row. Providers never raise for a
refused or failed refund: the outcome says so, with ``retryable`` telling "try again later"
(outage, timeout) apart from "this will never work" (nothing to refund, bad currency), so
the service can decide between a retry and a returns manager's attention without knowing
any provider's error codes.

Money is an integer count of minor units next to an ISO 4217 code, as everywhere in the
backend. Every instruction carries an idempotency key, so a retry after a crash or a
timeout can never pay a customer twice.
"""
from __future__ import annotations

import abc
import re
from dataclasses import dataclass
from typing import Literal

RefundMethod = Literal["original_payment", "store_credit"]
REFUND_METHODS: frozenset[str] = frozenset({"original_payment", "store_credit"})

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def refund_idempotency_key(refund_id: int) -> str:
    """The key for a ``refunds`` row: stable across retries of that row, unique across rows."""
    return f"refund-{refund_id}"


@dataclass(frozen=True)
class RefundInstruction:
    """One refund to pay out, as decided by the returns service.

    ``payment_reference`` identifies the customer's original payment (a charge ID) when
    ``method`` is ``"original_payment"``; ``idempotency_key`` is usually
    :func:`refund_idempotency_key` of ``refund_id``.
    """

    refund_id: int
    amount_minor: int
    currency: str
    method: RefundMethod
    payment_reference: str | None
    idempotency_key: str


@dataclass(frozen=True)
class RefundOutcome:
    """What a provider did with an instruction.

    ``provider_reference`` is the provider's ID of the payout or credit (set when ``ok``);
    ``failure_reason`` is a plain sentence for logs and the returns manager, never
    containing credentials. ``retryable`` only matters when ``ok`` is False.
    """

    ok: bool
    provider_reference: str | None
    failure_reason: str | None = None
    retryable: bool = True

    @classmethod
    def succeeded(cls, provider_reference: str) -> RefundOutcome:
        return cls(ok=True, provider_reference=provider_reference)

    @classmethod
    def failed(cls, reason: str, *, retryable: bool) -> RefundOutcome:
        return cls(ok=False, provider_reference=None, failure_reason=reason, retryable=retryable)


def invalid_instruction_reason(instruction: RefundInstruction) -> str | None:
    """Why no provider could ever pay this instruction, or None when it is well-formed.

    Shared so every provider refuses the same malformed instructions with the same
    words, before spending an API call on them. Store credit of zero is allowed (an
    exchange with no price difference may still be recorded); a payout of zero is not.
    """
    if instruction.method not in REFUND_METHODS:
        return f"unknown refund method {instruction.method!r}"
    if not isinstance(instruction.currency, str) or not _CURRENCY_RE.match(instruction.currency):
        return f"invalid currency {instruction.currency!r}: expected a 3-letter ISO code"
    if isinstance(instruction.amount_minor, bool) or not isinstance(instruction.amount_minor, int):
        return "refund amount must be a whole number of minor units"
    if instruction.amount_minor < 0:
        return "refund amount cannot be negative"
    if instruction.amount_minor == 0 and instruction.method == "original_payment":
        return "nothing to refund"
    if not instruction.idempotency_key:
        return "missing idempotency key"
    return None


class PaymentProvider(abc.ABC):
    """A provider that pays refunds back or issues store credit.

    An ABC rather than a Protocol so that a half-written adapter fails at construction
    time instead of at the first customer's refund.
    """

    #: Short identifier of the provider, stored in ``refunds.provider``, e.g. ``"local"``.
    name: str

    @abc.abstractmethod
    def issue_refund(self, instruction: RefundInstruction) -> RefundOutcome:
        """Pay ``instruction`` at most once per ``idempotency_key``; never raise for a refusal.

        Calling again with the same key and the same details must return the outcome of
        the first successful call (same ``provider_reference``) without paying again.
        """
        raise NotImplementedError
