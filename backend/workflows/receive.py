"""The parcel's way back: the carrier's scan (``in_transit``), then the warehouse's receipt.

Receipt is announced to the customer (SMS "we have your parcel"), and the expected refund
date is counted from it.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.domain.lifecycle import ReturnStatus as S
from backend.workflows.steps import move_and_announce


def mark_in_transit(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.IN_TRANSIT, actor=actor, note=note)


def receive(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.RECEIVED, actor=actor, note=note)
