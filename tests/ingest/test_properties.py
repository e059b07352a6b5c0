"""Hypothesis properties: parse_text fails only with IngestError; metadata never leaks."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.ingest import IngestError, content_hash, parse_text

AUTHOR_LINE = re.compile(r"(?im)^[ \t]*authors?[ \t]*:")
FENCE_LINE = re.compile(r"(?m)^[ \t]*---[ \t]*$")
TRICKY_PIECES = [
    "---",
    "...",
    "\n",
    "\n\n",
    "\r\n",
    "Author:",
    "author: Someone",
    "AUTHOR: X\n",
    "Source: https://x.example/a",
    "HAVANA (AP) – ",
    "PARIS — ",
    "# Title",
    "## Sub",
    "title: y",
    "date: 2026-01-05",
    "**bold**",
    "_it_",
    "[a](b)",
    "<p>",
    "\x00",
    "\ufeff",
    "   ",
]
tricky_text = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from(TRICKY_PIECES)), max_size=25
).map("".join)
arbitrary_text = st.one_of(st.text(), tricky_text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=arbitrary_text, fmt=st.sampled_from(["txt", "md"]))
def test_parse_text_only_raises_ingest_error(text: str, fmt: str) -> None:
    try:
        article = parse_text(text, fmt=fmt)
    except IngestError as error:
        assert "\n" not in str(error)
        return
    assert article.body
    assert article.body == article.body.strip()
    assert "\r" not in article.body
    assert not AUTHOR_LINE.search(article.body)
    assert len(content_hash(article.body)) == 64


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=arbitrary_text)
def test_parse_html_only_raises_ingest_error(text: str) -> None:
    try:
        article = parse_text(text, fmt="html")
    except IngestError:
        return
    assert not AUTHOR_LINE.search(article.body)


words = st.text(alphabet="abcdefghij klmnopqrstuvwxyzABCDEFG’“”,", min_size=1, max_size=40)
paragraph = words.map(lambda text: text.strip() or "word").map(lambda text: text + ".")
headlines = words.map(lambda text: text.strip(" .,’“”")).filter(
    lambda text: any(char.isalpha() for char in text)
)
front_keys = st.sampled_from(["layout", "title", "excerpt", "image", "categories", "date", "mood"])
front_values = st.text(alphabet="abcdefg XYZ:-'", min_size=0, max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    front=st.one_of(st.none(), st.dictionaries(front_keys, front_values, max_size=5)),
    headline=st.one_of(st.none(), headlines),
    author=st.one_of(st.none(), st.text(alphabet="abc XYZ.-", max_size=20)),
    dateline=st.sampled_from(["", "HAVANA (AP) – ", "LONDON, Jan 5 (AFP) — ", "PARIS — "]),
    paragraphs=st.lists(paragraph, min_size=1, max_size=4),
    crlf=st.booleans(),
)
def test_header_lines_never_reach_the_body(
    front: dict[str, str] | None,
    headline: str | None,
    author: str | None,
    dateline: str,
    paragraphs: list[str],
    crlf: bool,
) -> None:
    parts: list[str] = []
    if front and headline is not None:
        front.pop("title", None)  # a separate headline line only counts when no title is known
    if front is not None:
        parts.append("---\n" + (yaml.safe_dump(front) if front else "") + "---\n")
    if headline is not None:
        parts.append(headline + "\n\n")
    if author is not None:
        parts.append(f"Author: {author}".rstrip() + "\n\n")
    parts.append(dateline + "\n\n".join(paragraphs) + "\n")
    text = "".join(parts)
    if crlf:
        text = text.replace("\n", "\r\n")

    article = parse_text(text)

    assert not AUTHOR_LINE.search(article.body)
    assert not FENCE_LINE.search(article.body)
    assert not re.search(r"(?m)^(layout|title|excerpt|image|categories|date|mood):", article.body)
    assert article.body.endswith(paragraphs[-1])
    if dateline:
        assert not article.body.startswith(dateline.strip())
        assert "dateline" in article.metadata
    if author is not None:
        assert article.author == author.strip()
    if headline is not None:
        assert article.title == headline.strip()
    for key in front or {}:
        if key not in ("title", "date"):
            assert key in article.metadata
