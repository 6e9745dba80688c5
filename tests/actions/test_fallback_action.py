"""The core fallback reverts the misunderstood turn but keeps what the customer's words gave:
the language (a French SMS customer stays in French) and references found as entities."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultFallback
from tests.actions.conftest import responses, tracker


def run(t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDefaultFallback().run(dispatcher, t, {}))
    return dispatcher, events


def test_the_turn_is_reverted_but_its_language_and_order_number_stay():
    t = tracker(text="bm 100004 le maillot me va pa", intent="nlu_fallback",
                entities=[{"entity": "order_number", "value": "100004"},
                          {"entity": "detected_language", "value": "fr"}],
                filled={"language": "fr", "order_reference": "100004"})
    dispatcher, events = run(t)
    assert responses(dispatcher) == ["utter_default"]
    assert events[0] == {"event": "rewind", "timestamp": None}
    assert [(e["name"], e["value"]) for e in events[1:]] == [("language", "fr"), ("order_reference", "100004")]


def test_a_free_text_answer_is_not_kept():
    # The contact slot filled from the whole text (the form asked for it) is what was misread.
    t = tracker(text="je sais pas", intent="nlu_fallback", requested_slot="contact",
                entities=[{"entity": "detected_language", "value": "fr"}],
                filled={"language": "fr", "contact": "je sais pas"})
    _, events = run(t)
    assert [(e["name"], e["value"]) for e in events[1:]] == [("language", "fr")]


def test_a_turn_without_entities_only_reverts():
    _, events = run(tracker({"language": "fr"}, text="???", intent="nlu_fallback"))
    assert [e["event"] for e in events] == ["rewind"]
