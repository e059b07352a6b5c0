"""A claim's conflicts, independent sources and agreement status (DESIGN.md's definitions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def independent_sources(articles: set[int], derived: Mapping[int, Derivation]) -> int:
    """How many originals stand behind these articles (a rewrite counts as its original)."""
    return len({origin(article, derived) for article in articles})


def build_claim(
    members: Sequence[int], sentences: Sequence[StorySentence], derived: Mapping[int, Derivation]
) -> Claim:
    """A claim from sentence indices: its conflicts, notes, sources and status."""
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
    sources = independent_sources({ref.article_id for ref in refs}, derived)
    return Claim(
        members=refs,
        status=claim_status(conflicts, sources),
        independent_sources=sources,
        conflicts=conflicts,
        notes=notes,
    )
