"""The shape most workflows share: change the status, and announce it once committed."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus
from backend.queries.returns import get_return
from backend.services import notifications
from backend.services.transitions import apply_transition

# A step inside the transition's transaction, given the loaded return.
Step = Callable[[Session, ReturnRequest], None]


def move_and_announce(ctx: BackendContext, rma: str, status: ReturnStatus, *, actor: str,
                      note: str | None = None, before: Step | None = None,
                      after: Step | None = None) -> ReturnRequest:
    """In one transaction: ``before``, the transition, ``after``, and the SMS it announces
    queued in the outbox; after the commit, that SMS sent. The return comes back detached.

    ``before`` may refuse (nothing is changed then); the state machine refuses an illegal
    move the same way.
    """
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if before is not None:
            before(session, ret)
        apply_transition(session, ret, status, actor=actor, at=ctx.now(), note=note)
        if after is not None:
            after(session, ret)
        queued = notifications.queue_for_status(ctx, session, ret)
    if queued is not None:
        notifications.dispatch_for_return(ctx, ret.id)
    return ret
