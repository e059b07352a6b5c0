"""claims/queries.py: the story page in a fixed number of queries, "seen before" by pgvector,
and the small pieces the pages are built from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.analysis.types import Claim as EngineClaim
from claims.analysis.types import Entity as EngineEntity
from claims.analysis.types import Mention as EngineMention
from claims.analysis.types import SentenceRef, StoryAnalysis
from claims.models import Claim, Sentence, Story
from claims.queries import (
    ClaimFilter,
    free_story_slug,
    paragraphs,
    seen_before,
    status_bar,
    story_rows,
    word_diff,
)
from claims.services import article_segment, story_store_analysis
from tests.factories import make_article, make_story
from tests.web.conftest import HTMX, BridgeStory

pytestmark = pytest.mark.django_db
PAGE_QUERY_LIMIT = 16


def build_large_story(slug: str, sentences_per_article: int) -> Story:
    """Three articles of many sentences; sentence i of each is one claim; one entity in all."""
    story = make_story(slug=slug, title="Large")
    articles = []
    for outlet in ("Wire", "Courier", "Echo"):
        body = "\n\n".join(
            f"{outlet} line {i} says {i + 3} boats sailed at dawn."
            for i in range(sentences_per_article)
        )
        article = make_article(story, body, outlet=outlet, source=f"{outlet}.txt")
        assert article_segment(article=article) == sentences_per_article
        articles.append(article)
    claims = [
        EngineClaim(
            members=tuple(SentenceRef(a.pk, i) for a in articles),
            status="corroborated" if i % 3 else "conflicting",
            independent_sources=3,
        )
        for i in range(sentences_per_article)
    ]
    mentions = tuple(
        EngineMention(a.pk, i, s.start, s.start + len(a.outlet), a.outlet)
        for a in articles
        for i, s in enumerate(a.sentences.order_by("position"))
    )
    entity = EngineEntity(name="Wire", kind="ORG", aliases=(), mentions=mentions)
    story_store_analysis(
        story=story,
        result=StoryAnalysis(segments={}, embeddings={}, claims=claims, entities=[entity]),
    )
    return story


def count_queries(client: Client, url: str, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(queries)


def test_the_story_page_query_count_does_not_grow_with_the_sentences(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    large = build_large_story("large", 60)
    assert Sentence.objects.filter(article__story=large).count() == 180
    big_claim = Claim.objects.filter(story=large).first()
    assert big_claim is not None
    big_claim.mark_verified(by=editor, note="ok")
    bridge.number_claim.mark_verified(by=editor, note="ok")
    # Every sentence has a vector, so "seen before" runs and finds the other story's claim.
    Sentence.objects.update(embedding=unit(1, 0.2))
    editor_client.get("/")  # settle the session

    small_page = count_queries(editor_client, "/stories/bridge/")
    large_page = count_queries(editor_client, "/stories/large/")
    assert small_page == large_page <= PAGE_QUERY_LIMIT

    small_open = count_queries(editor_client, f"/stories/bridge/?claim={bridge.number_claim.pk}")
    large_open = count_queries(editor_client, f"/stories/large/?claim={big_claim.pk}")
    assert small_open == large_open <= PAGE_QUERY_LIMIT
    page = editor_client.get(f"/stories/large/?claim={big_claim.pk}").content.decode()
    assert f'data-seen-claim="{bridge.number_claim.pk}"' in page

    small_panel = count_queries(
        editor_client, f"/stories/bridge/claims/{bridge.number_claim.pk}/", headers=HTMX
    )
    large_panel = count_queries(
        editor_client, f"/stories/large/claims/{big_claim.pk}/", headers=HTMX
    )
    assert small_panel == large_panel

    small_list = count_queries(
        editor_client, "/stories/bridge/claims/?status=conflicting", headers=HTMX
    )
    large_list = count_queries(
        editor_client, "/stories/large/claims/?status=conflicting", headers=HTMX
    )
    assert small_list == large_list


def test_the_story_list_query_count_does_not_grow_with_the_stories(
    editor_client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        build_large_story(f"s{n}", 3)
    with django_assert_max_num_queries(8):
        assert editor_client.get("/").status_code == 200


# --- seen before ------------------------------------------------------------------------------


def unit(*weights: float) -> list[float]:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(weights)] = weights
    return (vector / np.linalg.norm(vector)).tolist()


def one_claim_story(slug: str, text: str, vector: list[float]) -> Claim:
    story = make_story(slug=slug, title=f"Story {slug}")
    article = make_article(story, text, outlet=f"{slug} Post")
    article_segment(article=article)
    story_store_analysis(
        story=story,
        result=StoryAnalysis(
            segments={},
            embeddings={},
            claims=[
                EngineClaim(
                    members=(SentenceRef(article.pk, 0),),
                    status="single_source",
                    independent_sources=1,
                )
            ],
        ),
    )
    Sentence.objects.filter(article=article).update(embedding=vector)
    return Claim.objects.get(story=story)


def panel_sentences(claim: Claim) -> list[Sentence]:
    return list(claim.sentences.select_related("article__story"))


def test_seen_before_finds_the_closest_claims_reviewed_in_other_stories(editor: Any) -> None:
    close = one_claim_story("close", "The mayor resigned on Friday.", unit(1, 0.1))
    closer = one_claim_story("closer", "The mayor quit on Friday.", unit(1, 0.05))
    unreviewed = one_claim_story("unreviewed", "Mayor resigns Friday.", unit(1, 0.01))
    far = one_claim_story("far", "Rain is expected.", unit(0, 1))
    close.mark_verified(by=editor, note="Council minutes.")
    closer.mark_disputed(by=editor, note="She was dismissed, not resigned.")
    far.mark_verified(by=editor)
    assert unreviewed.review_state == "unreviewed"

    current = one_claim_story("today", "The mayor stepped down on Friday.", unit(1, 0))
    same_story_twin = current  # reviewed claims of the same story are not "before"
    same_story_twin.mark_verified(by=editor)

    found = seen_before(current, panel_sentences(current))
    assert [item.claim_id for item in found] == [closer.pk, close.pk]
    first = found[0]
    assert (first.verdict, first.note, first.by) == (
        "Disputed", "She was dismissed, not resigned.", "ed",
    )  # fmt: skip
    assert first.story.slug == "closer" and first.similarity >= 99
    assert first.url == f"/stories/closer/?claim={closer.pk}"


def test_seen_before_is_empty_without_vectors(editor: Any) -> None:
    claim = one_claim_story("novec", "Nothing embedded here.", unit(1))
    Sentence.objects.filter(claim=claim).update(embedding=None)
    assert seen_before(claim, panel_sentences(claim)) == []


def test_the_claim_panel_shows_what_was_seen_before(editor_client: Client, editor: Any) -> None:
    earlier = one_claim_story("earlier", "The mayor resigned on Friday.", unit(1, 0.1))
    earlier.mark_disputed(by=editor, note="Dismissed, per the council.")
    current = one_claim_story("now", "The mayor stepped down on Friday.", unit(1, 0))
    html = editor_client.get(f"/stories/now/claims/{current.pk}/", headers=HTMX).content.decode()
    assert f'data-seen-claim="{earlier.pk}"' in html
    assert 'Disputed</span> in <a href="/stories/earlier/?claim=' in html
    assert "Dismissed, per the council." in html


# --- small pieces -----------------------------------------------------------------------------


def test_paragraphs_follow_the_blank_lines_of_the_body() -> None:
    story = make_story()
    body = "Headline words\n\nFirst one. Second one.\n\nThird one."
    article = make_article(story, body)
    article_segment(article=article)
    sentences = list(article.sentences.order_by("position"))
    from claims.queries import _sentence_view

    views = [_sentence_view(s, {}, None, set()) for s in sentences]
    result = paragraphs(body, sentences, views)
    texts = [[p if isinstance(p, str) else p.text for p in para.pieces] for para in result]
    assert texts[-2:] == [["First one.", " ", "Second one."], ["Third one."]]


def test_text_the_sentences_leave_out_is_still_shown() -> None:
    story = make_story()
    body = "First one.\n\nSecond one."
    article = make_article(story, body)
    article_segment(article=article)
    first = article.sentences.get(position=0)
    from claims.queries import _sentence_view

    view = _sentence_view(first, {}, None, set())
    result = paragraphs(body, [first], [view])
    texts = [[p if isinstance(p, str) else p.text for p in para.pieces] for para in result]
    assert texts == [["First one."], ["Second one."]]


def test_a_word_diff_marks_what_was_removed_and_added() -> None:
    words = word_diff("We are proud of the crews,", "We are so proud of every crew,")
    assert [(w.op, w.text) for w in words if w.op != "same"] == [
        ("added", "so"), ("removed", "the"), ("removed", "crews,"), ("added", "every"),
        ("added", "crew,"),
    ]  # fmt: skip


def test_a_status_bar_splits_100_units_by_count() -> None:
    bar = status_bar({"conflicting": 1, "corroborated": 3})
    assert [(s.status, s.x, s.width) for s in bar.segments] == [
        ("conflicting", "0.000", "25.000"), ("corroborated", "25.000", "75.000"),
    ]  # fmt: skip
    assert bar.description == "1 conflicting, 3 corroborated"
    assert status_bar({}).description == "No claims yet"


def test_story_rows_count_only_current_claims(bridge: BridgeStory, editor: Any) -> None:
    Claim.objects.filter(pk=bridge.single_claim.pk).update(retired_at="2026-01-01T00:00:00Z")
    bridge.number_claim.mark_verified(by=editor)
    (row,) = story_rows()
    assert (row.claims, row.reviewed, row.story.article_count) == (4, 1, 3)  # type: ignore[attr-defined]


def test_a_free_slug_is_made_from_the_title(bridge: BridgeStory) -> None:
    assert free_story_slug("Bridge") == "bridge-2"
    assert free_story_slug("Harbour fire!") == "harbour-fire"
    assert free_story_slug("???") == "story"


def test_a_file_is_named_by_its_file_name_and_a_url_stays_whole() -> None:
    from claims.queries import source_name

    assert source_name("/work/seeds/000_ab.txt") == "000_ab.txt"
    assert source_name("https://example.org/a/b.html") == "https://example.org/a/b.html"
    assert source_name("pasted text") == "pasted text"


def test_a_claim_filter_keeps_its_query_string() -> None:
    claim_filter = ClaimFilter(status="conflicting", review="", claim=7)
    assert claim_filter.query() == "status=conflicting&claim=7"
    assert claim_filter.query(claim=9) == "status=conflicting&claim=9"
