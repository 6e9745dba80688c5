"""The warehouse opened the parcel: grade each line, decide where it goes, put the units
away, move to ``inspected``; then refund (or refuse) on the warehouse's word.

In one transaction: the grades and dispositions, the inventory movements, the status
change with its partner-feed events (``inspected``, then ``disposed``); an unknown line or
value, or an illegal move, leaves nothing recorded. After the commit, when the policy pays
at inspection (the default), at carrier scan or at receipt, the return is resolved at once (:func:`backend.workflows.resolve.resolve_return`); a parcel
refused by the inspector on every line (grade D and a mismatch) is rejected instead.
"""
from __future__ import annotations

import logging

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.domain.lifecycle import ReturnStatus as S
from backend.services import outbox
from backend.services.errors import Conflict, Unavailable
from backend.services.inspection import (
    InspectionOutcome,
    LineInspection,
    record_inspection,
    record_staff_move_inspection,
)
from backend.workflows import resolve, review
from backend.workflows.steps import move_and_announce

log = logging.getLogger(__name__)


def inspect(ctx: BackendContext, rma: str, lines: list[LineInspection], *, actor: str,
            note: str | None = None) -> str:
    """Record the inspection and move on; the return's status afterwards."""
    outcome = InspectionOutcome()

    def before(session, ret: ReturnRequest) -> None:
        nonlocal outcome
        if ret.status != S.RECEIVED.value:
            raise Conflict("inspection_needs_received", status=ret.status)
        outcome = record_inspection(ctx.dispositions, session, ret, lines, actor=actor,
                                    at=ctx.now(), location=ctx.settings.warehouse_location)

    def after(session, ret: ReturnRequest) -> None:
        if not outcome.refused:  # a refused parcel disposes of nothing
            outbox.record_disposed_event(session, ret, at=ctx.now())

    move_and_announce(ctx, rma, S.INSPECTED, actor=actor, note=note, before=before, after=after)
    if outcome.refused:
        review.reject(ctx, rma, actor=actor, note=outcome.refuse_note[:500])
        return S.REJECTED.value
    # Inspection is the latest moment any policy pays: a policy that pays earlier and did
    # not (a parcel never scanned by the carrier, a receipt never counted) pays now.
    try:
        return resolve.resolve_return(ctx, rma, actor=actor)
    except Unavailable as exc:  # the payment failed: kept as failed, retryable
        log.warning("inspection of %s: resolution waits (%s)", rma, exc.code)
    return S.INSPECTED.value


def inspect_return(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None,
                   grades: dict[int, str] | None = None,
                   dispositions: dict[int, str] | None = None) -> None:
    """The generic transitions route's inspection (grades and chosen dispositions, no
    automatic resolution: that route moves one step at a time)."""
    move_and_announce(ctx, rma, S.INSPECTED, actor=actor, note=note,
                      before=lambda session, ret: record_staff_move_inspection(
                          ctx.dispositions, session, ret, grades or {}, dispositions or {},
                          actor=actor, at=ctx.now(), location=ctx.settings.warehouse_location))
