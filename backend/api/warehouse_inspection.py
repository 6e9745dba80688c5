"""Inspection: grade each line, the disposition the rules decide, a person's override, and
the repair bench's queue.

Who may call: the warehouse, supervisors and admins (``WAREHOUSE_ROLES``); agents get 403.
Every route that answers a return answers the warehouse's view of it
(:func:`backend.queries.warehouse_view.warehouse_view`).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from backend.api import schemas
from backend.api import schemas_warehouse as ws
from backend.api.deps import db_session, get_ctx, require_roles
from backend.api.uploads import photo_form
from backend.context import BackendContext
from backend.db.models import Photo
from backend.services import photos
from backend.services.errors import NotFound
from backend.domain.staff import ADMIN, SUPERVISOR, WAREHOUSE, StaffPrincipal
from backend.queries import inventory as inventory_queries
from backend.queries.returns import get_return
from backend.queries.warehouse_view import warehouse_view
from backend.domain.commands import LineInspection
from backend.workflows import dispose, inspect_return

WAREHOUSE_ROLES = (WAREHOUSE, SUPERVISOR, ADMIN)
DB_INT_MAX = 2**31 - 1
ERRORS = {code: {"model": schemas.ErrorOut} for code in (401, 403, 404, 409, 422, 503)}

router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"],
                   dependencies=[Depends(require_roles(*WAREHOUSE_ROLES))])


@router.post("/returns/{rma}/inspection", response_model=ws.WarehouseReturnOut, responses=ERRORS)
def inspect(rma: str, body: ws.InspectionIn, ctx: BackendContext = Depends(get_ctx),
            session: Session = Depends(db_session),
            principal: StaffPrincipal = Depends(require_roles(*WAREHOUSE_ROLES))) -> dict:
    """Grade every line that arrived; answers each line's disposition (rule, law, value
    recovered). The return must be ``received`` (409). Afterwards the refund goes out on
    the warehouse's word (policy ``refunds.issue_at: inspection``, or already paid early),
    or the parcel is rejected when every line is refused (grade D with a mismatch)."""
    lines = [LineInspection(line_id=l.line_id, grade=l.grade, flags=tuple(l.flags), notes=l.notes,
                            reduction_minor=l.reduction_minor, reduction_reason=l.reduction_reason,
                            mismatches=tuple(l.mismatches), refuse=l.refuse) for l in body.lines]
    inspect_return.inspect(ctx, rma, lines, actor=principal.actor(), note=body.note)
    return warehouse_view(ctx, get_return(session, rma))


@router.post("/lines/{line_id}/disposition", response_model=ws.WarehouseReturnOut, responses=ERRORS)
def override_disposition(body: ws.DispositionOverrideIn, line_id: int = Path(..., ge=1, le=DB_INT_MAX),
                         ctx: BackendContext = Depends(get_ctx),
                         session: Session = Depends(db_session),
                         principal: StaffPrincipal = Depends(require_roles(*WAREHOUSE_ROLES))) -> dict:
    """Send a line's units elsewhere than the rules said, with a reason (5 characters or
    more; audited). The law's guards still apply (422 naming the article); not once the
    units have left (refurbishing done: 409)."""
    rma = dispose.override(ctx, line_id, body.disposition, body.reason, principal=principal,
                           actor=principal.actor(), exception=body.exception)
    return warehouse_view(ctx, get_return(session, rma))


@router.get("/refurbish", response_model=ws.RefurbishQueueOut, responses=ERRORS)
def refurbish_queue(session: Session = Depends(db_session)) -> dict:
    """Lines waiting on the repair bench, oldest first."""
    return {"items": inventory_queries.refurbish_queue(session)}


@router.post("/refurbish/{line_id}/done", response_model=ws.RefurbishQueueOut, responses=ERRORS)
def refurbish_done(body: ws.RefurbishDoneIn, line_id: int = Path(..., ge=1, le=DB_INT_MAX),
                   ctx: BackendContext = Depends(get_ctx), session: Session = Depends(db_session),
                   principal: StaffPrincipal = Depends(require_roles(*WAREHOUSE_ROLES))) -> dict:
    """The bench is done with a line: its units go to ``sellable_b`` (sold as grade B) or
    ``resale_hold`` (the outlet); answers the queue as it is now."""
    dispose.finish_refurbish(ctx, line_id, body.to, actor=principal.actor())
    return {"items": inventory_queries.refurbish_queue(session)}


PHOTO_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/lines/{line_id}/photos", response_model=ws.WarehouseReturnOut, openapi_extra=PHOTO_FORM,
             responses={**ERRORS, 413: {"model": schemas.ErrorOut}, 415: {"model": schemas.ErrorOut}})
async def add_photo(request: Request, line_id: int = Path(..., ge=1, le=DB_INT_MAX),
                    ctx: BackendContext = Depends(get_ctx),
                    _who: StaffPrincipal = Depends(require_roles(*WAREHOUSE_ROLES))) -> dict:
    """A photo the inspector takes of a line (multipart ``file``), checked and re-encoded
    like a customer's; answers the return with the line's ``warehouse_photos``."""
    async with photo_form(request, ctx.settings.photo_max_bytes) as (_form, data, declared_type):
        photo = await run_in_threadpool(photos.store_warehouse_photo, ctx, line_id, data, declared_type)

    def view() -> dict:
        with ctx.sessions() as session:
            stored = session.execute(select(Photo).where(Photo.id == photo.id)).scalar_one()
            return warehouse_view(ctx, stored.return_line.return_request)
    return await run_in_threadpool(view)


@router.get("/photos/{public_id}", responses=ERRORS, response_class=FileResponse)
def photo(public_id: str = Path(..., min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$"),
          session: Session = Depends(db_session)) -> FileResponse:
    """A photo attached to a return line (the customer's evidence or the warehouse's)."""
    found = session.execute(select(Photo).where(Photo.public_id == public_id,
                                                Photo.return_line_id.is_not(None))).scalar_one_or_none()
    if found is None:
        raise NotFound("photo_not_found", photo_id=public_id)
    return FileResponse(found.storage_path, media_type=found.content_type,
                        headers={"Cache-Control": "private, max-age=300"})
