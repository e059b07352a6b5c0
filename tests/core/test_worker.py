"""A real Celery worker on the real Redis embeds a story's sentences into pgvector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims.models import AnalysisState, Sentence, Story
from claims.services import story_request_analysis
from tests.factories import make_article, make_story
from tests.workers import start_worker, stop_worker, wait_for


@pytest.fixture
def worker(transactional_db: Any, tmp_path: Path, empty_queue: None) -> Any:
    process = start_worker(tmp_path / "worker.log")
    yield process
    stop_worker(process)


@pytest.mark.worker
def test_a_real_worker_embeds_a_story_end_to_end(worker: Any, tmp_path: Path) -> None:
    story = make_story()
    make_article(
        story,
        "Fire crews reached the pier at dawn. Nobody was hurt, the harbour master said.",
        source="wire.txt",
    )
    make_article(
        story,
        "The harbour master said no one was injured. Crews arrived at first light.",
        source="local.txt",
    )
    story_request_analysis(story=story)  # autocommit here: queued at once

    def analysed() -> bool:
        state = Story.objects.get(pk=story.pk).analysis_state
        assert state != AnalysisState.FAILED, Story.objects.get(pk=story.pk).analysis_error
        return state == AnalysisState.ANALYZED

    wait_for(analysed, timeout=180, what="the analysis", log=tmp_path / "worker.log")
    sentences = Sentence.objects.filter(article__story=story)
    assert sentences.count() == 4
    assert not sentences.filter(embedding__isnull=True).exists()
    vector = sentences.first().embedding  # type: ignore[union-attr]
    assert len(vector) == 384
    assert abs(sum(float(x) * float(x) for x in vector) - 1.0) < 1e-3  # L2-normalised
