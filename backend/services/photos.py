"""Photos: validated and re-encoded, stored on disk, recorded in the database.

Most are the customer's; an agent's photo for the customer (``store_staff_photo``) goes
through the same checks and is stored the same way, tied to the transcript line that sent it.

A photo can be uploaded before the return exists (the chat collects it while the customer
is still answering, even before they are verified: then it belongs to the conversation
until a return created in that conversation claims it) and attached when the return is
created, or attached to an existing return later, which may release a return held only
for lack of a photo (``backend.workflows.attach_photo``).
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import Photo, ReturnLine
from backend.db.session import session_scope
from backend.documents.image_processing import ImageRejected, ProcessedImage, process_image
from backend.domain.claims import CustomerClaims
from backend.queries.returns import get_return_for_customer
from backend.services.errors import Conflict, Invalid, NotFound, PayloadTooLarge, ServiceError, UnsupportedMedia
from backend.services.returns import claim_photo

MAX_PHOTOS_PER_LINE = 5


def _error_for(exc: ImageRejected) -> ServiceError:
    kind = {"too_large": PayloadTooLarge, "too_many_pixels": PayloadTooLarge,
            "not_an_image": UnsupportedMedia, "unsupported_type": UnsupportedMedia}.get(exc.code, Invalid)
    return kind(exc.key, **exc.params)


def photos_dir(ctx: BackendContext) -> Path:
    path = ctx.settings.media_dir / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _process(ctx: BackendContext, data: bytes, declared_type: str | None) -> ProcessedImage:
    try:
        return process_image(data, max_bytes=ctx.settings.photo_max_bytes,
                             max_pixels=ctx.settings.photo_max_pixels, declared_type=declared_type)
    except ImageRejected as exc:
        raise _error_for(exc) from None


def _save(ctx: BackendContext, image: ProcessedImage, owner: dict,
          check: Callable[[Session], None] | None = None,
          then: Callable[[Session, Photo], None] | None = None) -> Photo:
    """Write the file, then its row (after ``check`` passes in the same transaction, and
    followed there by ``then``: whatever records the photo commits with it, or neither)."""
    public_id = f"ph_{secrets.token_urlsafe(12)}"
    path = photos_dir(ctx) / f"{public_id}.{image.extension}"
    path.write_bytes(image.data)
    try:
        with session_scope(ctx.sessions) as session:
            if check:
                check(session)
            photo = Photo(public_id=public_id, content_type=image.content_type, width=image.width,
                          height=image.height, size_bytes=len(image.data), sha256=image.sha256,
                          storage_path=str(path), created_at=ctx.now(), **owner)
            session.add(photo)
            session.flush()
            if then:
                then(session, photo)
        return photo
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def store_photo(ctx: BackendContext, claims: CustomerClaims, data: bytes,
                declared_type: str | None = None) -> Photo:
    """Validate, strip metadata, store; the new photo is not yet attached to anything."""
    image = _process(ctx, data, declared_type)
    return _save(ctx, image, {"customer_id": claims.customer_id, "order_id": claims.order_id})


def store_chat_photo(ctx: BackendContext, conversation_id: str, data: bytes,
                     declared_type: str | None = None) -> Photo:
    """A photo sent in a chat before anyone is verified: it belongs to the conversation only.

    Creating a return in that conversation claims it. Each conversation holds a bounded
    number of photos, so an upload token cannot be used to fill the disk.
    """
    cap = ctx.settings.chat_photos_per_conversation

    def below_cap(session: Session) -> None:
        count = session.execute(select(func.count(Photo.id)).where(
            Photo.conversation_id == conversation_id)).scalar_one()
        if count >= cap:
            raise Invalid("too_many_chat_photos", cap=cap)

    with session_scope(ctx.sessions) as session:
        below_cap(session)  # refuse early, before decoding anything
    image = _process(ctx, data, declared_type)
    return _save(ctx, image, {"conversation_id": conversation_id}, check=below_cap)


def store_staff_photo(ctx: BackendContext, data: bytes, declared_type: str | None,
                      record: Callable[[Session, Photo], None]) -> Photo:
    """A photo an agent sends to a customer: validated and re-encoded like a customer's.

    It has no owner columns (no customer, no conversation): it is never evidence for a
    return and never counts against the customer's own photos. ``record`` writes the
    transcript line that sends it, in the same transaction, so every staff photo is one an
    agent sent (that line is how the console and the public link find it).
    """
    image = _process(ctx, data, declared_type)
    return _save(ctx, image, {}, then=record)


def line_for_photo(ctx: BackendContext, claims: CustomerClaims, rma: str,
                   return_line_id: int | None = None) -> tuple[int, str]:
    """Which line of the customer's return a new photo goes to, and the return's RMA.

    By default the first line whose reason needs a photo; refused when the return is over
    or the line already holds the most photos it may.
    """
    with session_scope(ctx.sessions) as session:
        ret = get_return_for_customer(session, claims, rma)
        lines = [l for l in ret.lines if return_line_id in (None, l.id)]
        if not lines:
            raise Invalid("return_line_not_found")
        needing = [l for l in lines if ctx.policy.reasons[l.reason_code].photo_required]
        line_id = (needing or lines)[0].id
        if ret.status in ("closed", "cancelled", "expired", "rejected"):
            raise Conflict("return_closed")
        if len((needing or lines)[0].photos) >= MAX_PHOTOS_PER_LINE:
            raise Invalid("too_many_line_photos", cap=MAX_PHOTOS_PER_LINE)
        return line_id, ret.rma


def attach_to_line(ctx: BackendContext, photo: Photo, return_line_id: int) -> None:
    with session_scope(ctx.sessions) as session:
        stored = session.get(Photo, photo.id)
        stored.return_line_id = return_line_id


def attach_uploaded(ctx: BackendContext, claims: CustomerClaims, return_line_id: int,
                    public_ids: list[str], conversation_id: str | None) -> list[Photo]:
    """Photos already uploaded (the customer's, or their chat's still unclaimed) go to a line.

    The chat uploads a photo before anyone knows which return it is for; when the customer
    sends the photo a return was waiting for, the assistant names it here. All or nothing:
    one unusable photo refuses them all.
    """
    with session_scope(ctx.sessions) as session:
        line = session.get(ReturnLine, return_line_id)
        found = [claim_photo(session, public_id, claims, conversation_id)
                 for public_id in dict.fromkeys(public_ids)]
        if len(line.photos) + len(found) > MAX_PHOTOS_PER_LINE:
            raise Invalid("too_many_line_photos", cap=MAX_PHOTOS_PER_LINE)
        for photo in found:
            photo.return_line_id = return_line_id
        return found


WAREHOUSE_PHOTOS_PER_LINE = 10


def store_warehouse_photo(ctx: BackendContext, return_line_id: int, data: bytes,
                          declared_type: str | None) -> Photo:
    """Evidence the inspector takes of a line (damage, a missing part): checked and
    re-encoded like a customer's photo, attached to the line with ``source='warehouse'``.
    Why a cap of its own: the customer's photo allowance is theirs, the warehouse's is not
    counted against it here (at most :data:`WAREHOUSE_PHOTOS_PER_LINE` per line)."""
    def line_ok(session: Session) -> None:
        line = session.get(ReturnLine, return_line_id)
        if line is None:
            raise NotFound("warehouse_line_not_found")
        count = session.execute(select(func.count(Photo.id)).where(
            Photo.return_line_id == return_line_id, Photo.source == "warehouse")).scalar_one()
        if count >= WAREHOUSE_PHOTOS_PER_LINE:
            raise Invalid("too_many_line_photos", cap=WAREHOUSE_PHOTOS_PER_LINE)

    with session_scope(ctx.sessions) as session:
        line_ok(session)  # refuse early, before decoding anything
    image = _process(ctx, data, declared_type)
    return _save(ctx, image, {"return_line_id": return_line_id, "source": "warehouse"},
                 check=line_ok)
