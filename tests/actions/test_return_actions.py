"""Custom actions against a real backend over HTTP: verification, the return form, creating
returns, status, policy answers, handoff, and what happens when the backend is down."""
from __future__ import annotations

import asyncio
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.forms.return_form import ValidateReturnForm, match_item
from actions.forms.status_form import ValidateStatusForm
from actions.handoff import ActionAnswerYesNo, ActionHandoff
from actions.policy import ActionAnswerPolicy, topics_for
from actions.returns import ActionCreateReturn, ActionKeepPhoto, ActionStartReturn, journey_reset
from actions.status import ActionShowStatus
from actions.vocabulary import reason_from_text, resolution_from_text
from backend.db.models import HandoffRequest, ReturnRequest
from tests.actions.conftest import responses, slot_events, tracker

ALICE = {"order_reference": "BM-100001", "contact": "alice.martin@example.com"}


def run(action, t, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain)) if asyncio.iscoroutinefunction(action.run) \
        else action.run(dispatcher, t, domain)
    return dispatcher, events


def verified_slots(backend, domain, reference="BM-100001", contact="alice.martin@example.com",
                   flow="return", sender_id="test-conversation") -> dict:
    """Verify in conversation ``sender_id`` (the backend remembers that conversation)."""
    t = tracker({"order_reference": reference, "flow": flow}, text=contact, requested_slot="contact",
                active_loop="return_form", filled={"contact": contact}, sender_id=sender_id)
    _, events = run(ValidateReturnForm(), t, domain)
    slots = slot_events(events)
    assert slots["verified"] is True, slots
    return {"order_reference": reference, "flow": flow, **slots}


def count(backend, model) -> int:
    with backend.ctx.sessions() as s:
        return s.execute(select(func.count(model.id))).scalar_one()


# --- verification ------------------------------------------------------------------------

