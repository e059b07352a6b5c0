"""`analyze(articles)`: a story's articles in, claims, rewrites and entities out.

Stages: segment each body (unless segments are given), embed every segment (unless embeddings
are given), group the statements into claims, find rewrites, then give each claim its conflicts
and status, and find the entities. With an embedder that gives token vectors (the packaged
model does) the pair scorer uses them too; with stored embeddings and no embedder, the model is
not loaded and the sentence-only scorer is used.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import cast

import numpy as np

from claims.analysis.align import PairScorer, StorySentence, group_claims
from claims.analysis.embed import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    TokenEmbedder,
    get_embedder,
    has_tokens,
)
from claims.analysis.entities import find_entities
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
        found_entities = find_entities(
            {article.id: (article.body, segments[article.id]) for article in articles}, claim_of
        )
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
        analysis = StoryAnalysis(
            segments=segments,
            embeddings=embeddings,
            claims=claims,
            derived=derived,
            entities=found_entities,
            carry_over=mapping,
        )
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
    """Embeddings for every segment, and token vectors for statements when available."""
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
    for done, article in enumerate(articles, start=1):
        texts = [item.text for item in segments[article.id]]
        statements = [i for i, item in enumerate(segments[article.id]) if item.is_claim]
        if with_tokens:
            vectors, token_rows = cast(TokenEmbedder, embedder).encode_with_tokens(texts)
            for index in statements:
                tokens[(article.id, index)] = token_rows[index]
        elif article.id not in embeddings:
            vectors = embedder.encode(texts)
        else:
            continue
        embeddings.setdefault(article.id, vectors.reshape(len(texts), EMBEDDING_DIMENSIONS))
        report("embed", done, len(articles))
    return embeddings, tokens


def _keys(claim: Claim) -> list[tuple[int, int]]:
    return [(ref.article_id, ref.index) for ref in claim.members]


def _claim_order(ids: Sequence[int]) -> Callable[[Claim], tuple[int, int]]:
    """Claims in reading order of the first article that states them."""
    position = {article_id: number for number, article_id in enumerate(ids)}

    def key(claim: Claim) -> tuple[int, int]:
        first = min(claim.members, key=lambda ref: (position[ref.article_id], ref.index))
        return position[first.article_id], first.index

    return key
