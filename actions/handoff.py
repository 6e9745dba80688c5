"""Passing the conversation to a person: a handoff request, then the bot stays quiet."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.base import BackendAction
from actions.language import language_of


def conversation_summary(tracker: Tracker, limit: int = 6) -> str:
    """The last few customer messages, so the agent does not have to ask again."""
    texts = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    return "\n".join(t for t in texts[-limit:] if not t.startswith("/"))[:2000]


class ActionHandoff(BackendAction):
    def name(self) -> str:
        return "action_handoff"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = language_of(tracker)
        try:
            get_client().create_handoff(
                conversation_id=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest",
                language=lang, reason=(tracker.get_intent_of_latest_message() or "human_handoff")[:60],
                summary=conversation_summary(tracker))
        except BackendError:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        dispatcher.utter_message(response="utter_handoff")
        return [ConversationPaused()]


# Bot messages after which "yes" means "yes, pass me to a person".
OFFERS_OF_A_PERSON = {"utter_offer_handoff", "utter_backend_down", "utter_verify_locked", "utter_iamabot"}
ANYTHING_ELSE = {"utter_anything_else", "utter_policy_more", "utter_return_label", "utter_return_next_step"}


def last_bot_response(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


class ActionAnswerYesNo(BackendAction):
    """"Yes" or "no" outside a form: the answer to the assistant's last offer."""

    def name(self) -> str:
        return "action_answer_yes_no"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        said_yes = tracker.get_intent_of_latest_message() == "affirm"
        last = last_bot_response(tracker)
        if said_yes and last in OFFERS_OF_A_PERSON:
            return ActionHandoff().act(dispatcher, tracker, domain)
        if not said_yes and last in ANYTHING_ELSE:
            dispatcher.utter_message(response="utter_goodbye")
            return []
        dispatcher.utter_message(response="utter_anything_else")
        return []
