"""`export SLUG --format json|md|pdf|claimreview [-o FILE]` and the pasted-text service."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from claims.analysis.types import Claim as EngineClaim
from claims.analysis.types import Conflict, SentenceRef, StoryAnalysis
from claims.models import Article, Story
from claims.services import article_segment, story_ingest_text, story_store_analysis

pytestmark = pytest.mark.django_db

PASTED = """Ferry service resumes after storm

Author: Mina Holt

KESTREL BAY (Coastal Wire) – The ferry resumed on Tuesday with 12 crossings. \
"We are back," the operator said.
"""
OTHER = "The ferry resumed Tuesday with 14 crossings. The pier cafe stayed shut."


@pytest.fixture
def analysed_story(editor: Any) -> Story:
    story, _ = story_ingest_text(slug="ferry", text=PASTED, title="Ferry returns")
    _, results = story_ingest_text(slug="ferry", text=OTHER)
    first = story.articles.get(source="pasted text", author="Mina Holt")
    second = results[0].article
    for article in (first, second):
        article_segment(article=article)
    refs = [SentenceRef(first.pk, 0), SentenceRef(second.pk, 0)]
    claims = [
        EngineClaim(
            members=tuple(refs),
            status="conflicting",
            independent_sources=2,
            conflicts=(Conflict("number", "12 vs 14 crossings", tuple(refs)),),
        ),
        EngineClaim(
            members=(SentenceRef(first.pk, 1),), status="single_source", independent_sources=1
        ),
        EngineClaim(
            members=(SentenceRef(second.pk, 1),), status="single_source", independent_sources=1
        ),
    ]
    story_store_analysis(
        story=story, result=StoryAnalysis(segments={}, embeddings={}, claims=claims)
    )
    story.claims.get(status="conflicting").mark_disputed(by=editor, note="Timetable says 12.")
    return story


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_pasted_text_follows_the_txt_rules() -> None:
    story, results = story_ingest_text(slug="ferry", text=PASTED)
    article = results[0].article
    assert (article.title, article.author) == ("Ferry service resumes after storm", "Mina Holt")
    assert article.body.startswith("The ferry resumed on Tuesday")
    again = story_ingest_text(slug="ferry", text=PASTED)[1][0]
    assert not again.created and story.articles.count() == 1


def test_json_export_keeps_the_contract(analysed_story: Story) -> None:
    data = json.loads(export("ferry", "--format", "json"))
    assert set(data) == {"story", "articles", "claims", "entities"}
    assert data["story"]["slug"] == "ferry"
    article_keys = {"id", "source", "outlet", "title", "author", "published", "ours",
                    "derived_from", "derived_score"}  # fmt: skip
    assert all(set(article) == article_keys for article in data["articles"])
    conflicting = next(c for c in data["claims"] if c["status"] == "conflicting")
    assert set(conflicting) == {"id", "status", "independent_sources", "review", "conflicts",
                                "sentences"}  # fmt: skip
    assert conflicting["review"]["state"] == "disputed"
    assert conflicting["review"]["note"] == "Timetable says 12."
    assert conflicting["review"]["by"] == "ed"
    assert conflicting["conflicts"][0]["kind"] == "number"
    sentence_ids = [s["id"] for s in conflicting["sentences"]]
    assert conflicting["conflicts"][0]["sentences"] == sentence_ids
    bodies = {a.pk: a.body for a in Article.objects.all()}
    for sentence in conflicting["sentences"]:
        assert bodies[sentence["article"]][sentence["start"] : sentence["end"]] == sentence["text"]


def test_markdown_memo_puts_conflicts_first_with_the_verdict(analysed_story: Story) -> None:
    memo = export("ferry", "--format", "md")
    assert memo.startswith("# Correction memo: Ferry returns")
    conflicts, single = memo.index("## Conflicts"), memo.index("## Single-source claims")
    assert conflicts < memo.index("12 vs 14 crossings") < single
    assert "Review: disputed by ed" in memo and "Timetable says 12." in memo
    assert "The pier cafe stayed shut." in memo[single:]


def test_pdf_and_claimreview_exports_write_files(analysed_story: Story, tmp_path: Path) -> None:
    pdf = tmp_path / "memo.pdf"
    call_command("export", "ferry", "--format", "pdf", "-o", str(pdf), stderr=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")
    review = json.loads(export("ferry", "--format", "claimreview"))
    (item,) = review["@graph"]
    assert item["@type"] == "ClaimReview"
    assert item["reviewRating"]["alternateName"] == "Disputed"
    assert item["url"].endswith(
        f"/stories/ferry/#claim-{analysed_story.claims.get(status='conflicting').pk}"
    )
    assert len(item["itemReviewed"]["appearance"]) == 2


def test_exporting_an_unknown_story_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="There is no story 'nope'"):
        export("nope", "--format", "json")


def test_the_memo_about_our_article_suggests_the_disputed_correction(
    analysed_story: Story,
) -> None:
    ours = analysed_story.articles.get(author="Mina Holt")
    Article.objects.filter(pk=ours.pk).update(ours=True)
    memo = export("ferry", "--format", "md")
    assert "This memo is about our article" in memo
    assert (
        "Suggested correction (number), as pasted text has it: "
        "The ferry resumed Tuesday with 14 crossings." in memo
    )
    assert "The pier cafe stayed shut." not in memo  # not a claim of our article
