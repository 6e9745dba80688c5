"""Expire returns whose label went unused past the policy's validity; their stock goes back.

Run hourly by the API's sweep and by ``python -m backend expire-labels``; staff can also
expire one return by hand.
"""
from __future__ import annotations

import logging

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.labels import returns_with_unused_expired_labels
from backend.services import returns
from backend.services.transitions import apply_transition
from backend.workflows.steps import move_and_announce

log = logging.getLogger(__name__)


def expire_unused_labels(ctx: BackendContext) -> list[str]:
    """Returns whose label was never used in time become ``expired``; their RMAs."""
    now = ctx.now()
    expired = []
    with session_scope(ctx.sessions) as session:
        for ret in returns_with_unused_expired_labels(session, now):
            apply_transition(session, ret, S.EXPIRED, actor="system", at=now,
                             note="label not used in time")
            returns.release_reservations(session, ret)
            expired.append(ret.rma)
    if expired:
        log.info("expired %d returns with unused labels", len(expired))
    return expired


def expire(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.EXPIRED, actor=actor, note=note,
                      after=returns.release_reservations)
