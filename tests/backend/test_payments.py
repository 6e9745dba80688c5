"""Refund payment providers: idempotent payouts, simulated outages, refused instructions."""
from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from backend.adapters.payments import (
    LocalPaymentProvider,
    PaymentProvider,
    RefundInstruction,
    RefundOutcome,
    provider_from_name,
    refund_idempotency_key,
)
from backend.adapters.payments.local import OUTAGE_REASON


def instruction(refund_id: int = 7, **changes) -> RefundInstruction:
    base = RefundInstruction(
        refund_id=refund_id,
        amount_minor=4599,
        currency="EUR",
        method="original_payment",
        payment_reference="ch_test_123",
        idempotency_key=refund_idempotency_key(refund_id),
    )
    return replace(base, **changes)


def test_idempotency_key_is_derived_from_the_refund_row():
    assert refund_idempotency_key(42) == "refund-42"


def test_payout_succeeds_with_a_local_reference():
    provider = LocalPaymentProvider()
    outcome = provider.issue_refund(instruction())

    assert outcome.ok and outcome.failure_reason is None
    assert outcome.provider_reference.startswith("lp_")
    assert len(outcome.provider_reference) <= 80  # refunds.provider_reference column
    assert [r.instruction for r in provider.records] == [instruction()]


def test_store_credit_gets_its_own_prefix():
    outcome = LocalPaymentProvider().issue_refund(
        instruction(method="store_credit", payment_reference=None)
    )
    assert outcome.ok and outcome.provider_reference.startswith("sc_")


def test_retried_instruction_returns_the_same_reference_and_pays_once():
    provider = LocalPaymentProvider()
    first = provider.issue_refund(instruction())
    retry = provider.issue_refund(instruction())

    assert first.ok and retry.ok
    assert retry.provider_reference == first.provider_reference
    assert len(provider.records) == 1


def test_different_refunds_get_different_references():
    provider = LocalPaymentProvider()
    one = provider.issue_refund(instruction(1))
    two = provider.issue_refund(instruction(2))

    assert one.provider_reference != two.provider_reference
    assert len(provider.records) == 2


def test_reusing_a_key_for_a_different_amount_is_refused():
    provider = LocalPaymentProvider()
    provider.issue_refund(instruction())
    outcome = provider.issue_refund(instruction(amount_minor=9999))

    assert not outcome.ok and not outcome.retryable
    assert "refund-7" in outcome.failure_reason
    assert len(provider.records) == 1


def test_concurrent_retries_still_pay_once():
    provider = LocalPaymentProvider()
    outcomes: list[RefundOutcome] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(provider.issue_refund(instruction())))
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(provider.records) == 1
    assert {o.provider_reference for o in outcomes} == {provider.records[0].provider_reference}


def test_fail_next_simulates_an_outage_then_the_retry_succeeds():
    provider = LocalPaymentProvider(fail_next=2)

    for _ in range(2):
        outcome = provider.issue_refund(instruction())
        assert outcome == RefundOutcome(
            ok=False, provider_reference=None, failure_reason=OUTAGE_REASON, retryable=True
        )
    assert provider.records == ()  # nothing was paid during the outage

    recovered = provider.issue_refund(instruction())
    assert recovered.ok and recovered.provider_reference.startswith("lp_")
    assert provider.issue_refund(instruction()).provider_reference == recovered.provider_reference
    assert len(provider.records) == 1


def test_fail_next_cannot_be_negative():
    with pytest.raises(ValueError):
        LocalPaymentProvider(fail_next=-1)


def test_zero_payout_is_refused_for_good():
    provider = LocalPaymentProvider()
    outcome = provider.issue_refund(instruction(amount_minor=0))

    assert outcome == RefundOutcome(
        ok=False, provider_reference=None, failure_reason="nothing to refund", retryable=False
    )
    assert provider.records == ()


@pytest.mark.parametrize(
    ("changes", "reason_part"),
    [
        ({"amount_minor": -100}, "negative"),
        ({"amount_minor": -100, "method": "store_credit"}, "negative"),
        ({"amount_minor": 12.5}, "whole number"),
        ({"currency": "eur"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"method": "cash"}, "method"),
        ({"idempotency_key": ""}, "idempotency key"),
    ],
    ids=["negative", "negative-credit", "float", "lowercase", "four-letters", "blank",
         "method", "no-key"],
)
def test_malformed_instructions_are_refused_without_retry(changes, reason_part):
    provider = LocalPaymentProvider()
    outcome = provider.issue_refund(instruction(**changes))

    assert not outcome.ok and not outcome.retryable and outcome.provider_reference is None
    assert reason_part in outcome.failure_reason
    assert provider.records == ()


def test_zero_store_credit_is_recorded():
    outcome = LocalPaymentProvider().issue_refund(
        instruction(amount_minor=0, method="store_credit", payment_reference=None)
    )
    assert outcome.ok and outcome.provider_reference.startswith("sc_")


def test_provider_from_name_builds_the_local_provider():
    provider = provider_from_name("local")
    assert isinstance(provider, LocalPaymentProvider) and isinstance(provider, PaymentProvider)
    assert provider.name == "local"
    assert isinstance(provider_from_name(" Local "), LocalPaymentProvider)


def test_unknown_provider_name_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown payment provider 'stripe'.*local"):
        provider_from_name("stripe")


def test_a_provider_must_implement_issue_refund():
    class HalfWritten(PaymentProvider):
        name = "half"

    with pytest.raises(TypeError):
        HalfWritten()
