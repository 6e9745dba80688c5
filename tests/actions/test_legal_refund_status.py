"""The legal refund deadline in the status answers (issue 13, Code de la consommation L221-24).

A return under the right of withdrawal must be refunded within 14 days of the request: the
status reply and the answer to "when will I get the money?" say that date, in the customer's
language; once it has passed with the money still owed, the assistant says so plainly and
offers a person (a "yes" then opens the handoff). Against the real backend and demo shop.
"""
from __future__ import annotations

import datetime as dt

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.handoff import OFFERS_OF_A_PERSON, ActionAnswerYesNo
from actions.returns import ActionCreateReturn
from actions.status import ActionShowStatus, answer_question
from actions.status_questions import WHEN_MONEY, legal_refund
from backend.db.models import HandoffRequest, ReturnRequest, ReturnStatusChange
from backend.workflows.receive import mark_in_transit
from common.formatting import format_date
from tests.actions.conftest import responses, slot_events, tracker
from tests.actions.test_return_actions import confirmed_return, run, verified_slots

DAN = {"reference": "BM-100013", "contact": "dan.wright@example.org"}  # e-reader delivered 10 days ago


def said(domain: dict, message: dict, lang: str) -> str:
    """A dispatched response as the customer reads it: the domain's text in their language."""
    variations = domain["responses"][message["response"]]
    for variation in variations:
        conditions = variation.get("condition") or []
        if any(c.get("value") == lang for c in conditions) or (not conditions and lang == "en"):
            return variation["text"].format(**{k: v for k, v in message.items() if isinstance(v, str)})
    raise AssertionError(f"no {lang} text for {message['response']}")


def withdrawal_return(backend, domain, **extra) -> tuple[dict, str]:
    """Dan changes his mind about the e-reader within 14 days: a refund under the withdrawal right."""
    slots = verified_slots(backend, domain, **DAN)
    reader = next(i for i in slots["returnable_items"] if i["eligible"])
    _, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, reader, **extra)), domain)
    return slots, slot_events(events)["last_rma"]


def overdue_after_dispatch(backend, rma: str, days: int) -> dt.date:
    """The refund's legal deadline passed ``days`` ago, the parcel having been scanned by the
    carrier (the proof of dispatch, L221-24) the day before it: the refund is late."""
    overdue = backend.ctx.today() - dt.timedelta(days=days)
    mark_in_transit(backend.ctx, rma, actor="carrier:test")
    with backend.ctx.sessions() as s:
        stored = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        stored.refund_due_on = overdue
        scan = s.execute(select(ReturnStatusChange).where(ReturnStatusChange.return_id == stored.id,
                                                          ReturnStatusChange.to_status == "in_transit")).scalar_one()
        scan.created_at = dt.datetime.combine(overdue - dt.timedelta(days=1), dt.time(9))
        s.commit()
    return overdue


def status(slots: dict, rma: str, text: str = "where is my return?", lang: str = "en"):
    return tracker({**slots, "language": lang, "order_reference": rma, "flow": "status"}, text=text,
                   intent="return_status")


def test_the_status_of_a_withdrawal_says_its_legal_refund_deadline_in_both_languages(backend, domain):
    slots, rma = withdrawal_return(backend, domain)
    due = backend.ctx.today() + dt.timedelta(days=14)
    with backend.ctx.sessions() as s:
        stored = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        assert stored.refund_due_on == due

    dispatcher, _ = run(ActionShowStatus(), status(slots, rma), domain)
    assert responses(dispatcher) == ["utter_status", "utter_refund_due_by_law"]
    assert said(domain, dispatcher.messages[1], "en") == (
        f"Under your right of withdrawal, the refund is due by {format_date(due, 'en')} at the latest.")

    dispatcher, _ = run(ActionShowStatus(), status(slots, rma, "où en est mon retour ?", "fr"), domain)
    assert responses(dispatcher) == ["utter_status", "utter_refund_due_by_law"]
    french = said(domain, dispatcher.messages[1], "fr")
    assert french == ("Au titre de votre droit de rétractation, le remboursement est dû au plus tard le "
                      f"{format_date(due, 'fr')}.")
    assert format_date(due, "fr").split()[1] in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                                 "août", "septembre", "octobre", "novembre", "décembre")


def test_when_will_i_get_the_money_gets_the_legal_deadline_with_the_answer(backend, domain):
    slots, rma = withdrawal_return(backend, domain)
    due = format_date(backend.ctx.today() + dt.timedelta(days=14), "fr")
    dispatcher, _ = run(ActionShowStatus(), status(slots, rma, "quand est-ce que je serai remboursé ?", "fr"),
                        domain)
    # The question first (the parcel is not sent yet), the legal deadline, then the status once.
    assert responses(dispatcher) == ["utter_refund_when_after_receipt", "utter_refund_due_by_law", "utter_status"]
    assert dispatcher.messages[1]["date"] == due
    assert f"au plus tard le {due}" in said(domain, dispatcher.messages[1], "fr")


