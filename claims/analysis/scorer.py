"""The learned pair scorer: how likely two sentences state the same thing.

A logistic regression and a one-hidden-layer network, both fitted on MRPC train by
`python -m claims.analysis.training` and stored in `scorer_weights.json`, are averaged. There
are two variants: `full` also uses the model's token vectors, `sentence` uses only sentence
vectors and words (for embedders that cannot give token vectors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

WEIGHTS_PATH = Path(__file__).with_name("scorer_weights.json")
Variant = Literal["full", "sentence"]


@dataclass(frozen=True)
class Combiner:
    mean: np.ndarray
    scale: np.ndarray
    linear: np.ndarray
    linear_bias: float
    hidden: np.ndarray
    hidden_bias: np.ndarray
    output: np.ndarray
    output_bias: float
    threshold: float  # probability at or above which a pair is a paraphrase (chosen on train)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Combiner:
        def array(name: str) -> np.ndarray:
            return np.asarray(data[name], dtype=np.float64)

        return cls(
            mean=array("mean"),
            scale=array("scale"),
            linear=array("linear"),
            linear_bias=float(data["linear_bias"]),  # type: ignore[arg-type]
            hidden=array("hidden"),
            hidden_bias=array("hidden_bias"),
            output=array("output"),
            output_bias=float(data["output_bias"]),  # type: ignore[arg-type]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
        )

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Paraphrase probability for each row of an (n, features) array."""
        standard = (np.atleast_2d(features) - self.mean) / self.scale
        linear = _sigmoid(standard @ self.linear + self.linear_bias)
        hidden = np.maximum(standard @ self.hidden + self.hidden_bias, 0.0)
        network = _sigmoid(hidden @ self.output + self.output_bias)
        result: np.ndarray = (linear + network) / 2
        return result


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))
    return result


@lru_cache(maxsize=2)
def combiner(variant: Variant) -> Combiner:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return Combiner.from_json(data[variant])
