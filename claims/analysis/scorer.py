"""The learned pair scorer: how likely two sentences state the same thing.

A logistic regression and five one-hidden-layer networks (different seeds), all fitted on
MRPC train by `python -m claims.analysis.training` and stored in `scorer_weights.json`, are
averaged. There are two variants: `full` also uses the model's token vectors, `sentence` uses
only sentence vectors and words (for embedders that cannot give token vectors); and each
embedder (`fast`, `fp32`) has its own weights, fitted on its own features.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from claims.analysis.embed import embedder_kind

WEIGHTS_PATH = Path(__file__).with_name("scorer_weights.json")
Variant = Literal["full", "sentence"]


@dataclass(frozen=True)
class Blend:
    """How the paraphrase reader's probability is mixed into the combiner's (`reader.py`):
    (1 - reader_weight) * combiner + reader_weight * reader, a paraphrase from `threshold`."""

    reader_weight: float
    threshold: float


@dataclass(frozen=True)
class Combiner:
    mean: np.ndarray
    scale: np.ndarray
    linear: np.ndarray
    linear_bias: float
    networks: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, float], ...]  # (W1, b1, w2, b2)
    threshold: float  # probability at or above which a pair is a paraphrase (chosen on train)
    blend: Blend | None = None  # with the reader, when it was fitted

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Combiner:
        networks = tuple(
            (
                np.asarray(network["hidden"], dtype=np.float64),
                np.asarray(network["hidden_bias"], dtype=np.float64),
                np.asarray(network["output"], dtype=np.float64),
                float(network["output_bias"]),
            )
            for network in data["networks"]
        )
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            linear=np.asarray(data["linear"], dtype=np.float64),
            linear_bias=float(data["linear_bias"]),
            networks=networks,
            threshold=float(data["threshold"]),
            blend=(
                Blend(float(data["blend"]["reader_weight"]), float(data["blend"]["threshold"]))
                if "blend" in data
                else None
            ),
        )

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Paraphrase probability for each row of an (n, features) array: the mean of the
        logistic regression and of the average of the small networks."""
        standard = (np.atleast_2d(features) - self.mean) / self.scale
        linear = sigmoid(standard @ self.linear + self.linear_bias)
        networks = [
            sigmoid(np.maximum(standard @ hidden + hidden_bias, 0.0) @ output + output_bias)
            for hidden, hidden_bias, output, output_bias in self.networks
        ]
        result: np.ndarray = (linear + np.mean(networks, axis=0)) / 2
        return result


def sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))
    return result


def combiner(variant: Variant) -> Combiner:
    """The combiner fitted on the features of the embedder in use (NEWSDESK_EMBEDDER): the
    fast embedder's vectors differ a little from the fp32 model's, so each has its own."""
    return _combiner(variant, embedder_kind())


@lru_cache(maxsize=4)
def _combiner(variant: Variant, embedder: str) -> Combiner:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return Combiner.from_json(data[embedder][variant])
