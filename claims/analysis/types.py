"""Typed values that go in and out of the analysis engine.

Everything here is a plain frozen dataclass: the Django side maps these onto its models
(Sentence, Claim, Entity, Mention) and never the other way round.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

SentenceKind = Literal["statement", "heading", "byline", "dateline", "boilerplate"]
ClaimStatus = Literal["corroborated", "single_source", "conflicting"]
ConflictKind = Literal["number", "quote", "attribution", "entity", "negation"]
PairVerdict = Literal["agree", "conflict", "unrelated"]


@dataclass(frozen=True)
class Segment:
    """A span of an article body; `text == body[start:end]` always holds."""

    start: int
    end: int
    text: str
    kind: SentenceKind

    @property
    def is_claim(self) -> bool:
        """Only statements take part in claims; the other kinds are kept as plain text."""
        return self.kind == "statement"


@dataclass(frozen=True)
class ArticleText:
    """One article as the engine sees it.

    `segments` and `embeddings` may be passed in when they were computed and stored before
    (one embedding row per segment, in segment order); otherwise the engine computes them.
    """

    id: int
    body: str
    segments: list[Segment] | None = None
    embeddings: np.ndarray | None = None
    published: date | None = None
    title: str = ""
    outlet: str = ""


@dataclass(frozen=True, order=True)
class SentenceRef:
    """One sentence of the story: an article and the index of a segment in that article."""

    article_id: int
    index: int


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    detail: str
    members: tuple[SentenceRef, ...]


@dataclass(frozen=True)
class Claim:
    """Sentences that state the same thing. `notes` are differences that are not conflicts,
    such as a name spelled two ways ("spelling: Caine / Kane")."""

    members: tuple[SentenceRef, ...]
    status: ClaimStatus
    independent_sources: int
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def article_ids(self) -> frozenset[int]:
        return frozenset(member.article_id for member in self.members)


@dataclass(frozen=True)
class Derivation:
    """`article_id` is a rewrite or copy of `derived_from_id`; `score` in [0, 1]."""

    article_id: int
    derived_from_id: int
    score: float


@dataclass(frozen=True)
class Mention:
    article_id: int
    segment_index: int
    start: int  # character offsets into the article body
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT
    aliases: tuple[str, ...]
    mentions: tuple[Mention, ...]

    @property
    def article_ids(self) -> tuple[int, ...]:
        return tuple(sorted({mention.article_id for mention in self.mentions}))


SentenceKey = tuple[int, int, int]  # (article id, start, end): a sentence across re-analyses


@dataclass(frozen=True)
class CarryOver:
    """How the claims of an earlier analysis map onto the new one (see `review.carry_over`).

    `matched` maps an old claim's key to the index of the new claim its review follows;
    `unmatched` lists old claims that fit no new claim: their reviews are kept and flagged.
    """

    matched: dict[Hashable, int]
    scores: dict[Hashable, float]
    unmatched: tuple[Hashable, ...]


@dataclass(frozen=True)
class StoryAnalysis:
    """What `analyze()` returns for a story.

    `segments` and `embeddings` are given back per article id so the caller can store what
    the engine computed; `claims` cover every statement segment exactly once.
    """

    segments: dict[int, list[Segment]]
    embeddings: dict[int, np.ndarray]
    claims: list[Claim]
    derived: dict[int, Derivation] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    carry_over: CarryOver | None = None

    def segment_of(self, ref: SentenceRef) -> Segment:
        return self.segments[ref.article_id][ref.index]

    def sentence_keys(self, claim: Claim) -> frozenset[SentenceKey]:
        return frozenset(
            (ref.article_id, self.segment_of(ref).start, self.segment_of(ref).end)
            for ref in claim.members
        )
