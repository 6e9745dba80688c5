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
from actions.forms.consumer_law import (
    asks_seal,
    choosable,
    legal_fields,
    remedies_offered,
    resolution_buttons,
)
from actions.photos import give_photos_to_waiting_return, rma_of
from common.languages import pick
from common.reasons import CONFORMITY_REASONS, PHOTO_REASONS, REASONS_BY_CODE, REMEDIES
from actions.vocabulary import (
    RESOLUTION_NAMES,
    fold,
    number_from_text,
    reason_from_text,
    remedy_from_text,
    resolution_from_text,
    size_after,
    size_step_from_text,
    words,
)

RETURN_SLOTS = ("return_item", "return_quantity", "return_reason", "return_reason_text",
                "return_seal_intact", "return_photos", "return_resolution", "exchange_sku", "return_confirmed")


def colour_in(entry: dict, language: str) -> str | None:
    """A line's or exchange option's colour as the catalogue names it in ``language``."""
    return (entry.get("colour_fr") if language == "fr" else None) or entry.get("colour")


def variant_label(entry: dict, language: str, sep: str = " · ") -> str:
    """"M · White" / "M · Blanc": size and colour of a line or an exchange option."""
    return sep.join(x for x in (entry.get("size"), colour_in(entry, language)) if x)


