"""Thin Celery tasks: take ids, re-fetch, call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import OperationalError

from claims import services
from claims.models import Story

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
)
def analyze_story(story_id: int, generation: int) -> None:
    """Analyse a story for the generation it was queued for; a newer request supersedes it."""
    story = Story.objects.filter(pk=story_id, analysis_generation=generation).first()
    if story is None:
        logger.info("Story %s generation %s is gone or superseded.", story_id, generation)
        return
    try:
        services.story_analyze(story=story, generation=generation)
    except services.AnalysisSuperseded:
        logger.info(
            "Story %s: a newer analysis took over from generation %s.", story_id, generation
        )
    except SoftTimeLimitExceeded:
        services.story_mark_failed(
            story_id=story_id, generation=generation, error="The analysis took too long."
        )
    except OperationalError:
        raise  # the database is away: retried above
    except Exception as error:
        services.story_mark_failed(
            story_id=story_id, generation=generation, error=f"The analysis failed: {error}"
        )
        raise


@worker_ready.connect
def requeue_waiting_analyses(**kwargs: object) -> None:
    """A worker that starts picks up analyses left waiting while the queue was down."""
    requeued = services.story_requeue_waiting()
    if requeued:
        logger.info("Queued %s analyses that were waiting for the queue.", requeued)
