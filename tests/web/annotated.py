"""An analysis built from a story's annotation (its gold.json) instead of by the engine.

The page tests need an analysed story whatever state the engine is in. This reads the
annotation's claims, rewrites and entities, finds each annotated snippet among the stored
sentences (segmented for real), and returns the `claims.analysis.types.StoryAnalysis` the
engine would return, for `story_store_analysis` to store. Statements the annotation does not
mention become single-source claims of their own, as the engine makes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claims.analysis.types import Claim as EngineClaim
from claims.analysis.types import Conflict, Derivation, SentenceRef, StoryAnalysis
from claims.analysis.types import Entity as EngineEntity
from claims.analysis.types import Mention as EngineMention
from claims.models import Sentence, Story

DEMO_ANNOTATION = Path(__file__).resolve().parents[2] / "claims" / "demo_story" / "gold.json"


def analysis_from_annotation(story: Story, annotation: Path = DEMO_ANNOTATION) -> StoryAnalysis:
    gold: dict[str, Any] = json.loads(annotation.read_text())
    articles = {Path(a.source).name: a for a in story.articles.all()}
    sentences = {
        name: list(Sentence.objects.filter(article=article).order_by("position"))
        for name, article in articles.items()
    }
    rewrites = {
        articles[copy].pk: articles[original].pk
        for copy, original in gold.get("rewrites", {}).items()
        if copy in articles and original in articles
    }

    def find(name: str, snippet: str) -> SentenceRef | None:
        for sentence in sentences.get(name, []):
            if snippet in sentence.text and sentence.kind == Sentence.Kind.STATEMENT:
                return SentenceRef(sentence.article_id, sentence.position)
        return None

    claims: list[EngineClaim] = []
    used: set[SentenceRef] = set()
    for item in gold["claims"]:
        members = tuple(
            ref
            for name, snippet in item["sentences"]
            if (ref := find(name, snippet)) is not None and ref not in used
        )
        if not members:
            continue
        used.update(members)
        independent = {rewrites.get(ref.article_id, ref.article_id) for ref in members}
        status = item["status"] if len(members) > 1 else "single_source"
        detail = item["note"].split(": ", 1)[0] if ": " in item["note"] else item["note"]
        claims.append(
            EngineClaim(
                members=members,
                status=status,
                independent_sources=len(independent),
                conflicts=tuple(Conflict(kind, detail, members) for kind in item["conflict_kinds"])
                if status == "conflicting"
                else (),
            )
        )
    for name in sorted(sentences):
        for sentence in sentences[name]:
            ref = SentenceRef(sentence.article_id, sentence.position)
            if sentence.kind == Sentence.Kind.STATEMENT and ref not in used:
                claims.append(
                    EngineClaim(members=(ref,), status="single_source", independent_sources=1)
                )

    entities = []
    for item in gold.get("entities", []):
        mentions = []
        for article_sentences in sentences.values():
            for sentence in article_sentences:
                for spelling in sorted({item["name"], *item["aliases"]}, key=len, reverse=True):
                    at = sentence.text.find(spelling)
                    if at >= 0:
                        start = sentence.start + at
                        mentions.append(
                            EngineMention(
                                sentence.article_id,
                                sentence.position,
                                start,
                                start + len(spelling),
                                spelling,
                            )
                        )
                        break
        if mentions:
            entities.append(
                EngineEntity(
                    name=item["name"],
                    kind=item["kind"],
                    aliases=tuple(item["aliases"]),
                    mentions=tuple(mentions),
                )
            )
    return StoryAnalysis(
        segments={},
        embeddings={},
        claims=claims,
        derived={copy: Derivation(copy, original, 0.9) for copy, original in rewrites.items()},
        entities=entities,
    )
