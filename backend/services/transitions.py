"""The one place where a return's status changes, with its history row.

The time of the change comes from the caller (``ctx.now()``), never from the wall clock
here: the history row, ``updated_at`` and the rows written with it (label, refund,
notification) then share one clock, which tests can fix.

Every change also writes its partner-feed event (``backend.services.outbox``) in the same
transaction: a change that rolls back takes its event with it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from backend.db.models import ReturnRequest, ReturnStatusChange
from backend.domain.lifecycle import IllegalTransition, ReturnStatus, check_transition
from backend.domain.error_text import NO_NEXT_STATUS
from backend.services import outbox
from backend.services.errors import Conflict


def apply_transition(session: Session, ret: ReturnRequest, target: str | ReturnStatus, *,
                     actor: str, at: dt.datetime, note: str | None = None,
                     policy_override: bool = False) -> None:
    """Move ``ret`` to ``target`` at ``at`` or raise :class:`Conflict` having changed nothing.

    ``policy_override`` is for the policy-override service alone: it is the only way to take
    a move of ``lifecycle.OVERRIDE_ONLY`` (rejected → approved); every other caller gets
    the same 409 as for any illegal move.
    """
    try:
        new_status = check_transition(ret.status, target, policy_override=policy_override)
    except IllegalTransition as exc:
        raise illegal_transition(exc) from None
    from_status = ret.status
    session.add(ReturnStatusChange(return_request=ret, from_status=from_status,
                                   to_status=new_status.value, actor=actor, note=note,
                                   created_at=at))
    ret.status = new_status.value
    ret.updated_at = at
    outbox.record_event(session, ret, from_status=from_status, at=at)


def record_initial_status(session: Session, ret: ReturnRequest, *, actor: str,
                          at: dt.datetime) -> None:
    """The first status of a new return (``requested``), with its partner-feed event."""
    session.add(ReturnStatusChange(return_request=ret, from_status=None, to_status=ret.status,
                                   actor=actor, created_at=at))
    outbox.record_event(session, ret, from_status=None, at=at)


def illegal_transition(exc: IllegalTransition) -> Conflict:
    """The 409 for a move the state machine refuses, naming the statuses allowed instead."""
    allowed = ", ".join(exc.allowed)
    return Conflict("illegal_transition", current=exc.current, target=exc.target,
                    allowed=allowed or NO_NEXT_STATUS,
                    extra={"current_status": exc.current, "requested_status": exc.target})