def compact_items(lines: list[dict]) -> list[dict]:
    """What the conversation keeps of the returnable lines (small, JSON-safe)."""
    items = []
    for number, line in enumerate(lines, start=1):
        def named(name: str, language: str) -> str:
            details = variant_label(line, language, ", ")
            return f"{name} ({details})" if details else name

        items.append({
            "id": str(line["order_line_id"]), "number": number,
            "name": {"en": named(line["name"], "en"), "fr": named(line.get("name_fr") or line["name"], "fr")},
            "eligible": bool(line["eligible"]), "explanation": line["explanation"],
            "max_quantity": int(line["quantity_returnable"]),
            "size": line.get("size"), "colour": line.get("colour"), "colour_fr": line.get("colour_fr"),
            "exchange_options": line.get("exchange_options", []),
            **legal_fields(line),
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
    if not any(choosable(i) for i in items):
        lang = language_of(tracker)
        dispatcher.utter_message(response="utter_no_returnable_items", order_number=order_number)
        for item in items:
            dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                     explanation=pick(item["explanation"], lang))
        dispatcher.utter_message(response="utter_offer_handoff_after_refusal")
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


JOURNEY_STARTS = ("action_start_return", "action_start_exchange")


def journey_texts(tracker: Tracker) -> list[str]:
    """What the customer wrote in this journey, oldest first: the message that started it
    and every one since (so "one size up" said at the start is not lost)."""
    texts: list[str] = []
    started = False
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in JOURNEY_STARTS:
            started = True
        elif event.get("event") == "user":
            if event.get("text") and not event["text"].startswith("/"):
                texts.append(event["text"])
            if started:
                break
    return texts[::-1] if started else texts[:1]


def size_step(tracker: Tracker) -> int | None:
    """The latest relative size the customer asked for in this journey ("one size up": +1)."""
    for text in reversed(journey_texts(tracker)):
        step = size_step_from_text(text)
        if step is not None:
            return step
    return None


def relative_option(item: dict | None, step: int | None) -> dict | None:
    """The exchange option ``step`` sizes from the one bought, in the same colour."""
    if not item or step is None:
        return None
    same_colour = [o for o in item["exchange_options"]
                   if (o.get("colour") or None) == (item.get("colour") or None)]
    size = size_after(item.get("size"), step, [o["size"] for o in same_colour if o.get("size")])
    return next((o for o in same_colour if o.get("size") == size), None) if size else None


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
        if asks_seal(item, tracker.get_slot("return_reason")):
            slots.append("return_seal_intact")
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
        said = tracker.get_slot("return_reason")
        fault_refused = item.get("guarantee_only") and said is not None and said not in CONFORMITY_REASONS
        if not choosable(item) or fault_refused:
            # Understood, and refused with its reason: not a misunderstanding, so it never
            # leads to "I'm having trouble helping with this".
            dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                     explanation=pick(item["explanation"], lang))
            return {"return_item": None}
        previous = current_item(tracker)
        slots: Slots = {"return_item": item["id"]}
        if previous is not None and previous["id"] != item["id"]:
            # Another item: every answer about the previous one no longer holds (what the
            # journey's first message said, before any item, is kept for the first one).
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
        item = current_item(tracker)
        if item and item.get("guarantee_only") and code not in CONFORMITY_REASONS:
            # Past the return windows, only a fault can bring it back (the legal guarantee):
            # said with the item's own explanation, and another item can be chosen.
            lang = language_of(tracker)
            dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                     explanation=pick(item["explanation"], lang))
            return {"return_reason": None, "return_reason_text": None, "return_item": None}
        return self.ok({"return_reason": code, "return_reason_text": text[:2000], **self._kept_photos(tracker, code)})

    def yes_or_no(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Slots:
        """A yes/no question's answer: True or False, nothing for an interruption (a policy
        question, say), and a failed answer otherwise. A question ("why?") is never a yes."""
        if tracker.get_slot("requested_slot") != slot:
            return {}
        intent = tracker.get_intent_of_latest_message()
        if intent == "affirm" and not is_question(tracker.latest_message.get("text")):
            return {slot: True}
        if intent == "deny":
            return {slot: False}
        if intent in INTERRUPTIONS:
            return {}
        return self.fail(dispatcher, tracker, slot)

    # --- the seal of a sealed item (hygiene liner, sealed media) ---------------------------

    async def extract_return_seal_intact(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: dict) -> Slots:
        return self.yes_or_no(dispatcher, tracker, "return_seal_intact")

    def validate_return_seal_intact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> Slots:
        if value is None:
            return {"return_seal_intact": None}
        if value is False:
            # Opened, it cannot come back under the withdrawal right (L221-28): said before
            # anything is created, with the way that stays open (a fault), and another item
            # can be chosen.
            item = current_item(tracker)
            dispatcher.utter_message(response="utter_seal_broken",
                                     item=pick(item["name"], language_of(tracker)) if item else "")
            return {"return_seal_intact": None, "return_item": None, "return_reason": None,
                    "return_reason_text": None}
        return self.ok({"return_seal_intact": True})

    @staticmethod
    def _kept_photos(tracker: Tracker, reason: str) -> Slots:
        """Photos already sent answer the photo question before it is asked."""
        early = tracker.get_slot("early_photos") or []
        if reason in PHOTO_REASONS and early and not tracker.get_slot("return_photos"):
            return {"return_photos": list(early)}
        return {}

    async def extract_return_photos(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> Slots:
        """Photos arrive as ids in the message metadata (the channel uploaded them). Photos
        sent before the question answer it when the reason needs them (the reason may have
        come with the first message, so no reason question picked them up)."""
        if tracker.get_slot("requested_slot") != "return_photos":
            early = tracker.get_slot("early_photos") or []
            if early and not tracker.get_slot("return_photos") and tracker.get_slot("return_reason") in PHOTO_REASONS:
                return {"return_photos": list(early)}
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
        item = current_item(tracker)
        remedies = remedies_offered(item, tracker.get_slot("return_reason"))
        code = text if text in ("refund", "exchange", "store_credit", *REMEDIES) else (
            (remedy_from_text(text) if remedies else None) or resolution_from_text(text))
        if code is None:
            return self.fail(dispatcher, tracker, "return_resolution", "utter_not_understood_choice")
        if code in REMEDIES and not remedies:
            return self.fail(dispatcher, tracker, "return_resolution")
        if item and item.get("guarantee_only") and code in ("exchange", "store_credit"):
            return self.fail(dispatcher, tracker, "return_resolution")
        if code == "exchange" and not (item and item["exchange_options"]):
            return self.fail(dispatcher, tracker, "return_resolution")
        return self.ok({"return_resolution": code, "exchange_sku": None if code != "exchange"
                        else tracker.get_slot("exchange_sku")})

    async def extract_exchange_sku(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: dict) -> Slots:
        """"One size up" said earlier in the journey picks the option before it is asked for:
        the confirmation shows it, so the customer can still change it."""
        if tracker.get_slot("exchange_sku") or tracker.get_slot("requested_slot") == "exchange_sku":
            return {}
        option = relative_option(current_item(tracker), size_step(tracker))
        return {"exchange_sku": option["sku"]} if option else {}

    def validate_exchange_sku(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> Slots:
        item = current_item(tracker)
        options = item["exchange_options"] if item else []
        text = str(value or "").strip()
        chosen = next((o for o in options if o["sku"] == text.upper()), None)
        step = size_step_from_text(text) if chosen is None else None
        if step is not None:  # "one size up", « une taille en dessous »
            chosen = relative_option(item, step)
            if chosen is None:
                return self.fail(dispatcher, tracker, "exchange_sku", "utter_exchange_size_unavailable",
                                 **size_words(item, step, language_of(tracker)))
        if chosen is None:
            said = words(text) | {fold(t) for t in text.split()}
            scored = [(len(said & (words(o.get("size") or "") | words(o.get("colour") or "")
                                   | words(o.get("colour_fr") or "") | {fold(o.get("size") or "")})), o)
                      for o in options]
            scored = [s for s in scored if s[0] > 0]
            if scored:
                top = max(s[0] for s in scored)
                best = [o for score, o in scored if score == top]
                if len(best) > 1 and item:  # "L" alone: keep the colour they already have
                    same_colour = [o for o in best if any(
                        colour_in(o, lang) and fold(colour_in(o, lang)) in fold(item["name"].get(lang) or "")
                        for lang in ("en", "fr"))]
                    best = same_colour or best
                chosen = best[0] if len(best) == 1 else None
        if chosen is None:
            return self.fail(dispatcher, tracker, "exchange_sku", "utter_not_understood_choice")
        return self.ok({"exchange_sku": chosen["sku"]})

    # --- confirmation --------------------------------------------------------------------

    async def extract_return_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> Slots:
        return self.yes_or_no(dispatcher, tracker, "return_confirmed")

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
            if choosable(item):
                buttons.append({"title": label, "payload": f'/choose{{"return_item": "{item["id"]}"}}'})
        dispatcher.utter_message(response="utter_ask_return_item", buttons=buttons)
        for item in items:
            if not item["eligible"]:  # refused, or returnable for a fault only: said why
                dispatcher.utter_message(response="utter_item_not_eligible", item=pick(item["name"], lang),
                                         explanation=pick(item["explanation"], lang))
        return []


class ActionAskReturnReason(Action):
    """The reason question; for an item the legal guarantee alone covers, only the faults."""

    def name(self) -> str:
        return "action_ask_return_reason"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        fault_only = bool(item and item.get("guarantee_only"))
        dispatcher.utter_message(response="utter_ask_return_reason_fault" if fault_only else "utter_ask_return_reason")
        return []


class ActionAskReturnSealIntact(Action):
    """Is the sealed item's seal intact? (See actions/forms/consumer_law.py.)"""

    def name(self) -> str:
        return "action_ask_return_seal_intact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        dispatcher.utter_message(response="utter_ask_return_seal_intact",
                                 item=pick(item["name"], language_of(tracker)) if item else "")
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
        if remedies_offered(item, tracker.get_slot("return_reason")):
            lang = language_of(tracker)
            response = "utter_ask_return_remedy_past_windows" if item.get("guarantee_only") else "utter_ask_return_remedy"
            dispatcher.utter_message(response=response, buttons=resolution_buttons(item, tracker.get_slot("return_reason"), lang))
            return []
        has_options = bool(item and item["exchange_options"])
        dispatcher.utter_message(
            response="utter_ask_return_resolution" if has_options else "utter_ask_return_resolution_no_exchange")
        return []


def size_words(item: dict | None, step: int, language: str) -> dict[str, str]:
    """The variables of utter_exchange_size_unavailable: the size bought, and which way."""
    up = step > 0
    direction = {"en": ("above" if up else "below"), "fr": ("au-dessus de" if up else "en dessous de")}
    return {"size": (item or {}).get("size") or "?", "direction": direction[language]}


class ActionAskExchangeSku(Action):
    def name(self) -> str:
        return "action_ask_exchange_sku"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        item = current_item(tracker)
        lang = language_of(tracker)
        step = size_step(tracker)
        if step is not None and relative_option(item, step) is None:
            # Asked for a size that is not there: say so, then offer what is.
            dispatcher.utter_message(response="utter_exchange_size_unavailable", **size_words(item, step, lang))
        buttons = []
        for option in (item["exchange_options"] if item else []):
            label = variant_label(option, lang) or option["sku"]
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
            exchange = variant_label(option, lang)
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
