"""Scale-out: a story's analysis spreads over two workers on one Redis, with the same result
as one process doing it all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from claims.models import AnalysisState, Claim, Story
from claims.services import story_analyze, story_request_analysis
from tests.factories import lock_story_bodies, make_article, make_story
from tests.workers import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def claim_shapes(story: Story) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Each claim as its status and its (article, sentence) pairs: comparable across stories."""
    shapes = []
    for claim in Claim.objects.current().filter(story=story).prefetch_related("sentences__article"):
        members = tuple(sorted((s.article.source, s.text) for s in claim.sentences.all()))
        shapes.append((claim.status, members))
    return sorted(shapes)


def prepared_by(log: Path) -> int:
    return len(
        re.findall(r"Task claims\.tasks\.prepare_article\[[0-9a-f-]+\] succeeded", log.read_text())
    )


def test_two_workers_share_a_story_and_agree_with_one_process(
    tmp_path: Path, empty_queue: None
) -> None:
    bodies = lock_story_bodies(10)
    spread, alone = make_story("spread", "Spread"), make_story("alone", "Alone")
    for source, body in bodies.items():
        make_article(spread, body, source=source)
        make_article(alone, body, source=source)
    story_analyze(story=alone)

    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers: list[Any] = []
    try:
        for name, log in zip(("a", "b"), logs, strict=True):
            workers.append(start_worker(log, name=name))
        for log in logs:
            wait_for(lambda log=log: " ready." in log.read_text() if log.exists() else False,
                     timeout=120, what="a worker to start", log=log)  # fmt: skip
        story_request_analysis(story=spread)
        wait_for(
            lambda: Story.objects.get(pk=spread.pk).analysis_state == AnalysisState.ANALYZED,
            timeout=240, what="the spread analysis", log=logs[0],
        )  # fmt: skip
    finally:
        for worker in workers:
            stop_worker(worker)
    counts = [prepared_by(log) for log in logs]
    assert sum(counts) == len(bodies)
    assert min(counts) > 0, f"one worker did all the articles: {counts}"
    assert claim_shapes(spread) == claim_shapes(alone)
