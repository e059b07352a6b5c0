"""The rules the data must keep are database constraints."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from claims.models import Article, Claim, Review, ReviewConflict, ReviewState, Sentence
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db

BODY = "The ferry left at noon. It carried 40 people."


def sentence(article: Article, start: int, end: int, **fields: Any) -> Sentence:
    fields.setdefault("position", Sentence.objects.filter(article=article).count())
    return Sentence.objects.create(
        article=article,
        start=start,
        end=end,
        body_length=len(article.body),
        text=article.body[start:end],
        **fields,
    )


def test_the_same_content_is_stored_once_per_story() -> None:
    story = make_story()
    make_article(story, BODY)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(story, BODY, source="copy.txt")
    make_article(make_story("other"), BODY)  # another story may hold the same text
    assert Article.objects.count() == 2


def test_a_story_has_at_most_one_own_article() -> None:
    story = make_story()
    make_article(story, BODY, ours=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(story, "Another text entirely.", ours=True)


def test_an_article_body_cannot_be_empty() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(make_story(), "")


def test_sentence_offsets_must_lie_inside_the_body() -> None:
    article = make_article(make_story(), BODY)
    sentence(article, 0, 23)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sentence.objects.create(
            article=article, position=5, start=30, end=len(BODY) + 5,
            body_length=len(BODY), text="x" * (len(BODY) + 5 - 30),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        sentence(article, 10, 10)


def test_sentence_text_must_match_its_offsets() -> None:
    article = make_article(make_story(), BODY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sentence.objects.create(
            article=article, position=0, start=0, end=5, body_length=len(BODY), text="The ferry"
        )


def test_a_sentence_belongs_to_one_claim_and_only_statements_do() -> None:
    story = make_story()
    article = make_article(story, BODY)
    claim = Claim.objects.create(story=story)
    first = sentence(article, 0, 23, claim=claim)
    assert list(claim.sentences.all()) == [first]
    with pytest.raises(IntegrityError), transaction.atomic():
        sentence(article, 24, len(BODY), kind=Sentence.Kind.HEADING, claim=claim)


def test_reviews_are_a_history_never_overwritten(editor: Any) -> None:
    claim = Claim.objects.create(story=make_story())
    claim.mark_verified(by=editor, note="Matches the council minutes.")
    claim.mark_disputed(by=editor, note="The minutes were amended.")
    history = list(claim.reviews.values_list("sequence", "previous_state", "state"))
    assert history == [(1, "unreviewed", "verified"), (2, "verified", "disputed")]
    claim.refresh_from_db()
    assert (claim.review_state, claim.review_count) == (ReviewState.DISPUTED, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(claim=claim, sequence=2, state="verified", previous_state="disputed")


def test_a_review_made_against_an_old_state_is_refused_and_says_so(editor: Any) -> None:
    claim = Claim.objects.create(story=make_story())
    claim.mark_verified(by=editor, expected_count=0)
    with pytest.raises(ReviewConflict, match="now verified"):
        claim.mark_disputed(by=editor, expected_count=0)
    assert claim.reviews.count() == 1