def test_verification_loads_items_and_masks_the_contact(backend, domain):
    t = tracker({"order_reference": "BM-100001", "flow": "return"}, text="alice.martin@example.com",
                requested_slot="contact", active_loop="return_form",
                filled={"contact": "my email is alice.martin@example.com"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    slots = slot_events(events)
    assert slots["verified"] is True
    # No bearer secret in the tracker: nothing a tracker reader could replay elsewhere.
    assert not any(isinstance(v, str) and v.count(".") == 2 and len(v) > 60 for v in slots.values())
    assert "customer_token" not in slots
    assert slots["contact"] == "a***@example.com"
    assert slots["order_number"] == "BM-100001"
    assert {i["eligible"] for i in slots["returnable_items"]} >= {True}
    assert "utter_verified" in responses(dispatcher)
    assert slots["requested_slot"] == "return_item"


def test_contact_given_before_the_order_number_is_used(backend, domain):
    t = tracker({"contact": "06 39 98 12 34", "flow": "return"}, text="BM 100001",
                requested_slot="order_reference", active_loop="return_form",
                filled={"order_reference": "BM 100001"})
    _, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events)["verified"] is True


def test_three_wrong_contacts_end_the_journey_with_an_offer_of_a_person(backend, domain):
    slots = {"order_reference": "BM-100001", "flow": "return"}
    for attempt in range(1, 4):
        t = tracker({**slots, "verify_failures": attempt - 1}, text="eve@example.com", requested_slot="contact",
                    active_loop="return_form", filled={"contact": "eve@example.com"})
        dispatcher, events = run(ValidateReturnForm(), t, domain)
        result = slot_events(events)
        assert "utter_verify_failed" in responses(dispatcher)
        assert result["verify_failures"] == attempt
    assert result["flow_aborted"] is True
    assert "utter_offer_handoff" in responses(dispatcher)
    assert result["requested_slot"] is None  # the form ends: nothing more is asked


def test_garbage_order_number_is_refused_and_counted(backend, domain):
    t = tracker({"flow": "return", "failed_answers": 2}, text="banana", requested_slot="order_reference",
                active_loop="return_form", filled={"order_reference": "banana"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert responses(dispatcher) == ["utter_invalid_order_reference", "utter_offer_handoff"]
    assert slot_events(events)["order_reference"] is None


def test_backend_down_during_verification(backend_down, domain):
    t = tracker({"order_reference": "BM-100001", "flow": "return"}, text=ALICE["contact"], requested_slot="contact",
                active_loop="return_form", filled={"contact": ALICE["contact"]})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert responses(dispatcher) == ["utter_backend_down"]
    assert slot_events(events)["flow_aborted"] is True


def test_a_copied_verified_slot_grants_nothing(backend, domain):
    # Alice verifies in her conversation; an outsider's conversation claims "verified".
    verified_slots(backend, domain)
    forged = {"verified": True, "order_number": "BM-100001", "order_reference": "BM-100001",
              "flow": "status"}
    dispatcher, events = run(ActionShowStatus(), tracker(forged, sender_id="rest:outsider"), domain)
    assert responses(dispatcher) == ["utter_verification_lost"]
    assert slot_events(events)["verified"] is False
    before = count(backend, ReturnRequest)
    dispatcher, _ = run(ActionStartReturn(), tracker(forged, sender_id="rest:outsider"), domain)
    assert responses(dispatcher) == ["utter_verification_lost"]
    assert count(backend, ReturnRequest) == before


def test_failures_are_counted_for_the_client_the_channel_saw(backend, domain):
    from backend.db.models import VerificationAttempt
    t = tracker({"order_reference": "BM-100001", "flow": "return"}, text="eve@example.com",
                requested_slot="contact", active_loop="return_form", filled={"contact": "eve@example.com"},
                metadata={"boomerang_client": "ip:203.0.113.9"})
    run(ValidateReturnForm(), t, domain)
    with backend.ctx.sessions() as s:
        keys = set(s.execute(select(VerificationAttempt.client_key)).scalars())
    assert "client:ip:203.0.113.9" in keys


# --- the return form -----------------------------------------------------------------------

def test_item_by_number_name_or_button(backend, domain):
    slots = verified_slots(backend, domain)
    items = slots["returnable_items"]
    lamp = next(i for i in items if "lamp" in i["name"]["en"].lower())
    assert match_item("2", items) == items[1]
    assert match_item("la lampe", items)["id"] == lamp["id"] or match_item("the lamp", items)["id"] == lamp["id"]
    assert match_item(lamp["id"], items) == lamp


def test_reason_photo_and_resolution_questions_depend_on_answers(backend, domain):
    slots = verified_slots(backend, domain)
    lamp = next(i for i in slots["returnable_items"] if "lamp" in i["name"]["en"].lower())
    t = tracker({**slots, "return_item": lamp["id"], "return_quantity": 1.0}, text="it arrived cracked",
                requested_slot="return_reason", active_loop="return_form",
                filled={"return_reason": "it arrived cracked"})
    _, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["return_reason"] == "damaged"
    assert result["return_reason_text"] == "it arrived cracked"
    assert result["requested_slot"] == "return_photos"


def test_photo_ids_in_metadata_fill_the_photo_slot(backend, domain):
    slots = verified_slots(backend, domain)
    t = tracker({**slots, "return_item": slots["returnable_items"][0]["id"], "return_reason": "damaged",
                 "return_quantity": 1.0}, text="", metadata={"photo_ids": ["ph_abc"]},
                requested_slot="return_photos", active_loop="return_form")
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events)["return_photos"] == ["ph_abc"]
    assert "utter_photo_received" in responses(dispatcher)


def test_skip_photo_is_not_a_dead_end(backend, domain):
    slots = verified_slots(backend, domain)
    t = tracker({**slots, "return_item": slots["returnable_items"][0]["id"], "return_reason": "damaged",
                 "return_quantity": 1.0}, text="I don't have one", intent="skip_photo",
                requested_slot="return_photos", active_loop="return_form")
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["return_photos"] == []
    assert "utter_photos_skipped" in responses(dispatcher)
    assert result["requested_slot"] == "return_resolution"


def test_policy_question_during_photo_step_is_left_to_its_rule(backend, domain):
    slots = verified_slots(backend, domain)
    t = tracker({**slots, "return_item": slots["returnable_items"][0]["id"], "return_reason": "damaged",
                 "return_quantity": 1.0}, text="do you charge for returns?", intent="return_policy",
                requested_slot="return_photos", active_loop="return_form")
    _, events = run(ValidateReturnForm(), t, domain)
    assert "return_photos" not in slot_events(events)


def test_ineligible_item_is_explained(backend, domain):
    # Since issue 13 (French consumer law) no demo order mixes a returnable item with one
    # refused by every rule: BM-100005's speaker is now in its 30-day window. The lamp of
    # BM-100014 (delivered 26 months ago) is refused by the shop's window, the withdrawal
    # right and the 2-year guarantee alike: the customer names it anyway.
    slots = verified_slots(backend, domain, reference="BM-100014", contact="alice.martin@example.com")
    lamp = next(i for i in slots["returnable_items"] if not i["eligible"])
    slots = {k: v for k, v in slots.items() if k != "flow_aborted"}
    t = tracker({**slots, "language": "fr"}, text=lamp["id"], requested_slot="return_item",
                active_loop="return_form", filled={"return_item": lamp["id"]})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_item_not_eligible"
    assert message["explanation"] == lamp["explanation"]["fr"]
    assert "6 octobre 2024" in message["explanation"]
    assert slot_events(events)["return_item"] is None
    # Understood and refused: not a failed answer, so no offer of a person "for trouble".
    assert "failed_answers" not in slot_events(events)
    assert responses(dispatcher) == ["utter_item_not_eligible"]


def test_exchange_size_by_words(backend, domain):
    slots = verified_slots(backend, domain, flow="exchange")
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    t = tracker({**slots, "return_item": shirt["id"], "return_quantity": 1.0, "return_reason": "wrong_size",
                 "return_resolution": "exchange"}, text="L please", requested_slot="exchange_sku",
                active_loop="return_form", filled={"exchange_sku": "L please"})
    _, events = run(ValidateReturnForm(), t, domain)
    sku = slot_events(events)["exchange_sku"]
    option = next(o for o in shirt["exchange_options"] if o["sku"] == sku)
    assert option["size"] == "L"


def shirt_exchange(backend, domain, text, **extra):
    slots = verified_slots(backend, domain, flow="exchange")
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    assert (shirt["size"], shirt["colour"]) == ("M", "White")
    return slots, shirt, tracker({**slots, "return_item": shirt["id"], "return_quantity": 1.0,
                                  "return_reason": "wrong_size", "return_resolution": "exchange"},
                                 text=text, requested_slot="exchange_sku", active_loop="return_form",
                                 filled={"exchange_sku": text}, **extra)


@pytest.mark.parametrize("text", ["one size up please", "une taille au-dessus", "en plus grand svp"])
def test_a_size_relative_to_the_one_bought_is_understood(backend, domain, text):
    _, shirt, t = shirt_exchange(backend, domain, text)
    _, events = run(ValidateReturnForm(), t, domain)
    option = next(o for o in shirt["exchange_options"] if o["sku"] == slot_events(events)["exchange_sku"])
    assert (option["size"], option["colour"]) == ("L", "White")  # M bought: L, same colour


def test_a_relative_size_out_of_stock_is_said_not_swapped_for_another(backend, domain):
    _, shirt, t = shirt_exchange(backend, domain, "one size down")  # S is out of stock
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    assert slot_events(events)["exchange_sku"] is None
    [message] = [m for m in dispatcher.messages if m.get("response") == "utter_exchange_size_unavailable"]
    assert (message["size"], message["direction"]) == ("M", "below")


def test_one_size_up_said_when_the_journey_starts_picks_the_exchange_before_it_is_asked(backend, domain):
    slots = verified_slots(backend, domain, flow="exchange")
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    start = [{"event": "user", "text": "my shirt is too small, can I have one size up?"},
             {"event": "action", "name": "action_start_exchange"}]
    t = tracker({**slots, "return_resolution": "exchange", "return_reason": "wrong_size"}, text=shirt["id"],
                requested_slot="return_item", active_loop="return_form", events=start,
                filled={"return_item": shirt["id"]})
    _, events = run(ValidateReturnForm(), t, domain)
    option = next(o for o in shirt["exchange_options"] if o["sku"] == slot_events(events)["exchange_sku"])
    assert option["size"] == "L"


@pytest.mark.parametrize("text, reason", [("my shirt is too small", "wrong_size"),
                                          ("la lampe est arrivée cassée", "damaged"),
                                          ("I want to return something", None)])
def test_the_reason_given_with_the_first_message_is_not_asked_again(domain, text, reason):
    from actions.returns import ActionStartReturn

    _, events = run(ActionStartReturn(), tracker(text=text, intent="start_return"), domain)
    assert slot_events(events).get("return_reason") == reason


@pytest.mark.parametrize("text,code", [
    ("it arrived cracked", "damaged"), ("le pull ne me va pas", "wrong_size"), ("c'est cassé", "damaged"),
    ("doesn't work anymore", "defective"), ("ne fonctionne plus", "defective"),
    ("you sent me the wrong one", "wrong_item"), ("j'ai changé d'avis", "changed_mind"),
    ("too small", "wrong_size"), ("pas conforme à la photo", "not_as_described"), ("hmm", None),
])
def test_reasons_in_both_languages(text, code):
    assert reason_from_text(text) == code


@pytest.mark.parametrize("text,code", [("I'd like my money back", "refund"), ("un avoir svp", "store_credit"),
                                       ("échange contre un M", "exchange"), ("bof", None)])
def test_resolutions_in_both_languages(text, code):
    assert resolution_from_text(text) == code


# --- creating ----------------------------------------------------------------------------

def confirmed_return(slots, item, **extra):
    return {**slots, "return_item": item["id"], "return_quantity": 1.0, "return_reason": "changed_mind",
            "return_resolution": "refund", "return_confirmed": True, "idempotency_key": "conv-1-key-0001", **extra}


def test_create_return_gives_label_and_is_idempotent(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    before = count(backend, ReturnRequest)
    dispatcher, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, shirt)), domain)
    assert responses(dispatcher) == ["utter_return_created", "utter_return_label"]
    label = dispatcher.messages[1]
    assert label["label_url"].startswith(backend.url + "/labels/")
    rma = slot_events(events)["last_rma"]
    # The action server retried (same key): nothing is created twice.
    _, again = run(ActionCreateReturn(), tracker(confirmed_return(slots, shirt)), domain)
    assert slot_events(again)["last_rma"] == rma
    assert count(backend, ReturnRequest) == before + 1
    assert slot_events(events)["return_item"] is None  # answers cleared for the next journey


