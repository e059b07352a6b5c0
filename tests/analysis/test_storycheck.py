"""Judging against annotations: a second annotation of a story, read as the analysis it
describes, is scored against the first as the engine is (how far two annotators agree)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claims.analysis.segment import segment
from claims.analysis.storycheck import (
    SECOND_ANNOTATION,
    LoadedStory,
    annotation_analysis,
    load_story,
    score_story,
)
from claims.analysis.types import Claim, SentenceRef, StoryAnalysis

ARTICLES = {
    "a.txt": (
        "Kestrel Bay harbour closed on Tuesday.\n\n"
        "Forty boats stayed at their moorings.\n\n"
        "The harbour master said the storm was the worst in a decade.\n"
    ),
    "b.txt": (
        "The harbour at Kestrel Bay was shut on Tuesday.\n\n"
        "About forty vessels remained moored.\n\n"
        "Ferries to the islands were cancelled.\n"
    ),
    "c.txt": (
        "Officials closed Kestrel Bay harbour on Tuesday.\n\n"
        "Fifty boats were kept in port, the council said.\n"
    ),
}
FIRST: dict[str, Any] = {
    "rewrites": {},
    "claims": [
        {
            "status": "corroborated",
            "conflict_kinds": [],
            "sentences": [
                ["a.txt", "harbour closed"],
                ["b.txt", "was shut"],
                ["c.txt", "Officials"],
            ],
        },
        {
            "status": "conflicting",
            "conflict_kinds": ["number"],
            "sentences": [["a.txt", "Forty boats"], ["b.txt", "forty vessels"], ["c.txt", "Fifty"]],
        },
    ],
}


def _story(folder: Path, second: dict) -> tuple[LoadedStory, LoadedStory, StoryAnalysis]:
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "gold.json").write_text(json.dumps(FIRST), encoding="utf-8")
    (folder / SECOND_ANNOTATION).write_text(json.dumps(second), encoding="utf-8")
    first, other = load_story(folder), load_story(folder, SECOND_ANNOTATION)
    segments = {article.id: segment(article.body) for article in first.articles}
    statements = [
        Claim(members=(SentenceRef(article, index),), status="single_source", independent_sources=1)
        for article, found in segments.items()
        for index, part in enumerate(found)
        if part.is_claim
    ]
    return first, other, StoryAnalysis(segments=segments, embeddings={}, claims=statements)


def test_an_annotation_agrees_with_itself(tmp_path: Path) -> None:
    first, same, statements = _story(tmp_path, FIRST)
    scores = score_story(first, annotation_analysis(same, statements))
    assert scores["problems"] == []
    assert (scores["pairwise_f1"], scores["status_accuracy"], scores["conflict_kind_recall"]) == (
        1.0,
        1.0,
        1.0,
    )
    assert scores["false_rewrites"] == []


def test_a_second_annotator_who_splits_a_claim_and_misses_its_conflict(tmp_path: Path) -> None:
    second = {
        "rewrites": {"b.txt": "a.txt"},
        "claims": [
            FIRST["claims"][0],
            {
                "status": "single_source",
                "conflict_kinds": [],
                "sentences": [["a.txt", "Forty boats"], ["b.txt", "forty vessels"]],
            },
        ],
    }
    first, other, statements = _story(tmp_path, second)
    scores = score_story(first, annotation_analysis(other, statements))
    # of the first annotation's six pairs the second has four, and nothing else
    assert scores["pairwise_precision"] == 1.0
    assert scores["pairwise_recall"] == pytest.approx(4 / 6, abs=0.001)
    # the boats claim is read where most of its sentences went: single-source, no conflict
    assert scores["status_accuracy"] == 0.5
    assert scores["conflict_kind_recall"] == 0.0
    assert scores["false_rewrites"] == ["b.txt"]
    # and the other way round: the first annotation judged against the second
    reverse = score_story(other, annotation_analysis(first, statements))
    assert reverse["pairwise_recall"] == 1.0
    assert reverse["pairwise_precision"] == pytest.approx(4 / 6, abs=0.001)
    assert not reverse["rewrites_found"]
