"""The return form under French consumer law (issue 13), against the real demo backend:
an item past the shop's window returns for a fault with the guarantee's remedies, a sealed
item's seal is asked about, and what the customer chose reaches the backend."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from actions.forms.return_form import (
    ActionAskReturnItem,
    ActionAskReturnReason,
    ActionAskReturnResolution,
    ActionAskReturnSealIntact,
    ValidateReturnForm,
)
from actions.returns import ActionCreateReturn
from backend.db.models import ReturnLine, ReturnRequest
from tests.actions.conftest import responses, slot_events, tracker
from tests.actions.test_return_actions import run, verified_slots

JEANS_ORDER = ("BM-100011", "ben.carter@example.com")    # delivered 45 days ago, 30-day window
BRIEFS_ORDER = ("BM-100017", "dan.wright@example.org")   # sealed hygiene item, recent


def jeans(backend, domain, **slots):
    verified = verified_slots(backend, domain, reference=JEANS_ORDER[0], contact=JEANS_ORDER[1])
    item = next(i for i in verified["returnable_items"] if "jean" in i["name"]["en"].lower())
    return {**verified, **slots}, item


def payloads(dispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def test_an_item_past_the_window_is_offered_for_a_fault_only(backend, domain):
    slots, item = jeans(backend, domain)
    assert not item["eligible"] and item["guarantee_only"] and item["guarantee_ends_on"]
    dispatcher, _ = run(ActionAskReturnItem(), tracker(slots), domain)
    assert f'/choose{{"return_item": "{item["id"]}"}}' in payloads(dispatcher)
    chosen = tracker(slots, text=item["id"], requested_slot="return_item", active_loop="return_form",
                     filled={"return_item": item["id"]})
    _, events = run(ValidateReturnForm(), chosen, domain)
    assert slot_events(events)["return_item"] == item["id"]
    dispatcher, _ = run(ActionAskReturnReason(), tracker({**slots, "return_item": item["id"]}), domain)
    assert responses(dispatcher) == ["utter_ask_return_reason_fault"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_change_of_mind_past_the_window_is_refused_with_the_reason(backend, domain, language):
    slots, item = jeans(backend, domain, language=language)
    t = tracker({**slots, "return_item": item["id"]}, text="changed my mind", requested_slot="return_reason",
                active_loop="return_form", filled={"return_reason": "changed my mind"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert responses(dispatcher) == ["utter_item_not_eligible"]
    assert dispatcher.messages[0]["explanation"] == item["explanation"][language]
    assert slot_events(events)["return_item"] is None and slot_events(events)["return_reason"] is None


def test_a_fault_past_the_window_gets_the_guarantees_remedies(backend, domain):
    slots, item = jeans(backend, domain, return_reason="defective")
    dispatcher, _ = run(ActionAskReturnResolution(), tracker({**slots, "return_item": item["id"]}), domain)
    assert responses(dispatcher) == ["utter_ask_return_remedy_past_windows"]
    offered = [p.split('"')[-2] for p in payloads(dispatcher)]
    assert offered == ["replacement", "repair", "refund", "price_reduction"]
    t = tracker({**slots, "return_item": item["id"]}, text="a new one please", requested_slot="return_resolution",
                active_loop="return_form", filled={"return_resolution": "a new one please"})
    _, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events)["return_resolution"] == "replacement"


def test_remedies_are_not_offered_for_a_change_of_mind(backend, domain):
    slots = verified_slots(backend, domain)  # Alice's recent shirt
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    t = tracker({**slots, "return_item": shirt["id"], "return_reason": "changed_mind"}, text="repair it",
                requested_slot="return_resolution", active_loop="return_form",
                filled={"return_resolution": "/choose repair"})
    dispatcher, _ = run(ActionAskReturnResolution(), t, domain)
    assert responses(dispatcher) == ["utter_ask_return_resolution"]
    t = tracker({**slots, "return_item": shirt["id"], "return_reason": "changed_mind"}, text="repair",
                requested_slot="return_resolution", active_loop="return_form", filled={"return_resolution": "repair"})
    _, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events).get("return_resolution") is None


def test_the_replacement_chosen_is_created_under_the_guarantee(backend, domain):
    slots, item = jeans(backend, domain)
    confirmed = {**slots, "return_item": item["id"], "return_quantity": 1.0, "return_reason": "defective",
                 "return_resolution": "replacement", "return_confirmed": True, "idempotency_key": "law-key-0001"}
    _, events = run(ActionCreateReturn(), tracker(confirmed), domain)
    rma = slot_events(events)["last_rma"]
    with backend.ctx.sessions() as s:
        line = s.execute(select(ReturnLine).join(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        assert (line.resolution, line.legal_basis) == ("replacement", "guarantee")


def briefs(backend, domain, **slots):
    verified = verified_slots(backend, domain, reference=BRIEFS_ORDER[0], contact=BRIEFS_ORDER[1])
    item = next(i for i in verified["returnable_items"] if i["needs_seal"])
    return {**verified, "return_item": item["id"], "return_quantity": 1.0, **slots}, item


def test_a_sealed_item_asks_about_its_seal_unless_it_is_faulty(backend, domain):
    slots, item = briefs(backend, domain, return_reason="changed_mind")
    form = ValidateReturnForm()
    asked = asyncio.run(form.required_slots([], None, tracker(slots), domain))
    assert asked.index("return_seal_intact") == asked.index("return_reason") + 1
    faulty = asyncio.run(form.required_slots([], None, tracker({**slots, "return_reason": "defective"}), domain))
    assert "return_seal_intact" not in faulty


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_open_seal_is_refused_before_anything_is_created(backend, domain, language):
    slots, item = briefs(backend, domain, return_reason="changed_mind", language=language)
    dispatcher, _ = run(ActionAskReturnSealIntact(), tracker(slots), domain)
    assert dispatcher.messages[0]["item"] == item["name"][language]
    t = tracker(slots, text="no", intent="deny", requested_slot="return_seal_intact", active_loop="return_form")
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert responses(dispatcher) == ["utter_seal_broken"]
    assert slot_events(events)["return_item"] is None


def test_an_intact_seal_goes_with_the_line_and_the_return_is_a_withdrawal(backend, domain):
    slots, item = briefs(backend, domain, return_reason="changed_mind")
    t = tracker(slots, text="yes", intent="affirm", requested_slot="return_seal_intact", active_loop="return_form")
    _, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events)["return_seal_intact"] is True
    confirmed = {**slots, "return_seal_intact": True, "return_resolution": "refund", "return_confirmed": True,
                 "idempotency_key": "law-key-0002"}
    _, events = run(ActionCreateReturn(), tracker(confirmed), domain)
    rma = slot_events(events)["last_rma"]
    with backend.ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        assert ret.status != "rejected" and ret.refund_due_on is not None
        assert [(l.seal_intact, l.legal_basis) for l in ret.lines] == [(True, "withdrawal")]
