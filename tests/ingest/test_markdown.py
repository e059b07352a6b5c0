"""Markdown articles: front matter fields, # title, minimal markup removal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from claims.ingest import parse_path, parse_text


def test_markdown_front_matter_fields(fixture_path: Callable[[str], Path]) -> None:
    article = parse_path(fixture_path("article.md"))
    assert article.title == "What we know about the Port Ellis crane collapse"
    assert article.author == "Tomas Keller"
    assert article.published == date(2025, 3, 16)
    assert article.outlet == "Harbour Weekly"
    assert article.url == "https://www.harbourweekly.example/news/crane-explainer"
    assert article.metadata == {"tags": "ports, safety", "reading_time": "3"}


def test_markdown_body_is_clean(fixture_path: Callable[[str], Path]) -> None:
    body = parse_path(fixture_path("article.md")).body
    assert body.startswith("What happened\n\nA container crane at the north quay")
    assert "cargo ship Lotte Brand on Thursday" in body
    assert "The national Maritime Safety Board has opened an inquiry" in body
    assert "according to its published notice." in body
    for marker in ("#", "**", "_Maritime", "*Lotte", "](", "---", "title:"):
        assert marker not in body
    assert "What we know about" not in body


def test_first_heading_is_the_title_without_front_matter() -> None:
    article = parse_text(
        "# Ferry timetable changes\n\nThe morning ferry now leaves at 7:40.", fmt="md"
    )
    assert article.title == "Ferry timetable changes"
    assert article.body == "The morning ferry now leaves at 7:40."


def test_front_matter_title_is_kept_when_heading_differs() -> None:
    text = "---\ntitle: Ferry timetable\n---\n# Summer changes\n\nThe ferry leaves at 7:40."
    article = parse_text(text, fmt="md")
    assert article.title == "Ferry timetable"
    assert article.body == "Summer changes\n\nThe ferry leaves at 7:40."


def test_emphasis_is_removed_only_where_it_is_markup() -> None:
    text = "Fares rose by *10 per cent* to **4.50 euros**, and 3 * 4 = 12 in snake_case_names."
    article = parse_text(text, fmt="md")
    assert (
        article.body
        == "Fares rose by 10 per cent to 4.50 euros, and 3 * 4 = 12 in snake_case_names."
    )


def test_outlet_given_as_url_sets_url_and_host() -> None:
    text = "---\nsource: https://www.ferrynews.example/a/1\n---\nThe ferry left on time."
    article = parse_text(text, fmt="md")
    assert article.url == "https://www.ferrynews.example/a/1"
    assert article.outlet == "ferrynews.example"


def test_author_list_and_mapping() -> None:
    listed = parse_text("---\nauthors: [Ana Ruiz, Tom Bell]\n---\nThe ferry left.", fmt="md")
    mapped = parse_text("---\nauthor:\n  name: Ana Ruiz\n---\nThe ferry left.", fmt="md")
    assert listed.author == "Ana Ruiz, Tom Bell"
    assert mapped.author == "Ana Ruiz"


def test_invalid_yaml_front_matter_is_still_removed() -> None:
    text = "---\ntitle: Quay: the sequel: again\nnote: [unclosed\n---\nThe quay reopened."
    article = parse_text(text, fmt="md")
    assert article.body == "The quay reopened."
    assert article.title == "Quay: the sequel: again"


def test_dashes_that_are_not_front_matter_stay() -> None:
    text = "---\nThe quay reopened on Tuesday after a week of repairs.\n---\nShips docked."
    article = parse_text(text, fmt="md")
    assert "The quay reopened on Tuesday" in article.body
