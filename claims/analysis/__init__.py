"""The Newsdesk analysis engine: plain Python over typed dataclasses, no Django.

    from claims.analysis import ArticleText, analyze
    result = analyze([ArticleText(id=1, body=...), ArticleText(id=2, body=...)])

See `engine.analyze` for the stages; `segment.segment`, `embed.get_embedder`,
`pairs.compare_pair` and `review.carry_over` are usable on their own.
"""

from claims.analysis.embed import EMBEDDING_DIMENSIONS, Embedder, get_embedder
from claims.analysis.engine import analyze
from claims.analysis.pairs import compare_pair, compare_pairs
from claims.analysis.review import carry_over
from claims.analysis.segment import segment
from claims.analysis.types import (
    ArticleText,
    CarryOver,
    Claim,
    Conflict,
    Derivation,
    Entity,
    Mention,
    Segment,
    SentenceRef,
    StoryAnalysis,
)

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "ArticleText",
    "CarryOver",
    "Claim",
    "Conflict",
    "Derivation",
    "Embedder",
    "Entity",
    "Mention",
    "Segment",
    "SentenceRef",
    "StoryAnalysis",
    "analyze",
    "carry_over",
    "compare_pair",
    "compare_pairs",
    "get_embedder",
    "segment",
]
