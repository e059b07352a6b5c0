"""A claim's conflicts, independent sources and agreement status (DESIGN.md's definitions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from typing import cast

from claims.analysis.align import StorySentence
from claims.analysis.compare import sentence_conflicts
from claims.analysis.sources import origin
from claims.analysis.types import (
    Claim,
    ClaimStatus,
    Conflict,
    ConflictKind,
    Derivation,
    SentenceRef,
)

CONFLICT_KINDS: tuple[ConflictKind, ...] = ("number", "quote", "attribution", "entity", "negation")


def claim_status(conflicts: Sequence[Conflict], independent_sources: int) -> ClaimStatus:
    if conflicts:
        return "conflicting"
    return "corroborated" if independent_sources >= 2 else "single_source"


def independent_sources(
    articles: set[int],
    derived: Mapping[int, Derivation],
    copied: Iterable[tuple[int, int]] = (),
) -> int:
    """How many originals stand behind these articles: a rewrite counts as its original, and
    two articles joined by `copied` (pairs of article ids: one copied the other's sentence)
    as one."""
    parent = {source: source for source in (origin(article, derived) for article in articles)}

    def root(source: int) -> int:
        while parent[source] != source:
            source = parent[source]
        return source

    for first, second in copied:
        if first in articles and second in articles:
            parent[root(origin(first, derived))] = root(origin(second, derived))
    return len({root(source) for source in parent})


def build_claim(
    members: Sequence[int],
    sentences: Sequence[StorySentence],
    derived: Mapping[int, Derivation],
    copied: Set[tuple[int, int]] = frozenset(),
) -> Claim:
    """A claim from sentence indices: its conflicts, notes, sources and status. `copied`
    holds statement pairs (i < j) of copied passages (`sources.find_sources`)."""
    found: dict[tuple[str, str], set[SentenceRef]] = {}
    for position, i in enumerate(members):
        for j in members[position + 1 :]:
            a, b = sentences[i], sentences[j]
            if a.ref.article_id == b.ref.article_id:
                continue
            for difference in sentence_conflicts(a.info, b.info):
                found.setdefault((difference.kind, difference.detail), set()).update({a.ref, b.ref})
    conflicts = tuple(
        Conflict(kind=cast(ConflictKind, kind), detail=detail, members=tuple(sorted(refs)))
        for (kind, detail), refs in found.items()
        if kind in CONFLICT_KINDS
    )
    notes = tuple(f"{kind}: {detail}" for kind, detail in found if kind not in CONFLICT_KINDS)
    refs = tuple(sorted(sentences[i].ref for i in members))
    copies = [
        (sentences[i].ref.article_id, sentences[j].ref.article_id)
        for position, i in enumerate(members)
        for j in members[position + 1 :]
        if (min(i, j), max(i, j)) in copied
    ]
    sources = independent_sources({ref.article_id for ref in refs}, derived, copies)
    return Claim(
        members=refs,
        status=claim_status(conflicts, sources),
        independent_sources=sources,
        conflicts=conflicts,
        notes=notes,
    )
