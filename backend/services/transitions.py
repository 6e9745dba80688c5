"""The one place where a return's status changes, with its history row.

The time of the change comes from the caller (``ctx.now()``), never from the wall clock
here: the history row, ``updated_at`` and the rows written with it (label, refund,
notification) then share one clock, which tests can fix.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from backend.db.models import ReturnRequest, ReturnStatusChange
from backend.domain.lifecycle import IllegalTransition, ReturnStatus, check_transition
from backend.services.errors import Conflict


def apply_transition(session: Session, ret: ReturnRequest, target: str | ReturnStatus, *,
                     actor: str, at: dt.datetime, note: str | None = None) -> None:
    """Move ``ret`` to ``target`` at ``at`` or raise :class:`Conflict` having changed nothing."""
    try:
        new_status = check_transition(ret.status, target)
    except IllegalTransition as exc:
        raise Conflict(str(exc), _illegal_fr(exc), code="illegal_transition",
                       extra={"current_status": exc.current, "requested_status": exc.target}) from None
    session.add(ReturnStatusChange(return_request=ret, from_status=ret.status,
                                   to_status=new_status.value, actor=actor, note=note,
                                   created_at=at))
    ret.status = new_status.value
    ret.updated_at = at


def record_initial_status(session: Session, ret: ReturnRequest, *, actor: str,
                          at: dt.datetime) -> None:
    session.add(ReturnStatusChange(return_request=ret, from_status=None, to_status=ret.status,
                                   actor=actor, created_at=at))


def _illegal_fr(exc: IllegalTransition) -> str:
    return f"Un retour au statut « {exc.current} » ne peut pas passer à « {exc.target} »."
