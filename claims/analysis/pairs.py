"""Compare two sentences on their own: the `compare-pairs` command.

`compare_pairs` scores a batch (word frequencies are taken over the whole batch, as the
command reads a whole file) and gives each pair `verdict.verdict`: "agree", "conflict" or
"unrelated", with the paraphrase probability of the learned combiner mixed with that of the
paraphrase reader, which reads both sentences together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from claims.analysis.align import PairScorer, StorySentence
from claims.analysis.embed import Embedder, TokenEmbedder, get_embedder, has_tokens
from claims.analysis.features import sentence_info
from claims.analysis.types import PairVerdict, SentenceRef
from claims.analysis.verdict import read_together, verdict


def compare_pair(
    first: str, second: str, *, embedder: Embedder | None = None, read: bool = True
) -> tuple[PairVerdict, float]:
    return compare_pairs([(first, second)], embedder=embedder, read=read)[0]


def compare_pairs(
    pairs: Sequence[tuple[str, str]], *, embedder: Embedder | None = None, read: bool = True
) -> list[tuple[PairVerdict, float]]:
    """A verdict and a score in [0, 1] for each (sentence1, sentence2).

    The score is the learned combiner's paraphrase probability, mixed with the paraphrase
    reader's (`reader.py`) when `read` is true and the reader is installed; `read=False`
    gives the feature scorer alone (faster: no pair is run through the model)."""
    if not pairs:
        return []
    embedder = embedder or get_embedder()
    texts = [text for pair in pairs for text in pair]
    tokens: list[np.ndarray] | list[None]
    if has_tokens(embedder):
        vectors, tokens = cast(TokenEmbedder, embedder).encode_with_tokens(texts)
    else:
        vectors, tokens = embedder.encode(texts), [None] * len(texts)
    sentences = [
        StorySentence(
            SentenceRef(index % 2, index), sentence_info(text), vectors[index], tokens[index]
        )
        for index, text in enumerate(texts)
    ]
    scorer = PairScorer(sentences)
    scored = scorer.score([(2 * n, 2 * n + 1) for n in range(len(pairs))])
    scores, threshold = read_together(
        np.asarray([scored[(2 * n, 2 * n + 1)] for n in range(len(pairs))]),
        pairs,
        full=scorer.full,
        read=read,
    )
    results: list[tuple[PairVerdict, float]] = []
    for n in range(len(pairs)):
        score = float(scores[n])
        first, second = sentences[2 * n].info, sentences[2 * n + 1].info
        results.append((verdict(first, second, score, threshold), score))
    return results
