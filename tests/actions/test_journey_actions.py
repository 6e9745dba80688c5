"""Journeys that leave the script (issue 12), against a real backend over HTTP.

A photo sent later goes to the return that waits for it (in the same conversation, or in a
later one verified with the RMA), and a confirmed return that met a backend outage is
created exactly once when the customer tries again.
"""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from actions.fallback import ActionDefaultFallback
from actions.forms.return_form import ValidateReturnForm
from actions.returns import ActionCreateReturn, ActionKeepPhoto, ActionStartReturn, journey_reset
from actions.status import ActionShowStatus, ActionStartStatus
from backend.db.models import ReturnRequest
from common.backend_client import BackendClient, get_client, set_client
from dev.stack import free_port
from tests.actions.conftest import TOKEN, responses, slot_events, tracker
from tests.actions.test_return_actions import confirmed_return, count, run, verified_slots


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def chat_photo(conversation_id: str) -> str:
    """What the chat widget does: an upload token for the conversation, then the upload."""
    client = get_client()
    token = client.chat_upload_token(conversation_id)["upload_token"]
    return client.upload_chat_photo(token, jpeg(), "image/jpeg")["photo_id"]


def return_waiting_for_photo(backend, domain, sender_id="test-conversation", language="en") -> tuple[dict, str]:
    """The shopper's first visit: a cracked lamp, "I have no photo", a refund, confirmed."""
    slots = verified_slots(backend, domain, sender_id=sender_id)
    lamp = next(i for i in slots["returnable_items"] if "lamp" in i["name"]["en"].lower())
    t = tracker(confirmed_return(slots, lamp, return_reason="damaged", return_photos=[], language=language),
                sender_id=sender_id)
    dispatcher, events = run(ActionCreateReturn(), t, domain)
    rma = slot_events(events)["last_rma"]
    assert stored(backend, rma).status == "needs_review"
    return slots, rma


def stored(backend, rma: str) -> ReturnRequest:
    with backend.ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        ret.lines[0].photos  # loaded before the session closes
        return ret


# --- family 1: a photo for the return that waits for one ---------------------------------------

def test_a_photo_sent_later_is_added_to_the_waiting_return_which_is_approved(backend, domain):
    slots, rma = return_waiting_for_photo(backend, domain)
    before = count(backend, ReturnRequest)
    photo_id = chat_photo("test-conversation")
    t = tracker({**slots, "last_rma": rma}, text="/send_photo", intent="send_photo",
                metadata={"photo_ids": [photo_id]})
    dispatcher, events = run(ActionKeepPhoto(), t, domain)
    assert responses(dispatcher) == ["utter_photo_added", "utter_return_approved_now", "utter_return_label"]
    assert dispatcher.messages[0]["rma"] == rma
    assert dispatcher.messages[2]["label_url"].startswith(backend.url + "/labels/")
    ret = stored(backend, rma)
    assert ret.status == "label_issued"
    assert [p.public_id for p in ret.lines[0].photos] == [photo_id]
    assert count(backend, ReturnRequest) == before  # no new return
    assert slot_events(events)["last_rma"] == rma

    # "So is my return approved now?" answers with that return's status.
    t = tracker({**slots, "last_rma": rma, "flow": "status"}, text="so is my return approved now?",
                intent="return_status")
    dispatcher, _ = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_status"]
    assert dispatcher.messages[0]["rma"] == rma
    assert "label issued" in dispatcher.messages[0]["status_text"]


def test_a_photo_with_words_that_read_as_a_new_return_goes_to_the_waiting_one_fr(backend, domain):
    slots, rma = return_waiting_for_photo(backend, domain, language="fr")
    before = count(backend, ReturnRequest)
    photo_id = chat_photo("test-conversation")
    t = tracker({**slots, "language": "fr", "last_rma": rma}, text="voici la photo pour mon retour",
                intent="start_return", metadata={"photo_ids": [photo_id]})
    dispatcher, events = run(ActionStartReturn(), t, domain)
    assert responses(dispatcher) == ["utter_photo_added", "utter_return_approved_now", "utter_return_label"]
    result = slot_events(events)
    assert result["flow_aborted"] is True  # the form ends at once: no new return started
    assert "returnable_items" not in result
    assert stored(backend, rma).status == "label_issued"
    assert count(backend, ReturnRequest) == before


def test_a_photo_is_kept_as_before_when_no_return_waits(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    _, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, shirt)), domain)
    rma = slot_events(events)["last_rma"]  # approved at once: waits for nothing
    photo_id = chat_photo("test-conversation")
    t = tracker({**slots, "last_rma": rma}, text="/send_photo", intent="send_photo",
                metadata={"photo_ids": [photo_id]})
    dispatcher, events = run(ActionKeepPhoto(), t, domain)
    assert responses(dispatcher) == ["utter_photo_outside_form"]
    assert slot_events(events)["early_photos"] == [photo_id]
    assert stored(backend, rma).lines[0].photos == []


