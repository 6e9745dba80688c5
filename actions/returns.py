"""Starting, creating and cancelling returns."""
from __future__ import annotations

import uuid
from abc import ABC

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.base import BackendAction
from actions.forms.base import UNVERIFIED
from actions.forms.return_form import RETURN_SLOTS, current_item, load_items, photo_ids_of, with_early_photos
from actions.language import language_of
from actions.photos import give_photos_to_waiting_return
from actions.vocabulary import reason_from_text
from common.languages import pick, text_from_error


def journey_reset(flow: str | None) -> list:
    """A new journey: fresh answers and a fresh idempotency key; verification is kept."""
    events = [SlotSet(slot, None) for slot in RETURN_SLOTS]
    if flow is None:  # the journey is over: photos kept for it go too
        events.append(SlotSet("early_photos", None))
    events += [SlotSet("flow", flow), SlotSet("flow_aborted", False), SlotSet("failed_answers", 0),
               SlotSet("idempotency_key", uuid.uuid4().hex if flow in ("return", "exchange") else None),
               SlotSet("return_pending", False), SlotSet("pending_return", None)]
    return events


def said_at_start(text: str) -> list:
    """What the message that starts a journey already answers ("my shirt is too small",
    « il est arrivé cassé »): its reason is not asked again. A reason that is only guessed
    (no pattern, so "other") is left for the question."""
    code = reason_from_text(text) if text and not text.startswith("/") else None
    if code is None:
        return []
    return [SlotSet("return_reason", code), SlotSet("return_reason_text", text[:2000])]


def pending_return(tracker: Tracker) -> dict | None:
    """The confirmed return the backend could not take (outage): its request and key."""
    pending = tracker.get_slot("pending_return")
    return pending if isinstance(pending, dict) and pending.get("payload") and pending.get("key") else None


