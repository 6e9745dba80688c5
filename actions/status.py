"""Where is my return / my refund?"""
from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.base import BackendAction
from actions.forms.base import UNVERIFIED
from actions.language import language_of
from actions.photos import give_photos_to_waiting_return, waits_for_photo
from common.formatting import format_date, format_money, labelled
from common.languages import pick
from actions.forms.return_form import photo_ids_of, with_early_photos
from actions.returns import ActionCreateReturn, journey_reset, pending_return
from actions.status_questions import (
    SCAN_DELAY,
    WHEN_MONEY,
    already_told,
    later_than_the_law,
    legal_refund,
    money_answer,
    question_kind,
    scan_answer,
)

MAX_SHOWN = 3


def say_date(value: str, lang: str) -> str:
    """An ISO date or timestamp from the backend as the customer reads it ("1er mars 2027")."""
    return format_date(dt.date.fromisoformat(value[:10]), lang)


def describe(dispatcher: CollectingDispatcher, ret: dict, lang: str, with_refund_date: bool = True) -> None:
    timeline = "\n".join(f"- {labelled(say_date(step['at'], lang), pick(step['text'], lang), lang)}"
                         for step in ret["timeline"])
    items = ", ".join(pick(line["name"], lang) for line in ret["lines"])
    dispatcher.utter_message(response="utter_status", rma=ret["rma"], items=items,
                             status_text=pick(ret["status_text"], lang).lower(), timeline=timeline,
                             next_step=pick(ret["next_step"], lang))
    if not with_refund_date:
        return
    expected = ret.get("expected_refund_by")
    if expected and ret["status"] not in ("refunded", "credited", "closed") and not later_than_the_law(ret, expected):
        dispatcher.utter_message(response="utter_refund_expected", date=say_date(expected, lang))
    say_legal_refund(dispatcher, ret, lang)


def say_legal_refund(dispatcher: CollectingDispatcher, ret: dict, lang: str) -> bool:
    """The legal refund deadline of a withdrawal (L221-24), or that it has passed with the
    money still owed, with a person offered: a late refund is the shop's fault, not something
    the customer should have to chase. False when the return has no deadline to tell."""
    legal = legal_refund(ret)
    if legal is None:
        return False
    kind, due = legal
    response = "utter_refund_late" if kind == "late" else "utter_refund_due_by_law"
    dispatcher.utter_message(response=response, date=say_date(due, lang))
    return True


class ActionStartStatus(Action):
    def name(self) -> str:
        return "action_start_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if pending_return(tracker):
            # "Please go ahead with my return" after an outage reads as a status question:
            # the journey is kept, and action_show_status picks it up.
            return []
        events = journey_reset("status")
        photo_ids = photo_ids_of(tracker)
        if photo_ids:  # "here's the photo, is my return approved now?": kept for that return
            events.append(SlotSet("early_photos", with_early_photos(tracker, photo_ids)))
        return events


class ActionShowStatus(BackendAction):
    def name(self) -> str:
        return "action_show_status"

    @staticmethod
    def latest_return(conversation: str, rma: str | None) -> list[dict]:
        """"Is my return approved now?" is about the return this conversation made (or sent
        a photo for), not every return of the order; none when it is another order's."""
        if not rma:
            return []
        try:
            return [get_client().get_return(conversation, rma)]
        except BackendError as exc:
            if exc.unavailable or exc.verification_lost:
                raise
            return []

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        done = [SlotSet("flow", None), SlotSet("flow_aborted", False)]
        if tracker.get_slot("flow_aborted") or not tracker.get_slot("verified"):
            return done
        lang = language_of(tracker)
        pending = pending_return(tracker)
        if pending:
            # The return asked about is the one an outage kept from being created: create
            # it now (same request, same key: once), rather than "no return found".
            return ActionCreateReturn().create(dispatcher, tracker, pending["payload"], pending["key"], lang)
        conversation = tracker.sender_id
        reference = tracker.get_slot("order_reference") or ""
        client = get_client()
        last_rma = tracker.get_slot("last_rma")
        try:
            if reference.startswith("R-"):
                returns = [client.get_return(conversation, reference)]
            else:
                returns = self.latest_return(conversation, last_rma) \
                    or client.order_returns(conversation, tracker.get_slot("order_number"))["returns"]
        except BackendError as exc:
            if exc.unavailable:
                dispatcher.utter_message(response="utter_backend_down")
            elif exc.verification_lost:
                dispatcher.utter_message(response="utter_verification_lost")
                return done + [SlotSet(k, v) for k, v in UNVERIFIED.items()]
            else:
                dispatcher.utter_message(response="utter_no_returns_found",
                                         order_number=tracker.get_slot("order_number"))
            return done
        if not returns:
            dispatcher.utter_message(response="utter_no_returns_found", order_number=tracker.get_slot("order_number"))
            return done
        shown = returns[:MAX_SHOWN]
        waiting = next((r for r in shown if waits_for_photo(r)), None)
        events = list(done)
        if waiting:
            # A photo sent next goes to this return (actions/photos.py); one already sent
            # (kept before the customer was verified) goes to it now.
            events.append(SlotSet("last_rma", waiting["rma"]))
            kept = with_early_photos(tracker, photo_ids_of(tracker))
            given = give_photos_to_waiting_return(dispatcher, tracker, waiting["rma"], kept, ret=waiting)
            if given is not None:
                events += [SlotSet(k, v) for k, v in given.items()]
                shown = [r for r in shown if r is not waiting]
        kind = question_kind(tracker.latest_message.get("text"))
        for ret in shown:
            answered = answer_question(dispatcher, ret, kind, lang)
            if not already_told(tracker, ret["rma"]):
                describe(dispatcher, ret, lang, with_refund_date=not answered)
            elif not answered:
                # Said a moment ago: what it is now, not the whole timeline again; a refund
                # late against its legal deadline is said again, with the person offered.
                dispatcher.utter_message(response="utter_status_unchanged", rma=ret["rma"],
                                         status_text=pick(ret["status_text"], lang).lower(),
                                         next_step=pick(ret["next_step"], lang))
                if (legal_refund(ret) or ("",))[0] == "late":
                    say_legal_refund(dispatcher, ret, lang)
        return events


def answer_question(dispatcher: CollectingDispatcher, ret: dict, kind: str | None, lang: str) -> bool:
    """Say the answer to the question asked, first; False when there is none to give."""
    if kind == WHEN_MONEY:
        found = money_answer(ret)
        if found is None:
            return say_legal_refund(dispatcher, ret, lang)
        response, fields = found
        if response == "utter_refund_when_issued":
            dispatcher.utter_message(response=response, date=say_date(fields["issued_at"], lang),
                                     amount=format_money(fields["amount_minor"], fields["currency"], lang))
        elif response == "utter_refund_when_expected":
            dispatcher.utter_message(response=response, date=say_date(fields["date"], lang))
        else:
            dispatcher.utter_message(response=response)
        say_legal_refund(dispatcher, ret, lang)
        return True
    if kind == SCAN_DELAY:
        response = scan_answer(ret)
        if response is None:
            return False
        dispatcher.utter_message(response=response, rma=ret["rma"])
        return True
    return False
