"""The export buttons: Markdown and PDF memos, ClaimReview JSON-LD and JSON, as downloads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.web.conftest import BridgeStory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(bridge: BridgeStory, editor: Any) -> BridgeStory:
    bridge.number_claim.mark_disputed(by=editor, note="Union says 44.")
    return bridge


def download(client: Client, fmt: str, content_type: str, filename: str) -> bytes:
    response = client.get(f"/stories/bridge/export/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.content


def test_the_markdown_memo_downloads_with_the_verdicts(
    viewer_client: Client, reviewed: BridgeStory
) -> None:
    memo = download(viewer_client, "md", "text/markdown; charset=utf-8", "bridge-memo.md").decode()
    assert memo.startswith("# Correction memo: Bridge reopens")
    assert "Review: disputed by ed" in memo and "Union says 44." in memo


def test_the_pdf_memo_downloads(viewer_client: Client, reviewed: BridgeStory) -> None:
    assert download(viewer_client, "pdf", "application/pdf", "bridge-memo.pdf").startswith(b"%PDF")


def test_claimreview_and_json_download(viewer_client: Client, reviewed: BridgeStory) -> None:
    claimreview = json.loads(
        download(viewer_client, "claimreview", "application/ld+json", "bridge-claimreview.jsonld")
    )
    (item,) = claimreview["@graph"]
    assert item["reviewRating"]["alternateName"] == "Disputed"
    story = json.loads(download(viewer_client, "json", "application/json", "bridge-story.json"))
    assert story["story"]["slug"] == "bridge" and len(story["claims"]) == 5


def test_an_unknown_export_is_not_found(editor_client: Client, bridge: BridgeStory) -> None:
    assert editor_client.get("/stories/bridge/export/docx/").status_code == 404
