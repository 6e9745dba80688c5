"""The policy override's pure rules and its place in the state machine: rejected → approved
exists, but only for the override (the flag), and only over the policy's own refusal."""
from __future__ import annotations

import pytest

from backend.domain import policy_override as rules
from backend.domain.lifecycle import OVERRIDE_ONLY, IllegalTransition, ReturnStatus as S, check_transition
from backend.domain.policy_override import Change, LineMoney


def test_rejected_to_approved_is_only_for_the_override():
    assert (S.REJECTED, S.APPROVED) in OVERRIDE_ONLY
    with pytest.raises(IllegalTransition) as err:
        check_transition(S.REJECTED, S.APPROVED)
    assert err.value.allowed == ("closed",)  # an ordinary move is not offered the override
    assert check_transition(S.REJECTED, S.APPROVED, policy_override=True) is S.APPROVED
    # The flag smuggles no ordinary move through, and opens no illegal one.
    with pytest.raises(IllegalTransition):
        check_transition(S.NEEDS_REVIEW, S.APPROVED, policy_override=True)
    with pytest.raises(IllegalTransition):
        check_transition(S.CLOSED, S.APPROVED, policy_override=True)


POLICY_REFUSAL = [Change(None, "requested", "web"), Change("requested", "rejected", "policy")]


@pytest.mark.parametrize("status, history, expected", [
    ("rejected", POLICY_REFUSAL, True),
    ("approved", POLICY_REFUSAL[:1] + [Change("requested", "approved", "policy")], False),
    # A person refused it at review: their judgement, not the rules'.
    ("rejected", POLICY_REFUSAL[:1] + [Change("requested", "needs_review", "policy"),
                                        Change("needs_review", "rejected", "staff:1:a@x")], False),
    # Rejected after inspection at the warehouse.
    ("rejected", POLICY_REFUSAL[:1] + [Change("requested", "approved", "policy"),
                                        Change("approved", "received", "w"), Change("received", "inspected", "w"),
                                        Change("inspected", "rejected", "w")], False),
    ("closed", POLICY_REFUSAL + [Change("rejected", "closed", "staff")], False),
    ("rejected", [], False),
])
def test_only_the_policys_own_refusal_is_overridable(status, history, expected):
    assert rules.overridable(status, history) is expected


@pytest.mark.parametrize("reason, cleaned", [
    ("  Loyal customer, one-off.  ", "Loyal customer, one-off."), ("x" * 10, "x" * 10),
    ("x" * 1000, "x" * 1000), ("x" * 1001, None), ("   short   ", None), ("", None), (None, None),
])
def test_the_reason_is_trimmed_and_bounded(reason, cleaned):
    assert rules.clean_reason(reason) == cleaned


def test_the_exception_gives_back_the_paid_price_without_fees_and_exchanges_no_money():
    refunds, total = rules.override_amounts([LineMoney("refund", 2999, 2), LineMoney("store_credit", 1000, 1),
                                             LineMoney("exchange", 4500, 1)])
    assert refunds == [5998, 1000, 0] and total == 6998


def test_the_explanation_exists_in_every_language():
    from common.languages import LANGUAGES

    assert set(rules.EXPLANATION) == set(LANGUAGES) and all(rules.EXPLANATION.values())
