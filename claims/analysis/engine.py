"""`analyze(articles)`: a story's articles in, claims, rewrites and entities out.

Stages: segment each body (unless segments are given), embed every segment (unless embeddings
are given), group the statements into claims, find rewrites, then give each claim its conflicts
and status, and find the entities. With an embedder that gives token vectors (the packaged
model does) the pair scorer uses them too; with stored embeddings and no embedder, the model is
not loaded and the sentence-only scorer is used. Each text is encoded at most once: stored
embeddings are used as they are, and only the statements' token vectors are asked for.

spaCy's named-entity pass needs only the sentences, so it runs in a forked side process
(`NamePass`) while this process embeds and groups: the two halves of the work use both cores.
A caller that knows the bodies before it embeds them (the whole analysis in one process,
`claims.services.story_analyze`) starts the pass itself, before embedding; otherwise
`analyze` starts it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from typing import cast

import numpy as np
from threadpoolctl import threadpool_limits

from claims.analysis.align import PairScorer, StorySentence, group_claims
from claims.analysis.embed import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    TokenEmbedder,
    get_embedder,
    has_tokens,
)
from claims.analysis.entities import (
    NAMED_KINDS,
    Names,
    find_entities,
    ner_loaded,
    sentence_names,
)
from claims.analysis.features import sentence_info
from claims.analysis.review import carry_over
from claims.analysis.segment import segment
from claims.analysis.side import gathered, lasting_pool
from claims.analysis.sources import find_sources
from claims.analysis.status import build_claim
from claims.analysis.types import (
    ArticleText,
    Claim,
    Derivation,
    Segment,
    SentenceKey,
    SentenceRef,
    StoryAnalysis,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SIDE_PARTS = 12  # the named-entity pass goes to the side process in this many parts


def analyze(
    articles: Sequence[ArticleText],
    *,
    embedder: Embedder | None = None,
    previous: Mapping[Hashable, Collection[SentenceKey]] | None = None,
    progress: Progress | None = None,
    entities: bool = True,
    names: NamePass | None = None,
) -> StoryAnalysis:
    """Analyse a story. `previous` maps old claim keys to their sentence keys; the result's
    `carry_over` then tells which new claim each old review follows. `names` is a name pass
    the caller started over the same articles (sentences it did not cover are done here)."""
    report = progress or (lambda stage, done, total: None)
    ids = [article.id for article in articles]
    if len(set(ids)) != len(ids):
        raise ValueError("article ids must be unique")
    segments = {article.id: _segments(article) for article in articles}
    report("segment", len(articles), len(articles))
    texts = {article.id: (article.body, segments[article.id]) for article in articles}
    # the name pass and the pair features' side process run beside this one, each process
    # with one BLAS thread (two each would fight for the cores and spin)
    with threadpool_limits(limits=1, user_api="blas"), contextlib.ExitStack() as stack:
        if entities and names is None:
            names = stack.enter_context(NamePass([texts[article.id] for article in articles]))
        embeddings, tokens = embed_segments(articles, segments, embedder, report)
        sentences, article_sentences = story_sentences(articles, segments, embeddings, tokens)
        claims, derived = story_claims(
            articles, sentences, article_sentences, PairScorer(sentences), report
        )
        found_entities = []
        if entities:
            claim_of = {ref: number for number, claim in enumerate(claims) for ref in _keys(claim)}
            found = names.names() if names is not None else {}
            found_entities = find_entities(texts, claim_of, found)
            report("entities", len(found_entities), len(found_entities))
    analysis = StoryAnalysis(
        segments=segments,
        embeddings=embeddings,
        claims=claims,
        derived=derived,
        entities=found_entities,
    )
    if previous is not None:
        mapping = carry_over(previous, [analysis.sentence_keys(claim) for claim in claims])
        analysis = dataclasses.replace(analysis, carry_over=mapping)
    return analysis


def _segments(article: ArticleText) -> list[Segment]:
    if article.segments is None:
        return segment(article.body)
    for item in article.segments:
        if article.body[item.start : item.end] != item.text:
            raise ValueError(f"article {article.id}: a segment does not match the body")
    return list(article.segments)


def story_claims(
    articles: Sequence[ArticleText],
    sentences: Sequence[StorySentence],
    article_sentences: Mapping[int, Sequence[int]],
    scorer: PairScorer,
    progress: Progress | None = None,
) -> tuple[list[Claim], dict[int, Derivation]]:
    """Group the statements into claims, find the rewrites, and give each claim its conflicts
    and status; the claims in reading order."""
    report = progress or (lambda stage, done, total: None)
    ids = [article.id for article in articles]
    report("align", 0, len(sentences))
    groups = group_claims(sentences, scorer)
    report("align", len(sentences), len(sentences))
    derived, copied = find_sources(
        article_sentences, scorer, {a.id: a.published for a in articles}, order=ids
    )
    claims = [build_claim(group, sentences, derived, copied) for group in groups]
    claims.sort(key=_claim_order(ids))
    report("compare", len(claims), len(claims))
    return claims, derived


def story_sentences(
    articles: Sequence[ArticleText],
    segments: Mapping[int, list[Segment]],
    embeddings: Mapping[int, np.ndarray],
    tokens: Mapping[tuple[int, int], np.ndarray],
) -> tuple[list[StorySentence], dict[int, list[int]]]:
    """The statements of every article in order, and each article's statement indices."""
    sentences: list[StorySentence] = []
    article_sentences: dict[int, list[int]] = {article.id: [] for article in articles}
    for article in articles:
        for index, item in enumerate(segments[article.id]):
            if not item.is_claim:
                continue
            article_sentences[article.id].append(len(sentences))
            sentences.append(
                StorySentence(
                    SentenceRef(article.id, index),
                    sentence_info(item.text),
                    embeddings[article.id][index],
                    tokens.get((article.id, index)),
                )
            )
    return sentences, article_sentences


