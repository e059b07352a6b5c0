"""Plain-text articles: headline, Author: line, dateline, front matter, Source: line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from claims.ingest import ParsedArticle, parse_path, parse_text

AUTHOR_LINE = re.compile(r"(?im)^[ \t]*authors?[ \t]*:")


def test_headline_author_and_dateline(fixture_path: Callable[[str], Path]) -> None:
    path = fixture_path("headline_author_dateline.txt")
    article = parse_path(path)
    assert article.source == str(path)
    assert article.title == "Crane collapse injures four dock workers at Port Ellis"
    assert article.author == "Mira Okafor"
    assert article.published is None
    assert article.metadata["dateline"] == "PORT ELLIS"
    assert article.metadata["agency"] == "LNS"
    assert article.outlet == "LNS"
    assert article.url == ""
    assert article.encoding == "utf-8"
    assert article.body.startswith("A container crane folded onto a cargo ship")
    assert "PORT ELLIS" not in article.body
    assert article.title not in article.body
    assert not AUTHOR_LINE.search(article.body)


def test_body_keeps_paragraph_breaks_and_characters(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("headline_author_dateline.txt"))
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 3
    assert "“We are looking at every bolt,” spokeswoman Dana Vell" in paragraphs[1]
    assert article.body == article.body.strip()


def test_empty_author_line(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("empty_author.txt"))
    assert article.title == "Union calls for inquiry after Port Ellis crane failure"
    assert article.author == ""
    assert article.outlet == "empty_author"
    assert article.body.startswith("The dockers’ union at Port Ellis demanded")
    assert not AUTHOR_LINE.search(article.body)
    assert "Author" not in article.body


def test_front_matter_in_txt(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("front_matter.txt"))
    assert article.title == "Port Ellis crane was due for replacement, documents show"
    assert article.author == "harbourdesk"
    assert article.published == date(2025, 3, 15)
    assert article.metadata["layout"] == "post"
    assert article.metadata["categories"] == "Local, Business"
    assert article.metadata["image"] == "assets/images/crane-north-quay.jpg"
    assert "title" not in article.metadata
    assert "author" not in article.metadata
    assert "---" not in article.body
    assert "layout:" not in article.body
    assert article.body.startswith("Budget papers published by the harbour authority")


def test_front_matter_body_keeps_trailing_spaces(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("front_matter.txt"))
    assert "would arrive.   \n\nA spokeswoman" in article.body


def test_unparseable_front_matter_date_is_kept_raw() -> None:
    article = parse_text(
        "---\ntitle: Quay report\ndate: sometime in spring\n---\n\nThe quay reopened."
    )
    assert article.published is None
    assert article.metadata["date"] == "sometime in spring"


def test_source_line_sets_url_and_outlet() -> None:
    text = (
        "Source: https://www.portellis-gazette.example/2025/03/crane\n\n"
        "The crane operator was not in the cab when it fell, the gazette reported.\n"
    )
    article = parse_text(text)
    assert article.url == "https://www.portellis-gazette.example/2025/03/crane"
    assert article.outlet == "portellis-gazette.example"
    assert (
        article.body == "The crane operator was not in the cab when it fell, the gazette reported."
    )


def test_leading_blank_lines_without_headline() -> None:
    text = "\n\n\nThe salvage barge arrived on Monday.\nIt lifted the boom by noon.\n\n\n"
    article = parse_text(text)
    assert article.title == ""
    assert article.author == ""
    assert article.body == "The salvage barge arrived on Monday.\nIt lifted the boom by noon."


def test_first_sentence_with_period_is_not_a_headline() -> None:
    article = parse_text("Four workers were hurt.\n\nThe quay is closed.")
    assert article.title == ""
    assert article.body.startswith("Four workers were hurt.")


def test_headline_followed_directly_by_author_line() -> None:
    article = parse_text("Quay reopens\nAuthor: Lea Moss\n\nShips docked again on Tuesday.")
    assert (article.title, article.author) == ("Quay reopens", "Lea Moss")
    assert article.body == "Ships docked again on Tuesday."


def test_crlf_line_endings_are_normalised() -> None:
    article = parse_text("Quay reopens\r\n\r\nShips docked again.\r\nCranes worked.\r\n")
    assert "\r" not in article.body
    assert article.body == "Ships docked again.\nCranes worked."


def test_stray_author_line_in_body_is_removed() -> None:
    article = parse_text("The quay reopened.\n\nAuthor: Desk Staff\n\nShips docked again.")
    assert article.author == "Desk Staff"
    assert article.body == "The quay reopened.\n\nShips docked again."


def test_pasted_text_defaults() -> None:
    article = parse_text("The quay reopened on Tuesday.")
    assert isinstance(article, ParsedArticle)
    assert article.source == "pasted text"
    assert article.outlet == "pasted text"
    assert article.metadata == {}


@pytest.mark.parametrize(
    ("opening", "place", "agency", "when"),
    [
        ("HAVANA (AP) – ", "HAVANA", "AP", None),
        ("WASHINGTON (Reuters) - ", "WASHINGTON", "Reuters", None),
        ("LONDON, Jan 5 (AFP) — ", "LONDON", "AFP", "Jan 5"),
        ("PARIS — ", "PARIS", None, None),
        ("SAN JUAN, Puerto Rico (AP) — ", "SAN JUAN, Puerto Rico", "AP", None),
        ("ST. LOUIS -- ", "ST. LOUIS", None, None),
        ("BOGOTÁ (EFE) — ", "BOGOTÁ", "EFE", None),
    ],
)
def test_datelines_become_metadata(
    opening: str, place: str, agency: str | None, when: str | None
) -> None:
    article = parse_text(opening + "Ferries resumed service on Friday.\nMore follows.")
    assert article.body == "Ferries resumed service on Friday.\nMore follows."
    assert article.metadata["dateline"] == place
    assert article.metadata.get("agency") == agency
    assert article.metadata.get("dateline_date") == when
    assert article.outlet == (agency or "pasted text")


@pytest.mark.parametrize(
    "text",
    [
        "The port — as locals call it — reopened.",
        "Paris - the city of light - was calm.",
        "NATO said the exercise would continue.",
        "In LONDON (briefly) the port reopened.",
        "BREAKING — The quay has reopened.",
    ],
)
def test_ordinary_openings_are_not_datelines(text: str) -> None:
    article = parse_text(text)
    assert article.body == text
    assert "dateline" not in article.metadata


def test_agency_does_not_override_a_url_host() -> None:
    text = "Source: https://gazette.example/a\n\nPARIS (AFP) — Ferries resumed service on Friday."
    article = parse_text(text)
    assert article.outlet == "gazette.example"
    assert article.metadata["agency"] == "AFP"


def test_front_matter_outlet_wins_over_agency() -> None:
    text = "---\npublisher: Harbour Weekly\n---\nPARIS (AFP) — Ferries resumed service on Friday."
    assert parse_text(text).outlet == "Harbour Weekly"
