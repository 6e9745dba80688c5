"""The agent console's API: the queue, one conversation, and what an agent does in it.

Every route needs a signed-in staff member with the role ``agent``, ``supervisor`` or
``admin`` (cookie session from the console page, with its CSRF token, or the bearer
token of ``POST /api/v1/auth/login`` for scripts); the board is for supervisors. The
``return/…`` routes act on the conversation's return for whoever holds the conversation (a
supervisor or admin may step in) and answer the refreshed return with its staff history.
Anonymous calls get 401, other roles 403.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import AsyncIterator, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, constr
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from backend.api import schemas
from backend.api.deps import db_session, get_ctx, require_roles
from backend.api.uploads import photo_form
from backend.context import BackendContext
from backend.db.models import HandoffMessage, HandoffRequest, StaffAccount
from backend.domain.staff import HANDOFF_ROLES, MANAGERS, StaffPrincipal
from backend.queries import handoff_board as board_queries
from backend.queries import handoff_photos
from backend.queries import handoffs as handoff_queries
from backend.queries.return_view import return_view
from backend.queries.returns import get_return
from backend.services import staff_sessions
from backend.services.errors import Invalid, NotFound
from backend.workflows.handoff import claim as claim_flow
from backend.workflows.handoff import reply as reply_flow
from backend.workflows.handoff import return_actions
from backend.workflows.handoff.close import close as close_flow
from backend.workflows.handoff.common import StaffActor
from backend.workflows.handoff.hand_back import hand_back as hand_back_flow

AGENTS = tuple(sorted(HANDOFF_ROLES))
SUPERVISORS = tuple(sorted(MANAGERS))
router = APIRouter(prefix="/api/v1/agent", tags=["agent"])
ERRORS = {401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut},
          404: {"model": schemas.ErrorOut}, 409: {"model": schemas.ErrorOut},
          422: {"model": schemas.ErrorOut}, 503: {"model": schemas.ErrorOut}}
DB_INT_MAX = 2**31 - 1
HandoffId = Path(..., ge=1, le=DB_INT_MAX)
ENDED = ("closed", "returned", "cancelled")
# What ``?status=`` may ask for: one status by its name, or a set. Open sets read as a queue
# (oldest first), the others as a history (newest first).
STATUS_SETS = {"queued": ("queued",), "claimed": ("claimed",), "open": ("queued", "claimed"),
               "returned": ("returned",), "closed": ("closed",), "cancelled": ("cancelled",), "ended": ENDED,
               "all": ("queued", "claimed", *ENDED)}
QUEUE_SETS = ("queued", "claimed", "open")
# An order number or an RMA, or a piece of one (letters, digits, dashes).
SEARCH_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{1,39}$"
# How often the live stream looks for changes, and how often it says it is alive.
STREAM_POLL_SECONDS = 1.5
KEEP_ALIVE_SECONDS = 60


def _actor(principal: StaffPrincipal) -> StaffActor:
    return StaffActor(staff_id=principal.id, name=principal.name, role=principal.role)


MAX_CAPTION = 4000
PHOTO_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "caption": {"type": "string", "maxLength": MAX_CAPTION}}}}}}}


class TextIn(BaseModel):
    text: constr(strip_whitespace=True, min_length=1, max_length=4000)


class TypingIn(BaseModel):
    typing: bool


class ReassignIn(BaseModel):
    staff_id: int


class RejectIn(BaseModel):
    # Checked by the workflow (trimmed, required), which answers in the caller's language.
    note: Optional[str] = None


class OverrideIn(BaseModel):
    reason: Optional[str] = None


def _acting(principal: StaffPrincipal) -> return_actions.Acting:
    return return_actions.Acting(staff=_actor(principal),
                                 history_actor=principal.actor() if principal.is_account else "staff-token")


def _return_answer(ctx: BackendContext, session: Session, rma: str, error: dict | None = None) -> dict:
    """The refreshed return (with its staff-only history), and a partner's error if any."""
    return return_view(ctx, get_return(session, rma), error, for_staff=True)


