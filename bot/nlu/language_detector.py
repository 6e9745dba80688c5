"""A Rasa NLU component that marks each message with the language it is written in.

It adds a ``detected_language`` entity ("en"/"fr") that fills the ``language`` slot, so
replies follow the customer's language. It runs after intent classification: for a
``change_language`` message ("can we speak French?") the language asked for wins over the
language the request happens to be written in.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_id import detect_language, requested_language

ENTITY = "detected_language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"change_intent": "change_language"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.change_intent = config.get("change_intent", "change_language")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetector":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def language_for(self, message: Message) -> Optional[str]:
        text = message.get(TEXT)
        intent = (message.get(INTENT) or {}).get("name")
        if intent == self.change_intent:
            asked = requested_language(text)
            if asked:
                return asked
        return detect_language(text)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self.language_for(message)
            if language is None:
                continue
            text = message.get(TEXT) or ""
            entity = {"entity": ENTITY, "value": language, "start": 0, "end": len(text),
                      "confidence": 1.0, "extractor": self.__class__.__name__}
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
