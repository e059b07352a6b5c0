"""`analyze(articles)`: a story's articles in, claims, rewrites and entities out.

Stages: segment each body (unless segments are given), embed every segment (unless embeddings
are given), group the statements into claims, find rewrites, then give each claim its conflicts
and status, and find the entities. With an embedder that gives token vectors (the packaged
model does) the pair scorer uses them too; with stored embeddings and no embedder, the model is
not loaded and the sentence-only scorer is used. Each text is encoded at most once: stored
embeddings are used as they are, and only the statements' token vectors are asked for.

spaCy's named-entity pass needs only the segments, so it runs in a forked side process (in
parts; parts it has not started when the grouping is done are taken back) while this process
embeds and groups: the two halves of the work use both cores.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from typing import Any, cast

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
from claims.analysis.entities import find_entities, name_mentions, ner_loaded
from claims.analysis.features import sentence_info
from claims.analysis.review import carry_over
from claims.analysis.segment import segment
from claims.analysis.sources import find_derived
from claims.analysis.status import build_claim
from claims.analysis.types import (
    ArticleText,
    Claim,
    Segment,
    SentenceKey,
    SentenceRef,
    StoryAnalysis,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SIDE_PARTS = 8  # the named-entity pass goes to the side process in this many parts


def analyze(
    articles: Sequence[ArticleText],
    *,
    embedder: Embedder | None = None,
    previous: Mapping[Hashable, Collection[SentenceKey]] | None = None,
    progress: Progress | None = None,
    entities: bool = True,
) -> StoryAnalysis:
    """Analyse a story. `previous` maps old claim keys to their sentence keys; the result's
    `carry_over` then tells which new claim each old review follows."""
    report = progress or (lambda stage, done, total: None)
    ids = [article.id for article in articles]
    if len(set(ids)) != len(ids):
        raise ValueError("article ids must be unique")
    segments = {article.id: _segments(article) for article in articles}
    report("segment", len(articles), len(articles))
    texts = {article.id: (article.body, segments[article.id]) for article in articles}
    # spaCy needs only the segments: it runs in another process while claims are grouped, each
    # side with one BLAS thread (two each would fight for the cores and spin)
    with threadpool_limits(limits=1, user_api="blas"), _side_worker() as pool:
        parts = _parts(texts, SIDE_PARTS) if entities else []
        side = [pool.submit(name_mentions, part) for part in parts]
        embeddings, tokens = _embed(articles, segments, embedder, report)
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
        scorer = PairScorer(sentences)
        report("align", 0, len(sentences))
        groups = group_claims(sentences, scorer)
        report("align", len(sentences), len(sentences))
        derived = find_derived(
            article_sentences, scorer, {a.id: a.published for a in articles}, order=ids
        )
        claims = [build_claim(group, sentences, derived) for group in groups]
        claims.sort(key=_claim_order(ids))
        report("compare", len(claims), len(claims))
        found_entities = []
        if entities:
            claim_of = {ref: number for number, claim in enumerate(claims) for ref in _keys(claim)}
            found_entities = find_entities(texts, claim_of, _gathered(side, parts))
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


def _embed(
    articles: Sequence[ArticleText],
    segments: Mapping[int, list[Segment]],
    embedder: Embedder | None,
    report: Progress,
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
    report("embed", len(articles), len(articles))
    return embeddings, tokens


def _parts(
    texts: Mapping[int, tuple[str, list[Segment]]], count: int
) -> list[dict[int, tuple[str, list[Segment]]]]:
    """The articles in `count` runs of about equal numbers of segments, in order."""
    total = sum(len(segments) for _, segments in texts.values())
    parts: list[dict[int, tuple[str, list[Segment]]]] = [{}]
    done = 0
    for article_id, text in texts.items():
        if done >= total * len(parts) / count:
            parts.append({})
        parts[-1][article_id] = text
        done += len(text[1])
    return parts


def _gathered(side: list[Future[list[Any]]], parts: list[Any]) -> list[Any]:
    """The name mentions of every part, in order. Parts the side process has not started are
    taken back and done here, when spaCy is loaded in this process too."""
    mentions: list[list[Any]] = [[] for _ in parts]
    taken = set()
    if ner_loaded():
        for number in reversed(range(len(parts))):
            if side[number].cancel():
                mentions[number] = name_mentions(parts[number])
                taken.add(number)
    for number, future in enumerate(side):
        if number not in taken:
            try:
                mentions[number] = future.result()
            except BrokenExecutor:  # the side process died (killed, out of memory): redo here
                mentions[number] = name_mentions(parts[number])
    return [mention for part in mentions for mention in part]


def _side_worker() -> Executor:
    """A forked process for work that can run beside the grouping (the GIL would keep a thread
    from using the other core); a thread where a process cannot be forked, as in a daemonic
    process (a Celery prefork worker's child may not have children of its own)."""
    if (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    ):
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=threadpool_limits,
            initargs=(1, "blas"),
        )
    return ThreadPoolExecutor(max_workers=1)


def _keys(claim: Claim) -> list[tuple[int, int]]:
    return [(ref.article_id, ref.index) for ref in claim.members]


def _claim_order(ids: Sequence[int]) -> Callable[[Claim], tuple[int, int]]:
    """Claims in reading order of the first article that states them."""
    position = {article_id: number for number, article_id in enumerate(ids)}

    def key(claim: Claim) -> tuple[int, int]:
        first = min(claim.members, key=lambda ref: (position[ref.article_id], ref.index))
        return position[first.article_id], first.index

    return key
