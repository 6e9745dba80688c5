"""A photo for a return that is waiting for one goes to that return, not to a new one.

A return made without the photo its reason needs is held in review ("send us a photo and
we'll continue"). When the customer then sends the photo, in the same conversation or in
a later one once verified with the RMA, the chat has already uploaded it: the backend is
asked to add it to that return by id, the policy decides again, and the customer hears
the outcome (approved with its label, or still in review) in their language.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import UNVERIFIED
from actions.language import language_of
from common.backend_client import BackendError, get_client
from common.identifiers import find_rma
from common.languages import pick, text_from_error

Slots = dict[str, Any]
# Where a return can be once a photo released it (anything but still held or refused).
STILL_HELD = "needs_review"


def waits_for_photo(ret: dict) -> bool:
    """Held in review only because no photo came with it (the backend's reason code)."""
    return ret.get("status") == STILL_HELD and "photo_required" in (ret.get("decision") or {}).get("reason_codes", [])


def rma_of(reference: str | None) -> str | None:
    """The RMA in a reference the customer gave (None for an order number)."""
    return find_rma(reference or "") if reference else None


def announce_photo_outcome(dispatcher: CollectingDispatcher, ret: dict, lang: str) -> None:
    """The photo is on the return: say so, then what the policy decided with it."""
    dispatcher.utter_message(response="utter_photo_added", rma=ret["rma"])
    next_step = pick(ret["next_step"], lang)
    if ret["status"] == "rejected":
        dispatcher.utter_message(response="utter_return_rejected",
                                 explanation=pick(ret["decision"]["explanation"], lang))
        return
    if ret["status"] == STILL_HELD:
        dispatcher.utter_message(response="utter_return_next_step", next_step=next_step)
        return
    dispatcher.utter_message(response="utter_return_approved_now", rma=ret["rma"])
    if ret.get("label"):
        dispatcher.utter_message(response="utter_return_label", label_url=ret["label"]["url"],
                                 next_step=next_step)
        return
    if ret.get("follow_up_error"):
        next_step = pick(text_from_error(ret["follow_up_error"]), lang)
    dispatcher.utter_message(response="utter_return_next_step", next_step=next_step)


def give_photos_to_waiting_return(dispatcher: CollectingDispatcher, tracker: Tracker, rma: str | None,
                                  photo_ids: list[str], ret: dict | None = None) -> Slots | None:
    """Add ``photo_ids`` to return ``rma`` if it is waiting for a photo, and tell the outcome.

    Returns the slots to set, or None when no return waits for these photos (the caller
    then treats them as before: kept for the next return). ``ret`` is the return when the
    caller has just read it. The photos stay kept (``early_photos``) when the backend could
    not take them, so the next status question can add them.
    """
    if not rma or not photo_ids:
        return None
    lang = language_of(tracker)
    client = get_client()
    kept = list(dict.fromkeys([*(tracker.get_slot("early_photos") or []), *photo_ids]))
    try:
        if ret is None:
            ret = client.get_return(tracker.sender_id, rma)
        if not waits_for_photo(ret):
            return None
        result = client.attach_uploaded_photos(tracker.sender_id, ret["rma"], photo_ids)
    except BackendError as exc:
        if exc.unavailable:
            dispatcher.utter_message(response="utter_backend_down")
            return {"early_photos": kept, "last_rma": rma}
        if exc.verification_lost:
            dispatcher.utter_message(response="utter_verification_lost")
            return {"early_photos": kept, **UNVERIFIED}
        if exc.status == 404:  # not this customer's return (or no longer there)
            return None
        dispatcher.utter_message(response="utter_return_next_step", next_step=exc.message(lang))
        return {"last_rma": rma}
    updated = result["return"]
    announce_photo_outcome(dispatcher, updated, lang)
    left = [p for p in kept if p not in photo_ids]
    return {"early_photos": left or None, "last_rma": updated["rma"]}
