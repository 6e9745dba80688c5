"""Close a resolved (or rejected) return: nothing is owed any more either way."""
from __future__ import annotations

from backend.context import BackendContext
from backend.domain.lifecycle import ReturnStatus as S
from backend.workflows.steps import move_and_announce


def close(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    move_and_announce(ctx, rma, S.CLOSED, actor=actor, note=note)
