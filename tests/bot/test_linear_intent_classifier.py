"""The intent classifier and the sentence featurizer as Rasa runs them: train, save, load."""
from __future__ import annotations

from pathlib import Path

import pytest
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_intent_classifier import MODEL_FILE, LinearIntentClassifier, UntrustedModelFile
from bot.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer

EXAMPLES = {
    "return_status": ["where is my refund", "has my refund been paid", "status of my return",
                      "où en est mon remboursement", "mon retour est arrivé ?"],
    "start_return": ["I want to return the lamp", "send this back please", "the vase arrived broken",
                     "je veux retourner la lampe", "le pull ne me va pas, je le renvoie"],
    "greet": ["hello", "hi there", "good morning", "bonjour", "salut"],
}


def _context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


@pytest.fixture(scope="module")
def featurizer() -> SentenceEmbeddingFeaturizer:
    return SentenceEmbeddingFeaturizer.create(SentenceEmbeddingFeaturizer.get_default_config(),
                                              None, None, _context("embed"))


def _training_data(featurizer: SentenceEmbeddingFeaturizer) -> TrainingData:
    data = TrainingData([Message(data={TEXT: t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts])
    return featurizer.process_training_data(data)


def _parse(featurizer: SentenceEmbeddingFeaturizer, classifier: LinearIntentClassifier, text: str) -> dict:
    message = Message(data={TEXT: text})
    featurizer.process([message])
    classifier.process([message])
    return message.get("intent")


def test_featurizer_adds_one_384_wide_sentence_vector(featurizer: SentenceEmbeddingFeaturizer) -> None:
    message = Message(data={TEXT: "the lamp arrived broken"})
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, 384)


def test_trains_saves_and_loads_the_same_classifier(tmp_path: Path, featurizer) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    trained = LinearIntentClassifier.create(LinearIntentClassifier.get_default_config(), storage,
                                            resource, _context("intents"))
    trained.train(_training_data(featurizer))
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage,
                                         resource, _context("intents"))
    for text, intent in [("where's my money back?", "return_status"), ("je voudrais renvoyer ma veste", "start_return"),
                         ("hey hello", "greet")]:
        before, after = _parse(featurizer, trained, text), _parse(featurizer, loaded, text)
        assert before["name"] == after["name"] == intent
        assert before["confidence"] == pytest.approx(after["confidence"])
    ranking = Message(data={TEXT: "hello"})
    featurizer.process([ranking])
    loaded.process([ranking])
    confidences = [r["confidence"] for r in ranking.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) == pytest.approx(1.0)


def test_a_model_file_with_unexpected_types_is_refused(tmp_path: Path, featurizer) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    with storage.write_to(resource) as directory:
        sio.dump({"text_features": Path("/etc/passwd"), "classifier": None}, directory / MODEL_FILE)
    with pytest.raises(UntrustedModelFile):
        LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, resource,
                                    _context("intents"))


def test_untrained_classifier_leaves_messages_alone(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    classifier = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage,
                                             Resource("never-trained"), _context("intents"))
    message = Message(data={TEXT: "hello"})
    classifier.process([message])
    assert message.get("intent") is None


def test_nearest_neighbours_alone_recognise_a_training_example(tmp_path: Path, featurizer) -> None:
    config = {**LinearIntentClassifier.get_default_config(), "knn_weight": 1.0}
    classifier = LinearIntentClassifier.create(config, LocalModelStorage(tmp_path), Resource("knn"),
                                               _context("knn"))
    classifier.train(_training_data(featurizer))
    intent = _parse(featurizer, classifier, "où en est mon remboursement")
    assert intent["name"] == "return_status" and intent["confidence"] > 0.5