def embed_segments(
    articles: Sequence[ArticleText],
    segments: Mapping[int, list[Segment]],
    embedder: Embedder | None,
    report: Progress | None = None,
) -> tuple[dict[int, np.ndarray], dict[tuple[int, int], np.ndarray]]:
    """Embeddings for every segment, and token vectors for statements when available.

    Stored embeddings are used as they are; with a token embedder only the statements' token
    vectors are asked for (the embedder hands over those it kept when it made the stored
    vectors in this process). Everything is encoded in one call, so each text once."""
    embeddings: dict[int, np.ndarray] = {}
    missing: list[ArticleText] = []
    for article in articles:
        stored = article.embeddings
        if stored is not None and stored.shape == (
            len(segments[article.id]),
            EMBEDDING_DIMENSIONS,
        ):
            embeddings[article.id] = np.asarray(stored, dtype=np.float32)
        else:
            missing.append(article)
    if missing and embedder is None:
        embedder = get_embedder()
    tokens: dict[tuple[int, int], np.ndarray] = {}
    if embedder is None:
        return embeddings, tokens
    with_tokens = has_tokens(embedder)
    wanted: list[tuple[int, int]] = []  # (article id, segment index) to encode
    for article in articles:
        for index, item in enumerate(segments[article.id]):
            if article.id not in embeddings or (with_tokens and item.is_claim):
                wanted.append((article.id, index))
    texts = [segments[article_id][index].text for article_id, index in wanted]
    if with_tokens:
        vectors, token_rows = cast(TokenEmbedder, embedder).encode_with_tokens(texts)
    else:
        vectors, token_rows = embedder.encode(texts), []
    for article in missing:
        embeddings[article.id] = np.zeros(
            (len(segments[article.id]), EMBEDDING_DIMENSIONS), dtype=np.float32
        )
    fresh = {article.id for article in missing}
    for number, (article_id, index) in enumerate(wanted):
        if article_id in fresh:
            embeddings[article_id][index] = vectors[number]
        if with_tokens and segments[article_id][index].is_claim:
            tokens[(article_id, index)] = token_rows[number]
    if report is not None:
        report("embed", len(articles), len(articles))
    return embeddings, tokens


class NamePass:
    """spaCy's names in a story's statements and headings, found in a forked side process
    (`side.lasting_pool`, which keeps spaCy loaded from story to story) while this process
    does other work; on a thread where a process cannot be forked.

    Made from the articles' bodies with their segments, or with None to have the side process
    split a body itself (the split is deterministic, so a caller can start the pass before the
    articles are split and embedded). Create it before starting threads: the side process is
    forked at once. The work goes over in SIDE_PARTS parts; `names()` takes back those the side
    process has not started when spaCy is loaded here too, and redoes here a part whose process
    died. Sentences the pass did not cover are done by `find_entities`. Use it as a context
    manager, or `close()` it.
    """

    def __init__(self, articles: Sequence[tuple[str, Sequence[Segment] | None]]) -> None:
        self._parts = _parts(articles, SIDE_PARTS)
        lasting = lasting_pool()
        try:
            self._pool: Executor = lasting or ThreadPoolExecutor(max_workers=1)
            self._futures = [self._pool.submit(_names_in, part) for part in self._parts]
        except BrokenExecutor:  # it died since the last story: a new one
            self._pool = lasting_pool() or ThreadPoolExecutor(max_workers=1)
            self._futures = [self._pool.submit(_names_in, part) for part in self._parts]
        self._owned = lasting is None

    def names(self) -> dict[str, Names]:
        """Every part's names, by sentence text."""
        found: dict[str, Names] = {}
        for names in gathered(_names_in, self._parts, self._futures, take_back=ner_loaded()):
            found.update(names)
        return found

    def close(self) -> None:
        """Cancel the parts not started (a part under way finishes in the side process)."""
        for future in self._futures:
            future.cancel()
        if self._owned:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> NamePass:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_Body = tuple[str, Sequence[Segment] | None]


def _names_in(articles: Sequence[_Body]) -> dict[str, Names]:
    texts = []
    for body, segments in articles:
        try:
            pieces = segment(body) if segments is None else segments
        except Exception:  # the article's own preparation fails on it and reports it
            continue
        texts += [item.text for item in pieces if item.kind in NAMED_KINDS]
    return sentence_names(texts)


def _parts(articles: Sequence[_Body], count: int) -> list[list[_Body]]:
    """The articles in `count` runs of about equal length, in order."""
    total = sum(len(body) for body, _ in articles)
    parts: list[list[_Body]] = [[]]
    done = 0
    for article in articles:
        if parts[-1] and done >= total * len(parts) / count:
            parts.append([])
        parts[-1].append(article)
        done += len(article[0])
    return parts


def _keys(claim: Claim) -> list[tuple[int, int]]:
    return [(ref.article_id, ref.index) for ref in claim.members]


def _claim_order(ids: Sequence[int]) -> Callable[[Claim], tuple[int, int]]:
    """Claims in reading order of the first article that states them."""
    position = {article_id: number for number, article_id in enumerate(ids)}

    def key(claim: Claim) -> tuple[int, int]:
        first = min(claim.members, key=lambda ref: (position[ref.article_id], ref.index))
        return position[first.article_id], first.index

    return key
