"""The return (and exchange) form: which item, how many, why, photos, what instead, confirm.

The questions asked depend on the answers: quantity only when more than one can go back,
photos only for damage, defects and wrong items, the new size only for an exchange.
Every answer can come from a button (an exact code) or be typed in either language.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.answers import is_question
from actions.forms.base import INTERRUPTIONS, UNVERIFIED, BoomerangFormValidation, Slots
from actions.language import language_of
from actions.photos import give_photos_to_waiting_return, rma_of
from common.languages import pick
from common.reasons import PHOTO_REASONS, REASONS_BY_CODE
from actions.vocabulary import (
    RESOLUTION_NAMES,
    fold,
    number_from_text,
    reason_from_text,
    resolution_from_text,
    words,
)

RETURN_SLOTS = ("return_item", "return_quantity", "return_reason", "return_reason_text",
                "return_photos", "return_resolution", "exchange_sku", "return_confirmed")


def compact_items(lines: list[dict]) -> list[dict]:
    """What the conversation keeps of the returnable lines (small, JSON-safe)."""
    items = []
    for number, line in enumerate(lines, start=1):
        details = ", ".join(x for x in (line.get("size"), line.get("colour")) if x)
        suffix = f" ({details})" if details else ""
        items.append({
            "id": str(line["order_line_id"]), "number": number,
            "name": {"en": f"{line['name']}{suffix}", "fr": f"{line.get('name_fr') or line['name']}{suffix}"},
            "eligible": bool(line["eligible"]), "explanation": line["explanation"],
            "max_quantity": int(line["quantity_returnable"]),
            "exchange_options": line.get("exchange_options", []),
        })
    return items


def load_items(tracker: Tracker, dispatcher: CollectingDispatcher, order_number: str) -> Slots:
    """Fetch what can be returned; say so, and end the journey, when nothing can."""
    try:
        lines = get_client().returnable_lines(tracker.sender_id, order_number, language_of(tracker))["lines"]
    except BackendError as exc:
        if exc.unavailable:
            dispatcher.utter_message(response="utter_backend_down")
        elif exc.verification_lost:
            dispatcher.utter_message(response="utter_verification_lost")
            return {"flow_aborted": True, **UNVERIFIED}
        else:
            dispatcher.utter_message(text=exc.message(language_of(tracker)))
        return {"flow_aborted": True}
    items = compact_items(lines)
    if not any(i["eligible"] for i in items):
        lang = language_of(tracker)
        dispatcher.utter_message(response="utter_no_returnable_items", order_number=order_number)
        for item in items:
            dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                     explanation=pick(item["explanation"], lang))
        dispatcher.utter_message(response="utter_offer_handoff")
        return {"returnable_items": items, "flow_aborted": True}
    return {"returnable_items": items}


def current_item(tracker: Tracker) -> dict | None:
    chosen = tracker.get_slot("return_item")
    for item in tracker.get_slot("returnable_items") or []:
        if item["id"] == str(chosen):
            return item
    return None


def match_item(text: str, items: list[dict]) -> dict | None:
    """A button id, a list number ("2"), or words of the item's name ("the lamp", "lampe")."""
    value = str(text).strip()
    for item in items:
        if value == item["id"]:
            return item
    number = number_from_text(value)
    if number is not None and 1 <= number <= len(items) and len(value) <= 12:
        return items[number - 1]
    said = words(value)
    best, best_score = None, 0
    for item in items:
        name_words = words(item["name"]["en"]) | words(item["name"]["fr"])
        score = len(said & name_words)
        if score > best_score:
            best, best_score = item, score
    return best


def photo_ids_of(tracker: Tracker) -> list[str]:
    """The photo ids a channel attached to the latest message (its metadata)."""
    metadata = tracker.latest_message.get("metadata") or {}
    return [str(p) for p in (metadata.get("photo_ids") or []) if p]


def with_early_photos(tracker: Tracker, photo_ids: list[str]) -> list[str]:
    """Photos kept so far plus new ones, each once, in the order they came."""
    return list(dict.fromkeys([*(tracker.get_slot("early_photos") or []), *photo_ids]))


def reset_return_slots() -> Slots:
    return {slot: None for slot in RETURN_SLOTS}