def test_declined_confirmation_creates_nothing(backend, domain):
    slots = verified_slots(backend, domain)
    before = count(backend, ReturnRequest)
    dispatcher, _ = run(ActionCreateReturn(), tracker(confirmed_return(slots, slots["returnable_items"][0],
                                                                        return_confirmed=False)), domain)
    assert responses(dispatcher) == ["utter_return_not_confirmed"]
    assert count(backend, ReturnRequest) == before


def test_backend_down_when_creating_says_it_was_not_created_and_keeps_the_answers(backend, backend_down, domain):
    slots = {"verified": True, "order_number": "BM-100001",
             "returnable_items": [{"id": "1", "number": 1, "name": {"en": "Shirt", "fr": "Chemise"},
                                   "eligible": True, "explanation": {"en": "", "fr": ""},
                                   "max_quantity": 1, "exchange_options": []}]}
    dispatcher, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, slots["returnable_items"][0])),
                             domain)
    assert responses(dispatcher) == ["utter_backend_down_retry"]
    assert "last_rma" not in slot_events(events)
    assert slot_events(events)["return_pending"] is True  # the retry: tests/actions/test_journey_actions.py


def test_start_return_for_a_verified_customer_lists_items_again(backend, domain):
    slots = verified_slots(backend, domain)
    _, events = run(ActionStartReturn(), tracker({**slots, "returnable_items": None}), domain)
    result = slot_events(events)
    assert result["flow"] == "return" and result["idempotency_key"]
    assert result["returnable_items"]


