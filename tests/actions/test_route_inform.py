"""Details typed before any question (issue 12, family 2): the journey they point to starts
with them, instead of "Sorry, I didn't understand"."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.route_inform import ActionRouteInform, journey_in
from tests.actions.conftest import responses, slot_events, tracker


def run(t):
    dispatcher = CollectingDispatcher()
    return dispatcher, asyncio.run(ActionRouteInform().run(dispatcher, t, {}))


def followup(events: list) -> str | None:
    return next((e["name"] for e in events if e.get("event") == "followup"), None)


def order(value: str) -> dict:
    return {"entity": "order_number", "value": value}


def test_an_order_number_and_a_problem_start_the_return_with_both_kept():
    t = tracker(text="bm 100004 le maillot me va pa", entities=[order("bm 100004")],
                filled={"language": "fr", "order_reference": "bm 100004"})
    dispatcher, events = run(t)
    assert followup(events) == "return_form"
    slots = slot_events(events)
    assert slots["flow"] == "return" and slots["return_reason"] == "wrong_size"
    assert "order_reference" not in slots  # the number the message gave is not cleared
    assert responses(dispatcher) == []


@pytest.mark.parametrize("text", ["BM-100001 one size up please", "BM-100001 échange contre un L"])
def test_a_size_or_an_exchange_starts_an_exchange(text):
    _, events = run(tracker(text=text, entities=[order("BM-100001")], filled={"order_reference": "BM-100001"}))
    assert followup(events) == "return_form"
    assert slot_events(events)["return_resolution"] == "exchange"


def test_an_rma_alone_asks_where_that_return_is():
    t = tracker(text="R-7K4M-2QX9", entities=[{"entity": "rma", "value": "R-7K4M-2QX9"}],
                filled={"order_reference": "R-7K4M-2QX9"})
    _, events = run(t)
    assert followup(events) == "status_form"
    assert slot_events(events)["flow"] == "status"


@pytest.mark.parametrize("slots, expected", [({"order_reference": "BM-100004"}, "utter_which_journey"),
                                             ({}, "utter_which_journey_plain")])
def test_an_order_number_or_a_contact_alone_asks_which_journey(slots, expected):
    entities = [order("BM-100004")] if slots else [{"entity": "phone", "value": "06 39 98 56 78"}]
    dispatcher, events = run(tracker(text="06 39 98 56 78", entities=entities, filled=slots))
    assert responses(dispatcher) == [expected] and events == []
    if slots:
        assert dispatcher.messages[0]["order_reference"] == "BM-100004"


def test_nothing_to_go_on_is_said_plainly():
    dispatcher, events = run(tracker(text="hmm ok"))
    assert responses(dispatcher) == ["utter_default"] and events == []


@pytest.mark.parametrize("text, journey", [("the lamp came broken", "return"), ("je veux être remboursé", "return"),
                                           ("en plus grand svp", "exchange"), ("BM-100001", None)])
def test_which_journey_the_words_point_to(text, journey):
    assert journey_in(text) == journey
