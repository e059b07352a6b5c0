from __future__ import annotations

import numpy as np

from claims.analysis.embed import EMBEDDING_DIMENSIONS, Embedder, get_embedder


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


def test_it_encodes_nothing_to_an_empty_array(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_it_batches_many_texts(embedder: Embedder) -> None:
    texts = [f"Sentence number {n} about the flood." for n in range(70)]
    vectors = embedder.encode(texts)
    assert vectors.shape == (70, EMBEDDING_DIMENSIONS)
    np.testing.assert_allclose(vectors[5], embedder.encode([texts[5]])[0], atol=1e-5)
