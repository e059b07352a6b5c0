"""Every page needs a login; viewers read but change nothing; every change carries CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Article, Review, Story
from tests.web.conftest import HTMX, BridgeStory

pytestmark = pytest.mark.django_db


def read_urls(bridge: BridgeStory) -> list[str]:
    claim = bridge.number_claim.pk
    return [
        "/",
        "/stories/new/",
        "/stories/bridge/",
        "/stories/bridge/add/",
        "/stories/bridge/progress/",
        "/stories/bridge/claims/",
        f"/stories/bridge/claims/{claim}/",
        *(f"/stories/bridge/export/{fmt}/" for fmt in ("md", "pdf", "claimreview", "json")),
    ]


def change_requests(bridge: BridgeStory) -> list[tuple[str, dict[str, Any]]]:
    claim = bridge.number_claim.pk
    text = "Late edition\n\nThe bridge closed again on Tuesday."
    return [
        ("/stories/new/", {"title": "Sneaky", "text": text}),
        ("/stories/bridge/add/", {"text": text}),
        ("/stories/bridge/analyze/", {}),
        (f"/stories/bridge/claims/{claim}/review/", {"action": "verify", "expected_count": 0}),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(bridge: BridgeStory) -> None:
    client = Client()
    for url in read_urls(bridge):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next="), url
    for url, data in change_requests(bridge):
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert not Review.objects.exists()


def test_an_anonymous_htmx_request_sends_the_whole_page_to_the_login(bridge: BridgeStory) -> None:
    response = Client().get(
        f"/stories/bridge/claims/{bridge.number_claim.pk}/",
        headers={**HTMX, "HX-Current-URL": "http://testserver/stories/bridge/"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/accounts/login/?next=%2Fstories%2Fbridge%2F"


def test_a_viewer_reads_every_page_but_those_that_change_things(
    viewer_client: Client, bridge: BridgeStory
) -> None:
    for url in read_urls(bridge):
        response = viewer_client.get(url, headers=HTMX if "claims/" in url else {})
        expected = 403 if url.endswith(("/new/", "/add/")) else (302 if "progress" in url else 200)
        assert response.status_code == expected, url


def test_a_viewer_gets_403_on_every_change_and_nothing_changes(
    viewer_client: Client, bridge: BridgeStory
) -> None:
    articles, stories = Article.objects.count(), Story.objects.count()
    for url, data in change_requests(bridge):
        for headers in ({}, HTMX):
            response = viewer_client.post(url, data, headers=headers)
            assert response.status_code == 403, url
            html = response.content.decode()
            assert "You can read stories but not change them." in html
            assert ("<html" in html) == (not headers)
    upload = SimpleUploadedFile("extra.txt", b"Extra\n\nThe bridge closed again on Tuesday.")
    response = viewer_client.post("/stories/new/", {"title": "Sneaky", "uploads": [upload]})
    assert response.status_code == 403
    assert (Article.objects.count(), Story.objects.count()) == (articles, stories)
    assert not Review.objects.exists()
    assert Story.objects.get(slug="bridge").analysis_generation == 0


def test_a_viewer_sees_no_review_buttons_or_editing_links(
    viewer_client: Client, bridge: BridgeStory
) -> None:
    claim = bridge.number_claim
    html = viewer_client.get(f"/stories/bridge/?claim={claim.pk}").content.decode()
    assert f'data-panel-claim="{claim.pk}"' in html
    assert "data-action=" not in html and "/review/" not in html
    assert "reviewing claims is for editors" in html
    assert "/stories/new/" not in html and "/stories/bridge/add/" not in html
    assert "/analyze/" not in html and "read only" in html
    panel = viewer_client.get(f"/stories/bridge/claims/{claim.pk}/", headers=HTMX)
    assert "data-action=" not in panel.content.decode()
    listing = viewer_client.get("/").content.decode()
    assert "/stories/new/" not in listing


def test_changes_need_the_csrf_token_that_htmx_sends_in_a_header(
    editor: Any, bridge: BridgeStory
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get("/stories/bridge/").content.decode()
    token = client.cookies["csrftoken"].value
    assert 'hx-headers=\'{"x-csrftoken": "' in page
    url = f"/stories/bridge/claims/{bridge.number_claim.pk}/review/"
    data = {"action": "verify", "expected_count": 0}
    assert client.post(url, data, headers=HTMX).status_code == 403
    assert not Review.objects.exists()
    accepted = client.post(url, data, headers={**HTMX, "X-CSRFToken": token})
    assert accepted.status_code == 200
    assert Review.objects.count() == 1
