"""Group the sentences of a story into claims.

Candidates are blocked by nearest neighbours in embedding space (each sentence meets only its
`NEIGHBOURS` closest sentences from other articles, found chunk by chunk), every candidate pair
is scored by the learned combiner and then read in the story's context (`context.py`: how the
pair ranks among both sentences' neighbours, whether a third article backs both, where they
stand in their articles), and clusters are merged greedily from the best pair down, from
`STORY_THRESHOLD` on, while every cross-article pair inside a cluster stays above
`STORY_LINK_AVERAGE` on average and no article contributes two sentences to one claim unless
they restate each other (`PairScorer.restates`: an explainer that says again, further down,
what its summary said). The features of a large story's pairs are computed half in a forked
process (`side.shared`), with the same results.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from claims.analysis.context import (
    FEATURES,
    ContextModel,
    context_model,
    neighbourhoods,
    positions,
    support,
)
from claims.analysis.embed import embedder_kind
from claims.analysis.features import (
    PAIR_PARTS,
    Corpus,
    SentenceInfo,
    number_agreement,
    pair_features,
    reported_content,
    sentence_info,
    token_features,
)
from claims.analysis.numbers import Quantity, comparable, compatible
from claims.analysis.scorer import combiner
from claims.analysis.side import shared
from claims.analysis.types import SentenceRef
from claims.analysis.verdict import conflict_kinds, read_together

NEIGHBOURS = 8
CANDIDATE_COSINE = 0.4  # below this cosine a pair is never scored (ECB+ topics 01-06: 8% of the
# candidate pairs lay in 0.35-0.4 and 8 of their 992 reached the claim threshold)
CLAIM_THRESHOLD = 0.5  # paraphrase probability for two sentences to share a claim
LINK_AVERAGE = 0.4  # mean probability required across two clusters being merged
STORY_THRESHOLD = 0.25
STORY_LINK_AVERAGE = 0.2
"""The same two limits for scores read in context (`read_context`, when a context model is
fitted). The context model is a logistic regression over candidate pairs of which about a
quarter state one claim; at its even odds (0.5 and 0.4) the grouping's pairwise precision was
0.95 and its recall 0.85. Leaving each of the 18 development stories out in turn (the model
fitted on the other 17), mean pairwise F1 / status accuracy: 0.905 / 0.877 at 0.5 / 0.4,
0.907 / 0.879 at 0.4 / 0.4, 0.911 / 0.883 at 0.35 / 0.25, 0.919 / 0.886 at 0.25 / 0.2,
0.917 / 0.872 at 0.2 / 0.2, 0.913 / 0.857 at 0.15 / 0.15 (fp32: 0.894 / 0.871 at 0.5 / 0.4,
0.911 / 0.882 at 0.25 / 0.2). Six stories written blind afterwards gave 0.871 / 0.811 at 0.5 /
0.4 and 0.880 / 0.807 at 0.25 / 0.2 before they were used; over all 24 development stories,
left out in turn: 0.894 / 0.865 at 0.5 / 0.4, 0.905 / 0.872 at 0.25 / 0.2. The two held-out
stories, with the comparison rules of then, went from 0.937 / 0.848 and 0.903 / 0.800 at 0.5 /
0.4 to 0.929 / 0.788 and 0.891 / 0.800 at 0.25 / 0.2: down, where the 24 stories went up."""
CHUNK = 1024
SAME_CLAIM_COSINE = {"fp32": 0.78, "fast": 0.778}
"""Embedding cosine at which two sentences share a claim anyway, per embedder. Set at 0.78 for
the fp32 model; the int8 export's cosines run 0.0021 lower on the MRPC train pairs (std 0.006),
and 0.778 is the fast cosine at the rank of fp32's 0.78 there (quantile matching)."""
TOKEN_CACHE_BYTES = 512 * 2**20  # float32 copies of token vectors kept while scoring
MUTUAL_COSINE = 0.73
"""Two sentences of different articles that are each other's closest in the other article
share a claim from this cosine on, or from CANDIDATE_COSINE on when they also give the same
specific quantity (chosen on the project's annotated stories: river_flood, harbour_strike and
the demo; no such pair with a shared quantity was a different claim there)."""
WEEK_MINUTES = 7 * 24 * 60
REPORTED_SCORE = 0.12
"""Two mutual closest sentences that each credit someone ("X, a spokesman, said ...") share a
claim when what they report, without who reported it, scores this much as a paraphrase: the
scorer reads two different names as two different statements, and "different speakers, one
statement" is an attribution or entity conflict to show, not two claims. Chosen on the
project's development stories, where such pairs that were one claim scored 0.16-0.33 and the
others at most 0.09."""
RESTATEMENT_WORDS = 3
"""Content words a sentence needs to restate another of its article: a stray fragment such as
"Orr said." (split off a quotation that a source's formatting broke up) states nothing, and
an article may have several identical ones."""
ANCHOR_BONUS = 0.3  # both sentences give the same specific quantity (3,400 members; 50%)
BOUND_REACH = 1.35  # "more than 40" anchors 46 (and "more than 400" 412), not 600 or 60,000
SHARED_PAIRS = 2000  # from this many pairs on, a forked process computes half their features
SHARED_PART = 250  # pairs per part of that work


