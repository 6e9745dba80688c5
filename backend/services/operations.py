"""Moves made by the shop's side: review decisions, carrier scans, receiving, inspection.

Each target status may carry a side effect (a label to issue, stock to release, money to
pay); this module pairs them, and the state machine still decides what is legal.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.services import labels, notifications, refunds
from backend.services.errors import Conflict, Invalid
from backend.services.returns import after_approval, get_return, release_reservations
from backend.services.transitions import apply_transition

GRADES = ("A", "B", "C", "D")
DISPOSITIONS = ("restock", "refurbish", "recycle", "dispose")


def move_return(ctx: BackendContext, rma: str, target: str, *, actor: str, note: str | None = None,
                grades: dict[int, str] | None = None,
                dispositions: dict[int, str] | None = None) -> tuple[str, dict | None]:
    """Move a return to ``target`` with its side effects; (new status, partner error or None)."""
    try:
        status = S(target)
    except ValueError:
        raise Invalid(f"Unknown status '{target}'.", f"Statut inconnu « {target} ».",
                      code="unknown_status") from None
    if status is S.LABEL_ISSUED:
        labels.issue_label(ctx, rma, actor=actor)
        return status.value, None
    if status in (S.REFUNDED, S.CREDITED, S.EXCHANGED):
        with session_scope(ctx.sessions) as session:
            expected = refunds.final_status(get_return(session, rma))
        if status is not expected:
            raise Conflict(f"This return resolves as '{expected.value}', not '{status.value}'.",
                           f"Ce retour se conclut par « {expected.value} », pas « {status.value} ».",
                           code="wrong_resolution")
        return refunds.resolve_return(ctx, rma, actor=actor), None
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if status is S.INSPECTED:
            _record_inspection(ret, grades or {}, dispositions or {})
        apply_transition(session, ret, status, actor=actor, note=note)
        if status in (S.CANCELLED, S.EXPIRED, S.REJECTED):
            release_reservations(session, ret)
        queued = notifications.queue_for_status(ctx, session, ret)
        returnless, return_id = ret.returnless, ret.id
    if queued is not None:
        notifications.dispatch_for_return(ctx, return_id)
    if status is S.APPROVED:
        return status.value, after_approval(ctx, rma, returnless=returnless)
    return status.value, None


def _record_inspection(ret, grades: dict[int, str], dispositions: dict[int, str]) -> None:
    line_ids = {l.id for l in ret.lines}
    unknown = (set(grades) | set(dispositions)) - line_ids
    if unknown:
        raise Invalid(f"Lines {sorted(unknown)} are not part of return {ret.rma}.",
                      f"Les lignes {sorted(unknown)} ne font pas partie du retour {ret.rma}.")
    for line in ret.lines:
        if line.id in grades:
            if grades[line.id] not in GRADES:
                raise Invalid(f"Grade must be one of {', '.join(GRADES)}.",
                              f"La note doit être parmi {', '.join(GRADES)}.", code="invalid_grade")
            line.grade = grades[line.id]
        if line.id in dispositions:
            if dispositions[line.id] not in DISPOSITIONS:
                raise Invalid(f"Disposition must be one of {', '.join(DISPOSITIONS)}.",
                              f"La destination doit être parmi {', '.join(DISPOSITIONS)}.",
                              code="invalid_disposition")
            line.disposition = dispositions[line.id]
