"""HTML pages: main text through trafilatura, metadata from the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from claims.ingest import IngestError, parse_path, parse_text


def test_html_fields(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("page.html"))
    assert article.title == "Four hurt as crane collapses at Port Ellis"
    assert article.author == "Priya Lindqvist"
    assert article.published == date(2025, 3, 14)
    assert article.outlet == "The Lakeside Ledger"
    assert article.url == ""
    assert article.encoding == "utf-8"
    assert article.metadata["description"] == "A quay crane folded onto a cargo ship at Port Ellis."


def test_html_body_is_main_text_only(fixture_path: Callable[[str], Path]) -> None:
    body = parse_path(fixture_path("page.html")).body
    assert body.startswith("A container crane collapsed onto a cargo ship at the north quay")
    assert "“We are looking at every bolt,” harbour authority spokeswoman Dana Vell said" in body
    for noise in ("SCRIPT-NOISE", "NAV-NOISE", "FOOTER-NOISE", "COMMENT-NOISE", "color: red", "<"):
        assert noise not in body
    assert "Four hurt as crane collapses" not in body


def test_html_paragraphs_are_separated_by_blank_lines(fixture_path: Callable[[str], Path]) -> None:
    body = parse_path(fixture_path("page.html")).body
    assert len(body.split("\n\n")) == 4


def test_html_without_article_text() -> None:
    page = (
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    with pytest.raises(IngestError, match="has no article text") as caught:
        parse_text(page, source="menu.html", fmt="html")
    assert str(caught.value).startswith("menu.html ")
    assert "\n" not in str(caught.value)


def test_html_canonical_url_and_site_fallback() -> None:
    page = (
        "<html><head><title>Quay reopens</title>"
        "<link rel='canonical' href='https://www.quaytimes.example/news/reopens'></head>"
        "<body><article><p>The north quay reopened on Tuesday after a week of repairs, "
        "the harbour authority said in a statement.</p>"
        "<p>Ships queued outside the breakwater overnight waiting for berths.</p>"
        "</article></body></html>"
    )
    article = parse_text(page, source="saved.html", fmt="html")
    assert article.url == "https://www.quaytimes.example/news/reopens"
    assert article.outlet == "quaytimes.example"
    assert article.body.startswith("The north quay reopened on Tuesday")


def test_a_longer_headline_that_starts_with_the_page_title_is_the_title() -> None:
    page = (
        "<html><head><title>Quay repairs explained</title></head><body><article>"
        "<h1>Quay repairs explained: what closes and for how long</h1>"
        "<p>The north quay reopened on Tuesday after a week of repairs, "
        "the harbour authority said in a statement.</p>"
        "<p>Ships queued outside the breakwater overnight waiting for berths.</p>"
        "</article></body></html>"
    )
    article = parse_text(page, source="explainer.html", fmt="html")
    assert article.title == "Quay repairs explained: what closes and for how long"
    assert article.body.startswith("The north quay reopened on Tuesday")


def test_the_pages_own_headline_worded_otherwise_than_its_title_is_the_title() -> None:
    page = (
        "<html><head><title>The quay repairs explained | Harbour Guides</title>"
        "<meta property='og:title' content='The quay repairs explained'></head><body>"
        "<article><h1>North quay repairs: what closes and for how long</h1>"
        "<p>The north quay reopened on Tuesday after a week of repairs, "
        "the harbour authority said in a statement.</p>"
        "<p>Ships queued outside the breakwater overnight waiting for berths.</p>"
        "</article></body></html>"
    )
    article = parse_text(page, source="explainer.html", fmt="html")
    assert article.title == "North quay repairs: what closes and for how long"
    assert article.metadata["page_title"] == "The quay repairs explained"
    assert article.body.startswith("The north quay reopened on Tuesday")


def test_a_first_paragraph_that_only_starts_with_the_title_words_stays_in_the_body() -> None:
    page = (
        "<html><head><title>Quay</title></head><body><article>"
        "<p>Quay workers walked out on Tuesday after a week of talks failed, "
        "the union said in a statement.</p>"
        "<p>Ships queued outside the breakwater overnight waiting for berths.</p>"
        "</article></body></html>"
    )
    article = parse_text(page, source="quay.html", fmt="html")
    assert article.title == "Quay"
    assert article.body.startswith("Quay workers walked out on Tuesday")
