"""Reviewing a claim from the page: verdicts with notes, the history, and two editors at once."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from claims.models import Claim, Review
from tests.factories import make_user
from tests.web.conftest import HTMX, BridgeStory, logged_in

pytestmark = pytest.mark.django_db


def review_url(claim: Claim) -> str:
    return f"/stories/{claim.story.slug}/claims/{claim.pk}/review/"


def test_an_editor_verifies_a_claim_with_a_note_through_htmx(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.number_claim
    response = editor_client.post(
        review_url(claim),
        {"action": "verify", "note": "Payroll shows 40.", "expected_count": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Saved: this claim is now verified." in html
    assert f'data-panel-claim="{claim.pk}" data-review="verified"' in html
    assert "Payroll shows 40." in html  # in the history
    row = re.search(rf'<li id="claim-{claim.pk}"[^>]*>', html)
    assert row is not None
    assert 'hx-swap-oob="true"' in row.group(0) and 'data-review="verified"' in row.group(0)
    assert 'id="review-summary"' in html and "<strong>1</strong> of 5 claims reviewed" in html
    assert json.loads(response.headers["HX-Trigger"]) == {
        "claim-reviewed": {"claim": claim.pk, "review": "verified"}
    }
    claim.refresh_from_db()
    assert (claim.review_state, claim.review_count) == ("verified", 1)
    review = claim.reviews.get()
    assert (review.note, review.by_name, review.previous_state) == (
        "Payroll shows 40.", "ed", "unreviewed",
    )  # fmt: skip


def test_a_review_without_javascript_comes_back_to_the_claim_and_stays(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.quote_claim
    response = editor_client.post(
        review_url(claim),
        {"action": "dispute", "note": "Tape says otherwise.", "expected_count": 0},
    )
    assert response.status_code == 302
    assert response.url == f"/stories/bridge/?claim={claim.pk}#claim-panel"
    html = editor_client.get(response.url).content.decode()
    assert f"Saved: claim {claim.pk} is disputed." in html
    assert f'data-claim-id="{claim.pk}" data-status="conflicting" data-review="disputed"' in html
    assert "Tape says otherwise." in html


def test_every_change_is_kept_in_the_history_from_what_to_what(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.single_claim
    for count, (action, note) in enumerate(
        [("verify", "Seen it."), ("dispute", "Second source denies."), ("reset", "")]
    ):
        response = editor_client.post(
            review_url(claim), {"action": action, "note": note, "expected_count": count},
            headers=HTMX,
        )  # fmt: skip
        assert response.status_code == 200
    history = list(Review.objects.filter(claim=claim).values_list("previous_state", "state"))
    assert history == [
        ("unreviewed", "verified"), ("verified", "disputed"), ("disputed", "unreviewed"),
    ]  # fmt: skip
    html = response.content.decode()
    assert html.count("<li>\n            <p><strong>ed</strong> marked it") == 3


def test_the_second_of_two_editors_is_told_the_claim_changed(
    bridge: BridgeStory, editor: Any
) -> None:
    claim = bridge.number_claim
    first, second = logged_in(editor), logged_in(make_user("kim", editor=True))
    page = first.get(f"/stories/bridge/?claim={claim.pk}").content.decode()
    assert 'name="expected_count" value="0"' in page  # what the first editor saw

    second.post(
        review_url(claim),
        {"action": "dispute", "note": "Union says 44.", "expected_count": 0},
        headers=HTMX,
    )
    stale = first.post(
        review_url(claim),
        {"action": "verify", "note": "Payroll shows 40.", "expected_count": 0},
        headers=HTMX,
    )
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "<html" not in html
    assert "This claim changed since you loaded it." in html
    assert "kim marked it disputed" in html and "Union says 44." in html
    assert "It is now <strong>disputed</strong>" in html
    assert ">Payroll shows 40.</textarea>" in html  # the note is not lost
    assert 'name="expected_count" value="1"' in html  # ready to send again
    claim.refresh_from_db()
    assert claim.review_state == "disputed"
    assert list(claim.reviews.values_list("by_name", flat=True)) == ["kim"]

    again = first.post(
        review_url(claim),
        {"action": "verify", "note": "Payroll shows 40.", "expected_count": 1},
        headers=HTMX,
    )
    assert again.status_code == 200
    assert list(claim.reviews.values_list("by_name", "state")) == [
        ("kim", "disputed"), ("ed", "verified"),
    ]  # fmt: skip


def test_a_stale_review_without_javascript_shows_the_page_with_the_conflict(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    claim = bridge.number_claim
    claim.mark_disputed(by=editor, note="First look.")
    response = editor_client.post(
        review_url(claim), {"action": "verify", "note": "Mine.", "expected_count": 0}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "This claim changed since you loaded it." in html
    assert ">Mine.</textarea>" in html
    assert claim.reviews.count() == 1


def test_a_review_with_no_verdict_is_refused_in_plain_words(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.number_claim
    response = editor_client.post(
        review_url(claim), {"action": "approve", "note": "Hm.", "expected_count": 0}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Choose Verify or Dispute." in response.content.decode()
    assert not claim.reviews.exists()


def test_a_retired_claim_cannot_be_reviewed(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    claim = bridge.single_claim
    Claim.objects.filter(pk=claim.pk).update(retired_at="2026-01-01T00:00:00Z")
    response = editor_client.post(
        review_url(claim), {"action": "verify", "expected_count": 0}, headers=HTMX
    )
    assert response.status_code == 404


def test_a_note_is_limited_to_two_thousand_characters(
    editor_client: Client, bridge: BridgeStory
) -> None:
    response = editor_client.post(
        review_url(bridge.single_claim),
        {"action": "verify", "note": "x" * 2001, "expected_count": 0},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
