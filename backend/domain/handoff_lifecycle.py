"""Who owns a conversation: the handoff's states and the moves between them.

One owner at a time. The bot owns a conversation until the customer (or the bot, after
repeated failures, a return needing review, a backend failure) asks for a person; the
request then waits in the queue until an agent claims it; the agent gives it back to the
bot or closes it. A customer may cancel a request nobody has claimed yet.

::

    queued ──claim──▶ claimed ──hand back──▶ returned   (the bot speaks again)
      │  ▲              │  └─────close─────▶ closed     (the bot asks for a rating)
      │  └──release─────┘
      ├──cancel (customer)──▶ cancelled
      └──close (supervisor)─▶ closed

Pure rules, like the returns lifecycle: the one writer (``backend.services.handoffs``)
asks :func:`check_move` before it changes anything, so an illegal move changes nothing.
"""
from __future__ import annotations

import enum


class HandoffStatus(str, enum.Enum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    RETURNED = "returned"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class HandoffMove(str, enum.Enum):
    CLAIM = "claim"
    REASSIGN = "reassign"
    RELEASE = "release"
    HAND_BACK = "hand_back"
    CLOSE = "close"
    CANCEL = "cancel"


# The states in which a person owns, or is about to own, the conversation: the bot is quiet.
OPEN_STATUSES: frozenset[HandoffStatus] = frozenset({HandoffStatus.QUEUED, HandoffStatus.CLAIMED})

MOVES: dict[HandoffMove, tuple[frozenset[HandoffStatus], HandoffStatus]] = {
    HandoffMove.CLAIM: (frozenset({HandoffStatus.QUEUED}), HandoffStatus.CLAIMED),
    HandoffMove.REASSIGN: (frozenset({HandoffStatus.CLAIMED}), HandoffStatus.CLAIMED),
    HandoffMove.RELEASE: (frozenset({HandoffStatus.CLAIMED}), HandoffStatus.QUEUED),
    HandoffMove.HAND_BACK: (frozenset({HandoffStatus.QUEUED, HandoffStatus.CLAIMED}), HandoffStatus.RETURNED),
    HandoffMove.CLOSE: (frozenset({HandoffStatus.QUEUED, HandoffStatus.CLAIMED}), HandoffStatus.CLOSED),
    HandoffMove.CANCEL: (frozenset({HandoffStatus.QUEUED}), HandoffStatus.CANCELLED),
}

# Why a conversation went to a person (recorded with the handoff; the console shows it).
REASONS: tuple[str, ...] = ("asked", "repeated_failures", "needs_review", "backend_failure")


class IllegalHandoffMove(Exception):
    def __init__(self, move: HandoffMove, status: HandoffStatus) -> None:
        super().__init__(f"A handoff that is {status.value} cannot {move.value.replace('_', ' ')}.")
        self.move = move
        self.status = status


def check_move(move: HandoffMove, status: HandoffStatus | str) -> HandoffStatus:
    """The status after ``move``; raises :class:`IllegalHandoffMove` when it is not allowed."""
    current = HandoffStatus(status)
    allowed_from, target = MOVES[move]
    if current not in allowed_from:
        raise IllegalHandoffMove(move, current)
    return target


def normalize_reason(reason: str | None) -> str:
    """Old callers sent the intent's name; anything unknown counts as the customer asking."""
    return reason if reason in REASONS else "asked"
