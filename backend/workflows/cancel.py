"""Cancel a return: the customer (only before the parcel is on its way) or the shop.

Stock held for its exchanges goes back in the same transaction.
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.claims import CustomerClaims
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return_for_customer
from backend.services import returns
from backend.services.transitions import apply_transition
from backend.workflows.steps import move_and_announce


def cancel_for_customer(ctx: BackendContext, claims: CustomerClaims, rma: str,
                        actor: str = "customer") -> str:
    """The customer cancels their own return; its canonical RMA."""
    with session_scope(ctx.sessions) as session:
        ret = get_return_for_customer(session, claims, rma)
        returns.check_cancellable_by_customer(ret)
        apply_transition(session, ret, S.CANCELLED, actor=actor, at=ctx.now())
        returns.release_reservations(session, ret)
        return ret.rma


def cancel(ctx: BackendContext, rma: str, *, actor: str, note: str | None = None) -> None:
    """The shop cancels a return (the state machine says from which statuses)."""
    move_and_announce(ctx, rma, S.CANCELLED, actor=actor, note=note,
                      after=returns.release_reservations)