def test_a_later_conversation_verified_with_the_rma_adds_the_photo_sent_before(backend, domain):
    _, rma = return_waiting_for_photo(backend, domain, sender_id="first-visit")
    # Next day, a new conversation: the photo comes first, then the RMA and the email.
    photo_id = chat_photo("second-visit")
    t = tracker({"order_reference": rma, "flow": "return", "early_photos": [photo_id]},
                text="alice.martin@example.com", requested_slot="contact", active_loop="return_form",
                filled={"contact": "alice.martin@example.com"}, sender_id="second-visit")
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["verified"] is True
    assert responses(dispatcher) == ["utter_verified", "utter_photo_added", "utter_return_approved_now",
                                     "utter_return_label"]
    assert result["flow_aborted"] is True and result["requested_slot"] is None  # nothing more asked
    assert result["early_photos"] is None
    assert stored(backend, rma).status == "label_issued"


def test_a_status_question_adds_a_photo_kept_before_verification_fr(backend, domain):
    _, rma = return_waiting_for_photo(backend, domain, sender_id="first-visit")
    photo_id = chat_photo("second-visit")
    slots = verified_slots(backend, domain, reference=rma, flow="status", sender_id="second-visit")
    t = tracker({**slots, "language": "fr", "early_photos": [photo_id]}, text="c'est validé maintenant ?",
                intent="return_status", sender_id="second-visit")
    dispatcher, events = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_photo_added", "utter_return_approved_now", "utter_return_label"]
    assert slot_events(events)["last_rma"] == rma
    ret = stored(backend, rma)
    assert ret.status == "label_issued" and [p.public_id for p in ret.lines[0].photos] == [photo_id]


def test_a_status_question_names_the_return_that_waits_for_a_photo(backend, domain):
    slots, rma = return_waiting_for_photo(backend, domain)
    dispatcher, events = run(ActionShowStatus(), tracker({**slots, "flow": "status"}), domain)
    assert slot_events(events)["last_rma"] == rma  # a photo sent next goes to it
    assert "photo" in dispatcher.messages[0]["next_step"]


# --- family 8: an outage at the confirmation keeps the journey ---------------------------------

def unreachable() -> BackendClient:
    return BackendClient(f"http://127.0.0.1:{free_port()}", TOKEN, connect_timeout=0.5, retries=0)


