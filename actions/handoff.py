"""Passing the conversation to a person, and taking it back.

* ``action_handoff`` opens a handoff request in the backend (with why, and a summary of
  what the bot knows so the agent never asks again), tells the customer, in their
  language, when someone will be with them (or that the team is away, and how they will
  be answered), and pauses the bot. While paused, the channels relay the customer's
  messages to the backend (bot/channels/handoff_relay.py).
* ``action_handback`` runs when the backend gives the conversation back (Rasa's API:
  a ``resume`` event, then the ``EXTERNAL_handback`` intent with ``handback_reason``
  ``agent``, ``cancelled`` or ``closed``). The bot speaks first, in the customer's
  language, with the slots it had: it picks the journey up where it was (asking the
  customer to prove who they are again when the backend's verification has expired), or
  asks how satisfied the customer was when the agent closed the conversation.
* ``action_record_csat`` takes that score (1 to 5, typed or from a button, or "skip")
  to the backend; anything else gets the bot's normal answer, without insisting.
* ``action_answer_yes_no``: "yes"/"no" outside a form answer the bot's last offer. A
  question ("pourquoi ?", "why?", "how long?") is never a yes, even when the NLU reads
  one: after the offer of a person it gets an explanation and the offer again.
* ``action_session_start``: a conversation still with a person stays paused when its
  session expires (one hour without a customer message, an ordinary wait for a person),
  and keeps its slots; every session keeps the customer's language.
"""
from __future__ import annotations

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.answers import is_question
from actions.base import BackendAction
from actions.forms.base import UNVERIFIED
from actions.forms.return_form import compact_items, current_item
from actions.language import language_of
from common.languages import pick
from actions.returns import journey_reset

# Why a person is asked for (the backend's handoff reasons).
ASKED, REPEATED_FAILURES, NEEDS_REVIEW, BACKEND_FAILURE = "asked", "repeated_failures", "needs_review", "backend_failure"
SMS_CHANNEL = "twilio_sms"
HANDBACK_REASON = "handback_reason"


# --- what the customer said ------------------------------------------------------------------

def said_yes(tracker: Tracker) -> bool:
    return tracker.get_intent_of_latest_message() == "affirm" and not is_question(tracker.latest_message.get("text"))


