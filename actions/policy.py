"""Policy questions, answered from the backend's FAQ (generated from the shop's policy file)."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.base import BackendAction
from actions.language import language_of
from actions.vocabulary import fold

# Words that point at one FAQ topic; the first topic with a hit answers.
TOPIC_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("exclusions", ("underwear", "swim", "bikini", "hygien", "pierc", "earring", "final sale", "sale",
                    "outlet", "cannot be returned", "can't return", "sous-vetement", "maillot",
                    "culotte", "soldes", "boucles", "non retournable", "pas retourn")),
    ("fees", ("fee", "cost", "charge", "pay for", "free", "shipping", "postage", "frais", "payant",
              "gratuit", "cout", "port", "paye")),
    ("refund_time", ("how long", "when will", "refund take", "days to refund", "combien de temps",
                     "quand", "delai de remboursement", "sous combien", "rembourse en")),
    ("exchanges", ("exchange", "swap", "other size", "echang", "autre taille")),
    ("returnless", ("keep", "garder")),
    ("photos", ("photo", "picture", "image")),
    ("label_validity", ("label", "etiquette", "expire")),
    ("window", ("how many days", "how long do i have", "window", "days", "within", "deadline",
                "combien de jours", "delai", "jours", "jusqu'a quand", "time limit")),
]
DEFAULT_TOPICS = ("window", "fees", "refund_time")


def topics_for(text: str) -> list[str]:
    folded = fold(text)
    for topic, keywords in TOPIC_WORDS:
        if any(k in folded for k in keywords):
            return [topic]
    return list(DEFAULT_TOPICS)


class ActionAnswerPolicy(BackendAction):
    def name(self) -> str:
        return "action_answer_policy"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = language_of(tracker)
        try:
            entries = get_client().policy_faq(lang)["entries"]
        except BackendError:
            dispatcher.utter_message(response="utter_backend_down")
            return []
        by_topic = {e["topic"]: e["answer"] for e in entries}
        answers = [by_topic[t] for t in topics_for(tracker.latest_message.get("text") or "") if t in by_topic]
        dispatcher.utter_message(response="utter_policy_answer", answer="\n".join(answers) or entries[0]["answer"])
        if tracker.active_loop_name is None:
            dispatcher.utter_message(response="utter_policy_more")
        return []
