"""Compare two sentences on their own: the `compare-pairs` command.

`compare_pairs` scores a batch (word frequencies are taken over the whole batch, as the
command reads a whole file); a pair that states the same thing "agree"s unless a number, a
quotation, a speaker, a name or a negation differs, which makes it a "conflict"; otherwise the
pair is "unrelated". The score is the paraphrase probability of the learned combiner, mixed
with that of the paraphrase reader, which reads both sentences together.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import cast

import numpy as np

from claims.analysis.align import PairScorer, StorySentence
from claims.analysis.compare import sentence_conflicts
from claims.analysis.embed import Embedder, TokenEmbedder, get_embedder, has_tokens
from claims.analysis.features import NEGATIONS, fold, sentence_info, words_of
from claims.analysis.reader import get_reader, reader_available
from claims.analysis.scorer import combiner
from claims.analysis.types import PairVerdict, SentenceRef

RELATED = 0.3  # below the paraphrase threshold but related enough for a conflict to matter
ALIGNED_WORDS = 0.85
ALIGNED_WORDS_QUOTE = 0.9


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
    scores = np.asarray([scored[(2 * n, 2 * n + 1)] for n in range(len(pairs))])
    model = combiner("full" if scorer.full else "sentence")
    threshold = model.threshold
    if read and model.blend is not None and reader_available():
        weight = model.blend.reader_weight
        scores = (1 - weight) * scores + weight * get_reader().probabilities(pairs)
        threshold = model.blend.threshold
    results: list[tuple[PairVerdict, float]] = []
    for n in range(len(pairs)):
        score = float(scores[n])
        results.append((verdict(sentences[2 * n], sentences[2 * n + 1], score, threshold), score))
    return results


def verdict(
    first: StorySentence, second: StorySentence, score: float, threshold: float
) -> PairVerdict:
    """A related pair with a conflict is a "conflict". A pair scored as stating the same thing
    is one only when the sentences are otherwise worded alike (ALIGNED_WORDS of their words in
    order), because paraphrases that reword a quotation or round a number are common."""
    if score < RELATED:
        return "unrelated"
    kinds = {d.kind for d in sentence_conflicts(first.info, second.info)} - {"spelling"}
    if kinds:
        needed = ALIGNED_WORDS_QUOTE if kinds == {"quote"} else ALIGNED_WORDS
        if score < threshold or _alike_apart_from_conflicts(first, second) >= needed:
            return "conflict"
    return "agree" if score >= threshold else "unrelated"


def _alike_apart_from_conflicts(first: StorySentence, second: StorySentence) -> float:
    """Word alignment once numbers, dates, negations and unshared names are left out."""
    a, b = first.info, second.info
    left_out = set(NEGATIONS) | {fold(n) for n in a.names ^ b.names}
    for quantity in a.quantities + b.quantities:
        left_out.update(words_of(quantity.text))
    kept_a = [word for word in a.words if word not in left_out]
    kept_b = [word for word in b.words if word not in left_out]
    if not kept_a or not kept_b:
        return 0.0
    return SequenceMatcher(None, kept_a, kept_b, autojunk=False).ratio()
