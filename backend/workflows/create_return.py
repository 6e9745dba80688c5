"""Create a return once per idempotency key, then take its next step if the policy approved it.

The return is made in one transaction with its idempotency record; a concurrent retry
with the same key loses on the record's unique constraint and answers with the winner's
return. The label or returnless refund that follows an approval runs after that commit
(:func:`backend.workflows.review.after_approval`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from backend.context import BackendContext
from backend.db.session import session_scope
from backend.domain.claims import CustomerClaims
from backend.domain.commands import CreateReturnInput
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.returns import get_return
from backend.services import notifications, returns
from backend.workflows.review import after_approval


@dataclass
class CreateOutcome:
    rma: str
    replayed: bool
    follow_up_error: dict | None = field(default=None)


def create_return(ctx: BackendContext, claims: CustomerClaims, data: CreateReturnInput, *,
                  idempotency_key: str, actor: str = "customer") -> CreateOutcome:
    """Create a return once per idempotency key, then issue its label or returnless refund."""
    fingerprint = data.fingerprint()
    with session_scope(ctx.sessions) as session:
        replay = returns.replayed_rma(session, idempotency_key, fingerprint)
    if replay:
        return CreateOutcome(rma=replay, replayed=True)
    try:
        with session_scope(ctx.sessions) as session:
            ret = returns.create_in_session(ctx, session, claims, data, actor)
            returns.record_idempotency(ctx, session, idempotency_key, fingerprint, ret)
            rma, status, returnless = ret.rma, ret.status, ret.returnless
    except IntegrityError:
        # A concurrent retry with the same key won the race; answer with its return.
        with session_scope(ctx.sessions) as session:
            replay = returns.replayed_rma(session, idempotency_key, fingerprint)
        if replay:
            return CreateOutcome(rma=replay, replayed=True)
        raise
    outcome = CreateOutcome(rma=rma, replayed=False)
    if status == S.APPROVED.value:
        outcome.follow_up_error = after_approval(ctx, rma, returnless=returnless)
        if data.conversation_id:
            # The assistant shows the label or the refund in the reply that made the return:
            # the same news queued for that conversation would only repeat it.
            with session_scope(ctx.sessions) as session:
                notifications.skip_said_in_conversation(ctx, session, get_return(session, rma).id)
    return outcome
