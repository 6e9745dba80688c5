"""Add a customer's photo to their return; a return held only for that photo then moves on.

The photo is either sent with the request (:func:`attach_photo`) or was uploaded earlier, in
the chat, and is named by its id (:func:`attach_uploaded_photos`).
"""
from __future__ import annotations

from backend.context import BackendContext
from backend.db.models import Photo
from backend.domain.claims import CustomerClaims
from backend.services import photos
from backend.workflows.review import reevaluate_after_photo


def attach_photo(ctx: BackendContext, claims: CustomerClaims, rma: str, data: bytes,
                 declared_type: str | None = None,
                 return_line_id: int | None = None) -> tuple[Photo, dict | None]:
    """(the stored photo, the partner's error if the approval's next step failed)."""
    line_id, canonical_rma = photos.line_for_photo(ctx, claims, rma, return_line_id)
    photo = photos.store_photo(ctx, claims, data, declared_type)
    photos.attach_to_line(ctx, photo, line_id)
    return photo, reevaluate_after_photo(ctx, canonical_rma)


def attach_uploaded_photos(ctx: BackendContext, claims: CustomerClaims, rma: str, photo_ids: list[str],
                           conversation_id: str | None) -> tuple[list[Photo], dict | None]:
    """(the photos now on the return, the partner's error if the approval's next step failed)."""
    line_id, canonical_rma = photos.line_for_photo(ctx, claims, rma)
    attached = photos.attach_uploaded(ctx, claims, line_id, photo_ids, conversation_id)
    return attached, reevaluate_after_photo(ctx, canonical_rma)
