"""The NLU component: a detected_language entity, and explicit requests win."""
from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_detector import ENTITY, LanguageDetector


def detect(text: str, intent: str = "inform") -> str | None:
    message = Message({TEXT: text, INTENT: {"name": intent, "confidence": 0.9}})
    LanguageDetector(LanguageDetector.get_default_config()).process([message])
    values = [e["value"] for e in message.get(ENTITIES, []) if e["entity"] == ENTITY]
    assert len(values) <= 1
    return values[0] if values else None


def test_detected_language_entity():
    assert detect("mon colis est arrivé cassé") == "fr"
    assert detect("my parcel arrived broken") == "en"
    assert detect("BM-100001") is None


def test_change_language_request_wins_over_the_words_it_is_written_in():
    assert detect("can we speak French?", intent="change_language") == "fr"
    assert detect("can we speak French?", intent="inform") == "en"
    assert detect("en anglais svp", intent="change_language") == "en"
