"""The parcel's way back: the carrier's scan (``in_transit``), then the warehouse's receipt.

Receipt is announced to the customer (SMS "we have your parcel"), and the expected refund
date is counted from it. The dock scans a label (:func:`scan`), then confirms what arrived
(:func:`record_receipt`); a carrier scan comes from a person (:func:`mark_in_transit`) or
from the carrier's signed webhook (:func:`carrier_update`). When the policy pays refunds
early (``refunds.issue_at``), each of these moments releases the money
(:mod:`backend.workflows.early_refund`) without changing the status.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import CarrierEvent, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import notifications, receiving
from backend.services.carrier_webhooks import TrackingUpdate
from backend.services.errors import Conflict
from backend.services.transitions import apply_transition
from backend.workflows import early_refund
from backend.workflows.steps import move_and_announce

log = logging.getLogger(__name__)


def mark_in_transit(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    """The carrier has the parcel: in_transit, which is the proof of dispatch (and the moment
    of an early refund under ``issue_at: carrier_scan``)."""
    move_and_announce(ctx, rma, S.IN_TRANSIT, actor=actor, note=note)
    early_refund.refund_if_due(ctx, rma, early_refund.CARRIER_SCAN)


def receive(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.RECEIVED, actor=actor, note=note)
    early_refund.refund_if_due(ctx, rma, early_refund.CARRIER_SCAN)


def scan(ctx: BackendContext, code: str, *, actor: str) -> str:
    """The dock scanned a label (RMA or tracking number): a parcel on its way is received
    (the customer told), one already at the dock just opens; the RMA."""
    with ctx.sessions() as session:
        ret = receiving.find_by_code(session, code)
        rma = ret.rma
        arriving = receiving.check_parcel_welcome(ret)
    if arriving:
        try:
            receive(ctx, rma, actor=actor, note="scanned at the dock")
        except Conflict:
            # Scanned twice at once (a wedge that repeats, two docks): the other scan received it.
            with ctx.sessions() as session:
                if receiving.check_parcel_welcome(get_return(session, rma)):
                    raise
    return rma


def record_receipt(ctx: BackendContext, rma: str, receipt: receiving.Receipt, *, actor: str) -> None:
    """Record what arrived, receiving the return first if it was still on its way, in one
    transaction; then the refund if the policy pays at receipt."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        receiving.check_countable(ret)
        queued = None
        if ret.status != S.RECEIVED.value:
            apply_transition(session, ret, S.RECEIVED, actor=actor, at=ctx.now(),
                             note=receipt.note or "received at the dock")
            queued = notifications.queue_for_status(ctx, session, ret)
        receiving.record_receipt(session, ret, receipt, actor=actor, at=ctx.now())
        return_id = ret.id
    if queued is not None:
        notifications.dispatch_for_return(ctx, return_id)
    early_refund.refund_if_due(ctx, rma, early_refund.RECEIPT)


# --- the carriers' own scans --------------------------------------------------------------------

# EasyPost tracker statuses that prove the carrier has the parcel.
MOVING_STATUSES = frozenset({"in_transit", "out_for_delivery", "delivered", "available_for_pickup"})


def carrier_update(ctx: BackendContext, update: TrackingUpdate) -> str:
    """A carrier's tracking event: ``moved`` (label_issued → in_transit), ``recorded`` (kept,
    nothing to move), ``duplicate`` (seen before: nothing twice) or ``ignored`` (not ours,
    or a status that proves nothing)."""
    if update.status not in MOVING_STATUSES:
        return "ignored"
    try:
        return _carrier_update(ctx, update)
    except IntegrityError:  # the same event delivered twice at once: the other one kept it
        return "duplicate"


def _carrier_update(ctx: BackendContext, update: TrackingUpdate) -> str:
    actor = f"carrier:{update.provider}"
    with session_scope(ctx.sessions) as session:
        seen = session.execute(select(CarrierEvent.id).where(
            CarrierEvent.provider == update.provider, CarrierEvent.event_id == update.event_id)
        ).scalar_one_or_none()
        if seen is not None:
            return "duplicate"
        ret = receiving.return_for_tracking(session, update.tracking_code)
        if ret is None:
            log.info("%s event %s: no label of ours has this tracking code; ignored",
                     update.provider, update.event_id)
            return "ignored"
        rma = ret.rma
        event = CarrierEvent(provider=update.provider, event_id=update.event_id[:80],
                             tracking_number=update.tracking_code[:64], status=update.status[:30],
                             return_id=ret.id, created_at=ctx.now())
        moving = ret.status == S.LABEL_ISSUED.value
        if not moving:
            session.add(event)
    if not moving:
        return "recorded"
    try:
        move_and_announce(ctx, rma, S.IN_TRANSIT, actor=actor, note=f"{update.provider}: {update.status}",
                          before=lambda s, r: _still_label_issued(r),
                          after=lambda s, r: s.add(event))
    except _AlreadyMoved:  # moved by someone else meanwhile: keep the event, move nothing
        return _carrier_update(ctx, update)
    early_refund.refund_if_due(ctx, rma, early_refund.CARRIER_SCAN)
    return "moved"


class _AlreadyMoved(Exception):
    """The return left label_issued between the look-up and the move (a concurrent scan)."""


def _still_label_issued(ret: ReturnRequest) -> None:
    if ret.status != S.LABEL_ISSUED.value:
        raise _AlreadyMoved()
