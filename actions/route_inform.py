"""An answer with no question: details typed before the assistant asked for anything.

"bm 100004 le maillot me va pa" as a first message reads as ``inform`` (an order number and
a problem, no request verb), and no rule expects an answer outside a journey, so it fell to
the fallback: "Sorry, I didn't understand", with the order number kept but no way on. What
the customer gave says where they are going: a reason, a resolution or a size starts a
return or an exchange with those answers already in; an RMA asks where that return is; an
order number or contact alone gets the question "return something, or follow a return?".
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.return_form import photo_ids_of
from actions.returns import ActionKeepPhoto, ActionStartExchange, ActionStartReturn
from actions.status import ActionStartStatus
from actions.vocabulary import reason_from_text, resolution_from_text, size_step_from_text

REFERENCE_ENTITIES = ("order_number", "rma", "email", "phone")


def entities_of(tracker: Tracker) -> dict[str, str]:
    return {e["entity"]: str(e.get("value")) for e in tracker.latest_message.get("entities") or []
            if e.get("entity") in REFERENCE_ENTITIES and e.get("value")}


def journey_in(text: str) -> str | None:
    """"exchange" or "return" when the words name what the customer wants back, else None."""
    if resolution_from_text(text) == "exchange" or size_step_from_text(text) is not None:
        return "exchange"
    if reason_from_text(text) or resolution_from_text(text):
        return "return"
    return None


class ActionRouteInform(Action):
    def name(self) -> str:
        return "action_route_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if photo_ids_of(tracker):  # a photo with a caption: kept, or given to the waiting return
            return await ActionKeepPhoto().run(dispatcher, tracker, domain)
        text = tracker.latest_message.get("text") or ""
        found = entities_of(tracker)
        journey = None if text.startswith("/") else journey_in(text)
        if journey is not None:
            start = ActionStartExchange() if journey == "exchange" else ActionStartReturn()
            return [*await start.run(dispatcher, tracker, domain), FollowupAction("return_form")]
        if "rma" in found:
            return [*ActionStartStatus().run(dispatcher, tracker, domain), FollowupAction("status_form")]
        if found:
            order = tracker.get_slot("order_reference")
            if order:
                dispatcher.utter_message(response="utter_which_journey", order_reference=order)
            else:
                dispatcher.utter_message(response="utter_which_journey_plain")
            return []
        dispatcher.utter_message(response="utter_default")
        return []