def test_an_outage_keeps_the_journey_and_the_retry_creates_the_return_once(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    answers = confirmed_return(slots, shirt)
    up = get_client()
    before = count(backend, ReturnRequest)
    set_client(unreachable())
    try:
        dispatcher, events = run(ActionCreateReturn(), tracker(answers), domain)
    finally:
        set_client(up)
    assert responses(dispatcher) == ["utter_backend_down_retry"]
    kept = slot_events(events)
    assert kept["return_pending"] is True
    assert kept["pending_return"]["key"] == answers["idempotency_key"]
    assert "return_item" not in kept and "idempotency_key" not in kept  # every answer stays
    assert count(backend, ReturnRequest) == before

    # "please go ahead with my return": the journey is picked up, not started again.
    after_outage = {**answers, **kept}
    dispatcher, events = run(ActionStartReturn(), tracker(after_outage, intent="start_return"), domain)
    assert events == [] and dispatcher.messages == []

    # "réessayer" (the chat now in French): the same request, created once.
    dispatcher, events = run(ActionCreateReturn(), tracker({**after_outage, "language": "fr"},
                                                         text="réessayer", intent="affirm"), domain)
    assert responses(dispatcher) == ["utter_return_created", "utter_return_label"]
    done = slot_events(events)
    assert done["last_rma"] and done["return_pending"] is False and done["pending_return"] is None
    assert count(backend, ReturnRequest) == before + 1


def test_a_retry_after_a_lost_answer_gives_the_return_the_first_call_made(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    answers = confirmed_return(slots, shirt)
    up = get_client()
    set_client(unreachable())
    try:
        _, events = run(ActionCreateReturn(), tracker(answers), domain)
    finally:
        set_client(up)
    pending = slot_events(events)["pending_return"]
    # The first call did reach the backend; only its answer was lost on the way back.
    first = up.create_return("test-conversation", pending["payload"], idempotency_key=pending["key"])
    before = count(backend, ReturnRequest)
    dispatcher, events = run(ActionCreateReturn(), tracker({**answers, **slot_events(events)},
                                                         text="try again", intent="affirm"), domain)
    assert slot_events(events)["last_rma"] == first["rma"]
    assert dispatcher.messages[0]["rma"] == first["rma"]
    assert count(backend, ReturnRequest) == before


def test_still_down_at_the_retry_keeps_the_journey_again(backend, domain):
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    answers = confirmed_return(slots, shirt)
    up = get_client()
    set_client(unreachable())
    try:
        _, events = run(ActionCreateReturn(), tracker(answers), domain)
        pending = {**answers, **slot_events(events)}
        dispatcher, events = run(ActionCreateReturn(), tracker(pending, intent="affirm"), domain)
    finally:
        set_client(up)
    assert responses(dispatcher) == ["utter_backend_down_retry"]
    assert slot_events(events)["pending_return"] == pending["pending_return"]


def test_a_cancel_after_an_outage_forgets_the_pending_return():
    reset = slot_events(journey_reset(None))
    assert reset["return_pending"] is False and reset["pending_return"] is None


def test_a_status_question_about_another_order_ignores_the_last_return(backend, domain):
    slots, rma = return_waiting_for_photo(backend, domain)
    ben = verified_slots(backend, domain, reference="BM-100002", contact="ben.carter@example.com", flow="status")
    dispatcher, _ = run(ActionShowStatus(), tracker({**ben, "last_rma": rma}), domain)
    assert responses(dispatcher) == ["utter_no_returns_found"]
    assert dispatcher.messages[0]["order_number"] == "BM-100002"


def test_go_ahead_read_as_a_status_question_creates_the_kept_return(backend, domain):
    """"Please go ahead with my return" often reads as return_status: it answered "I can't
    find any return for order BM-100001" before (issue 12)."""
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    answers = confirmed_return(slots, shirt)
    up = get_client()
    set_client(unreachable())
    try:
        _, events = run(ActionCreateReturn(), tracker(answers), domain)
    finally:
        set_client(up)
    after_outage = {**answers, **slot_events(events)}
    before = count(backend, ReturnRequest)
    t = tracker(after_outage, text="please go ahead with my return", intent="return_status")
    dispatcher, events = run(ActionStartStatus(), t, domain)
    assert events == []  # the journey is kept
    dispatcher, events = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_return_created", "utter_return_label"]
    assert slot_events(events)["return_pending"] is False
    assert count(backend, ReturnRequest) == before + 1


def test_a_photo_whose_caption_no_rule_expects_still_reaches_the_waiting_return(backend, domain):
    """"here's the photo" reads as skip_photo outside a form: Rasa's core fallback runs."""
    slots, rma = return_waiting_for_photo(backend, domain)
    photo_id = chat_photo("test-conversation")
    t = tracker({**slots, "last_rma": rma}, text="here's the photo", intent="skip_photo",
                metadata={"photo_ids": [photo_id]})
    dispatcher, events = run(ActionDefaultFallback(), t, domain)
    assert responses(dispatcher) == ["utter_photo_added", "utter_return_approved_now", "utter_return_label"]
    assert events[0]["event"] == "rewind"
    assert stored(backend, rma).status == "label_issued"


def test_a_status_question_sent_with_the_photo_adds_it_fr(backend, domain):
    slots, rma = return_waiting_for_photo(backend, domain, language="fr")
    photo_id = chat_photo("test-conversation")
    t = tracker({**slots, "language": "fr", "last_rma": rma}, text="voici la photo pour mon retour",
                intent="return_status", metadata={"photo_ids": [photo_id]})
    _, started = run(ActionStartStatus(), t, domain)
    assert slot_events(started)["early_photos"] == [photo_id]
    dispatcher, _ = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_photo_added", "utter_return_approved_now", "utter_return_label"]
    assert stored(backend, rma).status == "label_issued"


def test_the_form_picked_up_after_an_outage_asks_nothing_and_keeps_every_answer(backend, domain):
    """"I want to go ahead with my return" reads as start_return: action_start_return keeps
    the journey, and the form, finding every answer in, validates them as Rasa does at its
    activation and ends at once (then action_create_return sends the kept request)."""
    slots = verified_slots(backend, domain)
    shirt = next(i for i in slots["returnable_items"] if "shirt" in i["name"]["en"].lower())
    answers = confirmed_return(slots, shirt)
    prefilled = {k: answers[k] for k in ("order_reference", "contact", "return_item", "return_quantity",
                                         "return_reason", "return_photos", "return_resolution",
                                         "return_confirmed") if k in answers}
    kept = {"return_pending": True, "pending_return": {"payload": {"order_number": "BM-100001"}, "key": "k" * 16}}
    t = tracker({**answers, **kept}, text="I want to go ahead with my return", intent="start_return",
                active_loop="return_form", filled=prefilled)
    dispatcher, events = run(ValidateReturnForm(), t, domain)
    result = slot_events(events)
    assert result["requested_slot"] is None
    assert dispatcher.messages == []
    assert all(result.get(k, v) == v for k, v in prefilled.items()), result