@dataclass(frozen=True)
class StorySentence:
    ref: SentenceRef
    info: SentenceInfo
    vector: np.ndarray  # L2-normalised sentence embedding
    tokens: np.ndarray | None = None  # L2-normalised token vectors, when the embedder gives them


class PairScorer:
    """Scores pairs of story sentences, caching what it has computed."""

    def __init__(
        self, sentences: Sequence[StorySentence], context: ContextModel | None = None
    ) -> None:
        """`context`: the context model to read candidates with (default: the fitted one)."""
        self.sentences = sentences
        self.context = context
        self.corpus = Corpus.of([sentence.info for sentence in sentences])
        self.full = all(sentence.tokens is not None for sentence in sentences)
        self._cache: dict[tuple[int, int], float] = {}
        self._claim_cache: dict[tuple[int, int], float] = {}
        self._masked_cache: dict[int, SentenceInfo] = {}
        self._reported_cache: dict[int, SentenceInfo | None] = {}
        self._tokens_cache: dict[int, np.ndarray] = {}
        self._tokens_cache_bytes = 0
        self.same_claim_cosine = SAME_CLAIM_COSINE[embedder_kind()]
        self.mutual: set[tuple[int, int]] = set()  # (i < j) closest to each other, see below
        self._parts: dict[tuple[int, int], tuple[float, ...]] = {}  # PAIR_PARTS of scored pairs
        self._story: dict[tuple[int, int], float] = {}  # the candidates' scores in context
        self._restates: dict[tuple[int, int], bool] = {}
        self.threshold = CLAIM_THRESHOLD  # the limits for the scores `story_scores` gives
        self.link_average = LINK_AVERAGE

    def score(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
        wanted = sorted(
            {(min(i, j), max(i, j)) for i, j in pairs if (min(i, j), max(i, j)) not in self._cache}
        )
        if wanted:
            rows = self._rows(wanted)
            self._cache.update(zip(wanted, self._probabilities(rows), strict=True))
            for pair, row in zip(wanted, rows, strict=True):
                self._parts[pair] = tuple(row[index] for index in PAIR_PARTS.values())
        return {pair: self._cache[(min(pair), max(pair))] for pair in pairs}

    def _probabilities(self, rows: list[list[float]]) -> list[float]:
        if not rows:
            return []
        model = combiner("full" if self.full else "sentence")
        return [float(p) for p in model.probability(np.asarray(rows))]

    def _rows(self, pairs: list[tuple[int, int]], *, masked: bool = False) -> list[list[float]]:
        """The features of many pairs, computed half here, half in a forked process that
        starts with this scorer (`side.shared`), when there are SHARED_PAIRS or more."""
        global _forked_scorer
        if len(pairs) < SHARED_PAIRS:
            return [self.features(i, j, masked=masked) for i, j in pairs]
        parts = [
            (pairs[start : start + SHARED_PART], masked)
            for start in range(0, len(pairs), SHARED_PART)
        ]
        with _forking:  # one scorer at a time in the global the forked process reads
            _forked_scorer = self
            try:
                return [row for rows in shared(_forked_rows, parts) for row in rows]
            finally:
                _forked_scorer = None

    def one(self, first: int, second: int) -> float:
        return self.score([(first, second)])[(first, second)]

    def claim_scores(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """How likely each pair states the same claim, whether or not it agrees on the details.

        The paraphrase probability, or the probability with the quantities of both sentences
        written alike when they have numbers that clash (30 vs 40 killed is one claim with a
        conflict), plus `ANCHOR_BONUS` when both give the same specific quantity; at least
        `CLAIM_THRESHOLD` when the embeddings are as close as `SAME_CLAIM_COSINE`, since the
        paraphrase scorer (trained on MRPC) rejects a sentence that adds a detail."""
        pairs = list(pairs)
        self.score(pairs)  # the paraphrase probabilities, cached by (i < j)
        todo = sorted(
            {key for i, j in pairs if (key := (min(i, j), max(i, j))) not in self._claim_cache}
        )
        clashing = [key for key in todo if self._numbers_clash(*key)]
        masked = dict(
            zip(clashing, self._probabilities(self._rows(clashing, masked=True)), strict=True)
        )
        for key in todo:
            self._claim_cache[key] = self._claim_score(*key, self._cache[key], masked.get(key))
        return {pair: self._claim_cache[(min(pair), max(pair))] for pair in pairs}

    def _numbers_clash(self, first: int, second: int) -> bool:
        a, b = self.sentences[first].info, self.sentences[second].info
        return bool(a.quantities and b.quantities and number_agreement(a, b)[1])

    def _claim_score(self, first: int, second: int, plain: float, masked: float | None) -> float:
        """See `claim_scores`; `masked` is the probability with the clashing numbers masked."""
        a, b = self.sentences[first].info, self.sentences[second].info
        score = plain if masked is None else max(plain, masked)
        shared_quantity = shares_specific_quantity(a, b)
        if shared_quantity:
            score += ANCHOR_BONUS
        cosine = self._cosine(first, second)
        if cosine >= self.same_claim_cosine:  # close in meaning, whatever the wording adds
            score = max(score, CLAIM_THRESHOLD + cosine - self.same_claim_cosine)
        if (first, second) in self.mutual and (
            cosine >= MUTUAL_COSINE
            or shared_quantity
            or (
                score < CLAIM_THRESHOLD
                and self._reported_score(first, second, cosine) >= REPORTED_SCORE
            )
        ):
            score = max(score, CLAIM_THRESHOLD + 0.01)
        return min(score, 1.0)

    def _reported_score(self, first: int, second: int, cosine: float) -> float:
        """The paraphrase probability of what both sentences report, without who said it; 0
        when either credits no one."""
        reported_a, reported_b = self._reported(first), self._reported(second)
        if reported_a is None or reported_b is None:
            return 0.0
        row = pair_features(reported_a, reported_b, cosine, self.corpus)
        return float(combiner("sentence").probability(np.asarray([row]))[0])

    def _reported(self, index: int) -> SentenceInfo | None:
        """What a sentence reports without who said it (`reported_content`), made once."""
        if index not in self._reported_cache:
            reported = reported_content(self.sentences[index].info.text)
            self._reported_cache[index] = None if reported is None else sentence_info(reported)
        return self._reported_cache[index]

    def use_mutual(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Note which candidate pairs are mutual closest matches (`mutual_closest`)."""
        self.mutual = mutual_closest(self.sentences, pairs)
        self._claim_cache.clear()
        self._story.clear()

    def read_context(self, candidates: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """The candidate pairs' scores read in the story's context (`context.py`), kept for
        `story_scores`; their claim scores when no context model was fitted. Sets the limits
        they are read with (`threshold`, `link_average`)."""
        pairs, claim, rows = self.candidate_context(candidates)
        model = self.context or context_model()
        if model is None or not pairs:
            self._story = dict(claim)
            self.threshold, self.link_average = CLAIM_THRESHOLD, LINK_AVERAGE
        else:
            self._story = dict(zip(pairs, map(float, model.probability(rows)), strict=True))
            self.threshold, self.link_average = STORY_THRESHOLD, STORY_LINK_AVERAGE
        return dict(self._story)

    def candidate_context(
        self, candidates: set[tuple[int, int]]
    ) -> tuple[list[tuple[int, int]], dict[tuple[int, int], float], list[list[float]]]:
        """The candidate pairs (i < j) in order, their claim scores, and their readings in
        context (`context_rows`), with the mutual closest pairs noted first."""
        self.use_mutual(candidates)
        pairs = sorted(candidates)
        claim = self.claim_scores(pairs)
        return pairs, claim, self.context_rows(pairs, claim)

    def context_rows(
        self, pairs: list[tuple[int, int]], claim: dict[tuple[int, int], float]
    ) -> list[list[float]]:
        """The readings `context.FEATURES` names, for candidate pairs (i < j) whose claim
        scores are `claim` (the candidates are all the pairs, since ranks and support are
        read among them)."""
        article_of = [sentence.ref.article_id for sentence in self.sentences]
        cosine = {(i, j): self._cosine(i, j) for i, j in pairs}
        places = positions(article_of)
        near = neighbourhoods(cosine, article_of, CANDIDATE_COSINE)
        backed = support({pair: min(claim[pair], 1.0) for pair in pairs}, article_of)
        plain = self.score(pairs)
        rows = []
        for i, j in pairs:
            a, b = self.sentences[i].info, self.sentences[j].info
            content_overlap, numbers_clash, rare_words = self._parts[(i, j)]
            rows.append(
                [
                    min(claim[(i, j)], 1.0),
                    plain[(i, j)],
                    float(shares_specific_quantity(a, b)),
                    float(near[(i, j)].rank),
                    near[(i, j)].margin_low,
                    near[(i, j)].margin_high,
                    abs(places[i] - places[j]),
                    backed[(i, j)],
                    content_overlap,
                    numbers_clash,
                    rare_words,
                    float(agreeing_quantities(a, b)),
                ]
            )
        assert not rows or len(rows[0]) == len(FEATURES)
        return rows

    def story_scores(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """Each pair's score in context when it is a candidate `read_context` scored, its claim
        score otherwise."""
        pairs = list(pairs)
        keys = [(min(pair), max(pair)) for pair in pairs]
        others = [key for key in keys if key not in self._story]
        claim = self.claim_scores(others) if others else {}
        return {
            pair: self._story[key] if key in self._story else claim[key]
            for pair, key in zip(pairs, keys, strict=True)
        }

    def restates(self, first: int, second: int) -> bool:
        """Whether two sentences of one article state the same thing twice (an explainer's
        "Fourteen villages below the dam were evacuated." and, further down, "The authority
        evacuated 14 villages downstream of the dam."): as close as `same_claim_cosine`, a
        paraphrase to the scorer (`CLAIM_THRESHOLD`) and to the scorer and the paraphrase
        reader together (as `compare-pairs` reads a pair), and no number, quotation, speaker,
        name or negation differs. Few pairs of one article come that close, so few reach the
        reader."""
        key = (min(first, second), max(first, second))
        if key not in self._restates:
            self._restates[key] = self._restatement(*key)
        return self._restates[key]

    def _restatement(self, first: int, second: int) -> bool:
        if any(
            len(self.sentences[index].info.content) < RESTATEMENT_WORDS for index in (first, second)
        ):
            return False
        if self._cosine(first, second) < self.same_claim_cosine:
            return False
        plain = self.one(first, second)
        if plain < CLAIM_THRESHOLD:
            return False
        a, b = self.sentences[first].info, self.sentences[second].info
        if conflict_kinds(a, b):
            return False
        scores, threshold = read_together(np.asarray([plain]), [(a.text, b.text)], full=self.full)
        return float(scores[0]) >= threshold

    def _cosine(self, first: int, second: int) -> float:
        return float(self.sentences[first].vector @ self.sentences[second].vector)

    def _masked(self, index: int) -> SentenceInfo:
        if index not in self._masked_cache:
            info = self.sentences[index].info
            text = info.text
            for quantity in sorted(info.quantities, key=lambda q: -q.start):
                text = text[: quantity.start] + "NUMBER" + text[quantity.end :]
            self._masked_cache[index] = sentence_info(text)
        return self._masked_cache[index]

    def features(self, first: int, second: int, *, masked: bool = False) -> list[float]:
        a, b = self.sentences[first], self.sentences[second]
        cosine = self._cosine(first, second)
        info_a = self._masked(first) if masked else a.info
        info_b = self._masked(second) if masked else b.info
        row = pair_features(info_a, info_b, cosine, self.corpus)
        if self.full and a.tokens is not None and b.tokens is not None:
            row += token_features(self._tokens(first), self._tokens(second))
        return row

    def _tokens(self, index: int) -> np.ndarray:
        """A sentence's token vectors as float32, converted once while TOKEN_CACHE_BYTES last."""
        found = self._tokens_cache.get(index)
        if found is None:
            tokens = self.sentences[index].tokens
            assert tokens is not None
            found = tokens.astype(np.float32)
            if self._tokens_cache_bytes + found.nbytes <= TOKEN_CACHE_BYTES:
                self._tokens_cache[index] = found
                self._tokens_cache_bytes += found.nbytes
        return found


_forked_scorer: PairScorer | None = None  # the scorer a forked process computes features for
_forking = threading.Lock()


def _forked_rows(part: tuple[list[tuple[int, int]], bool]) -> list[list[float]]:
    pairs, masked = part
    assert _forked_scorer is not None
    return [_forked_scorer.features(i, j, masked=masked) for i, j in pairs]


def candidate_pairs(
    sentences: Sequence[StorySentence], neighbours: int = NEIGHBOURS
) -> set[tuple[int, int]]:
    """Pairs (i < j) from different articles where one is among the other's nearest."""
    if len(sentences) < 2:
        return set()
    vectors = np.stack([sentence.vector for sentence in sentences]).astype(np.float32)
    articles = np.asarray([sentence.ref.article_id for sentence in sentences])
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(sentences), CHUNK):
        block = vectors[start : start + CHUNK] @ vectors.T
        same_article = articles[start : start + CHUNK, None] == articles[None, :]
        block[same_article] = -1.0
        count = min(neighbours, block.shape[1])
        nearest = np.argpartition(-block, count - 1, axis=1)[:, :count]
        for offset, row in enumerate(nearest):
            i = start + offset
            for j in row:
                if block[offset, j] >= CANDIDATE_COSINE:
                    pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs


def mutual_closest(
    sentences: Sequence[StorySentence], pairs: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The pairs (i < j) where j is i's closest sentence in j's article and i is j's closest in
    i's, among the candidate pairs (so no article pair is compared in full)."""
    best: dict[tuple[int, int], tuple[float, int]] = {}  # (sentence, other article) -> best
    for i, j in pairs:
        cosine = float(sentences[i].vector @ sentences[j].vector)
        for mine, other in ((i, j), (j, i)):
            key = (mine, sentences[other].ref.article_id)
            if key not in best or cosine > best[key][0]:
                best[key] = (cosine, other)
    return {
        (min(i, j), max(i, j))
        for (i, article), (_, j) in best.items()
        if best.get((j, sentences[i].ref.article_id), (0.0, -1))[1] == i
        and sentences[j].ref.article_id == article
    }


def group_claims(
    sentences: Sequence[StorySentence], scorer: PairScorer | None = None
) -> list[list[int]]:
    """Claims as lists of sentence indices; every sentence is in exactly one claim."""
    scorer = scorer or PairScorer(sentences)
    scores = scorer.read_context(candidate_pairs(sentences))
    cluster_of = list(range(len(sentences)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(sentences))}
    for (i, j), probability in sorted(scores.items(), key=lambda item: -item[1]):
        if probability < scorer.threshold:
            break
        a, b = cluster_of[i], cluster_of[j]
        if a == b or not _can_merge(sentences, scorer, members[a], members[b]):
            continue
        members[a].extend(members.pop(b))
        for index in members[a]:
            cluster_of[index] = a
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])


def _can_merge(
    sentences: Sequence[StorySentence], scorer: PairScorer, first: list[int], second: list[int]
) -> bool:
    shared = {sentences[i].ref.article_id for i in first} & {
        sentences[j].ref.article_id for j in second
    }
    if shared and not _restated(sentences, scorer, first, second, shared):
        return False
    if len(first) == 1 and len(second) == 1:
        return True
    pairs = [
        (i, j)
        for i in first
        for j in second
        if sentences[i].ref.article_id != sentences[j].ref.article_id
    ]
    scores = scorer.story_scores(pairs)
    return float(np.mean(list(scores.values()))) >= scorer.link_average


def _restated(
    sentences: Sequence[StorySentence],
    scorer: PairScorer,
    first: list[int],
    second: list[int],
    shared: set[int],
) -> bool:
    """Every sentence of an article that both clusters have (`shared`) restates one of that
    article's sentences in the other cluster."""
    for mine, theirs in ((first, second), (second, first)):
        for i in mine:
            article = sentences[i].ref.article_id
            if article not in shared:
                continue
            same = [j for j in theirs if sentences[j].ref.article_id == article]
            if not any(scorer.restates(i, j) for j in same):
                return False
    return True


def shares_specific_quantity(first: SentenceInfo, second: SentenceInfo) -> bool:
    """Both give one and the same quantity that is unlikely to recur by chance."""
    return any(
        comparable(a, b) and compatible(a, b) and _near(a, b) and _specific(a) and _specific(b)
        for a in first.quantities
        for b in second.quantities
    )


def agreeing_quantities(first: SentenceInfo, second: SentenceInfo) -> int:
    """How many pairs of the two sentences' quantities say the same of one kind of thing."""
    return sum(
        comparable(a, b) and compatible(a, b) for a in first.quantities for b in second.quantities
    )


def _near(first: Quantity, second: Quantity) -> bool:
    """Agreeing quantities that name about one value: "more than 40" and 46, not "more than
    400" and 600, which agree only as a bound does with anything above it."""
    a, b = _finite(first), _finite(second)
    if a is None or b is None or a <= 0 or b <= 0:
        return True
    return max(a, b) / min(a, b) <= BOUND_REACH


def _finite(quantity: Quantity) -> float | None:
    if math.isfinite(quantity.low) and math.isfinite(quantity.high):
        return quantity.value
    ends = [end for end in (quantity.low, quantity.high) if math.isfinite(end)]
    return ends[0] if ends else None


def _specific(quantity: Quantity) -> bool:
    if quantity.kind == "weekday":
        return False
    if quantity.kind == "date":
        return quantity.parts[2] is not None  # a day, not a bare year or month
    if quantity.kind == "time":
        return quantity.parts[2] not in {None, 0}  # 10:40, not the round hours many things share
    if quantity.kind == "duration":
        return quantity.value >= WEEK_MINUTES  # "11 weeks" of fighting; not "48 hours"
    return quantity.kind != "count" or not quantity.value.is_integer() or quantity.value > 12
