"""What the assistant does when no rule knows what comes next (Rasa's core fallback).

Rasa's own ``action_default_fallback`` says ``utter_default`` and reverts the customer's
turn (``UserUtteranceReverted``), so the dialogue goes on as if it had not been said.
That also undoes every slot the turn set — the language the message was written in, and
an order number or contact it held — so a French SMS customer was answered in English
from then on, and "bm 100004 le maillot me va pa" lost its order number. This one reverts
the turn too, then sets again what the customer's words gave: the language, and the
references and contacts found as entities (never free-text answers, which may be what
the assistant misread).

A message that carries photos is never lost to the fallback: a caption such as "here's
the photo" is often read as something no rule expects, so the photos are handled as if
sent alone (added to the return waiting for them, or kept for the next one).
"""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.return_form import photo_ids_of
from actions.returns import ActionKeepPhoto

# Slot → the entities that may have filled it in the reverted turn (domain/core.yml).
KEPT_FROM_ENTITIES: dict[str, tuple[str, ...]] = {
    "language": ("detected_language",),
    "order_reference": ("rma", "order_number"),
    "contact": ("email", "phone"),
}


def kept_slots(tracker: Tracker) -> list[dict[str, Any]]:
    """SlotSet events for what the latest message's entities gave, to survive the revert."""
    found = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    events = []
    for slot, entities in KEPT_FROM_ENTITIES.items():
        value = tracker.get_slot(slot)
        if value is not None and found.intersection(entities):
            events.append(SlotSet(slot, value))
    return events


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if photo_ids_of(tracker):
            photo_events = await asyncio.to_thread(ActionKeepPhoto().act, dispatcher, tracker, domain)
            return [UserUtteranceReverted(), *kept_slots(tracker), *photo_events]
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted(), *kept_slots(tracker)]