def test_a_late_refund_is_said_plainly_and_a_yes_opens_a_handoff(backend, domain):
    slots, rma = withdrawal_return(backend, domain)
    overdue = overdue_after_dispatch(backend, rma, days=2)

    dispatcher, _ = run(ActionShowStatus(), status(slots, rma, "When will I get my money?"), domain)
    said_now = responses(dispatcher)
    assert "utter_refund_late" in said_now and "utter_refund_due_by_law" not in said_now
    late = next(m for m in dispatcher.messages if m.get("response") == "utter_refund_late")
    text = said(domain, late, "en")
    assert text.startswith(f"Your refund is late: under your right of withdrawal it was due by "
                           f"{format_date(overdue, 'en')} at the latest")
    assert "utter_refund_late" in OFFERS_OF_A_PERSON
    buttons = next(v for v in domain["responses"]["utter_refund_late"] if not v.get("condition"))["buttons"]
    assert buttons == [{"title": "Talk to a person", "payload": "/human_handoff"}]

    # "yes" next is a yes to a person.
    events = [{"event": "user", "text": "When will I get my money?", "parse_data": {}},
              {"event": "bot", "text": text, "metadata": {"utter_action": "utter_refund_late"}}]
    t = tracker({**slots, "language": "en"}, text="yes please", intent="affirm", events=events, sender_id="late-1")
    dispatcher, result = run(ActionAnswerYesNo(), t, domain)
    # Which message depends on the opening hours and agents (test_handoff_actions.py covers
    # each); a request is open and the bot is paused in every one.
    assert responses(dispatcher)[0].startswith("utter_handoff_") and "utter_handoff_failed" not in responses(dispatcher)
    assert any(e.get("event") == "pause" for e in result)
    with backend.ctx.sessions() as s:
        handoff = s.execute(select(HandoffRequest)).scalar_one()
    assert handoff.conversation_id == "late-1"
    assert "refund is late" in handoff.summary and "L221-24" in handoff.summary

    # Asked again a moment later: one line on the status, and the late refund again.
    told = [{"event": "bot", "text": f"Return {rma} (E-reader): parcel on its way to us.",
             "metadata": {"utter_action": "utter_status"}}]
    t = tracker({**slots, "language": "en", "order_reference": rma, "flow": "status"}, text="any news?",
                intent="return_status", events=told)
    dispatcher, _ = run(ActionShowStatus(), t, domain)
    assert responses(dispatcher) == ["utter_status_unchanged", "utter_refund_late"]


def test_a_late_refund_in_french_keeps_french_typography(backend, domain):
    slots, rma = withdrawal_return(backend, domain)
    overdue = overdue_after_dispatch(backend, rma, days=1)
    dispatcher, _ = run(ActionShowStatus(), status(slots, rma, "où en est mon retour ?", "fr"), domain)
    assert responses(dispatcher) == ["utter_status", "utter_refund_late"]
    text = said(domain, dispatcher.messages[1], "fr")
    assert text.startswith("Votre remboursement est en retard : au titre de votre droit de rétractation, il "
                           f"était dû au plus tard le {format_date(overdue, 'fr')}")
    assert text.endswith("s'en occupe ?")


def test_a_return_past_the_withdrawal_period_has_no_legal_deadline(backend, domain):
    # Sneakers delivered 20 days ago: returned under the shop's 30-day window, not the law.
    slots = verified_slots(backend, domain, reference="BM-100005", contact="dan.wright@example.org")
    sneakers = next(i for i in slots["returnable_items"] if "sneakers" in i["name"]["en"].lower())
    _, events = run(ActionCreateReturn(), tracker(confirmed_return(slots, sneakers)), domain)
    rma = slot_events(events)["last_rma"]
    dispatcher, _ = run(ActionShowStatus(), status(slots, rma, "when will I get my refund?"), domain)
    assert responses(dispatcher) == ["utter_refund_when_after_receipt", "utter_status"]


def _answer(ret: dict) -> list[dict]:
    dispatcher = CollectingDispatcher()
    assert answer_question(dispatcher, ret, WHEN_MONEY, "en") is True
    return dispatcher.messages


def test_the_shops_later_date_is_not_said_beside_an_earlier_legal_deadline():
    base = {"status": "received", "refunds": [], "money": {"refund_amount_minor": 5900},
            "refund_due_on": "2026-12-19", "refund_late": False}
    # Expected after the legal deadline: only the deadline, never two dates that disagree.
    messages = _answer({**base, "expected_refund_by": "2026-12-24"})
    assert [m["response"] for m in messages] == ["utter_refund_due_by_law"]
    assert messages[0]["date"] == "19 December 2026"
    # Expected before it: both, the earlier first.
    messages = _answer({**base, "expected_refund_by": "2026-12-10"})
    assert [m["response"] for m in messages] == ["utter_refund_when_expected", "utter_refund_due_by_law"]


def test_nothing_owed_means_no_legal_deadline_to_tell():
    due = {"refund_due_on": "2026-12-19", "refund_late": False, "money": {"refund_amount_minor": 5900}}
    assert legal_refund({**due, "status": "approved", "refunds": []}) == ("due", "2026-12-19")
    assert legal_refund({**due, "status": "refunded", "refunds": [{"status": "issued"}]}) is None
    assert legal_refund({**due, "status": "cancelled", "refunds": []}) is None
    assert legal_refund({**due, "status": "approved", "refunds": [], "money": {"refund_amount_minor": 0}}) is None
    assert legal_refund({"status": "approved", "refunds": [], "refund_due_on": None}) is None
    assert legal_refund({**due, "status": "received", "refunds": [], "refund_late": True}) == ("late", "2026-12-19")
