"""Policy questions, answered from the backend's FAQ (generated from the shop's policy file)."""
from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendError, get_client
from actions.base import BackendAction
from actions.language import language_of
from actions.vocabulary import fold

# Words that point at one FAQ topic. A question may ask several things ("how long do I have
# for shoes, and is shipping refunded?"): every topic named is answered, in the order asked.
# Where two keywords overlap, the longer one wins ("how long do i have" is the window, not
# the "how long" of the refund's delay).
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
    ("window", ("how many days", "how long do i have", "how long have i got", "how long to return",
                "how long to send", "window", "days", "within", "deadline", "combien de jours",
                "combien de temps pour retourner", "combien de temps pour renvoyer",
                "combien de temps ai-je", "delai", "jours", "jusqu'a quand", "time limit")),
]
DEFAULT_TOPICS = ("window", "fees", "refund_time")
MAX_TOPICS = 3


# Short keywords that are also the start of unrelated words: whole words only (with a plural),
# so "support" is not "port", "salon" not "sale", "feedback" not "fee".
WHOLE_WORDS = {"port", "cout", "sale", "paye", "fee", "free", "keep", "days", "jours", "quand"}


def _keyword_re(keyword: str) -> re.Pattern[str]:
    """A keyword at the start of a word (stems like "hygien" match "hygiene")."""
    end = r"(?:e?s)?(?![a-z])" if keyword in WHOLE_WORDS else ""
    return re.compile(rf"(?<![a-z]){re.escape(keyword)}{end}")


_KEYWORDS = sorted(((topic, _keyword_re(k), len(k)) for topic, ks in TOPIC_WORDS for k in ks),
                   key=lambda entry: -entry[2])


def topics_for(text: str) -> list[str]:
    """The FAQ topics a question asks about, in the order it asks them (at most MAX_TOPICS)."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for topic, pattern, _ in _KEYWORDS:
        for match in pattern.finditer(folded):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue  # inside a longer keyword already read
            taken.append(span)
            found.append((span[0], topic))
    ordered = list(dict.fromkeys(topic for _, topic in sorted(found)))
    return ordered[:MAX_TOPICS] or list(DEFAULT_TOPICS)


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
