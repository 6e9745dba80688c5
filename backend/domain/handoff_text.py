"""What the backend itself says to a customer during a handoff (the bot's words are in
the Rasa domain)."""
from __future__ import annotations

JOINED = {
    "en": "{name} from our team has joined the conversation.",
    "fr": "{name}, de notre équipe, a rejoint la conversation.",
}


def joined_text(name: str, language: str) -> str:
    return JOINED.get(language, JOINED["en"]).format(name=name)
