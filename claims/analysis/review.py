"""Carry reviewers' verdicts over to the claims of a new analysis.

Claims are matched by their sentences: the Jaccard overlap of (article id, start, end) keys,
best pairs first, one new claim per old claim. An old claim that overlaps no new claim enough
is returned as unmatched, so that its review is kept and flagged, never dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence

from claims.analysis.types import CarryOver, SentenceKey

MATCH_THRESHOLD = 0.5


def carry_over(
    old: Mapping[Hashable, Collection[SentenceKey]],
    new: Sequence[Collection[SentenceKey]],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> CarryOver:
    """Map each old claim (key -> its sentence keys) to a new claim index, or leave it out."""
    new_sets = [frozenset(keys) for keys in new]
    claims_of_sentence: dict[SentenceKey, list[int]] = {}
    for index, keys in enumerate(new_sets):
        for key in keys:
            claims_of_sentence.setdefault(key, []).append(index)
    candidates: list[tuple[float, str, Hashable, int]] = []
    for old_key, old_keys in old.items():
        old_set = frozenset(old_keys)
        touched = {index for key in old_set for index in claims_of_sentence.get(key, [])}
        for index in touched:
            union = len(old_set | new_sets[index])
            score = len(old_set & new_sets[index]) / union if union else 0.0
            if score >= threshold:
                candidates.append((score, repr(old_key), old_key, index))
    matched: dict[Hashable, int] = {}
    scores: dict[Hashable, float] = {}
    taken: set[int] = set()
    for score, _, old_key, index in sorted(candidates, key=lambda item: (-item[0], item[1])):
        if old_key in matched or index in taken:
            continue
        matched[old_key] = index
        scores[old_key] = round(score, 3)
        taken.add(index)
    unmatched = tuple(key for key in old if key not in matched)
    return CarryOver(matched=matched, scores=scores, unmatched=unmatched)
