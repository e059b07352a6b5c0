"""The annotations of real coverage in bench/real_stories/ still fit the articles they point
into (../shared, when it is there): every gold sentence is found, inside one statement, and
no statement is claimed twice, in the first annotation and in a second one where there is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.analysis.segment import segment
from claims.analysis.storycheck import SECOND_ANNOTATION, gold_claims, load_story, rebuild_story

from .conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "bench" / "real_stories").glob("*.json"))


def test_there_are_annotations_of_real_coverage() -> None:
    assert {path.stem for path in SPECS} >= {"seeds", "ecb_topic03"}


@pytest.mark.parametrize("path", SPECS, ids=[path.stem for path in SPECS])
def test_an_annotation_of_real_coverage_fits_its_articles(path: Path, tmp_path: Path) -> None:
    spec = json.loads(path.read_text(encoding="utf-8"))
    source = SHARED / spec["source"]
    if not source.is_dir():
        pytest.skip(f"the articles are not on this machine ({source})")
    folder = rebuild_story(spec, source, tmp_path)
    annotations = [(spec, load_story(folder))]
    if "second_annotation" in spec:
        annotations.append((spec["second_annotation"], load_story(folder, SECOND_ANNOTATION)))
    for annotation, story in annotations:
        segments = {article.id: segment(article.body) for article in story.articles}
        problems: list[str] = []
        groups = gold_claims(story, segments, problems)
        assert problems == []
        listed = [ref for group in groups for ref in group]
        wanted = sum(len(claim["sentences"]) for claim in annotation["claims"])
        assert len(listed) == len(set(listed)) == wanted
        for ref in listed:
            assert segments[ref.article_id][ref.index].is_claim
        assert set(story.gold["rewrites"]) <= set(story.names)
    assert "note" not in json.dumps(spec)  # figures and offsets only: no text of theirs