# --- status, policy, handoff ---------------------------------------------------------------

def test_status_by_rma_in_french(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    _, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, shirt)), domain)
    rma = slot_events(events)["last_rma"]
    t = tracker({**slots, "language": "fr", "order_reference": rma, "flow": "status"})
    dispatcher, _ = run(ActionShowStatus(), t, domain)
    status = dispatcher.messages[0]
    assert status["response"] == "utter_status"
    assert status["rma"] == rma
    assert "étiquette" in status["status_text"]
    assert "Étiquette de retour émise" in status["timeline"]
    assert re.search(r"^- \d{1,2}(er)? \w+ \d{4} : ", status["timeline"], re.M), status["timeline"]


def test_status_for_an_order_without_returns(backend, domain):
    slots = verified_slots(backend, domain, reference="BM-100005", contact="dan.wright@example.org", flow="status")
    t = tracker({**slots, "flow": "status"})
    dispatcher, _ = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_no_returns_found"]


def test_status_form_only_asks_verification(backend, domain):
    t = tracker({"flow": "status"}, text="R-7K4M-2QX9", requested_slot="order_reference", active_loop="status_form",
                filled={"order_reference": "R-7K4M-2QX9"})
    _, events = run(ValidateStatusForm(), t, domain)
    result = slot_events(events)
    assert result["order_reference"] == "R-7K4M-2QX9"
    assert result.get("verified") is False  # proven only once the contact is in