def last_bot_response(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def previous_turn(tracker: Tracker) -> list[str]:
    """The responses the bot gave between the customer's last two messages."""
    said: list[str] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            said.append((event.get("metadata") or {}).get("utter_action") or "")
    return said[::-1]


# --- opening a handoff --------------------------------------------------------------------------

def handoff_reason(tracker: Tracker) -> str:
    """Why the customer is passed to a person, from what the bot said just before."""
    turn = previous_turn(tracker)
    if "utter_backend_down" in turn:
        return BACKEND_FAILURE
    if return_in_review(tracker):
        return NEEDS_REVIEW
    offered = "utter_offer_handoff" in turn or "utter_verify_locked" in turn
    if offered and "utter_no_returnable_items" not in turn:
        return REPEATED_FAILURES
    return ASKED


def return_in_review(tracker: Tracker) -> bool:
    """The return made in this conversation waits for the team's review."""
    rma = tracker.get_slot("last_rma")
    if not rma or not tracker.get_slot("verified"):
        return False
    try:
        return get_client().get_return(tracker.sender_id, rma).get("status") == "needs_review"
    except BackendError:
        return False


REASON_LABELS = {ASKED: "the customer asked for a person", REPEATED_FAILURES: "the assistant could not understand "
                 "the customer's answers", NEEDS_REVIEW: "the customer's return waits for review",
                 BACKEND_FAILURE: "the returns system could not be reached"}
FLOW_LABELS = {"return": "a return", "exchange": "an exchange", "status": "where a return or refund is"}


def conversation_summary(tracker: Tracker, reason: str = ASKED, limit: int = 6) -> str:
    """What the bot knows, for the agent (in English): who, which order, the journey and its
    answers so far, why it handed off, and the customer's last messages."""
    lines = []
    name = tracker.get_slot("customer_first_name")
    order = tracker.get_slot("order_number") or tracker.get_slot("order_reference")
    if tracker.get_slot("verified"):
        lines.append(f"Customer: {name or 'verified'} (verified for order {order})")
    elif order:
        lines.append(f"Customer: not verified (gave {order})")
    else:
        lines.append("Customer: not verified")
    flow = tracker.get_slot("flow")
    if flow in FLOW_LABELS:
        journey = [f"Journey: {FLOW_LABELS[flow]}"]
        item = current_item(tracker)
        if item:
            journey.append(f"item: {pick(item['name'], 'en')} x{int(tracker.get_slot('return_quantity') or 1)}")
        for slot, label in (("return_reason", "reason"), ("return_reason_text", "in their words"),
                            ("return_resolution", "wants"), ("exchange_sku", "new size/colour")):
            if tracker.get_slot(slot):
                journey.append(f"{label}: {tracker.get_slot(slot)}")
        photos = [p for p in (tracker.get_slot("return_photos") or tracker.get_slot("early_photos") or []) if p]
        if photos:
            journey.append(f"photos: {len(photos)}")
        lines.append("; ".join(journey))
    if tracker.get_slot("last_rma"):
        lines.append(f"Return made in this conversation: {tracker.get_slot('last_rma')}")
    lines.append(f"Handed off because {REASON_LABELS.get(reason, reason)}.")
    if "utter_refund_late" in previous_turn(tracker):
        # The person taken up on the offer should know what it is about before asking.
        lines.append("The assistant told the customer their refund is late: its legal deadline under the "
                     "right of withdrawal (Code de la consommation L221-24) has passed with the money owed.")
    texts = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    said = [t for t in texts[-limit:] if not t.startswith("/")]
    if said:
        lines.append("Last messages:")
        lines += [f"> {t}" for t in said]
    return "\n".join(lines)[:2000]


def wait_phrase(minutes: Any, language: str) -> str:
    """``wait_minutes`` in words, rounded up: never a shorter wait than the backend's."""
    fr = language == "fr"
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes < 0 or math.isnan(minutes):
        return "quelques minutes" if fr else "a few minutes"
    whole = math.ceil(minutes)
    if whole <= 1:
        return "environ une minute" if fr else "about a minute"
    if whole < 60:
        return f"environ {whole} minutes" if fr else f"about {whole} minutes"
    hours = math.ceil(whole / 60)
    if hours == 1:
        return "environ une heure" if fr else "about an hour"
    return f"environ {hours} heures" if fr else f"about {hours} hours"


EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")


def opening_phrase(opens_at: Any, language: str, now: datetime | None = None, zone: Any = None) -> str:
    """When the team is back, in the shop's time: "tomorrow at 9am", "on Monday at 9:30am";
    « demain à 9 h », « lundi à 9 h 30 ».

    The backend gives the moment in UTC and the shop's time zone (an IANA name) beside it:
    the hour and the day are read in that zone (else in the offset the moment carries).
    """
    fr = language == "fr"
    try:
        when = datetime.fromisoformat(str(opens_at).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return "à la prochaine ouverture" if fr else "at our next opening"
    if zone and when.tzinfo:
        try:
            when = when.astimezone(ZoneInfo(str(zone)))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # an unknown zone: the offset given
    now = (now or datetime.now(when.tzinfo)).astimezone(when.tzinfo) if when.tzinfo else (now or datetime.now())
    days = (when.date() - now.date()).days
    if fr:
        clock = f"{when.hour} h" + (f" {when.minute:02d}" if when.minute else "")
        if days <= 0:
            day = "aujourd'hui"
        elif days == 1:
            day = "demain"
        elif days < 7:
            day = FR_DAYS[when.weekday()]
        else:
            day = f"le {when.day} {FR_MONTHS[when.month - 1]}"
        return f"{day} à {clock}"
    hour = when.hour % 12 or 12
    clock = f"{hour}{':%02d' % when.minute if when.minute else ''}{'am' if when.hour < 12 else 'pm'}"
    if days <= 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    elif days < 7:
        day = f"on {EN_DAYS[when.weekday()]}"
    else:
        day = f"on {when.day} {EN_MONTHS[when.month - 1]}"
    return f"{day} at {clock}"


def handoff_message(answer: dict, tracker: Tracker, lang: str) -> tuple[str, dict]:
    """The response telling the customer what happens now, and its variables."""
    by_sms = (tracker.get_latest_input_channel() or "") == SMS_CHANNEL
    # A verified web customer may have the answer by email or SMS (to the contact on their
    # record); anyone else is answered where they wrote.
    where = "sms" if by_sms else "web_callback" if tracker.get_slot("verified") else "web"
    if answer.get("open_now") is False:
        return f"utter_handoff_closed_{where}", {
            "opens": opening_phrase(answer.get("opens_at"), lang, zone=answer.get("shop_timezone"))}
    if answer.get("agents_online") == 0:
        return f"utter_handoff_no_agent_{where}", {}
    return "utter_handoff_queued", {"wait": wait_phrase(answer.get("wait_minutes"), lang)}


class ActionHandoff(BackendAction):
    def name(self) -> str:
        return "action_handoff"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = language_of(tracker)
        reason = handoff_reason(tracker)
        try:
            answer = get_client().create_handoff(
                conversation_id=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest",
                language=lang, reason=reason, summary=conversation_summary(tracker, reason))
        except BackendError:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        response, variables = handoff_message(answer if isinstance(answer, dict) else {}, tracker, lang)
        dispatcher.utter_message(response=response, **variables)
        # Paused, Rasa predicts nothing more, not even action_listen: it is written here, so
        # that the hand-back (EXTERNAL_handback, through Rasa's API) follows a listen as
        # every user turn does, and the rules for it match.
        return [SlotSet("csat_pending", False), ConversationPaused(), ActionExecuted("action_listen")]


# --- yes, no, and questions -------------------------------------------------------------------

# Bot messages after which "yes" means "yes, pass me to a person".
OFFERS_OF_A_PERSON = {"utter_offer_handoff", "utter_backend_down", "utter_verify_locked", "utter_iamabot",
                      "utter_offer_handoff_why", "utter_offer_handoff_after_refusal", "utter_refund_late"}
ANYTHING_ELSE = {"utter_anything_else", "utter_policy_more", "utter_return_label", "utter_return_next_step",
                 "utter_csat_thanks", "utter_csat_skipped", "utter_handback_idle"}


class ActionAnswerYesNo(BackendAction):
    """"Yes" or "no" outside a form: the answer to the assistant's last offer."""

    def name(self) -> str:
        return "action_answer_yes_no"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        last = last_bot_response(tracker)
        if is_question(tracker.latest_message.get("text")):
            # "pourquoi ?" after "shall I pass you to a person?" is not a yes.
            dispatcher.utter_message(response="utter_offer_handoff_why" if last in OFFERS_OF_A_PERSON
                                     else "utter_default")
            return []
        yes = said_yes(tracker)
        if yes and last in OFFERS_OF_A_PERSON:
            return ActionHandoff().act(dispatcher, tracker, domain)
        if not yes and last in ANYTHING_ELSE:
            dispatcher.utter_message(response="utter_goodbye")
            return []
        dispatcher.utter_message(response="utter_anything_else")
        return []


# --- hand-back ----------------------------------------------------------------------------------

FORMS = {"return": "return_form", "exchange": "return_form", "status": "status_form"}


def handback_reason(tracker: Tracker) -> str:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == HANDBACK_REASON and entity.get("value"):
            return str(entity["value"])
    return "agent"


def journey_in_progress(tracker: Tracker) -> str | None:
    """The form to carry on with, when the customer was in the middle of a journey."""
    if tracker.get_slot("flow_aborted"):
        return None
    return FORMS.get(tracker.get_slot("flow") or "")


def task_phrase(tracker: Tracker, lang: str) -> str:
    """What we were doing, to follow "We were …" / « Nous étions en train de … »."""
    flow = tracker.get_slot("flow")
    item = current_item(tracker)
    order = tracker.get_slot("order_number") or tracker.get_slot("order_reference")
    fr = lang == "fr"
    if flow == "status":
        return "retrouver où en est votre retour" if fr else "looking up where your return is"
    verb = ("échanger" if fr else "exchanging") if flow == "exchange" else ("retourner" if fr else "returning")
    if item:
        name = pick(item["name"], lang)
        return f"{verb} « {name} »" if fr else f"{verb} your {name}"
    if order:
        return (f"préparer un retour pour la commande {order}" if flow != "exchange"
                else f"préparer un échange pour la commande {order}") if fr \
            else f"setting up {'an exchange' if flow == 'exchange' else 'a return'} for order {order}"
    return ("préparer votre échange" if flow == "exchange" else "préparer votre retour") if fr \
        else f"setting up your {'exchange' if flow == 'exchange' else 'return'}"


def still_verified(tracker: Tracker) -> tuple[bool, list]:
    """Ask the backend whether the conversation is still verified (its proof lasts an hour,
    a handoff can last longer). Returns (verified, events); the return form's items are
    refreshed on the way. A backend that cannot be reached is not a lost verification."""
    order = tracker.get_slot("order_number")
    if not tracker.get_slot("verified") or not order:
        return bool(tracker.get_slot("verified")), []
    try:
        if tracker.get_slot("flow") in ("return", "exchange"):
            lines = get_client().returnable_lines(tracker.sender_id, order, language_of(tracker))["lines"]
            return True, [SlotSet("returnable_items", compact_items(lines))]
        get_client().order_returns(tracker.sender_id, order)
        return True, []
    except BackendError as exc:
        if exc.verification_lost:
            return False, [SlotSet(k, v) for k, v in UNVERIFIED.items()]
        return True, []
    except (KeyError, TypeError):
        return True, []


class ActionHandback(BackendAction):
    """The backend gave the conversation back to the bot: it speaks first."""

    def name(self) -> str:
        return "action_handback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        reason = handback_reason(tracker)
        lang = language_of(tracker)
        if reason == "closed":
            # The agent closed the conversation: what it was about is settled.
            dispatcher.utter_message(response="utter_handback_closed")
            dispatcher.utter_message(response="utter_ask_csat")
            return journey_reset(None) + [SlotSet("csat_pending", True), SlotSet("failed_answers", 0)]
        opener = "utter_handback_cancelled" if reason == "cancelled" else None
        form = journey_in_progress(tracker)
        if form is None:
            dispatcher.utter_message(response=opener or "utter_handback_idle")
            return [SlotSet("failed_answers", 0)]
        verified, events = still_verified(tracker)
        if opener:
            dispatcher.utter_message(response=opener)
        lost = bool(tracker.get_slot("verified")) and not verified
        dispatcher.utter_message(response="utter_handback_reverify" if lost else "utter_handback_resume",
                                 task=task_phrase(tracker, lang))
        return events + [SlotSet("failed_answers", 0), FollowupAction(form)]


# --- customer satisfaction ----------------------------------------------------------------------

_SKIP = re.compile(r"^\s*(skip|skip it|pass|passer|je passe|no thanks?|non merci|later|plus tard|"
                   r"pas maintenant|not now)\s*[.!]*\s*$", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
_SCORE = re.compile(r"^\s*(?:(?:note|rating|score|je (?:mets|donne))\s*:?\s*)?([1-5]|[a-z]+)\s*"
                    r"(?:(?:/|sur|out of|over)\s*5|stars?|étoiles?|\*)?\s*[.!]*\s*$", re.IGNORECASE)


def csat_answer(text: str | None) -> tuple[bool, int | None]:
    """(understood, score): a score from 1 to 5 ("4", "4/5", "quatre", "4 stars"), or
    ``(True, None)`` for "skip"; ``(False, None)`` for anything else."""
    text = (text or "").strip()
    if _SKIP.match(text):
        return True, None
    match = _SCORE.match(text)
    if not match:
        return False, None
    value = match.group(1).lower()
    score = int(value) if value.isdigit() else _NUMBER_WORDS.get(value)
    return (True, score) if score else (False, None)


class ActionRecordCsat(BackendAction):
    """The customer's answer to the satisfaction question, sent to the backend."""

    def name(self) -> str:
        return "action_record_csat"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        done = [SlotSet("csat_pending", False)]
        button = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                       if e.get("entity") == "csat_score"), None)
        if button is not None:
            understood, score = csat_answer(str(button))
        elif last_bot_response(tracker) == "utter_ask_csat":
            understood, score = csat_answer(tracker.latest_message.get("text"))
        else:
            understood, score = False, None
        if not understood:
            # Not an answer to the question: the bot's usual reply, and no second asking.
            if tracker.get_intent_of_latest_message() == "deny":
                return ActionAnswerYesNo().act(dispatcher, tracker, domain) + done
            dispatcher.utter_message(response="utter_default")
            return done
        try:
            get_client().record_csat(tracker.sender_id, score)
        except BackendError:
            pass  # the customer's part is done; nothing they could do about it
        dispatcher.utter_message(response="utter_csat_thanks" if score else "utter_csat_skipped")
        return done


# --- sessions -----------------------------------------------------------------------------------

def handback_pending(tracker: Tracker) -> bool:
    """The conversation was just given back (a resume with no customer message since)."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "resume":
            return True
        if kind in ("pause", "restart", "session_started"):
            return False
    return False


class ActionSessionStart(Action):
    """A new session (the first message, or one after an hour of silence).

    Rasa's own keeps no slot (``carry_over_slots_to_new_session: false``) and forgets a
    pause. Here the language always stays; a conversation with a person keeps every slot
    and stays paused (the wait for a person is often longer than an hour), and one just
    given back by a person keeps its slots so the bot can pick up where it was.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        paused = tracker.is_paused()
        keep_all = paused or handback_pending(tracker)
        events: list = [SessionStarted()]
        for name, value in tracker.slots.items():
            if value is None or name == "session_started_metadata":
                continue
            if keep_all or name == "language":
                events.append(SlotSet(name, value))
        metadata = tracker.get_slot("session_started_metadata")
        if metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        if paused:
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
