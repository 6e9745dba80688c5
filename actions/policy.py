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
RIGHTS = "rights"  # a keyword for both legal topics, expanded by topics_for
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
                "combien de temps ai-je", "delai", "jours", "jusqu'a quand", "time limit",
                "money back guarantee", "money-back guarantee", "satisfaction guarantee",
                "satisfait ou rembourse")),
    # Issue 13: the customer's legal rights, answered by a jurisdiction-FR policy's FAQ.
    ("withdrawal", ("withdraw", "cooling off", "cooling-off", "cancel my purchase", "cancel the purchase",
                    "cancel a purchase", "cancel an online purchase", "cancel my order", "back out",
                    "retract", "annuler mon achat", "annuler un achat", "annuler l'achat",
                    "annuler ma commande", "renoncer a mon achat", "renoncer a l'achat")),
    ("legal_guarantee", ("guarantee", "warranty", "guaranty", "garantie", "conformity", "conformite",
                         "non conforme", "broke after", "broken after", "stopped working",
                         "stops working", "quit working", "died after", "doesn't work any more",
                         "doesn't work anymore", "no longer works", "not working any more",
                         "defect", "faulty after", "ne marche plus", "ne fonctionne plus",
                         "tombe en panne", "en panne", "casse au bout", "cassee au bout",
                         "casse apres", "cassee apres", "vice cache", "defaut")),
    # Both legal topics at once ("what are my rights?").
    (RIGHTS, ("my rights", "consumer rights", "legal rights", "the law", "by law", "legally",
              "consumer law", "mes droits", "droits du consommateur", "droit de la consommation",
              "code de la consommation", "la loi", "legalement")),
]
DEFAULT_TOPICS = ("window", "fees", "refund_time")
MAX_TOPICS = 3
LEGAL_TOPICS = ("withdrawal", "legal_guarantee")

# Words that ask "how long" or "when" of whatever else the question names: with a legal
# right named, the time asked is that right's (14 days, 2 years: its answer says it), so
# "how many days do I have to withdraw?" is the withdrawal, not the shop's windows as well.
TIME_WORDS = {"how many days", "how long do i have", "how long have i got", "days", "within", "deadline",
              "combien de jours", "combien de temps ai-je", "delai", "jours", "jusqu'a quand", "time limit",
              "how long", "when will", "combien de temps", "quand", "sous combien"}


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
    found: list[tuple[int, str, str]] = []
    for topic, pattern, _ in _KEYWORDS:
        for match in pattern.finditer(folded):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue  # inside a longer keyword already read
            taken.append(span)
            found.append((span[0], topic, match.group(0)))
    if any(topic in LEGAL_TOPICS or topic == RIGHTS for _, topic, _ in found):
        found = [f for f in found if not _is_time_word(f[2])]
    ordered: list[str] = []
    for _, topic, _ in sorted(found):
        ordered.extend(LEGAL_TOPICS if topic == RIGHTS else (topic,))
    ordered = list(dict.fromkeys(ordered))
    return ordered[:MAX_TOPICS] or list(DEFAULT_TOPICS)


def _is_time_word(matched: str) -> bool:
    """A matched keyword that only asks "how long"/"when" (a plural "days" included)."""
    return matched in TIME_WORDS or matched.rstrip("s") in TIME_WORDS or matched.removesuffix("es") in TIME_WORDS


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
        if not answers:
            # Only topics this shop's FAQ lacks (the legal ones exist under a jurisdiction that
            # has them): the general answers, as for a question naming no topic.
            answers = [by_topic[t] for t in DEFAULT_TOPICS if t in by_topic]
        dispatcher.utter_message(response="utter_policy_answer", answer="\n".join(answers) or entries[0]["answer"])
        if tracker.active_loop_name is None:
            dispatcher.utter_message(response="utter_policy_more")
        return []
