"""A person changes where a line's units go (an override), or the repair bench finishes one.

Why compensating movements and never an edit: stock is the sum of its movements, so an
override takes the units back from where the rules put them (``override_reversal``) and
puts them where the person said; the history still shows both. The override is re-checked
by the law's guards (a person cannot destroy what the law says must be sold or given) and
kept as a ``DispositionOverride`` row with its reason (the audit trail).
"""
from __future__ import annotations

from sqlalchemy import select

from backend.context import BackendContext
from backend.db.models import DispositionOverride, InventoryMovement, ReturnLine
from backend.db.session import session_scope
from backend.domain.disposition import DISPOSITIONS, EXCEPTION_CODES
from backend.domain.disposition_text import DISPOSITION_NAMES
from backend.domain.staff import StaffPrincipal
from backend.domain.stock import REFURBISHED_TO
from backend.services import dispositions, inventory
from backend.services.errors import Conflict, Invalid, NotFound

REASON_MIN, REASON_MAX = 5, 500


def _line(session, line_id: int) -> ReturnLine:
    line = session.get(ReturnLine, line_id)
    if line is None:
        raise NotFound("warehouse_line_not_found")
    return line


def refurbished(session, line: ReturnLine) -> bool:
    """Whether the bench already finished this line (its units left ``refurbish``)."""
    return session.execute(select(InventoryMovement.id).where(
        InventoryMovement.return_line_id == line.id,
        InventoryMovement.kind == "refurbish_done").limit(1)).first() is not None


def override(ctx: BackendContext, line_id: int, to: str, reason: str, *,
             principal: StaffPrincipal, actor: str, exception: str | None = None) -> str:
    """Send a line's units to ``to``; the return's RMA (for the view)."""
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise Invalid("disposition_override_reason", min=REASON_MIN, max=REASON_MAX)
    if to not in DISPOSITIONS:
        raise Invalid("invalid_disposition", dispositions=", ".join(DISPOSITIONS))
    if to == "dispose" and exception not in EXCEPTION_CODES:
        raise Invalid("disposition_exception_invalid", codes=", ".join(EXCEPTION_CODES))
    with session_scope(ctx.sessions) as session:
        line = _line(session, line_id)
        if line.grade is None or line.disposition is None:
            raise Conflict("line_not_inspected")
        if line.disposition == to:
            raise Conflict("disposition_unchanged", disposition=DISPOSITION_NAMES[to])
        if refurbished(session, line):
            raise Conflict("override_units_gone")
        now = ctx.now()
        guards = dispositions.check_override(ctx.dispositions, line, to, exception, now.date())
        before = line.disposition
        inventory.take_back(session, line, actor=actor, at=now, note=reason)
        dispositions.store_override(ctx.dispositions, line, to, guards)
        if line.eligible:
            inventory.put_away(session, line, to, location=ctx.settings.warehouse_location,
                               actor=actor, at=now, kind="override")
        session.add(DispositionOverride(
            return_line_id=line.id, from_disposition=before, to_disposition=to,
            reason=reason + (f" [exception: {exception}]" if to == "dispose" else ""),
            staff_id=principal.id,
            actor=actor, created_at=now))
        return line.return_request.rma


def finish_refurbish(ctx: BackendContext, line_id: int, to: str, *, actor: str) -> int:
    """The bench is done with a line: its units go to ``to`` (sellable_b or resale_hold);
    the units moved."""
    if to not in REFURBISHED_TO:
        raise Invalid("refurbish_target_invalid", targets=", ".join(REFURBISHED_TO))
    with session_scope(ctx.sessions) as session:
        line = _line(session, line_id)
        return inventory.refurbish_done(session, line, to, actor=actor, at=ctx.now())