def photos_for_waiting_return(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """The latest message's photos, added to this conversation's return waiting for one.

    None when there are no photos, the customer is not verified, or no return waits.
    """
    photo_ids = photo_ids_of(tracker)
    if not photo_ids or not tracker.get_slot("verified"):
        return None
    given = give_photos_to_waiting_return(dispatcher, tracker, tracker.get_slot("last_rma"), photo_ids)
    return None if given is None else [SlotSet(k, v) for k, v in given.items()]


class _StartJourney(BackendAction, ABC):
    """Begins a journey (abstract: the action server registers only the subclasses)."""

    flow = "return"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if pending_return(tracker):
            # "Please go ahead with my return" after an outage: every answer is still in, so
            # the form ends at once and the same request is sent again.
            return []
        given = photos_for_waiting_return(dispatcher, tracker)
        if given is not None:
            # "Here's the photo for my return": it was for the return waiting for it, not a
            # new one; the form ends at once.
            return given + [SlotSet("flow_aborted", True)]
        events = journey_reset(self.flow)
        if self.flow == "exchange":
            events.append(SlotSet("return_resolution", "exchange"))
        events += said_at_start(tracker.latest_message.get("text") or "")
        order = tracker.get_slot("order_number")
        if tracker.get_slot("verified") and order:
            slots = load_items(tracker, dispatcher, order)
            events += [SlotSet(k, v) for k, v in slots.items()]
        return events


class ActionStartReturn(_StartJourney):
    flow = "return"

    def name(self) -> str:
        return "action_start_return"


class ActionStartExchange(_StartJourney):
    flow = "exchange"

    def name(self) -> str:
        return "action_start_exchange"


class ActionCreateReturn(BackendAction):
    """Create the return the customer confirmed, and tell them what happens next."""

    def name(self) -> str:
        return "action_create_return"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        done = journey_reset(None)
        lang = language_of(tracker)
        pending = pending_return(tracker)
        if pending:  # a retry after an outage: the very request sent then, with its key
            return self.create(dispatcher, tracker, pending["payload"], pending["key"], lang)
        if tracker.get_slot("flow_aborted") or tracker.get_slot("return_item") is None:
            return done
        if tracker.get_slot("return_confirmed") is not True:
            dispatcher.utter_message(response="utter_return_not_confirmed")
            return done
        item = current_item(tracker)
        photos = [p for p in (tracker.get_slot("return_photos") or []) if p]
        payload = {
            "order_number": tracker.get_slot("order_number"),
            "channel": (tracker.get_latest_input_channel() or "rest")[:20],
            "language": lang,
            "lines": [{
                "order_line_id": int(item["id"]),
                "quantity": int(tracker.get_slot("return_quantity") or 1),
                "reason_code": tracker.get_slot("return_reason") or "other",
                "reason_text": tracker.get_slot("return_reason_text"),
                "resolution": tracker.get_slot("return_resolution") or "refund",
                "exchange_sku": tracker.get_slot("exchange_sku"),
                "photo_ids": photos,
                "seal_intact": tracker.get_slot("return_seal_intact"),
            }],
        }
        key = tracker.get_slot("idempotency_key") or f"{tracker.sender_id}-{uuid.uuid4().hex}"
        return self.create(dispatcher, tracker, payload, key, lang)

    def create(self, dispatcher: CollectingDispatcher, tracker: Tracker, payload: dict, key: str,
               lang: str) -> list:
        """Send the request; on an outage keep it (and every answer) for a retry.

        The retry sends the same payload with the same Idempotency-Key: if the first call
        did reach the backend, the backend answers with the return it made then, so the
        return exists once whatever happened to the first answer.
        """
        done = journey_reset(None)
        try:
            # The conversation id lets the return claim photos sent before verification.
            ret = get_client().create_return(tracker.sender_id, payload, idempotency_key=key)
        except BackendError as exc:
            if exc.unavailable:
                dispatcher.utter_message(response="utter_backend_down_retry")
                return [SlotSet("return_pending", True), SlotSet("flow_aborted", False),
                        SlotSet("pending_return", {"payload": payload, "key": key})]
            if exc.verification_lost:
                dispatcher.utter_message(response="utter_verification_lost")
                return done + [SlotSet(k, v) for k, v in UNVERIFIED.items()]
            dispatcher.utter_message(response="utter_return_next_step", next_step=exc.message(lang))
            return done
        self.announce(dispatcher, ret, lang)
        return done + [SlotSet("last_rma", ret["rma"])]

    @staticmethod
    def announce(dispatcher: CollectingDispatcher, ret: dict, lang: str) -> None:
        explanation = pick(ret["decision"]["explanation"], lang)
        next_step = pick(ret["next_step"], lang)
        if ret["status"] == "rejected":
            dispatcher.utter_message(response="utter_return_rejected", explanation=explanation)
            return
        dispatcher.utter_message(response="utter_return_created", rma=ret["rma"], explanation=explanation)
        if ret.get("label"):
            dispatcher.utter_message(response="utter_return_label", label_url=ret["label"]["url"],
                                     next_step=next_step)
        else:
            error = ret.get("follow_up_error")
            if error:
                next_step = pick(text_from_error(error), lang)
            dispatcher.utter_message(response="utter_return_next_step", next_step=next_step)


class ActionCancelFlow(Action):
    def name(self) -> str:
        return "action_cancel_flow"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_cancelled")
        return journey_reset(None)


class ActionKeepPhoto(BackendAction):
    """A photo sent outside a return: added to the conversation's return waiting for a
    photo when there is one (actions/photos.py), else kept for the return the customer may
    start next."""

    def name(self) -> str:
        return "action_keep_photo"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        given = photos_for_waiting_return(dispatcher, tracker)
        if given is not None:
            return given
        dispatcher.utter_message(response="utter_photo_outside_form")
        photo_ids = photo_ids_of(tracker)
        return [SlotSet("early_photos", with_early_photos(tracker, photo_ids))] if photo_ids else []