def test_order_whose_items_are_all_excluded_ends_with_explanations(backend, domain):
    # BM-100004's swimsuit and final-sale jacket are returnable within the 14-day withdrawal
    # right since issue 13; two undelivered items are refused by every rule.
    t = tracker({"order_reference": "BM-100006", "flow": "return", "language": "fr"},
                text="emma.leroy@example.net", requested_slot="contact", active_loop="return_form",
                filled={"contact": "emma.leroy@example.net"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    said = responses(dispatcher)
    assert said[:2] == ["utter_verified", "utter_no_returnable_items"]
    assert said.count("utter_item_not_eligible") == 2
    # A second look by a person is offered, not "I'm having trouble helping with this".
    assert said[-1] == "utter_offer_handoff_after_refusal" and "utter_offer_handoff" not in said
    assert slot_events(events)["flow_aborted"] is True


def test_policy_answers_come_from_the_backend_faq(backend, domain):
    dispatcher, _ = run(ActionAnswerPolicy(), tracker({"language": "fr"}, text="les retours sont payants ?",
                                                      intent="return_policy"), domain)
    answer = dispatcher.messages[0]["answer"]
    assert "4,95" in answer
    assert responses(dispatcher)[-1] == "utter_policy_more"
    assert topics_for("how many days do I have to send it back") == ["window"]
    assert topics_for("can I return swimwear?") == ["exclusions"]


@pytest.mark.parametrize("text, topics", [
    ("how long do I have to return shoes, and is the shipping refunded?", ["window", "fees"]),
    ("combien de temps pour retourner des chaussures, et les frais de port sont remboursés ?", ["window", "fees"]),
    ("can I swap for another size and do I need a photo?", ["exchanges", "photos"]),
    ("how long does a refund take", ["refund_time"]),
    # Short words inside others are not keywords: "support" has no "port", "feedback" no "fee".
    ("I need support with feedback", ["window", "fees", "refund_time"]),
    # Issue 13: the customer's legal rights. A "how many days" about a right is that right's
    # time (its answer says it), not the shop's windows as well.
    ("how many days do I have to withdraw?", ["withdrawal"]),
    ("can I cancel my purchase and is the return shipping free?", ["withdrawal", "fees"]),
    ("combien de jours pour exercer mon droit de rétractation ?", ["withdrawal"]),
    ("what is the legal guarantee?", ["legal_guarantee"]),
    ("la garantie légale dure combien de temps ?", ["legal_guarantee"]),
    ("my item broke after 3 months, what can I do?", ["legal_guarantee"]),
    ("ma bouilloire ne marche plus au bout de 5 mois", ["legal_guarantee"]),
    ("what are my rights?", ["withdrawal", "legal_guarantee"]),
    ("quels sont mes droits ?", ["withdrawal", "legal_guarantee"]),
    ("can I return swimwear, and what about the warranty?", ["exclusions", "legal_guarantee"]),
    # A shop's promise is not the legal guarantee.
    ("is there a money back guarantee?", ["window"]),
])
def test_a_question_asking_several_things_gets_every_answer_in_order(text, topics):
    assert topics_for(text) == topics


@pytest.mark.parametrize("language, text, expected, absent", [
    ("fr", "droit de rétractation ?", ["14 jours", "L221-18", "rétractation"], "2 ans après la livraison"),
    ("en", "what are my rights?", ["14 days from the delivery", "legal guarantee of conformity", "L217-3"],
     None),
    ("en", "my blender broke after 3 months, is that covered?", ["For 2 years after delivery", "repair"],
     "withdraw from your purchase"),
    ("fr", "c'est quoi la garantie légale ?", ["Pendant 2 ans après la livraison", "réparation"],
     "vous rétracter"),
])
def test_a_question_about_the_law_gets_the_customers_rights(backend, domain, language, text, expected, absent):
    dispatcher, _ = run(ActionAnswerPolicy(), tracker({"language": language}, text=text, intent="return_policy"),
                        domain)
    answer = dispatcher.messages[0]["answer"]
    for words in expected:
        assert words in answer, answer
    if absent:
        assert absent not in answer, answer


def test_a_legal_question_to_a_shop_without_a_jurisdiction_gets_the_general_answers(domain):
    from common.backend_client import set_client

    class NoLawFaq:
        """A shop whose policy declares no jurisdiction: its FAQ has no legal topics."""

        def policy_faq(self, language):
            return {"entries": [{"topic": t, "question": t, "answer": f"<{t}>"}
                                for t in ("window", "exclusions", "fees", "refund_time")]}

    set_client(NoLawFaq())
    try:
        dispatcher, _ = run(ActionAnswerPolicy(), tracker(text="what are my rights?", intent="return_policy"), domain)
    finally:
        set_client(None)
    assert dispatcher.messages[0]["answer"] == "<window>\n<fees>\n<refund_time>"


def test_handoff_pauses_the_bot_and_opens_a_request(backend, domain):
    events = [{"event": "user", "text": "my lamp is broken", "parse_data": {}},
              {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_offer_handoff"}}]
    t = tracker({"language": "fr"}, text="oui", intent="affirm", events=events, sender_id="conv-77")
    dispatcher, result = run(ActionAnswerYesNo(), t, domain)
    # Which message depends on the backend's opening hours and agents (tests/actions/
    # test_handoff_actions.py covers each); a person is on the way in every one.
    assert responses(dispatcher)[0] in ("utter_handoff_queued", "utter_handoff_closed_web",
                                        "utter_handoff_no_agent_web")
    assert result[-2]["event"] == "pause"
    with backend.ctx.sessions() as s:
        h = s.execute(select(HandoffRequest)).scalar_one()
    assert h.conversation_id == "conv-77" and h.language == "fr"
    assert h.reason == "repeated_failures"
    assert "my lamp is broken" in h.summary


def test_handoff_with_backend_down_does_not_pause(backend_down, domain):
    dispatcher, events = run(ActionHandoff(), tracker(text="human please", intent="human_handoff"), domain)
    assert responses(dispatcher) == ["utter_handoff_failed"]
    assert events == []


def test_phone_digits_are_not_taken_for_a_new_order_number(backend, domain):
    events = [{"event": "slot", "name": "order_reference", "value": "BM-100002"},
              {"event": "user", "text": "BM-100002", "parse_data": {}}]
    t = tracker({"order_reference": "BM-100002", "flow": "status"}, text="+44 7700 900123", events=events,
                requested_slot="contact", active_loop="status_form",
                filled={"order_reference": "900123", "contact": "+44 7700 900123"})
    dispatcher, result = run(ValidateStatusForm(), t, domain)
    slots = slot_events(result)
    assert slots["order_reference"] == "BM-100002"
    assert slots["verified"] is True, responses(dispatcher)


# --- photos sent before the form asks for them -------------------------------------------

def test_photo_sent_at_another_question_is_kept_and_the_question_stands(backend, domain):
    slots = verified_slots(backend, domain)
    t = tracker(slots, text="/send_photo", intent="send_photo", metadata={"photo_ids": ["ph_1", "ph_2"]},
                requested_slot="return_item", active_loop="return_form")
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["early_photos"] == ["ph_1", "ph_2"]
    assert "return_item" not in result
    assert "utter_photo_kept" in responses(dispatcher)


def test_kept_photos_answer_the_photo_question_once_the_reason_needs_them(backend, domain):
    slots = verified_slots(backend, domain)
    lamp = next(i for i in slots["returnable_items"] if "lamp" in i["name"]["en"].lower())
    t = tracker({**slots, "return_item": lamp["id"], "return_quantity": 1.0, "early_photos": ["ph_1"]},
                text="it arrived cracked", requested_slot="return_reason", active_loop="return_form",
                filled={"return_reason": "it arrived cracked"})
    _, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["return_reason"] == "damaged"
    assert result["return_photos"] == ["ph_1"]
    assert result["requested_slot"] == "return_resolution"  # not asked for photos again


def test_kept_photos_are_not_used_for_a_reason_that_needs_none(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "lamp" not in i["name"]["en"].lower())
    t = tracker({**slots, "return_item": shirt["id"], "return_quantity": 1.0, "early_photos": ["ph_1"]},
                text="changed_mind", requested_slot="return_reason", active_loop="return_form",
                filled={"return_reason": "changed_mind"})
    _, events = run(ValidateReturnForm(), t, domain)
    assert "return_photos" not in slot_events(events)


def test_photo_outside_a_return_is_kept_for_the_next_one(domain):
    t = tracker({"language": "fr", "early_photos": ["ph_1"]}, text="/send_photo", intent="send_photo",
                metadata={"photo_ids": ["ph_1", "ph_9"]})
    dispatcher, events = run(ActionKeepPhoto(), t, domain)
    assert slot_events(events)["early_photos"] == ["ph_1", "ph_9"]
    assert responses(dispatcher) == ["utter_photo_outside_form"]


def test_the_journey_end_forgets_kept_photos():
    assert {"early_photos": None}.items() <= slot_events(journey_reset(None)).items()
    assert "early_photos" not in slot_events(journey_reset("return"))


def test_items_and_exchange_choices_name_the_colour_in_the_customers_language():
    from actions.forms.return_form import compact_items, variant_label

    line = {"order_line_id": 7, "name": "Table lamp", "name_fr": "Lampe de table", "size": None,
            "colour": "Brass", "colour_fr": "Laiton", "eligible": True, "explanation": {},
            "quantity_returnable": 1, "exchange_options": []}
    [item] = compact_items([line])
    assert item["name"] == {"en": "Table lamp (Brass)", "fr": "Lampe de table (Laiton)"}
    option = {"sku": "SHIRT-LIN-BLU-L", "size": "L", "colour": "Blue", "colour_fr": "Bleu"}
    assert (variant_label(option, "fr"), variant_label(option, "en")) == ("L · Bleu", "L · Blue")
    # A catalogue without French colours shows the one it has.
    assert variant_label({"size": "L", "colour": "Blue"}, "fr") == "L · Blue"


# --- status questions answered, not the timeline again -----------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("When exactly will I get the money?", "when_money"), ("what date will my refund arrive", "when_money"),
    ("quand exactement vais-je être remboursé ?", "when_money"), ("combien de jours pour le remboursement", "when_money"),
    ("I posted it yesterday, why does it still say label issued?", "scan_delay"),
    ("je l'ai déposé hier, pourquoi c'est toujours étiquette émise ?", "scan_delay"),
    ("I dropped the parcel off, why no update?", "scan_delay"),
    ("where is my return", None), ("où en est mon retour ?", None),
])
def test_the_kind_of_status_question_is_read_from_its_words(text, kind):
    from actions.status_questions import question_kind

    assert question_kind(text) == kind


def status_turn(slots, rma, text, told=False, lang="en"):
    told_events = [{"event": "bot", "text": f"Return {rma} (Linen shirt): return label issued.",
                    "metadata": {"utter_action": "utter_status"}}] if told else []
    return tracker({**slots, "language": lang, "order_reference": rma, "flow": "status"}, text=text,
                   intent="return_status", events=told_events)


def test_status_questions_get_their_answer_and_the_timeline_only_once(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    _, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, shirt)), domain)
    rma = slot_events(events)["last_rma"]

    dispatcher, _ = run(ActionShowStatus(), status_turn(slots, rma, "where is my return?"), domain)
    # A change of mind 5 days after delivery is a withdrawal: its legal refund deadline is said
    # too (issue 13, L221-24; tests/actions/test_legal_refund_status.py).
    assert responses(dispatcher) == ["utter_status", "utter_refund_due_by_law"]

    # Asked about the money once the status was said: the answer, not the timeline again.
    dispatcher, _ = run(ActionShowStatus(), status_turn(slots, rma, "When exactly will I get the money?", told=True),
                        domain)
    assert responses(dispatcher) == ["utter_refund_when_after_receipt", "utter_refund_due_by_law"]
    dispatcher, _ = run(ActionShowStatus(), status_turn(
        slots, rma, "je l'ai déposé hier, pourquoi c'est toujours étiquette émise ?", told=True, lang="fr"), domain)
    assert responses(dispatcher) == ["utter_scan_delay"] and dispatcher.messages[0]["rma"] == rma
    # Asked again with nothing new: one line, not the timeline.
    dispatcher, _ = run(ActionShowStatus(), status_turn(slots, rma, "and now?", told=True), domain)
    assert responses(dispatcher) == ["utter_status_unchanged"]
    # Never said in this conversation: the answer first, then the whole status.
    dispatcher, _ = run(ActionShowStatus(), status_turn(slots, rma, "When will I get my refund?"), domain)
    assert responses(dispatcher) == ["utter_refund_when_after_receipt", "utter_refund_due_by_law", "utter_status"]


