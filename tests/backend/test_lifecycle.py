"""The state machine itself: every listed move is allowed, everything else refused."""
from __future__ import annotations

import itertools

import pytest

from backend.domain.lifecycle import (
    CANCELLABLE,
    TERMINAL,
    TRANSITIONS,
    IllegalTransition,
    ReturnStatus as S,
    can_transition,
    check_transition,
)
from backend.domain.status_text import STATUS_TEXT

HAPPY_PATH = [S.REQUESTED, S.APPROVED, S.LABEL_ISSUED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED,
              S.REFUNDED, S.CLOSED]


def test_happy_path_is_allowed_step_by_step():
    for current, target in zip(HAPPY_PATH, HAPPY_PATH[1:]):
        assert check_transition(current, target) is target


@pytest.mark.parametrize("current,target", [
    (S.REQUESTED, S.REFUNDED), (S.LABEL_ISSUED, S.REFUNDED), (S.IN_TRANSIT, S.CANCELLED),
    (S.CLOSED, S.REQUESTED), (S.REFUNDED, S.CREDITED), (S.EXPIRED, S.LABEL_ISSUED),
    (S.CANCELLED, S.APPROVED), (S.RECEIVED, S.REFUNDED),
])
def test_illegal_moves_are_refused_with_a_clear_message(current, target):
    assert not can_transition(current, target)
    with pytest.raises(IllegalTransition) as err:
        check_transition(current, target)
    assert current.value in str(err.value) and target.value in str(err.value)
    assert "Allowed next" in str(err.value)


def test_every_pair_agrees_with_the_table():
    for current, target in itertools.product(S, S):
        assert can_transition(current, target) == (target in TRANSITIONS[current])


def test_unknown_statuses_are_never_legal():
    assert not can_transition("requested", "teleported")
    assert not can_transition("limbo", "approved")
    with pytest.raises(IllegalTransition):
        check_transition("limbo", "approved")


def test_terminal_and_cancellable_sets():
    assert TERMINAL == {S.CLOSED, S.CANCELLED, S.EXPIRED}
    assert S.IN_TRANSIT not in CANCELLABLE and S.LABEL_ISSUED in CANCELLABLE
    # Every state is reachable from requested.
    seen, todo = {S.REQUESTED}, [S.REQUESTED]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(S)


def test_every_status_has_words_in_both_languages():
    for status in S:
        assert STATUS_TEXT[status]["en"] and STATUS_TEXT[status]["fr"]
