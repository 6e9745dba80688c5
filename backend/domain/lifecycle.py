"""The return's state machine, written down in one place.

Every status a return can be in and every move between them is listed here; services ask
:func:`check_transition` before they change anything, so an illegal move is refused before
a single row is touched. Modelled on the explicit workflows of Medusa's returns and OCA's
``rma`` module.
"""
from __future__ import annotations

from enum import Enum


class ReturnStatus(str, Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"
    LABEL_ISSUED = "label_issued"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    INSPECTED = "inspected"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"
    CREDITED = "credited"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


S = ReturnStatus

TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.NEEDS_REVIEW, S.REJECTED, S.CANCELLED}),
    S.NEEDS_REVIEW: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    # From approved, a returnless ("keep it") return goes straight to its resolution.
    S.APPROVED: frozenset({S.LABEL_ISSUED, S.REFUNDED, S.EXCHANGED, S.CREDITED, S.CANCELLED}),
    S.LABEL_ISSUED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.CANCELLED, S.EXPIRED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    # Inspection can fail the return (wrong item sent back, damaged by the customer).
    S.INSPECTED: frozenset({S.REFUNDED, S.EXCHANGED, S.CREDITED, S.REJECTED}),
    S.REFUNDED: frozenset({S.CLOSED}),
    S.EXCHANGED: frozenset({S.CLOSED}),
    S.CREDITED: frozenset({S.CLOSED}),
    # A policy refusal can be overridden by a person (see OVERRIDE_ONLY).
    S.REJECTED: frozenset({S.CLOSED, S.APPROVED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

# Moves the table allows only to one named workflow, never to a generic status change:
# rejected → approved is the policy override (``backend.workflows.override_policy``), which
# also recomputes the money and records who overrode what and why. The one writer of
# statuses (``backend.services.transitions``) refuses them unless asked for explicitly.
OVERRIDE_ONLY: frozenset[tuple[ReturnStatus, ReturnStatus]] = frozenset({(S.REJECTED, S.APPROVED)})

TERMINAL: frozenset[ReturnStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# A customer may cancel only before the parcel is on its way.
CANCELLABLE: frozenset[ReturnStatus] = frozenset(
    s for s, nxt in TRANSITIONS.items() if S.CANCELLED in nxt
)


class IllegalTransition(Exception):
    """Raised for a move the state machine does not allow; nothing has been changed."""

    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        known = is_status(current)
        # What an ordinary move may reach: the override-only moves are not offered.
        self.allowed: tuple[str, ...] = tuple(
            sorted(s.value for s in TRANSITIONS[ReturnStatus(current)]
                   if (ReturnStatus(current), s) not in OVERRIDE_ONLY) if known else ())
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (final state)"
        super().__init__(
            f"A return that is '{current}' cannot become '{target}'. Allowed next: {allowed_text}."
        )


def _as_status(value: str | ReturnStatus) -> ReturnStatus:
    return value if isinstance(value, ReturnStatus) else ReturnStatus(value)


def is_status(value: str) -> bool:
    return value in ReturnStatus._value2member_map_


def can_transition(current: str | ReturnStatus, target: str | ReturnStatus) -> bool:
    if not (is_status(str(getattr(current, "value", current))) and
            is_status(str(getattr(target, "value", target)))):
        return False
    return _as_status(target) in TRANSITIONS[_as_status(current)]


def check_transition(current: str | ReturnStatus, target: str | ReturnStatus, *,
                     policy_override: bool = False) -> ReturnStatus:
    """Return the target status, or raise :class:`IllegalTransition`.

    A move of :data:`OVERRIDE_ONLY` is legal only with ``policy_override=True`` (which only
    the override workflow passes); an override flag on any other move is refused too, so
    the flag cannot smuggle an ordinary move through.
    """
    cur = getattr(current, "value", current)
    tgt = getattr(target, "value", target)
    if not can_transition(cur, tgt):
        raise IllegalTransition(cur, tgt)
    if ((ReturnStatus(cur), ReturnStatus(tgt)) in OVERRIDE_ONLY) != policy_override:
        raise IllegalTransition(cur, tgt)
    return ReturnStatus(tgt)
