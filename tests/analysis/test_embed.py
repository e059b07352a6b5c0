from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from claims.analysis import ArticleText, analyze, segment
from claims.analysis.embed import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    FastMiniLMEmbedder,
    TokenEmbedder,
    embedder_kind,
    get_embedder,
)


def test_it_returns_normalised_float32_vectors(embedder: Embedder) -> None:
    texts = ["The dam held overnight.", "The dam did not break during the night.", "Cats purr."]
    vectors = embedder.encode(texts)
    assert vectors.shape == (3, EMBEDDING_DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.6 > unrelated


def test_it_loads_the_model_once_per_process(embedder: Embedder) -> None:
    assert get_embedder() is embedder


def test_the_fast_embedder_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDESK_EMBEDDER", raising=False)
    assert embedder_kind() == "fast"
    assert isinstance(get_embedder(), FastMiniLMEmbedder)


def test_an_unknown_embedder_is_refused_with_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_EMBEDDER", "int4")
    with pytest.raises(ValueError, match=r"'fast'.*'fp32'"):
        embedder_kind()


def test_it_encodes_nothing_to_an_empty_array(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_it_batches_many_texts(embedder: Embedder) -> None:
    texts = [f"Sentence number {n} about the flood." for n in range(70)]
    vectors = embedder.encode(texts)
    assert vectors.shape == (70, EMBEDDING_DIMENSIONS)
    np.testing.assert_allclose(vectors[5], embedder.encode([texts[5]])[0], atol=1e-5)


def test_it_gives_the_same_vector_to_a_repeated_text(embedder: Embedder) -> None:
    vectors = embedder.encode(["The bridge reopened.", "Rain fell.", "The bridge reopened."])
    np.testing.assert_array_equal(vectors[0], vectors[2])


def test_token_vectors_come_with_the_sentence_vectors(embedder: TokenEmbedder) -> None:
    texts = ["Forty people were evacuated on Sunday.", "The mayor said nothing."]
    vectors, tokens = embedder.encode_with_tokens(texts)
    assert vectors.shape == (2, EMBEDDING_DIMENSIONS)
    assert [rows.shape[1] for rows in tokens] == [EMBEDDING_DIMENSIONS] * 2
    assert all(rows.dtype == np.float16 for rows in tokens)
    assert tokens[0].shape[0] > tokens[1].shape[0] >= 4  # no [CLS] or [SEP]
    np.testing.assert_allclose(np.linalg.norm(tokens[0].astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_encode_keeps_the_token_vectors_for_the_grouping(embedder: TokenEmbedder) -> None:
    texts = ["A text only this test encodes, once.", "And a second one, also once."]
    vectors = embedder.encode(texts)
    kept = embedder.kept_count()  # type: ignore[attr-defined]
    again, tokens = embedder.encode_with_tokens(texts)
    np.testing.assert_array_equal(vectors, again)  # the same forward pass, handed over
    assert embedder.kept_count() == kept - 2  # type: ignore[attr-defined]
    assert len(tokens) == 2


class CountingRunner:
    """Wraps the ONNX runner and counts how often each text goes through the model."""

    def __init__(self, runner: object) -> None:
        self.runner = runner
        self.seen: Counter[str] = Counter()

    def run(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        self.seen.update(texts)
        return self.runner.run(texts)  # type: ignore[attr-defined]


def test_an_analysis_after_the_per_article_embedding_encodes_nothing_again() -> None:
    fast = get_embedder("fast")
    assert isinstance(fast, FastMiniLMEmbedder)
    counting = CountingRunner(fast._runner)
    embedder = FastMiniLMEmbedder(counting)
    bodies = [
        "The bridge reopened on Monday after repairs.\n\nTraffic was light, the police said.",
        "After repairs, the bridge opened again on Monday.\n\nThe mayor thanked the crews.",
    ]
    articles = []
    for number, body in enumerate(bodies):
        pieces = segment(body)
        vectors = embedder.encode([piece.text for piece in pieces])  # the prepare stage
        articles.append(ArticleText(id=number, body=body, segments=pieces, embeddings=vectors))
    result = analyze(articles, embedder=embedder, entities=False)  # the grouping stage
    assert len(result.claims) >= 1
    assert counting.seen and max(counting.seen.values()) == 1  # each text through the model once
