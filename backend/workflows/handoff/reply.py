"""The agent writes to the customer (text, or a photo with an optional caption), or leaves
a note for colleagues.

The reply is stored first (so it is never lost), then delivered on the customer's own
channel; its ``delivery`` says whether it left, and a failed one can be sent again. When the
customer asked for a reply by SMS or email, a copy of the text leaves that way too. A
photo goes out as a public, signed, expiring link (``backend.services.agent_media``):
Twilio fetches it for the MMS, the web chat shows it.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from backend.adapters.conversations.base import AgentMessage, DeliveryFailed
from backend.context import BackendContext
from backend.db.models import HandoffMessage, HandoffRequest, Photo
from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffStatus
from backend.queries import handoff_photos
from backend.queries.handoffs import message_view
from backend.services import agent_media, handoffs, photos
from backend.services.errors import Conflict, Invalid
from backend.workflows.handoff import callback
from backend.workflows.handoff.common import StaffActor, check_owner


def _speaking(session: Session, handoff_id: int, staff: StaffActor) -> HandoffRequest:
    """The handoff, when ``staff`` may write to its customer now (claimed, and theirs)."""
    handoff = handoffs.get(session, handoff_id)
    if handoff.status != HandoffStatus.CLAIMED.value:
        raise Conflict("handoff_not_claimed")
    check_owner(handoff, staff)
    return handoff


def reply(ctx: BackendContext, handoff_id: int, staff: StaffActor, text: str) -> dict:
    with session_scope(ctx.sessions) as session:
        handoff = _speaking(session, handoff_id, staff)
        message = handoffs.add_message(session, handoff, "agent", text=text, staff_id=staff.staff_id,
                                       at=ctx.now(), delivery="pending")
        message_id, conversation_id = message.id, handoff.conversation_id
        wants_copy = handoff.callback_via is not None
    view = _deliver(ctx, message_id, conversation_id, AgentMessage(text, staff.name))
    if wants_copy:  # the customer asked for the answer by SMS or email too
        callback.send_copy(ctx, handoff_id, staff.name, text)
    return view


def _check_photo_room(ctx: BackendContext, session: Session, handoff_id: int) -> None:
    cap = ctx.settings.agent_photos_per_handoff
    if handoff_photos.agent_photo_count(session, handoff_id) >= cap:
        raise Invalid("handoff_too_many_photos", cap=cap)


def send_photo(ctx: BackendContext, handoff_id: int, staff: StaffActor, data: bytes,
               declared_type: str | None, caption: str = "") -> dict:
    """Send the customer a photo (and a caption): checked, re-encoded, stored with its
    transcript line in one transaction, then delivered like a text reply."""
    with session_scope(ctx.sessions) as session:  # refuse early, before decoding anything
        _speaking(session, handoff_id, staff)
        _check_photo_room(ctx, session, handoff_id)
    sent: dict = {}

    def record(session: Session, photo: Photo) -> None:
        handoff = _speaking(session, handoff_id, staff)  # it may have changed while decoding
        _check_photo_room(ctx, session, handoff_id)
        message = handoffs.add_message(session, handoff, "agent", text=caption or None,
                                       staff_id=staff.staff_id, photo_public_id=photo.public_id,
                                       at=ctx.now(), delivery="pending")
        sent.update(message_id=message.id, conversation_id=handoff.conversation_id)

    photo = photos.store_staff_photo(ctx, data, declared_type, record)
    return _deliver(ctx, sent["message_id"], sent["conversation_id"],
                    AgentMessage(caption, staff.name, _photo_url(ctx, photo)))


def _photo_url(ctx: BackendContext, photo: Photo) -> str:
    extension = Path(photo.storage_path).suffix.lstrip(".") or "jpg"
    return agent_media.media_url(ctx.settings, photo.public_id, extension, ctx.now())


def _deliver(ctx: BackendContext, message_id: int, conversation_id: str, message: AgentMessage) -> dict:
    try:
        ctx.conversations.say(conversation_id, message)
        outcome = "delivered"
    except DeliveryFailed:
        outcome = "failed"
    with session_scope(ctx.sessions) as session:
        stored = session.get(HandoffMessage, message_id)
        stored.delivery = outcome
        return message_view(stored)


def retry(ctx: BackendContext, handoff_id: int, message_id: int, staff: StaffActor) -> dict:
    """Send a reply that failed to leave once more."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        stored = session.get(HandoffMessage, message_id)
        if stored is None or stored.handoff_id != handoff_id or stored.kind != "agent" or stored.delivery != "failed":
            raise Conflict("handoff_nothing_to_retry")
        text, conversation_id = stored.text or "", handoff.conversation_id
        photo = handoff_photos.photo_of_line(session, stored)
        # A photo's link is signed afresh: the first one may be close to its end.
        photo_url = _photo_url(ctx, photo) if photo is not None else None
    return _deliver(ctx, message_id, conversation_id, AgentMessage(text, staff.name, photo_url))


def note(ctx: BackendContext, handoff_id: int, staff: StaffActor, text: str) -> dict:
    """An internal note: kept with the conversation, never sent to the customer."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        message = handoffs.add_message(session, handoff, "note", text=text, staff_id=staff.staff_id,
                                       at=ctx.now())
        return message_view(message)


def typing(ctx: BackendContext, handoff_id: int, staff: StaffActor, is_typing: bool) -> None:
    """Show the customer that the agent is typing (web chat; best effort)."""
    with session_scope(ctx.sessions) as session:
        handoff = handoffs.get(session, handoff_id)
        check_owner(handoff, staff)
        conversation_id = handoff.conversation_id
    ctx.conversations.typing(conversation_id, is_typing)
