"""Faults with real processes: a worker killed in the middle of an analysis."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from claims.analysis.segment import segment
from claims.analysis.types import Claim as EngineClaim
from claims.analysis.types import SentenceRef, StoryAnalysis
from claims.models import AnalysisState, Claim, Review, Sentence, Story
from claims.services import story_analyze, story_request_analysis, story_store_analysis
from tests.factories import lock_story_bodies, make_article, make_story
from tests.workers import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Short limits so a task whose worker died is handed out again within seconds.
QUICK_REDELIVERY = {
    "NEWSDESK_TASK_TIME_LIMIT": "40",
    "NEWSDESK_VISIBILITY_TIMEOUT": "45",
    "NEWSDESK_RESTORE_INTERVAL": "2",
}


def task_ids(log: Path, event: str) -> set[str]:
    """Ids of the tasks a worker log says were received or succeeded."""
    return set(re.findall(rf"Task claims\.tasks\.\w+\[([0-9a-f-]+)\] {event}", log.read_text()))


def state(story: Story) -> str:
    return str(Story.objects.get(pk=story.pk).analysis_state)


MID_TASK_AGE = 0.5  # seconds a task must have been running to be caught mid-task


def in_flight(log: Path) -> set[str]:
    """Tasks the worker log says were received and have not succeeded."""
    return task_ids(log, "received") - task_ids(log, "succeeded")


def freeze_mid_task(worker: subprocess.Popen[bytes], log: Path, story: Story) -> None:
    """Stop the worker (SIGSTOP) at a moment its log shows a task received and not finished
    for MID_TASK_AGE already, with the analysis running: a kill then lands in the middle of a
    long task (splitting and embedding a new article), however fast or loaded the machine. A
    task that ends within milliseconds (an article already prepared) is never the one caught:
    its child may have stored its result before the worker logs it, so a kill would not
    interrupt it. Caught between tasks, the worker is let go on (SIGCONT) and caught again."""
    first_seen: dict[str, float] = {}

    def mid_task() -> bool:
        now = time.monotonic()
        flying = in_flight(log)
        for task in flying:
            first_seen.setdefault(task, now)
        long_running = any(now - first_seen[task] >= MID_TASK_AGE for task in flying)
        return long_running and state(story) == AnalysisState.RUNNING

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if mid_task():
            os.killpg(worker.pid, signal.SIGSTOP)
            if mid_task():
                return
            os.killpg(worker.pid, signal.SIGCONT)
        time.sleep(0.05)
    pytest.fail(f"the first worker was never caught in a task; its log:\n{log.read_text()[-4000:]}")


def test_a_worker_killed_mid_analysis_leaves_it_done_once_with_reviews_kept(
    tmp_path: Path, editor: Any, empty_queue: None
) -> None:
    story = make_story("canal-lock", "Canal lock reopens")
    bodies = lock_story_bodies(6)
    sources = list(bodies)
    for source in sources[:3]:
        make_article(story, bodies[source], source=source)
    story_analyze(story=story)  # a first analysis, in-process
    if not Claim.objects.filter(story=story).exists():  # the engine groups nothing yet
        story_store_analysis(
            story=story,
            result=StoryAnalysis(
                segments={}, embeddings={},
                claims=[EngineClaim((SentenceRef(s.article_id, s.position),), "single_source", 1)
                        for s in Sentence.objects.filter(article__story=story)],
            ),
        )  # fmt: skip
    reviewed = Claim.objects.filter(story=story).first()
    assert reviewed is not None
    reviewed.mark_verified(by=editor, note="Trust press office confirmed.")
    for source in sources[3:]:  # new articles: the worker must split, load the model, embed
        make_article(story, bodies[source], source=source)

    doomed_log, survivor_log = tmp_path / "doomed.log", tmp_path / "survivor.log"
    first = start_worker(doomed_log, name="doomed", **QUICK_REDELIVERY)
    second = None
    try:
        story_request_analysis(story=story)
        freeze_mid_task(first, doomed_log, story)
        stop_worker(first, sig=signal.SIGKILL)
        assert state(story) == AnalysisState.RUNNING  # killed in the middle
        second = start_worker(survivor_log, name="survivor", **QUICK_REDELIVERY)
        wait_for(lambda: state(story) == AnalysisState.ANALYZED, timeout=180,
                 what="the redelivered analysis", log=survivor_log)  # fmt: skip
    finally:
        stop_worker(first, sig=signal.SIGKILL)
        if second is not None:
            stop_worker(second)

    received, succeeded = task_ids(doomed_log, "received"), task_ids(doomed_log, "succeeded")
    killed = received - succeeded
    assert killed, "the first worker finished everything before it was killed"
    assert killed <= task_ids(survivor_log, "succeeded")  # handed out again, then done
    assert "group_story_claims" in survivor_log.read_text()
    expected = sorted((source, len(segment(body))) for source, body in bodies.items())
    stored = Sentence.objects.filter(article__story=story)
    counts = sorted((source, stored.filter(article__source=source).count()) for source in bodies)
    assert counts == expected  # every sentence once: none lost, none duplicated
    assert not stored.filter(embedding__isnull=True).exists()
    claims = Claim.objects.current().filter(story=story)
    assert all(claim.sentences.exists() for claim in claims)  # no empty or duplicate claims
    statement_count = Sentence.objects.filter(article__story=story, kind="statement").count()
    assert Sentence.objects.filter(article__story=story, claim__isnull=False).count() == (
        statement_count
    )
    review = Review.objects.get(claim__story=story)
    assert review.note == "Trust press office confirmed."
    assert Claim.objects.get(pk=review.claim_id).review_state == "verified"
