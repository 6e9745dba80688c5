"""What every form of the assistant shares: counting failed answers, and verification.

A customer who cannot answer the same question three times is offered a person instead
of being asked a fourth time. Verification (order number or RMA, then the order's email
or phone) is the same in every journey, so it lives here once.
"""
from __future__ import annotations

import asyncio
import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from common.backend_client import BackendError, get_client
from common.conversation_ids import client_identity
from common.identifiers import find_reference
from common.pii import mask_contact  # no raw email or phone kept in the conversation

MAX_FAILED_ANSWERS = 3
MAX_VERIFY_FAILURES = 3
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
PHONE_RE = re.compile(r"(?:\+|00)?\d[\d\s().\-]{7,}\d")

Slots = dict[str, Any]
# The backend no longer holds the conversation as verified (expired, or never was: a
# copied "verified" slot proves nothing): the customer is asked for the contact again.
UNVERIFIED: Slots = {"verified": False, "contact": None}

# Intents that interrupt a form (answered by their own rules, then the form goes on):
# an answer extracted from them would hide the interruption. The domain's from_text
# mappings refuse the same list (domain/core.yml, &not_answers; tests/bot/test_domain.py
# checks they agree). Other intents are read as answers: inside the return form, "a
# refund please" is an answer, not a new request.
INTERRUPTIONS = frozenset({"return_policy", "cancel", "human_handoff", "cancel_handoff", "change_language",
                           "bot_challenge"})


def find_contact(text: str) -> str | None:
    email = EMAIL_RE.search(text)
    if email:
        return email.group(0).strip(".,;")
    phone = PHONE_RE.search(text)
    return phone.group(0).strip() if phone else None


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message filled it again."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def part_of_phone_number(reference: str, text: str) -> bool:
    digits = re.sub(r"\D", "", reference)
    return any(digits in re.sub(r"\D", "", m.group(0)) and len(re.sub(r"\D", "", m.group(0))) > len(digits)
               for m in PHONE_RE.finditer(text))


