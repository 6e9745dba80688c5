"""The shop's moves on a return (review decisions, carrier scans, receiving, inspection,
resolution), as one table from the target status to its workflow.

The staff API takes a target status; each status names the workflow that carries its
side effects (a label to buy, stock to release, money to pay, an SMS to send). A new move
for the warehouse is a new row here and a new workflow module, not a new branch in a
shared function. The state machine still decides what is legal: ``requested`` has a row
only so that asking for it is refused like any other illegal move.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from backend.context import BackendContext
from backend.domain.lifecycle import ReturnStatus as S
from backend.services.errors import Invalid
from backend.workflows import cancel, close, expire, inspect_return, receive, resolve, review
from backend.workflows.issue_label import issue_label
from backend.workflows.steps import move_and_announce


@dataclass(frozen=True)
class StaffMove:
    """Who asks for the move, and what they add (inspection results, a note)."""

    actor: str
    note: str | None = None
    grades: dict[int, str] = field(default_factory=dict)
    dispositions: dict[int, str] = field(default_factory=dict)


# Runs the move; the partner's error (a dict) when a follow-up step failed, else None.
Move = Callable[[BackendContext, str, StaffMove], "dict | None"]


def _resolve_as(status: S) -> Move:
    def move(ctx: BackendContext, rma: str, m: StaffMove) -> None:
        resolve.resolve_as(ctx, rma, status, actor=m.actor)
    return move


def _refused(ctx: BackendContext, rma: str, m: StaffMove) -> None:
    """Nothing moves back to ``requested``: the state machine answers 409 (404 for no return)."""
    move_and_announce(ctx, rma, S.REQUESTED, actor=m.actor, note=m.note)


def _label(ctx: BackendContext, rma: str, m: StaffMove) -> None:
    issue_label(ctx, rma, actor=m.actor)


MOVES: dict[S, Move] = {
    S.REQUESTED: _refused,
    S.APPROVED: lambda ctx, rma, m: review.approve(ctx, rma, actor=m.actor, note=m.note),
    S.NEEDS_REVIEW: lambda ctx, rma, m: review.hold_for_review(ctx, rma, actor=m.actor, note=m.note),
    S.REJECTED: lambda ctx, rma, m: review.reject(ctx, rma, actor=m.actor, note=m.note),
    S.LABEL_ISSUED: _label,
    S.IN_TRANSIT: lambda ctx, rma, m: receive.mark_in_transit(ctx, rma, actor=m.actor, note=m.note),
    S.RECEIVED: lambda ctx, rma, m: receive.receive(ctx, rma, actor=m.actor, note=m.note),
    S.INSPECTED: lambda ctx, rma, m: inspect_return.inspect_return(
        ctx, rma, actor=m.actor, note=m.note, grades=m.grades, dispositions=m.dispositions),
    S.REFUNDED: _resolve_as(S.REFUNDED),
    S.CREDITED: _resolve_as(S.CREDITED),
    S.EXCHANGED: _resolve_as(S.EXCHANGED),
    S.CLOSED: lambda ctx, rma, m: close.close(ctx, rma, actor=m.actor, note=m.note),
    S.CANCELLED: lambda ctx, rma, m: cancel.cancel(ctx, rma, actor=m.actor, note=m.note),
    S.EXPIRED: lambda ctx, rma, m: expire.expire(ctx, rma, actor=m.actor, note=m.note),
}


def move_return(ctx: BackendContext, rma: str, target: str, move: StaffMove) -> tuple[str, dict | None]:
    """Move a return to ``target`` with its side effects; (new status, partner error or None)."""
    try:
        status = S(target)
    except ValueError:
        raise Invalid("unknown_status", status=target) from None
    return status.value, MOVES[status](ctx, rma, move)
