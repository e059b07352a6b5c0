"""How likely two sentences of a story state one claim, read with the rest of the story.

The pair scorer (`scorer.py`) was fitted on MRPC, where both sentences of a pair come from one
event and one of them is often a near copy: it reads two outlets' independent wordings of one
fact ("The alarm went off at 3:40 a.m." / "The alarm sounded at twenty to four in the
morning") as different statements. A story says more than the pair: whether the two sentences
are each other's closest match in the other article and by how much, whether a third article
states what both state, where they stand in their articles, and which of their rare words and
quantities they share. `ContextModel` is a logistic regression over those readings and the
pair scorer's own, fitted on the project's annotated development stories by
`python -m claims.analysis.context_training` and stored in `context_weights.json` per embedder.

The readings of a candidate pair (i, j), in `FEATURES` order:
- `claim`: the claim score (`align.PairScorer.claim_scores`), `paraphrase`: the pair scorer's
  probability, `anchor`: both give one specific quantity (`align.shares_specific_quantity`);
- `rank`: how many sentences of j's article are closer to i than j is, plus the same from j's
  side (each side capped at `RANK_CAP`), among the candidate pairs;
- `margin_low`, `margin_high`: the pair's cosine less the next closest candidate's from each
  side (less the candidate floor when there is none): negative when something else is closer;
- `position_gap`: the distance between the two sentences' places in their articles (0 at the
  top, 1 at the end): news writing puts the same facts in about the same order;
- `support`: the best claim score both sentences reach with one sentence of a third article;
- `content_overlap`, `numbers_clash`, `rare_words`: the pair features of those names
  (`features.PAIR_PARTS`), `agreeing_quantities`: how many of their quantities agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claims.analysis.embed import embedder_kind
from claims.analysis.scorer import sigmoid

WEIGHTS_PATH = Path(__file__).with_name("context_weights.json")
FEATURES = (
    "claim",
    "paraphrase",
    "anchor",
    "rank",
    "margin_low",
    "margin_high",
    "position_gap",
    "support",
    "content_overlap",
    "numbers_clash",
    "rare_words",
    "agreeing_quantities",
)
RANK_CAP = 3

Pair = tuple[int, int]


@dataclass(frozen=True)
class Neighbourhood:
    """Where a pair stands among the candidates of both its sentences."""

    rank: int
    margin_low: float
    margin_high: float


def neighbourhoods(
    cosine: Mapping[Pair, float], article_of: Sequence[int], floor: float
) -> dict[Pair, Neighbourhood]:
    """For each candidate pair (i < j): j's rank among i's candidates in j's article, and i's
    among j's in i's, with the margins over the next closest (or over `floor`, the lowest
    cosine a candidate can have, when there is none)."""
    near: dict[tuple[int, int], list[float]] = {}  # (sentence, other article) -> cosines
    for (i, j), value in cosine.items():
        near.setdefault((i, article_of[j]), []).append(value)
        near.setdefault((j, article_of[i]), []).append(value)
    found = {}
    for (i, j), value in cosine.items():
        sides = [
            _side(near[(i, article_of[j])], value, floor),
            _side(near[(j, article_of[i])], value, floor),
        ]
        margins = sorted(margin for _, margin in sides)
        found[(i, j)] = Neighbourhood(
            rank=sum(min(rank, RANK_CAP) for rank, _ in sides),
            margin_low=margins[0],
            margin_high=margins[1],
        )
    return found


def _side(cosines: list[float], value: float, floor: float) -> tuple[int, float]:
    """(how many candidates are closer, the margin over the closest other one)."""
    others = sorted(cosines, reverse=True)
    others.remove(value)
    return sum(other > value for other in others), value - (others[0] if others else floor)


def support(claim: Mapping[Pair, float], article_of: Sequence[int]) -> dict[Pair, float]:
    """For each pair (i < j): the best score both reach with one sentence of a third article,
    min(claim(i, s), claim(j, s)), over the candidate pairs; 0 when there is none."""
    linked: dict[int, dict[int, float]] = {}
    for (i, j), value in claim.items():
        linked.setdefault(i, {})[j] = value
        linked.setdefault(j, {})[i] = value
    found = {}
    for i, j in claim:
        own = {article_of[i], article_of[j]}
        first, second = linked[i], linked[j]
        if len(second) < len(first):
            first, second = second, first
        found[(i, j)] = max(
            (
                min(value, second[other])
                for other, value in first.items()
                if other in second and article_of[other] not in own
            ),
            default=0.0,
        )
    return found


def positions(article_of: Sequence[int]) -> list[float]:
    """Each sentence's place in its article's statements: 0 for the first, 1 for the last."""
    counts: dict[int, int] = {}
    for article in article_of:
        counts[article] = counts.get(article, 0) + 1
    seen: dict[int, int] = {}
    places = []
    for article in article_of:
        number = seen.get(article, 0)
        seen[article] = number + 1
        places.append(number / max(1, counts[article] - 1))
    return places


@dataclass(frozen=True)
class ContextModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContextModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("context_weights.json was fitted on other features: refit it")
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
        )

    def probability(self, rows: Iterable[Sequence[float]]) -> np.ndarray:
        """How likely each pair states one claim, for rows in `FEATURES` order."""
        table = np.asarray(list(rows), dtype=np.float64).reshape(-1, len(FEATURES))
        return sigmoid(((table - self.mean) / self.scale) @ self.weights + self.bias)


def context_model() -> ContextModel | None:
    """The model fitted for the embedder in use, or None when none was fitted for it."""
    return _context_model(embedder_kind())


@lru_cache(maxsize=2)
def _context_model(embedder: str) -> ContextModel | None:
    if not WEIGHTS_PATH.exists():
        return None
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return ContextModel.from_json(data[embedder]) if embedder in data else None
