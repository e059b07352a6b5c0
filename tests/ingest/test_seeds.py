"""The five real seed articles in ../shared/seeds (skipped when that folder is absent)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from claims.ingest import ParsedArticle, content_hash, parse_path

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
FRONT_MATTER_LINE = re.compile(r"(?m)^[ \t]*(---|layout:|title:|categories:|excerpt:)")
AUTHOR_LINE = re.compile(r"(?im)^[ \t]*authors?[ \t]*:")
DATELINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Z .,'-]{2,}\s*\([A-Za-z .]+\)\s*[-–—]")

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"seed articles not found in {SEEDS}; skipping seed checks"
)


def _seed(prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0]


@pytest.fixture(scope="module")
def seeds() -> dict[str, ParsedArticle]:
    return {prefix: parse_path(_seed(prefix)) for prefix in ("000", "001", "002", "003", "004")}


def test_every_seed_parses_to_a_clean_body(seeds: dict[str, ParsedArticle]) -> None:
    for prefix, article in seeds.items():
        assert article.body, prefix
        assert article.body == article.body.strip(), prefix
        assert article.encoding == "utf-8", prefix
        assert not FRONT_MATTER_LINE.search(article.body), prefix
        assert not AUTHOR_LINE.search(article.body), prefix
        assert not DATELINE.search(article.body), prefix


def test_seed_002_front_matter(seeds: dict[str, ParsedArticle]) -> None:
    raw = _seed("002").read_text(encoding="utf-8")
    front = yaml.safe_load(raw.split("---")[1])
    article = seeds["002"]
    assert article.title == front["title"]
    assert article.author == "badely"
    assert article.published == date(2026, 1, 5)
    assert article.metadata["layout"] == "post"
    assert set(article.metadata) >= {"layout", "categories", "excerpt", "image"}


def test_seed_001_headline_and_empty_author(seeds: dict[str, ParsedArticle]) -> None:
    first_line = _seed("001").read_text(encoding="utf-8").split("\n", 1)[0].strip()
    article = seeds["001"]
    assert article.title == first_line
    assert article.author == ""
    assert article.published is None
    assert first_line not in article.body


def test_seed_003_dateline(seeds: dict[str, ParsedArticle]) -> None:
    article = seeds["003"]
    assert article.metadata["dateline"] == "HAVANA"
    assert article.metadata["agency"] == "AP"
    assert article.outlet == "AP"
    assert not article.body.startswith("HAVANA")
    assert article.body[0].isupper()
    assert article.title == ""


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_seeds_without_metadata_lines(seeds: dict[str, ParsedArticle], prefix: str) -> None:
    article = seeds[prefix]
    assert (article.title, article.author, article.published) == ("", "", None)
    assert article.metadata == {}
    assert article.outlet == _seed(prefix).stem
    source_text = _seed(prefix).read_text(encoding="utf-8")
    assert article.body == source_text.strip()


def test_seed_bodies_hash_differently(seeds: dict[str, ParsedArticle]) -> None:
    hashes = {content_hash(article.body) for article in seeds.values()}
    assert len(hashes) == len(seeds)