class ValidateReturnForm(BoomerangFormValidation):
    def name(self) -> str:
        return "validate_return_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict) -> list[str]:
        if tracker.get_slot("flow_aborted"):
            return []
        slots = self.verification_slots(tracker)
        if slots:
            return slots
        slots = ["return_item"]
        item = current_item(tracker)
        if item and item["max_quantity"] > 1:
            slots.append("return_quantity")
        slots.append("return_reason")
        if tracker.get_slot("return_reason") in PHOTO_REASONS:
            slots.append("return_photos")
        slots.append("return_resolution")
        if tracker.get_slot("return_resolution") == "exchange":
            slots.append("exchange_sku")
        slots.append("return_confirmed")
        return slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        """Also keep photos sent before the photo question (often with the first message).

        Done here rather than as a slot extraction: rasa-sdk only extracts and validates
        the slots the form is about to ask for, and early_photos is never asked for.
        """
        photo_ids = photo_ids_of(tracker)
        early = photo_ids and tracker.get_slot("requested_slot") != "return_photos"
        if early:
            tracker.slots["early_photos"] = with_early_photos(tracker, photo_ids)
        events = await super().run(dispatcher, tracker, domain)
        still_kept = set(photo_ids) <= set(tracker.get_slot("early_photos") or [])
        if early and still_kept:  # not given to a return waiting for them (after_verification)
            dispatcher.utter_message(response="utter_photo_kept")
            events.append(SlotSet("early_photos", tracker.get_slot("early_photos")))
        return events

    def after_verification(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: Slots) -> Slots:
        """The order's items; or, for a customer who came back with the photo a return (named
        by its RMA) was waiting for, that photo added to it and nothing more asked."""
        kept = tracker.get_slot("early_photos") or []
        given = give_photos_to_waiting_return(dispatcher, tracker, rma_of(slots.get("order_reference")), kept)
        if given is not None:
            return {**given, "flow_aborted": True}
        return load_items(tracker, dispatcher, slots["order_number"])

    # --- item and quantity ---------------------------------------------------------------

    def validate_return_item(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> Slots:
        items = tracker.get_slot("returnable_items") or []
        item = match_item(str(value or ""), items)
        lang = language_of(tracker)
        if item is None:
            return self.fail(dispatcher, tracker, "return_item", "utter_not_understood_choice")
        if not item["eligible"]:
            return self.fail(dispatcher, tracker, "return_item", "utter_item_not_eligible",
                             item=pick(item["name"], lang), explanation=pick(item["explanation"], lang))
        previous = current_item(tracker)
        slots: Slots = {"return_item": item["id"]}
        if previous is None or previous["id"] != item["id"]:
            # Another item: every answer about the previous one no longer holds.
            slots.update({s: None for s in RETURN_SLOTS if s != "return_item"})
            if tracker.get_slot("flow") == "exchange":
                slots["return_resolution"] = "exchange"
        if item["max_quantity"] == 1:
            slots["return_quantity"] = 1.0
        return self.ok(slots)

    def validate_return_quantity(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: dict) -> Slots:
        item = current_item(tracker)
        maximum = item["max_quantity"] if item else 1
        number = value if isinstance(value, (int, float)) else number_from_text(str(value or ""))
        if number == -1:
            number = maximum
        if number is None or not 1 <= int(number) <= maximum:
            return self.fail(dispatcher, tracker, "return_quantity", "utter_ask_return_quantity",
                             max_quantity=maximum)
        return self.ok({"return_quantity": float(int(number))})

    # --- reason and photos ---------------------------------------------------------------

    def validate_return_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> Slots:
        text = str(value or "").strip()
        if text in REASONS_BY_CODE:  # a button's code
            return self.ok({"return_reason": text, **self._kept_photos(tracker, text)})
        code = reason_from_text(text)
        if code is None and len(words(text)) >= 3:
            code = "other"  # a real explanation we can't classify: keep it for the team
        if code is None:
            return self.fail(dispatcher, tracker, "return_reason", "utter_not_understood_choice")
        return self.ok({"return_reason": code, "return_reason_text": text[:2000], **self._kept_photos(tracker, code)})

    @staticmethod
    def _kept_photos(tracker: Tracker, reason: str) -> Slots:
        """Photos already sent answer the photo question before it is asked."""
        early = tracker.get_slot("early_photos") or []
        if reason in PHOTO_REASONS and early and not tracker.get_slot("return_photos"):
            return {"return_photos": list(early)}
        return {}

    async def extract_return_photos(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> Slots:
        """Photos arrive as ids in the message metadata (the channel uploaded them)."""
        if tracker.get_slot("requested_slot") != "return_photos":
            return {}
        photo_ids = photo_ids_of(tracker)
        if photo_ids:
            return {"return_photos": (tracker.get_slot("return_photos") or []) + photo_ids}
        intent = tracker.get_intent_of_latest_message()
        if intent == "skip_photo":
            return {"return_photos": []}
        if intent in INTERRUPTIONS:
            return {}
        return self.fail(dispatcher, tracker, "return_photos")

    def validate_return_photos(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> Slots:
        if value is None:
            return {"return_photos": None}
        if tracker.get_slot("requested_slot") == "return_photos":
            # Said only as the answer to the question: not when the form is picked up
            # again with the photos already in (after a person hands back, say).
            dispatcher.utter_message(response="utter_photo_received" if value else "utter_photos_skipped")
        return self.ok({"return_photos": list(value)})

    # --- resolution ----------------------------------------------------------------------

    def validate_return_resolution(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: dict) -> Slots:
        text = str(value or "").strip()
        code = text if text in ("refund", "exchange", "store_credit") else resolution_from_text(text)
        if code is None:
            return self.fail(dispatcher, tracker, "return_resolution", "utter_not_understood_choice")
        item = current_item(tracker)
        if code == "exchange" and not (item and item["exchange_options"]):
            return self.fail(dispatcher, tracker, "return_resolution")
        return self.ok({"return_resolution": code, "exchange_sku": None if code != "exchange"
                        else tracker.get_slot("exchange_sku")})

    def validate_exchange_sku(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> Slots:
        item = current_item(tracker)
        options = item["exchange_options"] if item else []
        text = str(value or "").strip()
        chosen = next((o for o in options if o["sku"] == text.upper()), None)
        if chosen is None:
            said = words(text) | {fold(t) for t in text.split()}
            scored = [(len(said & (words(o.get("size") or "") | words(o.get("colour") or "")
                                   | {fold(o.get("size") or "")})), o) for o in options]
            scored = [s for s in scored if s[0] > 0]
            if scored:
                top = max(s[0] for s in scored)
                best = [o for score, o in scored if score == top]
                if len(best) > 1 and item:  # "L" alone: keep the colour they already have
                    same_colour = [o for o in best if o.get("colour") and fold(o["colour"]) in fold(item["name"]["en"])]
                    best = same_colour or best
                chosen = best[0] if len(best) == 1 else None
        if chosen is None:
            return self.fail(dispatcher, tracker, "exchange_sku", "utter_not_understood_choice")
        return self.ok({"exchange_sku": chosen["sku"]})

    # --- confirmation --------------------------------------------------------------------

    async def extract_return_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> Slots:
        if tracker.get_slot("requested_slot") != "return_confirmed":
            return {}
        intent = tracker.get_intent_of_latest_message()
        if intent == "affirm" and not is_question(tracker.latest_message.get("text")):
            return {"return_confirmed": True}
        if intent == "deny":
            return {"return_confirmed": False}
        if intent in INTERRUPTIONS:
            return {}
        return self.fail(dispatcher, tracker, "return_confirmed")

    def validate_return_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: dict) -> Slots:
        if value is None:  # not a yes or a no (a question, say): asked again, not taken as a no
            return {"return_confirmed": None}
        return self.ok({"return_confirmed": bool(value)})


class ActionAskReturnItem(Action):
    """Lists the order's items: buttons on the web, numbered choices on SMS (channel side)."""

    def name(self) -> str:
        return "action_ask_return_item"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = language_of(tracker)
        items = tracker.get_slot("returnable_items") or []
        buttons = []
        for item in items:
            label = f"{item['number']}. {pick(item['name'], lang)}"
            if item["eligible"]:
                buttons.append({"title": label, "payload": f'/choose{{"return_item": "{item["id"]}"}}'})
        dispatcher.utter_message(response="utter_ask_return_item", buttons=buttons)
        for item in items:
            if not item["eligible"]:
                dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                         explanation=pick(item["explanation"], lang))
        return []


class ActionAskReturnQuantity(Action):
    def name(self) -> str:
        return "action_ask_return_quantity"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        maximum = item["max_quantity"] if item else 1
        buttons = [{"title": str(n), "payload": str(n)} for n in range(1, min(maximum, 5) + 1)]
        dispatcher.utter_message(response="utter_ask_return_quantity", max_quantity=maximum, buttons=buttons)
        return []


class ActionAskReturnResolution(Action):
    def name(self) -> str:
        return "action_ask_return_resolution"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        has_options = bool(item and item["exchange_options"])
        dispatcher.utter_message(
            response="utter_ask_return_resolution" if has_options else "utter_ask_return_resolution_no_exchange")
        return []


class ActionAskExchangeSku(Action):
    def name(self) -> str:
        return "action_ask_exchange_sku"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        buttons = []
        for option in (item["exchange_options"] if item else []):
            label = " · ".join(x for x in (option.get("size"), option.get("colour")) if x) or option["sku"]
            buttons.append({"title": label, "payload": f'/choose{{"exchange_sku": "{option["sku"]}"}}'})
        dispatcher.utter_message(response="utter_ask_exchange_sku", buttons=buttons)
        return []


def summary_parts(tracker: Tracker) -> dict[str, str]:
    lang = language_of(tracker)
    item = current_item(tracker)
    resolution = tracker.get_slot("return_resolution") or "refund"
    exchange = ""
    if resolution == "exchange" and item:
        option = next((o for o in item["exchange_options"] if o["sku"] == tracker.get_slot("exchange_sku")), None)
        if option:
            exchange = " · ".join(x for x in (option.get("size"), option.get("colour")) if x)
    reason = REASONS_BY_CODE.get(tracker.get_slot("return_reason") or "other")
    return {
        "quantity": str(int(tracker.get_slot("return_quantity") or 1)),
        "item": pick(item["name"], lang) if item else "",
        "reason": pick(reason.label, lang) if reason else "",
        "resolution": RESOLUTION_NAMES[lang][resolution].format(exchange=exchange),
    }


class ActionAskReturnConfirmed(Action):
    def name(self) -> str:
        return "action_ask_return_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_ask_return_confirmed", **summary_parts(tracker))
        return []


class ActionAskReturnPhotos(Action):
    def name(self) -> str:
        return "action_ask_return_photos"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_ask_return_photos")
        return []
