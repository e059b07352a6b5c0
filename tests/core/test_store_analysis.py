"""Storing an analysis: claims follow their sentences, and no review is ever dropped."""

from __future__ import annotations

from typing import Any

import pytest

from claims.analysis.types import (
    Claim as EngineClaim,
)
from claims.analysis.types import (
    Conflict,
    Derivation,
    SentenceRef,
    StoryAnalysis,
)
from claims.analysis.types import (
    Entity as EngineEntity,
)
from claims.analysis.types import (
    Mention as EngineMention,
)
from claims.models import Article, Claim, Entity, Sentence, Story
from claims.services import article_segment, match_claims, story_store_analysis
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db

WIRE = "The bridge reopened on Monday. Traffic was light. Officials said 40 workers helped."
LOCAL = "The bridge reopened Monday. Officials said 44 workers helped. A fair followed."


@pytest.fixture
def story() -> Story:
    story = make_story()
    for body, source in ((WIRE, "wire.txt"), (LOCAL, "local.txt")):
        article_segment(article=make_article(story, body, source=source))
    return story


def ref(article: Article, index: int) -> SentenceRef:
    return SentenceRef(article.pk, index)


def analysis(story: Story, groups: list[list[tuple[str, int]]], **extra: Any) -> StoryAnalysis:
    articles = {a.source: a for a in story.articles.all()}
    claims = []
    for members in groups:
        refs = tuple(ref(articles[source], index) for source, index in members)
        sources = {source for source, _ in members}
        claims.append(
            EngineClaim(
                members=refs,
                status="corroborated" if len(sources) > 1 else "single_source",
                independent_sources=len(sources),
            )
        )
    return StoryAnalysis(segments={}, embeddings={}, claims=claims, **extra)


ALL_SEPARATE = [[("wire.txt", 0)], [("wire.txt", 1)], [("wire.txt", 2)],
                [("local.txt", 0)], [("local.txt", 1)], [("local.txt", 2)]]  # fmt: skip
GROUPED = [[("wire.txt", 0), ("local.txt", 0)], [("wire.txt", 1)],
           [("wire.txt", 2), ("local.txt", 1)], [("local.txt", 2)]]  # fmt: skip


def test_every_statement_belongs_to_exactly_one_stored_claim(story: Story) -> None:
    story_store_analysis(story=story, result=analysis(story, GROUPED))
    assert Claim.objects.filter(story=story).count() == 4
    assert not Sentence.objects.filter(article__story=story, claim__isnull=True).exists()
    reopened = Sentence.objects.get(article__source="wire.txt", position=0).claim
    assert reopened is not None
    assert {s.article.source for s in reopened.sentences.all()} == {"wire.txt", "local.txt"}
    assert reopened.status == "corroborated"


def test_conflicts_derivations_and_entities_are_stored_with_sentence_ids(story: Story) -> None:
    wire, local = Article.objects.get(source="wire.txt"), Article.objects.get(source="local.txt")
    base = analysis(story, GROUPED)
    conflicting = EngineClaim(
        members=(ref(wire, 2), ref(local, 1)), status="conflicting", independent_sources=2,
        conflicts=(Conflict("number", "40 vs 44", (ref(wire, 2), ref(local, 1))),),
    )  # fmt: skip
    officials = EngineEntity(
        name="Officials", kind="ORG", aliases=("officials",),
        mentions=(EngineMention(wire.pk, 2, 50, 59, "Officials"),),
    )  # fmt: skip
    result = StoryAnalysis(
        segments={}, embeddings={},
        claims=[base.claims[0], base.claims[1], conflicting, base.claims[3]],
        derived={local.pk: Derivation(local.pk, wire.pk, 0.8)}, entities=[officials],
    )  # fmt: skip
    story_store_analysis(story=story, result=result)
    stored = Claim.objects.get(status="conflicting")
    sentence_ids = [
        Sentence.objects.get(article=wire, position=2).pk,
        Sentence.objects.get(article=local, position=1).pk,
    ]
    assert stored.conflicts == [{"kind": "number", "detail": "40 vs 44", "sentences": sentence_ids}]
    local.refresh_from_db()
    assert (local.derived_from_id, local.derived_score) == (wire.pk, 0.8)
    mention = Entity.objects.get(story=story).mentions.get()
    assert wire.body[mention.start : mention.end] == "Officials"


def test_a_verdict_follows_its_claim_through_a_re_analysis(story: Story, editor: Any) -> None:
    story_store_analysis(story=story, result=analysis(story, GROUPED))
    reviewed = Sentence.objects.get(article__source="wire.txt", position=0).claim
    assert reviewed is not None
    reviewed.mark_verified(by=editor, note="Council notice confirms Monday.")
    regrouped = [*GROUPED[:1], [("wire.txt", 1), ("local.txt", 2)], *GROUPED[2:3]]
    story_store_analysis(story=story, result=analysis(story, regrouped))
    again = Sentence.objects.get(article__source="wire.txt", position=0).claim
    assert again is not None and again.pk == reviewed.pk
    assert again.review_state == "verified"
    assert again.reviews.get().note == "Council notice confirms Monday."


def test_a_split_claim_keeps_its_review_on_one_half(story: Story, editor: Any) -> None:
    story_store_analysis(story=story, result=analysis(story, GROUPED))
    reviewed = Sentence.objects.get(article__source="wire.txt", position=2).claim
    assert reviewed is not None
    reviewed.mark_disputed(by=editor, note="Union says 44.")
    story_store_analysis(story=story, result=analysis(story, ALL_SEPARATE))
    kept = Claim.objects.current().get(pk=reviewed.pk)
    assert kept.sentences.count() == 1
    assert kept.sentences.get().text.startswith("Officials said 4")
    assert kept.review_state == "disputed"
    assert Claim.objects.current().filter(story=story).count() == 6


def test_a_review_that_no_longer_fits_is_kept_and_flagged(story: Story, editor: Any) -> None:
    story_store_analysis(story=story, result=analysis(story, GROUPED))
    reviewed = Sentence.objects.get(article__source="wire.txt", position=2).claim
    assert reviewed is not None
    reviewed.mark_disputed(by=editor, note="Union says 44.")
    unreviewed = Sentence.objects.get(article__source="wire.txt", position=1).claim
    scattered = [
        [("wire.txt", 0), ("wire.txt", 2), ("local.txt", 0)],
        [("wire.txt", 1), ("local.txt", 1), ("local.txt", 2)],
    ]
    story_store_analysis(story=story, result=analysis(story, scattered))
    kept = Claim.objects.get(pk=reviewed.pk)
    assert kept.retired_at is not None
    assert not kept.sentences.exists()
    assert [s["text"] for s in kept.retired_sentences] == [
        "Officials said 40 workers helped.",
        "Officials said 44 workers helped.",
    ]
    assert kept.reviews.get().note == "Union says 44."
    assert unreviewed is not None and not Claim.objects.filter(pk=unreviewed.pk).exists()
    assert Claim.objects.current().filter(story=story).count() == 2
    assert not Sentence.objects.filter(article__story=story, claim__isnull=True).exists()


def test_claims_are_matched_one_to_one_by_sentence_overlap() -> None:
    old = {10: {1, 2}, 11: {3}, 12: {4, 5, 6}}
    new = [{1, 2, 7}, {3}, {4}, {9}]
    assert match_claims(old, new) == {0: 10, 1: 11}