class BoomerangFormValidation(FormValidationAction, ABC):
    """Base for the assistant's forms (abstract: the action server registers subclasses)."""

    @abstractmethod
    def name(self) -> str: ...

    # --- failed answers ----------------------------------------------------------------

    def fail(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str,
             response: str | None = None, **kwargs: Any) -> Slots:
        """Refuse an answer: say why, and after three misses offer a person."""
        failures = int(tracker.get_slot("failed_answers") or 0) + 1
        if response:
            dispatcher.utter_message(response=response, **kwargs)
        if failures >= MAX_FAILED_ANSWERS:
            dispatcher.utter_message(response="utter_offer_handoff")
            failures = 0
        return {slot: None, "failed_answers": failures}

    @staticmethod
    def ok(values: Slots) -> Slots:
        return {**values, "failed_answers": 0}

    # --- verification --------------------------------------------------------------------

    @staticmethod
    def is_verified(tracker: Tracker) -> bool:
        """What the conversation believes; the backend checks its own record on every call."""
        return bool(tracker.get_slot("verified"))

    def verification_slots(self, tracker: Tracker) -> list[str]:
        return [] if self.is_verified(tracker) else ["order_reference", "contact"]

    async def validate_order_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: dict) -> Slots:
        # May verify with the backend: off the event loop (see actions/base.py).
        return await asyncio.to_thread(self._validate_order_reference, value, dispatcher, tracker)

    async def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> Slots:
        return await asyncio.to_thread(self._validate_contact, value, dispatcher, tracker)

    def _validate_order_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker) -> Slots:
        reference = find_reference(str(value or ""))
        previous = previous_value(tracker, "order_reference")
        if reference is None and find_contact(str(value or "")) is not None:
            # An email or phone number where the order number was asked (often the
            # correction after a failed check): it is the contact, and the order number
            # given before still holds. The contact's own validation verifies them.
            return {"order_reference": previous}
        if reference is None:
            return self.fail(dispatcher, tracker, "order_reference", "utter_invalid_order_reference")
        if previous and part_of_phone_number(reference, tracker.latest_message.get("text") or ""):
            # "+44 7700 900123" holds six digits that look like an order number: it is
            # the contact being given, not a new order.
            return {"order_reference": previous}
        if self.is_verified(tracker) and reference in (tracker.get_slot("order_number"),
                                                      tracker.get_slot("order_reference")):
            return self.ok({"order_reference": reference})
        # A new reference: whoever asks must prove it (again). A contact given earlier in
        # the conversation is used straight away. The same order again (the form picked up
        # after a person handed back, with the verification expired) keeps its items: they
        # are shown only once verified, and reloaded then.
        slots = {"order_reference": reference, "verified": False}
        if reference not in (tracker.get_slot("order_number"), previous):
            slots["returnable_items"] = None
        contact = tracker.get_slot("contact")
        if contact and "***" not in str(contact):
            return {**slots, **self._verify(reference, str(contact), dispatcher, tracker)}
        return self.ok({**slots, "contact": None})

    def _validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        if self.is_verified(tracker):
            return {"contact": tracker.get_slot("contact")}
        contact = find_contact(str(value or ""))
        if contact is None and find_reference(str(value or "")) is not None:
            # An order number where the contact was asked: a correction of the order number,
            # which its own slot takes; the contact is still to come.
            return {"contact": None}
        if contact is None:
            return self.fail(dispatcher, tracker, "contact", "utter_invalid_contact")
        reference = tracker.get_slot("order_reference")
        if not reference:
            return {"contact": contact}  # verified once the reference is in
        return self._verify(reference, contact, dispatcher, tracker)

    def _verify(self, reference: str, contact: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Slots:
        # The backend keeps the proof for this conversation: no bearer secret in the tracker.
        client = client_identity(tracker.latest_message.get("metadata"), tracker.sender_id)
        try:
            result = get_client().verify(reference, contact, client_key=client,
                                         conversation_id=tracker.sender_id)
        except BackendError as exc:
            return self._verification_error(exc, dispatcher, tracker, reference)
        slots: Slots = {
            "contact": mask_contact(contact), "verified": True,
            "customer_first_name": result["customer"]["first_name"],
            "order_number": result["order"]["number"], "verify_failures": 0, "failed_answers": 0,
            "order_reference": reference,
        }
        if not tracker.get_slot("language"):
            slots["language"] = result["customer"]["language"]
        dispatcher.utter_message(response="utter_verified", customer_first_name=slots["customer_first_name"],
                                 order_number=slots["order_number"])
        return {**slots, **self.after_verification(dispatcher, tracker, slots)}

    def after_verification(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           slots: Slots) -> Slots:
        """Hook for the journey's next step (the return form loads the items here)."""
        return {}

    def _verification_error(self, exc: BackendError, dispatcher: CollectingDispatcher,
                            tracker: Tracker, reference: str) -> Slots:
        if exc.unavailable:
            dispatcher.utter_message(response="utter_backend_down")
            return {"contact": None, "flow_aborted": True}
        if exc.status == 429:
            dispatcher.utter_message(response="utter_verify_locked")
            return {"contact": None, "flow_aborted": True}
        failures = int(tracker.get_slot("verify_failures") or 0) + 1
        dispatcher.utter_message(response="utter_verify_failed", order_reference=reference)
        if failures >= MAX_VERIFY_FAILURES:
            dispatcher.utter_message(response="utter_offer_handoff")
            return {"contact": None, "order_reference": None, "verify_failures": failures,
                    "flow_aborted": True}
        # One of the two is wrong, and only the customer knows which: the order number is
        # kept, the contact asked again, and whichever they send next replaces its own
        # (an order number then is taken as the order's correction, see above).
        return {"contact": None, "verify_failures": failures}
