"""The paraphrase reader: the packaged all-MiniLM-L6-v2 reading two sentences together.

The sentence vectors compare two sentences each read alone; the reader (a cross-encoder) reads
the pair as one input, word against word, and gives the probability that they say the same
thing. It is the packaged model, frozen, with a small low-rank adapter (LoRA, rank
`LORA_RANK`) on each linear layer and a one-unit head over its mean output, fitted on MRPC
train by `python -m claims.analysis.reader_training` and stored in `reader_adapter.npz`
(about 1 MB). Nothing is downloaded: at first use the adapter is merged into the packaged
weights and the result exported to ONNX in `model_dir()` (once, under a lock, about 15 s; it
needs torch), then run by onnxruntime.

A pair costs a forward pass of its own, where a sentence vector serves every pair its sentence
is in, so the reader is for few pairs: `compare-pairs` reads every pair it is given. The story
grouping does not use it: reading the mutual closest pairs the features left in doubt (cosine
0.5 and up) changed one of our six annotated stories by 0.01 pairwise F1 and none of the
others, for several hundred extra forward passes on a 150-article story.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from claims.analysis.scorer import sigmoid

ADAPTER_PATH = Path(__file__).with_name("reader_adapter.npz")
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)  # the linear layers of each transformer layer that carry an adapter
LORA_RANK = 8
LORA_ALPHA = 16.0
MAX_PAIR_TOKENS = 128
EXPORT_VERSION = 1


def reader_available() -> bool:
    """Whether this installation has a fitted adapter (it ships with one)."""
    return ADAPTER_PATH.exists()


def out_of_fold() -> np.ndarray:
    """The reader's probability for each MRPC train pair from the adapter fitted without it
    (for weighing the reader against the feature scorer in `training`)."""
    with np.load(ADAPTER_PATH) as stored:
        return np.asarray(stored["out_of_fold"], dtype=np.float64)


def export_path(directory: Path | None = None) -> Path:
    """Where the merged export lives; the name changes with the packaged weights, the adapter
    and the recipe, so an old file is never reused."""
    from claims.analysis.onnx_embed import export_name, model_dir, packaged_model_path

    digest = hashlib.sha256()
    digest.update(export_name(packaged_model_path()).encode())
    digest.update(ADAPTER_PATH.read_bytes())
    digest.update(f"reader:{EXPORT_VERSION}".encode())
    return (directory or model_dir()) / f"paraphrase-reader-{digest.hexdigest()[:12]}.onnx"


def ensure_reader_export(directory: Path | None = None) -> Path:
    from claims.analysis.onnx_embed import built_once

    target = export_path(directory)
    return built_once(target, lambda: _build(target))


def merged_state(weights: dict[str, Any], adapter: Any) -> dict[str, Any]:
    """The packaged weights with each adapter's low-rank update added in: W + s * up @ down."""
    merged = dict(weights)
    scale = LORA_ALPHA / LORA_RANK
    for name in adapter.files:
        if not name.endswith(".down"):
            continue
        prefix = name[: -len(".down")]
        update = scale * adapter[f"{prefix}.up"] @ adapter[name]
        key = f"{prefix}.weight"
        merged[key] = weights[key] + update.astype(np.float32)
    return merged


def _build(target: Path) -> None:
    import torch
    from transformers import AutoModel

    from claims.analysis.onnx_embed import export_onnx, packaged_model_path

    class Reader(torch.nn.Module):
        def __init__(self, body: Any, head: torch.nn.Linear) -> None:
            super().__init__()
            self.body = body
            self.head = head

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            states = self.body(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask[..., None].to(states.dtype)
            return self.head((states * mask).sum(1) / mask.sum(1))[:, 0]

    body = AutoModel.from_pretrained(str(packaged_model_path()), attn_implementation="eager")
    with np.load(ADAPTER_PATH) as adapter:
        weights = {name: value.numpy() for name, value in body.state_dict().items()}
        merged = merged_state(weights, adapter)
        body.load_state_dict({name: torch.from_numpy(np.asarray(v)) for name, v in merged.items()})
        head = torch.nn.Linear(body.config.hidden_size, 1)
        head.weight.data = torch.from_numpy(adapter["head.weight"])
        head.bias.data = torch.from_numpy(adapter["head.bias"])
    export_onnx(Reader(body, head), target, "logit", dynamic_output=False, quantize=False)


class PairReader:
    """Runs the export: sentence pairs in, probabilities out. Each pair is read in both orders
    and the two probabilities averaged, so (a, b) and (b, a) get the same score; each input runs
    alone (no padding), on threads side by side, like the embedder's export."""

    def __init__(self, model_path: Path, tokenizer_path: Path) -> None:
        from claims.analysis.onnx_embed import session_and_tokenizer

        self._session, self._tokenizer = session_and_tokenizer(
            model_path, tokenizer_path, MAX_PAIR_TOKENS
        )
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        both = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
        encodings = self._tokenizer.encode_batch(both, add_special_tokens=True)
        logits = np.asarray(list(self._pool.map(self._run, encodings)), dtype=np.float64)
        probabilities = sigmoid(logits)
        result: np.ndarray = (probabilities[: len(pairs)] + probabilities[len(pairs) :]) / 2
        return result

    def _run(self, encoding: Any) -> float:
        ids = np.asarray([encoding.ids], dtype=np.int64)
        types = np.asarray([encoding.type_ids], dtype=np.int64)
        (logit,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": types}
        )
        return float(logit[0])


_lock = threading.Lock()
_readers: list[PairReader] = []


def get_reader() -> PairReader:
    """The process-wide reader, loaded on first use (building its export the first time)."""
    from claims.analysis.onnx_embed import packaged_model_path

    with _lock:
        if not _readers:
            _readers.append(
                PairReader(ensure_reader_export(), packaged_model_path() / "tokenizer.json")
            )
        return _readers[0]
