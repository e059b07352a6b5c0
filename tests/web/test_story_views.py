"""The story list, the story page and its htmx partials (progress, claim list, claim panel)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from claims.models import Claim, Entity, Sentence, Story
from tests.factories import make_article, make_story
from tests.web.conftest import HTMX, BridgeStory, build_bridge_story

pytestmark = pytest.mark.django_db


def page_of(client: Client, url: str, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_fragment(html: str) -> None:
    assert "<html" not in html and "<body" not in html


# --- the story list ---------------------------------------------------------------------------


def test_the_story_list_counts_claims_by_status_and_review(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    bridge.number_claim.mark_disputed(by=editor, note="Union says 44.")
    make_story(slug="empty", title="Nothing yet")
    html = page_of(editor_client, "/")
    row = re.search(r'<tr data-story="bridge">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = row.group(1)
    assert "Bridge reopens" in cells
    assert '<td class="num">3</td>' in cells  # articles
    assert "2 conflicting" in cells and "2 single source" in cells and "1 corroborated" in cells
    assert "1 of 5" in cells  # reviewed
    assert '<svg class="status-bar"' in cells
    empty = re.search(r'<tr data-story="empty">(.*?)</tr>', html, re.S)
    assert empty is not None and "No claims yet" in empty.group(1)
    assert 'href="/stories/new/"' in html


def test_the_story_list_says_what_to_do_when_there_are_no_stories(editor_client: Client) -> None:
    html = page_of(editor_client, "/")
    assert "No stories yet." in html and "Start one" in html


# --- the story page ---------------------------------------------------------------------------


def test_the_story_page_shows_one_pane_per_article_with_its_details(
    editor_client: Client, bridge: BridgeStory
) -> None:
    html = page_of(editor_client, "/stories/bridge/")
    assert html.count('<article class="pane') == 3
    for outlet, headline in (("City Wire", "Bridge reopens"), ("The Courier", "Bridge back")):
        assert outlet in html and headline in html
    assert "Rewrite of City Wire (93% alike)" in html
    assert html.count('<svg class="status-bar"') == 6  # overview and pane heads
    assert "0</strong> of 5 claims reviewed" in html
    for fmt in ("md", "pdf", "claimreview", "json"):
        assert f'href="/stories/bridge/export/{fmt}/"' in html
    assert 'data-entity-id="' in html and "Ada Quist" in html and "also “Mayor Ada Quist”" in html


def test_every_sentence_carries_its_claim_and_status(
    editor_client: Client, bridge: BridgeStory
) -> None:
    html = page_of(editor_client, "/stories/bridge/")
    hooks = re.findall(
        r'data-sentence-id="(\d+)" data-claim-id="(\d*)" data-status="([a-z_]*)"', html
    )
    sentences = Sentence.objects.filter(article__story=bridge.story).select_related("claim")
    assert len(hooks) == sentences.count() == 10
    expected = {str(s.pk): (str(s.claim_id), s.claim.status) for s in sentences if s.claim}
    assert {sid: (cid, status) for sid, cid, status in hooks} == expected
    number = bridge.number_claim
    in_panes = re.findall(rf'data-sentence-id="\d+" data-claim-id="{number.pk}"', html)
    assert len(in_panes) == 3


def test_statuses_are_told_by_icon_and_label_not_colour_alone(
    editor_client: Client, bridge: BridgeStory
) -> None:
    html = page_of(editor_client, "/stories/bridge/")
    conflicting = re.search(r'<a [^>]*data-status="conflicting"[^>]*>(.*?)</a>', html, re.S)
    assert conflicting is not None
    assert "⚠" in conflicting.group(1)
    assert '<span class="visually-hidden">Conflicting: </span>' in conflicting.group(1)
    assert "Single source: </span>" in html and "Corroborated: </span>" in html


def test_claim_list_items_carry_claim_status_and_review(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    bridge.single_claim.mark_verified(by=editor)
    html = page_of(editor_client, "/stories/bridge/")
    items = re.findall(
        r'<li id="claim-(\d+)" class="claim-item[^"]*" data-claim-id="(\d+)" '
        r'data-status="([a-z_]+)" data-review="([a-z]+)"',
        html,
    )
    assert len(items) == 5
    reviews = {int(claim_id): review for _, claim_id, _, review in items}
    assert reviews[bridge.single_claim.pk] == "verified"
    assert reviews[bridge.number_claim.pk] == "unreviewed"


def test_an_editor_sees_review_buttons_for_the_open_claim(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.number_claim
    html = page_of(editor_client, f"/stories/bridge/?claim={claim.pk}")
    assert f'data-panel-claim="{claim.pk}"' in html
    assert 'data-action="verify"' in html and 'data-action="dispute"' in html
    assert f'action="/stories/bridge/claims/{claim.pk}/review/"' in html
    assert f'hx-post="/stories/bridge/claims/{claim.pk}/review/"' in html
    assert 'name="expected_count" value="0"' in html
    assert html.count("is-selected") >= 4  # three sentences and the list item


def test_the_claim_panel_shows_differing_numbers_side_by_side(
    editor_client: Client, bridge: BridgeStory
) -> None:
    html = page_of(editor_client, f"/stories/bridge/?claim={bridge.number_claim.pk}")
    assert "The numbers differ</strong>: 40 vs 44 workers" in html
    assert '<span class="highlight">40 workers helped</span>' in html
    assert '<span class="highlight">44 workers helped</span>' in html
    assert '<mark class="mark-number">40</mark>' in html


def test_the_claim_panel_diffs_the_words_of_a_changed_quote(
    editor_client: Client, bridge: BridgeStory
) -> None:
    html = page_of(editor_client, f"/stories/bridge/?claim={bridge.quote_claim.pk}")
    assert "The quotation differs" in html
    quote = re.findall(r'<p class="side-quote">(.*?)</p>', html, re.S)
    assert quote[0] == "“We are proud of the crews,”"
    assert "<ins>so</ins>" in quote[1] and "<del>the</del>" in quote[1]
    assert "<ins>every</ins>" in quote[1] and "<del>crews,</del>" in quote[1]


def test_the_claim_panel_says_when_copied_wording_counts_once(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.claim_of(bridge.wire, 0)  # wire, local paper and the wire's rewrite
    full = f"/stories/bridge/?claim={claim.pk}"
    partial = f"/stories/bridge/claims/{claim.pk}/"
    assert "3 articles, 2 independent sources." in page_of(editor_client, full)
    assert "data-copied-wording" not in page_of(editor_client, partial, headers=HTMX)
    # What the engine stores when the local paper copied the wire's passage word for word
    Claim.objects.filter(pk=claim.pk).update(independent_sources=1)
    for html in (page_of(editor_client, full), page_of(editor_client, partial, headers=HTMX)):
        assert "3 articles, 1 independent source." in html
        assert "data-copied-wording" in html


def test_the_claim_panel_shows_the_review_history(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    claim = bridge.number_claim
    claim.mark_disputed(by=editor, note="Union says 44.")
    claim.mark_verified(by=editor, note="Payroll shows 40.")
    html = page_of(editor_client, f"/stories/bridge/?claim={claim.pk}")
    history = html[html.index('<ol class="history"') :]
    first, second = history.index("Payroll shows 40."), history.index("Union says 44.")
    assert first < second  # newest first
    assert 'marked it <span class="review-tag review-verified">verified</span>' in history
    assert "(was disputed)" in history and "(was unreviewed)" in history


def test_choosing_an_entity_without_javascript_marks_its_sentences(
    editor_client: Client, bridge: BridgeStory
) -> None:
    entity = Entity.objects.get(story=bridge.story)
    html = page_of(editor_client, f"/stories/bridge/?entity={entity.pk}")
    marked = re.findall(r'class="sentence [^"]*is-marked[^"]*" [^>]*data-sentence-id="(\d+)"', html)
    assert len(marked) == 2
    assert 'aria-pressed="true"' in html


def test_a_story_before_its_analysis_shows_the_text_and_a_polling_progress_bar(
    editor_client: Client,
) -> None:
    story = make_story(slug="fresh", title="Fresh story")
    make_article(story, "First line of the text.\n\nSecond paragraph here.", outlet="Wire")
    Story.objects.filter(pk=story.pk).update(
        analysis_state="running", analysis_stage="Embedding sentences: Wire", analysis_done=2,
        analysis_total=4,
    )  # fmt: skip
    html = page_of(editor_client, "/stories/fresh/")
    assert "Second paragraph here." in html
    progress = re.search(r'<div id="analysis-progress"[^>]*>', html)
    assert progress is not None
    assert 'hx-get="/stories/fresh/progress/?reload=1"' in progress.group(0)
    assert 'hx-trigger="every 2s"' in progress.group(0)
    assert "Embedding sentences: Wire" in html and 'value="50"' in html and "Step 3 of 4" in html


def test_an_article_the_analysis_could_not_read_says_why(
    editor_client: Client, bridge: BridgeStory
) -> None:
    from claims.models import Article

    Article.objects.filter(pk=bridge.local.pk).update(analysis_error="ValueError: no text left")
    Story.objects.filter(pk=bridge.story.pk).update(
        analysis_error="1 article could not be analysed; the others were. local.txt: ValueError"
    )
    html = page_of(editor_client, "/stories/bridge/")
    assert "1 article could not be analysed; the others were." in html
    assert "This article could not be analysed: ValueError: no text left" in html


def test_an_unknown_story_is_a_404_in_plain_words(editor_client: Client) -> None:
    response = editor_client.get("/stories/nope/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


# --- the progress partial ---------------------------------------------------------------------


def test_the_progress_partial_keeps_polling_while_the_analysis_runs(
    editor_client: Client,
) -> None:
    story = make_story(slug="busy")
    Story.objects.filter(pk=story.pk).update(analysis_state="queued")
    html = page_of(editor_client, "/stories/busy/progress/", headers=HTMX)
    assert_fragment(html)
    assert html.lstrip().startswith('<div id="analysis-progress"')
    assert 'hx-trigger="every 2s"' in html and "Waiting for a worker" in html


def test_the_progress_partial_stops_polling_and_reloads_when_done(editor_client: Client) -> None:
    make_story(slug="done")
    Story.objects.filter(slug="done").update(analysis_state="analyzed")
    response = editor_client.get("/stories/done/progress/?reload=1", headers=HTMX)
    html = response.content.decode()
    assert_fragment(html)
    assert "hx-trigger" not in html
    assert response.headers["HX-Refresh"] == "true"
    quiet = editor_client.get("/stories/done/progress/", headers=HTMX)
    assert "HX-Refresh" not in quiet.headers


def test_a_re_analysis_that_ends_offers_the_new_results_without_reloading(
    editor_client: Client, bridge: BridgeStory
) -> None:
    response = editor_client.get("/stories/bridge/progress/", headers=HTMX)
    assert "HX-Refresh" not in response.headers
    html = response.content.decode()
    assert 'The analysis is done. <a href="/stories/bridge/">Show the new results</a>' in html


def test_an_editor_can_ask_for_the_analysis_again(
    editor_client: Client, bridge: BridgeStory
) -> None:
    response = editor_client.post("/stories/bridge/analyze/", follow=True)
    assert response.redirect_chain == [("/stories/bridge/", 302)]
    assert "The analysis has been asked for again." in response.content.decode()
    story = Story.objects.get(slug="bridge")
    assert (story.analysis_state, story.analysis_generation) == ("queued", 1)


def test_our_own_article_comes_first_and_says_so(
    editor_client: Client, bridge: BridgeStory
) -> None:
    from claims.models import Article

    Article.objects.filter(pk=bridge.local.pk).update(ours=True)
    html = page_of(editor_client, "/stories/bridge/")
    panes = re.findall(r'<article class="pane[^"]*" id="pane-(\d+)"', html)
    assert panes[0] == str(bridge.local.pk)
    assert '<article class="pane pane-ours"' in html and "Our article" in html


def test_the_progress_partial_without_htmx_goes_to_the_story(editor_client: Client) -> None:
    make_story(slug="plain")
    response = editor_client.get("/stories/plain/progress/")
    assert response.status_code == 302 and response.url == "/stories/plain/"


def test_a_failed_analysis_says_why(editor_client: Client) -> None:
    make_story(slug="broken")
    Story.objects.filter(slug="broken").update(
        analysis_state="failed", analysis_error="wire.txt: no sentences"
    )
    html = page_of(editor_client, "/stories/broken/")
    assert "The analysis failed: wire.txt: no sentences" in html


# --- the claim list partial -------------------------------------------------------------------


def test_the_claim_list_partial_filters_by_status_and_review(
    editor_client: Client, bridge: BridgeStory, editor: Any
) -> None:
    bridge.quote_claim.mark_verified(by=editor)
    response = editor_client.get(
        "/stories/bridge/claims/?status=conflicting&review=unreviewed", headers=HTMX
    )
    html = response.content.decode()
    assert_fragment(html)
    assert html.lstrip().startswith('<div id="claim-list"')
    shown = re.findall(r'data-claim-id="(\d+)"', html)
    assert shown == [str(bridge.number_claim.pk)]
    assert response.headers["HX-Replace-Url"] == (
        "/stories/bridge/?status=conflicting&review=unreviewed"
    )


def test_the_claim_filter_works_without_javascript(
    editor_client: Client, bridge: BridgeStory
) -> None:
    response = editor_client.get("/stories/bridge/claims/?status=single_source")
    assert response.status_code == 302
    assert response.url == "/stories/bridge/?status=single_source"
    html = page_of(editor_client, response.url)
    listed = re.findall(r'<li id="claim-\d+" class="claim-item status-([a-z_]+)', html)
    assert listed == ["single_source", "single_source"]
    assert '<option value="single_source" selected>Single source (2)</option>' in html


def test_a_filter_that_matches_nothing_says_so(editor_client: Client, bridge: BridgeStory) -> None:
    html = page_of(editor_client, "/stories/bridge/claims/?review=disputed", headers=HTMX)
    assert "No claim matches this filter." in html


def test_a_nonsense_filter_value_is_ignored(editor_client: Client, bridge: BridgeStory) -> None:
    html = page_of(editor_client, "/stories/bridge/?status=bogus&review=42&claim=x")
    assert html.count('<li id="claim-') == 5


# --- the claim panel partial ------------------------------------------------------------------


def test_the_claim_panel_partial_is_a_fragment(editor_client: Client, bridge: BridgeStory) -> None:
    claim = bridge.number_claim
    html = page_of(editor_client, f"/stories/bridge/claims/{claim.pk}/", headers=HTMX)
    assert_fragment(html)
    assert f'data-panel-claim="{claim.pk}"' in html
    assert "Where they differ" in html and "All 3 sentences of this claim" in html
    assert "Seen before" in html


def test_a_number_conflict_shows_the_article_that_differs_first(
    editor_client: Client, bridge: BridgeStory
) -> None:
    """City Wire and Daily Echo say 40 workers, The Courier 44: The Courier leads, and the
    two that agree follow in reading order."""
    claim = bridge.number_claim
    ids = list(claim.sentences.order_by("article_id").values_list("pk", flat=True))
    claim.conflicts = [{**claim.conflicts[0], "sentences": ids}]  # all three, as the engine does
    claim.save(update_fields=["conflicts"])
    html = page_of(editor_client, f"/stories/bridge/claims/{claim.pk}/", headers=HTMX)
    differ = html[html.index("Where they differ") : html.index("All 3 sentences")]
    outlets = re.findall(r'<p class="side-outlet"><a [^>]*>([^<]+)</a>', differ)
    assert outlets == ["The Courier", "City Wire", "Daily Echo"]


def test_the_claim_panel_without_htmx_opens_the_story_page_on_it(
    editor_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.number_claim
    response = editor_client.get(f"/stories/bridge/claims/{claim.pk}/")
    assert response.status_code == 302
    assert response.url == f"/stories/bridge/?claim={claim.pk}"


def test_a_claim_of_another_story_is_not_found(editor_client: Client, bridge: BridgeStory) -> None:
    other = build_bridge_story(slug="other", title="Other")
    response = editor_client.get(f"/stories/bridge/claims/{other.number_claim.pk}/", headers=HTMX)
    assert response.status_code == 404
