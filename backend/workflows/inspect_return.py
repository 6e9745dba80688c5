"""The warehouse opened the parcel: grade each line, say where it goes, move to ``inspected``.

Grades and dispositions are stored in the transition's transaction: an unknown line or
value, or an illegal move, leaves nothing recorded.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.domain.lifecycle import ReturnStatus as S
from backend.services.inspection import record_inspection
from backend.workflows.steps import move_and_announce


def inspect_return(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None,
                   grades: dict[int, str] | None = None,
                   dispositions: dict[int, str] | None = None) -> None:
    move_and_announce(ctx, rma, S.INSPECTED, actor=actor, note=note,
                      before=lambda _session, ret: record_inspection(ret, grades or {}, dispositions or {}))
