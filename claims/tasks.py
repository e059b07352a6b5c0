"""Thin Celery tasks: take ids, re-fetch, call one service.

A story's analysis is a chord: one ``prepare_article`` task per article (split and embed,
spread over the workers), then one ``group_story_claims`` task for the story. Every stage is
idempotent and checks the analysis generation it was queued for, so a redelivered or
superseded task does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from celery import chord, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from claims import services
from claims.models import Story

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 5, "max_retries": 5}


def _reports_failure(task: Callable[..., None]) -> Callable[..., None]:
    """Stop quietly when superseded; otherwise tell the story what went wrong."""

    @wraps(task)
    def run(self: Any, story_id: int, generation: int, *args: Any) -> None:
        try:
            task(self, story_id, generation, *args)
        except services.AnalysisSuperseded:
            logger.info("Story %s: generation %s was superseded.", story_id, generation)
        except SoftTimeLimitExceeded:
            services.story_mark_failed(
                story_id=story_id, generation=generation, error="The analysis took too long."
            )
        except TRANSIENT:
            if self.request.retries >= self.max_retries:
                services.story_mark_failed(
                    story_id=story_id, generation=generation,
                    error="The database was unreachable; use Analyse again to retry.",
                )  # fmt: skip
            raise
        except Exception as error:
            services.story_mark_failed(
                story_id=story_id, generation=generation, error=f"The analysis failed: {error}"
            )
            raise

    return run


@shared_task(bind=True, acks_late=True, **RETRY)
@_reports_failure
def analyze_story(self: Any, story_id: int, generation: int) -> None:
    """Start a story's analysis for the generation it was queued for."""
    story = Story.objects.get(pk=story_id)
    article_ids = services.story_analysis_start(story=story, generation=generation)
    header = [prepare_article.si(story_id, generation, article_id) for article_id in article_ids]
    if header:
        chord(header)(group_story_claims.si(story_id, generation))
    else:
        group_story_claims.delay(story_id, generation)


@shared_task(bind=True, acks_late=True, ignore_result=False, **RETRY)
@_reports_failure
def prepare_article(self: Any, story_id: int, generation: int, article_id: int) -> None:
    """Split and embed one article (the chord's header collects these)."""
    services.article_prepare(article_id=article_id, generation=generation)


@shared_task(bind=True, acks_late=True, **RETRY)
@_reports_failure
def group_story_claims(self: Any, story_id: int, generation: int) -> None:
    """Group the story's sentences into claims once every article is prepared."""
    services.story_analysis_finish(story=Story.objects.get(pk=story_id), generation=generation)


@worker_ready.connect
def requeue_waiting_analyses(**kwargs: object) -> None:
    """A worker that starts picks up analyses left waiting while the queue was down."""
    requeued = services.story_requeue_waiting()
    if requeued:
        logger.info("Queued %s analyses that were waiting for the queue.", requeued)
