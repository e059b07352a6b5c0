"""Queueing the analysis: a broker that is down leaves the story waiting, not lost; one bad
article does not stop the others."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from claims import services
from claims.models import AnalysisState, Article, Sentence, Story
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down(settings: Any) -> Any:
    """Stop the real embedded Redis for a while; start it again afterwards."""
    from newsdesk import embedded

    if not settings.REDIS_URL.startswith("redis+socket://"):
        pytest.skip("Redis is not the embedded one here; it cannot be stopped by the test")

    def start() -> None:
        embedded.start_redis(settings.DATA_DIR)

    embedded.stop_redis(settings.DATA_DIR)
    yield start
    start()


def queued_messages(settings: Any) -> int:
    import redis

    from newsdesk import embedded

    client = redis.Redis(unix_socket_path=str(embedded.redis_socket_path(settings.DATA_DIR)))
    return int(client.llen("celery"))


def test_a_story_submitted_while_redis_is_down_waits_and_is_requeued(
    redis_down: Any, settings: Any
) -> None:
    story, _ = services.story_ingest_text(slug="tram", text="The tram line reopened today.")
    story.refresh_from_db()
    assert story.analysis_state == AnalysisState.WAITING
    assert "unreachable" in story.analysis_stage
    assert Article.objects.filter(story=story).count() == 1  # the article is kept
    redis_down()  # Redis is back
    before = queued_messages(settings)
    assert services.story_requeue_waiting() == 1
    assert queued_messages(settings) == before + 1


def test_one_failing_article_is_reported_and_the_others_are_analysed(monkeypatch: Any) -> None:
    story = make_story()
    make_article(story, "The tram line reopened today. Riders cheered.", source="good.txt")
    make_article(story, "POISON sentence that the splitter cannot take.", source="bad.txt")
    segment_module = importlib.import_module("claims.analysis.segment")

    real_segment = segment_module.segment

    def fragile_segment(body: str) -> Any:
        if body.startswith("POISON"):
            raise ValueError("the splitter choked on this text")
        return real_segment(body)

    monkeypatch.setattr(segment_module, "segment", fragile_segment)
    services.story_analyze(story=story)
    story.refresh_from_db()
    assert story.analysis_state == AnalysisState.ANALYZED
    assert "1 article could not be analysed" in story.analysis_error
    assert "bad.txt: ValueError: the splitter choked" in story.analysis_error
    bad = Article.objects.get(source="bad.txt")
    assert bad.analysis_error.startswith("ValueError")
    assert Sentence.objects.filter(article__source="good.txt").count() == 2
    assert not Sentence.objects.filter(article=bad).exists()
    assert (
        Story.objects.get(pk=story.pk).analysis_done
        == Story.objects.get(pk=story.pk).analysis_total
    )


def test_an_article_the_model_fails_on_is_reported_and_its_run_mates_are_analysed(
    monkeypatch: Any,
) -> None:
    """Articles are embedded several at a time; one that makes the model fail is found out and
    reported, and the others of its run are embedded and analysed."""
    embed_module = importlib.import_module("claims.analysis.embed")
    real = embed_module.get_embedder()

    class Fragile:
        def encode(self, texts: Any) -> Any:
            if any("POISON" in text for text in texts):
                raise RuntimeError("the model choked on this text")
            return real.encode(texts)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(embed_module, "get_embedder", lambda kind=None: Fragile())
    story = make_story()
    make_article(story, "The tram line reopened today. Riders cheered.", source="good.txt")
    make_article(story, "A POISON sentence for the model. It fails.", source="bad.txt")
    make_article(story, "The tram line opened again today, after a year.", source="other.txt")
    services.story_analyze(story=story)
    story.refresh_from_db()
    assert story.analysis_state == AnalysisState.ANALYZED
    assert "bad.txt: RuntimeError: the model choked" in story.analysis_error
    embedded = Sentence.objects.filter(embedding__isnull=False)
    assert set(embedded.values_list("article__source", flat=True)) == {"good.txt", "other.txt"}
    assert Article.objects.get(source="bad.txt").analysis_error.startswith("RuntimeError")
    assert story.claims.current().exists()
