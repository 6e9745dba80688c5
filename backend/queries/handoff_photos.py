"""Which photos a handed-over conversation may show, and to whom.

Two kinds of photo live in ``photos``: the customer's (their ``conversation_id`` or
``customer_id`` says whose) and those an agent sent them (no owner columns; the agent's
transcript line that sent it names it, see ``backend.services.photos.store_staff_photo``).
The console sees both kinds within one conversation; the public media links serve only
the second kind, so a link can never be turned into a way to a customer's own photo.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import HandoffMessage, HandoffRequest, Photo


def _photo(session: Session, public_id: str) -> Photo | None:
    return session.execute(select(Photo).where(Photo.public_id == public_id)).scalars().first()


def photo_of_line(session: Session, message: HandoffMessage) -> Photo | None:
    """The photo a transcript line carries (None: none, or erased since)."""
    return _photo(session, message.photo_public_id) if message.photo_public_id else None


def agent_photo_count(session: Session, handoff_id: int) -> int:
    """How many photos agents have sent in this handoff."""
    return session.execute(select(func.count(HandoffMessage.id)).where(
        HandoffMessage.handoff_id == handoff_id, HandoffMessage.kind == "agent",
        HandoffMessage.photo_public_id.is_not(None))).scalar_one()


def _sent_by_agent(session: Session, public_id: str, conversation_id: str | None = None) -> bool:
    query = (select(HandoffMessage.id).join(HandoffRequest, HandoffRequest.id == HandoffMessage.handoff_id)
             .where(HandoffMessage.kind == "agent", HandoffMessage.photo_public_id == public_id))
    if conversation_id is not None:
        query = query.where(HandoffRequest.conversation_id == conversation_id)
    return session.execute(query.limit(1)).first() is not None


def conversation_photo(session: Session, handoff_id: int, public_id: str) -> Photo | None:
    """A photo of this handoff's conversation (the customer's, or one an agent sent in it)."""
    handoff = session.get(HandoffRequest, handoff_id)
    photo = _photo(session, public_id)
    if handoff is None or photo is None:
        return None
    if photo.conversation_id is not None:
        return photo if photo.conversation_id == handoff.conversation_id else None
    if photo.customer_id is None and _sent_by_agent(session, public_id, handoff.conversation_id):
        return photo
    return None


def sent_photo_file(session: Session, public_id: str) -> tuple[Path, str] | None:
    """The file and type of a photo an agent sent; None for any other photo, or a lost file."""
    photo = _photo(session, public_id)
    if photo is None or photo.conversation_id is not None or photo.customer_id is not None:
        return None
    if not _sent_by_agent(session, public_id):
        return None
    path = Path(photo.storage_path)
    return (path, photo.content_type) if path.is_file() else None
