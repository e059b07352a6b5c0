"""Reading a pair of story sentences in the story's context (claims/analysis/context.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from claims.analysis.context import (
    FEATURES,
    WEIGHTS_PATH,
    ContextModel,
    context_model,
    neighbourhoods,
    positions,
    support,
)
from claims.analysis.features import PAIR_PARTS, Corpus, pair_features, sentence_info


def test_a_pair_ranks_and_margins_come_from_both_sides() -> None:
    # sentence 0 is in article 0; 1 and 2 in article 1; 3 in article 2
    article_of = [0, 1, 1, 2]
    cosine = {(0, 1): 0.8, (0, 2): 0.6, (0, 3): 0.5}
    near = neighbourhoods(cosine, article_of, floor=0.4)
    # 1 is 0's closest in article 1, by 0.2; 0 is 1's only candidate in article 0
    assert near[(0, 1)].rank == 0
    assert near[(0, 1)].margin_low == pytest.approx(0.2)
    assert near[(0, 1)].margin_high == pytest.approx(0.4)
    # 2 comes second among 0's candidates in article 1: one closer, a negative margin
    assert near[(0, 2)].rank == 1
    assert near[(0, 2)].margin_low == pytest.approx(-0.2)
    # alone on both sides: the margins are over the floor
    assert near[(0, 3)].rank == 0
    assert near[(0, 3)].margin_low == pytest.approx(0.1)


def test_support_is_a_third_article_backing_both_sentences() -> None:
    article_of = [0, 1, 2, 0]
    claim = {(0, 1): 0.3, (0, 2): 0.9, (1, 2): 0.7, (1, 3): 0.8}
    backed = support(claim, article_of)
    assert backed[(0, 1)] == pytest.approx(0.7)  # through 2, min(0.9, 0.7)
    # sentence 3 is in article 0, the article of sentence 0: not a third article
    assert backed[(1, 3)] == 0.0


def test_positions_run_from_the_top_to_the_end_of_each_article() -> None:
    assert positions([0, 0, 0, 1, 1, 2]) == [0.0, 0.5, 1.0, 0.0, 1.0, 0.0]


def test_the_pair_parts_are_the_readings_they_are_named_after() -> None:
    first = sentence_info("Seven paintings were stolen from the museum.")
    second = sentence_info("Thieves took 7 paintings from the museum on Sunday.")
    clashing = sentence_info("Nine paintings were stolen from the museum.")
    corpus = Corpus.of([first, second, clashing])
    row = pair_features(first, second, 0.7, corpus)
    assert 0 < row[PAIR_PARTS["content_overlap"]] <= 1
    assert row[PAIR_PARTS["numbers_clash"]] == 0.0
    assert pair_features(first, clashing, 0.7, corpus)[PAIR_PARTS["numbers_clash"]] == 1.0
    assert row[PAIR_PARTS["rare_words"]] > 0


def test_weights_for_other_features_are_refused() -> None:
    data = {"features": ["claim"], "mean": [0], "scale": [1], "weights": [1], "bias": 0}
    with pytest.raises(ValueError, match="refit"):
        ContextModel.from_json(data)


@pytest.mark.parametrize("embedder", ["fast", "fp32"])
def test_the_fitted_model_reads_the_context_the_right_way_round(
    embedder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fitted on the annotated stories, the model should find a pair likelier to be one claim
    when a third article backs both sentences, when each is the other's closest by a wide
    margin and when they stand at about the same place in their articles; not when something
    else is closer."""
    assert embedder in json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    monkeypatch.setenv("NEWSDESK_EMBEDDER", embedder)
    model = context_model()
    assert model is not None
    middling = dict.fromkeys(FEATURES, 0.0) | {
        "claim": 0.2,
        "paraphrase": 0.15,
        "margin_low": 0.05,
        "margin_high": 0.1,
        "position_gap": 0.2,
        "support": 0.2,
        "content_overlap": 0.4,
        "rare_words": 0.3,
    }

    def probability(**changes: float) -> float:
        row = middling | changes
        return float(model.probability(np.asarray([[row[name] for name in FEATURES]]))[0])

    base = probability()
    assert probability(support=0.7) > base
    assert probability(margin_low=0.2, margin_high=0.25) > base
    assert probability(position_gap=0.8) < base
    assert probability(rank=3.0) < base
    assert probability(claim=0.6, paraphrase=0.6) > base