@router.get("/handoffs", response_model=schemas.HandoffListOut, responses=ERRORS)
def list_handoffs(status: str = Query("open", pattern=f"^({'|'.join(STATUS_SETS)})$"),
                  q: Optional[str] = Query(None, pattern=SEARCH_PATTERN,
                                           description="Part of an order number or an RMA"),
                  limit: int = Query(200, ge=1, le=200),
                  before: Optional[int] = Query(None, ge=1, le=DB_INT_MAX,
                                                description="Only handoffs with a smaller id (the next page)"),
                  ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                  _who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Handoffs by status: ``open`` (the default: queued and claimed), ``queued`` and
    ``claimed`` oldest first (a queue: the first ``limit``); ``ended`` (returned, closed,
    cancelled), one of those, or ``all`` newest first (a history: ``next_before`` pages on
    when there are more)."""
    history = status not in QUEUE_SETS
    rows = handoff_queries.queue(session, STATUS_SETS[status], now=ctx.now(), limit=limit + 1, before=before,
                                 search=q, newest_first=history)
    more = history and len(rows) > limit
    rows = rows[:limit]
    return {"handoffs": rows, "next_before": rows[-1]["id"] if more else None}


@router.get("/handoffs/{handoff_id}", responses=ERRORS)
def get_handoff(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                session: Session = Depends(db_session),
                who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """The conversation (before and after the handoff), the customer, the return, the bot's
    summary and view."""
    found = handoff_queries.conversation(ctx, session, handoff_id, who.language)
    if found is None:
        raise NotFound("handoff_not_found")
    return found


@router.post("/handoffs/{handoff_id}/claim", response_model=schemas.HandoffOut, responses=ERRORS)
def claim(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
          who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Take a waiting conversation; 409 when someone else took it first."""
    return claim_flow.claim(ctx, handoff_id, _actor(who))


@router.post("/handoffs/{handoff_id}/release", response_model=schemas.HandoffOut, responses=ERRORS)
def release(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
            who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Put a claimed conversation back in the queue."""
    return claim_flow.release(ctx, handoff_id, _actor(who))


@router.post("/handoffs/{handoff_id}/reassign", response_model=schemas.HandoffOut, responses=ERRORS)
def reassign(body: ReassignIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
             session: Session = Depends(db_session),
             who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Give a claimed conversation to another agent (its owner or a supervisor may)."""
    target = session.get(StaffAccount, body.staff_id) if 0 < body.staff_id <= DB_INT_MAX else None
    if target is None or not target.active:
        raise NotFound("staff_not_found")
    return claim_flow.reassign(ctx, handoff_id, _actor(who),
                               StaffActor(staff_id=target.id, name=target.display_name, role=target.role))


@router.post("/handoffs/{handoff_id}/messages", responses=ERRORS)
def send_message(body: TextIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                 who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Reply to the customer on their channel; ``delivery`` says whether it left."""
    return reply_flow.reply(ctx, handoff_id, _actor(who), body.text)


@router.post("/handoffs/{handoff_id}/messages/{message_id}/retry", responses=ERRORS)
def retry_message(handoff_id: int = HandoffId, message_id: int = Path(..., ge=1, le=DB_INT_MAX),
                  ctx: BackendContext = Depends(get_ctx),
                  who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    return reply_flow.retry(ctx, handoff_id, message_id, _actor(who))


@router.post("/handoffs/{handoff_id}/notes", responses=ERRORS)
def add_note(body: TextIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
             who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """An internal note for colleagues; never sent to the customer."""
    return reply_flow.note(ctx, handoff_id, _actor(who), body.text)


@router.post("/handoffs/{handoff_id}/typing", status_code=204, response_class=Response, responses=ERRORS)
def typing(body: TypingIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
           who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> Response:
    """Show the customer the agent's typing dots (web chat only; best effort)."""
    reply_flow.typing(ctx, handoff_id, _actor(who), body.typing)
    return Response(status_code=204)


@router.post("/handoffs/{handoff_id}/handback", response_model=schemas.HandoffOut, responses=ERRORS)
def hand_back(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
              who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Give the conversation back to the bot, which speaks first."""
    return hand_back_flow(ctx, handoff_id, _actor(who))


@router.post("/handoffs/{handoff_id}/close", response_model=schemas.HandoffOut, responses=ERRORS)
def close(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
          who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """End the conversation; the bot asks the customer for a rating."""
    return close_flow(ctx, handoff_id, _actor(who))


# --- the handoff's return: agent, supervisor, admin; the conversation's owner or a supervisor
@router.post("/handoffs/{handoff_id}/return/approve", responses=ERRORS)
def approve_return(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                   session: Session = Depends(db_session),
                   who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Approve the return held for review; its label (or returnless refund) follows. A
    partner down after the approval answers the approved return with ``follow_up_error``."""
    rma, error = return_actions.approve(ctx, handoff_id, _acting(who))
    return _return_answer(ctx, session, rma, error)


@router.post("/handoffs/{handoff_id}/return/reject", responses=ERRORS)
def reject_return(body: RejectIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                  session: Session = Depends(db_session),
                  who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Refuse the return held for review, saying why (``note``, required)."""
    rma = return_actions.reject(ctx, handoff_id, _acting(who), body.note)
    return _return_answer(ctx, session, rma)


@router.post("/handoffs/{handoff_id}/return/label", responses=ERRORS)
def issue_return_label(handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                       session: Session = Depends(db_session),
                       who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Buy the label of an approved return that has none (503 when the carrier is down)."""
    rma = return_actions.label(ctx, handoff_id, _acting(who))
    return _return_answer(ctx, session, rma)


@router.post("/handoffs/{handoff_id}/return/override", responses=ERRORS)
def override_return(body: OverrideIn, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                    session: Session = Depends(db_session),
                    who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Approve a return the policy refused, as an exception: ``reason`` (10–1000 characters)
    is required and audited with the reason codes it overrides."""
    rma, error = return_actions.override(ctx, handoff_id, _acting(who), body.reason)
    return _return_answer(ctx, session, rma, error)


@router.post("/handoffs/{handoff_id}/photos", openapi_extra=PHOTO_FORM,
             responses={**ERRORS, 413: {"model": schemas.ErrorOut}, 415: {"model": schemas.ErrorOut}})
async def send_photo(request: Request, handoff_id: int = HandoffId, ctx: BackendContext = Depends(get_ctx),
                     who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Send the customer a photo (multipart ``file``, optional ``caption``) on their channel,
    as the owner of the claimed conversation; it is checked and re-encoded like a customer's
    photo. The body is read only once the caller is known; ``delivery`` says whether it left."""
    async with photo_form(request, ctx.settings.photo_max_bytes) as (form, data, declared_type):
        caption = form.get("caption")
        caption = caption.strip() if isinstance(caption, str) else ""
        if len(caption) > MAX_CAPTION:
            raise Invalid("handoff_caption_too_long", limit=MAX_CAPTION)
        return await run_in_threadpool(reply_flow.send_photo, ctx, handoff_id, _actor(who), data,
                                       declared_type, caption)


@router.get("/handoffs/{handoff_id}/photos/{photo_id}", responses=ERRORS, response_class=FileResponse)
def photo(handoff_id: int = HandoffId, photo_id: str = Path(..., min_length=1, max_length=40),
          session: Session = Depends(db_session),
          _who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> FileResponse:
    """A photo of this conversation (the customer's or one an agent sent in it), only this one's."""
    found = handoff_photos.conversation_photo(session, handoff_id, photo_id)
    if found is None:
        raise NotFound("handoff_photo_not_found")
    return FileResponse(found.storage_path, media_type=found.content_type,
                        headers={"Cache-Control": "private, max-age=300"})


@router.get("/board", responses=ERRORS)
def board(ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
          _who: StaffPrincipal = Depends(require_roles(*SUPERVISORS))) -> dict:
    """Waiting, claimed, oldest wait; today's first-response and claim times and ratings;
    per agent: online, claimed now, handled today, average first response."""
    now = ctx.now()
    figures = board_queries.board(session, now=now, since=board_queries.day_start(now, ctx.support_hours.zone),
                                  online_within_seconds=ctx.settings.agent_online_seconds)
    return {**figures, "since": schemas.utc_timestamp(figures["since"])}


@router.get("/team", responses=ERRORS)
def team(session: Session = Depends(db_session),
         _who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> dict:
    """Who a conversation can be given to."""
    rows = session.execute(select(StaffAccount).where(StaffAccount.active.is_(True),
                                                      StaffAccount.role.in_(AGENTS))
                           .order_by(StaffAccount.display_name)).scalars()
    return {"staff": [{"id": a.id, "name": a.display_name, "role": a.role} for a in rows]}


def _fingerprint(ctx: BackendContext) -> tuple:
    with ctx.sessions() as session:
        latest = session.execute(select(func.max(HandoffRequest.updated_at), func.count(HandoffRequest.id))).one()
        last_message = session.execute(select(func.max(HandoffMessage.id))).scalar_one()
        return (latest[0], latest[1], last_message)


def _snapshot(ctx: BackendContext) -> dict:
    with ctx.sessions() as session:
        return {"handoffs": handoff_queries.queue(session, STATUS_SETS["open"], now=ctx.now()),
                "last_message_id": session.execute(select(func.max(HandoffMessage.id))).scalar_one()}


@router.get("/stream", responses=ERRORS)
async def stream(request: Request, ctx: BackendContext = Depends(get_ctx),
                 who: StaffPrincipal = Depends(require_roles(*AGENTS))) -> EventSourceResponse:
    """Server-Sent Events: ``queue`` with the open handoffs whenever anything changes (a new
    handoff, a claim, a customer's message). Reads the database, so it works the same
    with several backend processes; it also keeps the agent counted as online."""

    async def events() -> AsyncIterator[dict]:
        seen: Optional[tuple] = None
        touched = dt.datetime.min
        while not await request.is_disconnected():
            now = dt.datetime.utcnow()
            if who.session_id is not None and (now - touched).total_seconds() > KEEP_ALIVE_SECONDS:
                if not await asyncio.to_thread(staff_sessions.keep_alive, ctx, who.session_id):
                    yield {"event": "signed_out", "data": "{}"}
                    return
                touched = now
            current = await asyncio.to_thread(_fingerprint, ctx)
            if current != seen:
                seen = current
                snapshot = await asyncio.to_thread(_snapshot, ctx)
                yield {"event": "queue", "data": json.dumps(snapshot, default=str)}
            await asyncio.sleep(STREAM_POLL_SECONDS)

    return EventSourceResponse(events(), ping=15)

