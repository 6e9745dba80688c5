"""What the channels tell the backend about a conversation that is with a person.

Service token only: the Rasa channels relay the customer's messages while an agent owns
the conversation, and the bot records the satisfaction rating after an agent closed it.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from backend.api import schemas
from backend.api.deps import db_session, get_ctx, require_service
from backend.context import BackendContext
from backend.db.models import StaffAccount
from backend.queries.handoffs import agents_online, wait_minutes
from backend.services import handoffs
from backend.services.errors import NotFound
from backend.workflows.handoff import customer_message
from backend.workflows.handoff.close import rate

router = APIRouter(prefix="/api/v1/conversations", tags=["handoff"], dependencies=[Depends(require_service)])
ERRORS = {401: {"model": schemas.ErrorOut}, 404: {"model": schemas.ErrorOut},
          409: {"model": schemas.ErrorOut}, 422: {"model": schemas.ErrorOut},
          503: {"model": schemas.ErrorOut}}
ConversationId = Path(..., min_length=1, max_length=128)


@router.post("/{conversation_id}/messages", response_model=schemas.CustomerMessageOut, responses=ERRORS)
def relay_customer_message(body: schemas.CustomerMessageIn, conversation_id: str = ConversationId,
                           ctx: BackendContext = Depends(get_ctx)) -> dict:
    """A customer's message while a person owns the conversation (404 when nobody does)."""
    return customer_message.relay(ctx, conversation_id, text=body.text, intent=body.intent,
                                  confidence=body.confidence, photo_ids=list(body.photo_ids))


@router.post("/{conversation_id}/csat", response_model=schemas.CsatOut, responses=ERRORS)
def record_csat(body: schemas.CsatIn, conversation_id: str = ConversationId,
                ctx: BackendContext = Depends(get_ctx)) -> dict:
    """The customer's 1–5 rating of the conversation an agent just closed (null: skipped)."""
    return rate(ctx, conversation_id, body.score)


@router.get("/{conversation_id}/handoff", response_model=schemas.HandoffStateOut, responses=ERRORS)
def handoff_state(conversation_id: str = ConversationId, ctx: BackendContext = Depends(get_ctx),
                  session: Session = Depends(db_session)) -> dict:
    """Whether a person owns (or will own) this conversation, for a channel picking up again."""
    handoff = handoffs.find_open(session, conversation_id)
    if handoff is None:
        raise NotFound("no_open_handoff")
    now = ctx.now()
    agent = session.get(StaffAccount, handoff.assigned_staff_id) if handoff.assigned_staff_id else None
    online = agents_online(session, now=now, within_seconds=ctx.settings.agent_online_seconds)
    return {"status": handoff.status, "agent_name": agent.display_name if agent else None,
            "wait_minutes": wait_minutes(session, handoff, now=now, agents=online),
            "open_now": ctx.support_hours.is_open(now)}