def test_a_refund_already_sent_is_answered_with_its_date_and_amount():
    from actions.status_questions import money_answer

    ret = {"status": "refunded", "refunds": [{"status": "issued", "issued_at": "2026-12-03T10:00:00",
                                              "amount_minor": 5900, "currency": "EUR"}]}
    assert money_answer(ret) == ("utter_refund_when_issued", {"issued_at": "2026-12-03T10:00:00",
                                                              "amount_minor": 5900, "currency": "EUR"})
    assert money_answer({"status": "received", "expected_refund_by": "2026-12-20", "refunds": []}) == (
        "utter_refund_when_expected", {"date": "2026-12-20"})
    assert money_answer({"status": "exchanged", "money": {"refund_amount_minor": 0}, "refunds": []}) is None


# --- one typo loses nothing: a correction replaces only what it corrects --------------------------

def test_a_mistyped_email_keeps_the_order_number_and_the_correction_verifies(backend, domain):
    t = tracker({"order_reference": "BM-100001", "flow": "return"}, text="alice.martn@example.com",
                requested_slot="contact", active_loop="return_form", filled={"contact": "alice.martn@example.com"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    failed = slot_events(events)
    assert "utter_verify_failed" in responses(dispatcher)
    assert dispatcher.messages[0]["order_reference"] == "BM-100001"
    assert "order_reference" not in failed and failed["contact"] is None  # the order number stays
    # The corrected email, typed whatever the bot asked next, verifies the same order.
    earlier = [{"event": "slot", "name": "order_reference", "value": "BM-100001"}]
    for requested in ("contact", "order_reference"):
        t = tracker({"order_reference": "BM-100001", "flow": "return", "verify_failures": 1},
                    text=ALICE["contact"], requested_slot=requested, active_loop="return_form", events=earlier,
                    filled={requested: ALICE["contact"], "contact": ALICE["contact"]})
        dispatcher, events = run(ValidateReturnForm(), t, domain)
        result = slot_events(events)
        assert result["verified"] is True, (requested, responses(dispatcher))
        assert "utter_invalid_order_reference" not in responses(dispatcher)
        assert result["order_reference"] == "BM-100001"


def test_an_order_number_sent_as_the_correction_replaces_the_order_not_the_contact_question(backend, domain):
    t = tracker({"order_reference": "BM-100009", "flow": "return", "verify_failures": 1}, text="BM-100001",
                requested_slot="contact", active_loop="return_form",
                filled={"contact": "BM-100001", "order_reference": "BM-100001"})
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["order_reference"] == "BM-100001" and result["contact"] is None
    assert "utter_invalid_contact" not in responses(dispatcher)
    assert "failed_answers" not in result or result["failed_answers"] == 0
