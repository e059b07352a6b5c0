"""Whether two sentences state the same thing, read on their own.

`compare-pairs` gives every pair this verdict (`pairs.py`); the grouping reads two sentences of
one article that may restate each other the same way (`align.PairScorer.restates`). A pair
that states the same thing "agree"s unless a number, a quotation, a speaker, a name or a
negation differs, which makes it a "conflict"; otherwise the pair is "unrelated". The score is
the learned combiner's paraphrase probability, mixed with that of the paraphrase reader, which
reads both sentences together.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np

from claims.analysis.compare import sentence_conflicts
from claims.analysis.features import NEGATIONS, SentenceInfo, fold, words_of
from claims.analysis.reader import get_reader, reader_available
from claims.analysis.scorer import combiner
from claims.analysis.types import PairVerdict

RELATED = 0.3  # below the paraphrase threshold but related enough for a conflict to matter
ALIGNED_WORDS = 0.85
ALIGNED_WORDS_QUOTE = 0.9


def read_together(
    scores: np.ndarray, texts: Sequence[tuple[str, str]], *, full: bool, read: bool = True
) -> tuple[np.ndarray, float]:
    """The combiner's paraphrase probabilities `scores` of the pairs `texts`, mixed with the
    paraphrase reader's when `read` is true and the reader is installed, and the threshold
    from which the result says "the same thing". `full`: the scores come from the combiner
    with token features."""
    model = combiner("full" if full else "sentence")
    if read and model.blend is not None and reader_available():
        weight = model.blend.reader_weight
        mixed = (1 - weight) * scores + weight * get_reader().probabilities(texts)
        return mixed, model.blend.threshold
    return scores, model.threshold


def verdict(
    first: SentenceInfo, second: SentenceInfo, score: float, threshold: float
) -> PairVerdict:
    """A related pair with a conflict is a "conflict". A pair scored as stating the same thing
    is one only when the sentences are otherwise worded alike (ALIGNED_WORDS of their words in
    order), because paraphrases that reword a quotation or round a number are common."""
    if score < RELATED:
        return "unrelated"
    kinds = conflict_kinds(first, second)
    if kinds:
        needed = ALIGNED_WORDS_QUOTE if kinds == {"quote"} else ALIGNED_WORDS
        if score < threshold or _alike_apart_from_conflicts(first, second) >= needed:
            return "conflict"
    return "agree" if score >= threshold else "unrelated"


def conflict_kinds(first: SentenceInfo, second: SentenceInfo) -> set[str]:
    """The kinds of difference between two sentences, a spelling variant aside."""
    return {difference.kind for difference in sentence_conflicts(first, second)} - {"spelling"}


def _alike_apart_from_conflicts(a: SentenceInfo, b: SentenceInfo) -> float:
    """Word alignment once numbers, dates, negations and unshared names are left out."""
    left_out = set(NEGATIONS) | {fold(n) for n in a.names ^ b.names}
    for quantity in a.quantities + b.quantities:
        left_out.update(words_of(quantity.text))
    kept_a = [word for word in a.words if word not in left_out]
    kept_b = [word for word in b.words if word not in left_out]
    if not kept_a or not kept_b:
        return 0.0
    return SequenceMatcher(None, kept_a, kept_b, autojunk=False).ratio()
