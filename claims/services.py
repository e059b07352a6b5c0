"""Work across models and I/O: ingest articles, queue and run the analysis.

Data flows one way: ingest -> store -> queue -> engine -> store. Every function here is
keyword-only and named ``<thing>_<action>``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Prefetch, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.text import slugify

from claims.ingest import IngestError, ParsedArticle, content_hash, parse_source, parse_text
from claims.models import (
    AnalysisState,
    Article,
    Claim,
    Entity,
    Mention,
    Review,
    Sentence,
    Story,
)

if TYPE_CHECKING:
    from claims.analysis.engine import NamePass
    from claims.analysis.types import StoryAnalysis

logger = logging.getLogger(__name__)

CLAIM_MATCH_THRESHOLD = 0.5
"""Share of sentences an old and a new claim must have in common to be the same claim."""

ProgressCallback = Callable[[str, int, int], None]
"""Called with (stage, done, total) as the analysis moves on."""


class StoryNotFound(LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"There is no story {slug!r}. Add articles to it with `ingest` first.")


class AnalysisSuperseded(Exception):
    """A newer analysis of the story was requested; this one stops."""


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool

    @property
    def message(self) -> str:
        label = self.article.title or self.article.source
        if self.created:
            return f"Added {label!r} ({self.article.outlet or 'unknown outlet'})."
        return (
            f"Skipped {self.article.source!r}: the same text is already in this story as {label!r}."
        )


# --- stories and articles ---------------------------------------------------------------------


def story_get(*, slug: str) -> Story:
    try:
        return Story.objects.get(slug=slug)
    except Story.DoesNotExist:
        raise StoryNotFound(slug) from None


def story_get_or_create(
    *, slug: str, title: str | None = None, created_by: Any = None
) -> tuple[Story, bool]:
    if slug != slugify(slug) or not slug:
        raise IngestError(
            f"{slug!r} cannot be a story name: use lowercase letters, digits and hyphens."
        )
    story, created = Story.objects.get_or_create(
        slug=slug,
        defaults={"title": title or slug.replace("-", " ").capitalize(), "created_by": created_by},
    )
    if not created and title and story.title != title:
        story.title = title
        story.save(update_fields=["title"])
    return story, created


def article_ingest(*, story: Story, parsed: ParsedArticle, ours: bool = False) -> IngestResult:
    """Store one parsed article; the same text twice in one story is stored once."""
    digest = content_hash(parsed.body)
    existing = Article.objects.filter(story=story, content_hash=digest).first()
    if existing is not None:
        if ours and not existing.ours:
            _article_mark_ours(article=existing)
        return IngestResult(article=existing, created=False)
    if ours:
        Article.objects.filter(story=story, ours=True).update(ours=False)
    article = Article.objects.create(
        story=story,
        source=parsed.source[:2000],
        outlet=parsed.outlet[:300],
        title=parsed.title[:1000],
        author=parsed.author[:300],
        published=parsed.published,
        url=parsed.url[:2000],
        body=parsed.body,
        content_hash=digest,
        metadata=parsed.metadata,
        ours=ours,
    )
    return IngestResult(article=article, created=True)


def _article_mark_ours(*, article: Article) -> None:
    Article.objects.filter(story=article.story, ours=True).update(ours=False)
    Article.objects.filter(pk=article.pk).update(ours=True)
    article.ours = True


def story_ingest_sources(
    *,
    slug: str,
    sources: Sequence[str],
    title: str | None = None,
    ours: str | None = None,
    created_by: Any = None,
    on_parsed: Callable[[str], None] | None = None,
) -> tuple[Story, list[IngestResult]]:
    """Read every file or URL, then store them all in one transaction, or nothing at all.

    Raises IngestError (naming the source) on the first bad one, before writing anything.
    """
    wanted = [(source, False) for source in sources]
    if ours is not None:
        wanted.append((ours, True))
    if not wanted:
        raise IngestError("Give at least one file or URL to read.")
    parsed: list[tuple[ParsedArticle, bool]] = []
    for source, is_ours in wanted:
        parsed.append(
            (
                parse_source(
                    source,
                    max_bytes=settings.NEWSDESK_MAX_ARTICLE_BYTES,
                    timeout=settings.NEWSDESK_URL_TIMEOUT,
                ),
                is_ours,
            )
        )
        if on_parsed is not None:
            on_parsed(source)
    return story_ingest_parsed(slug=slug, articles=parsed, title=title, created_by=created_by)


def story_ingest_text(
    *, slug: str, text: str, title: str | None = None, created_by: Any = None, ours: bool = False
) -> tuple[Story, list[IngestResult]]:
    """Pasted text: the same rules as a .txt file (headline, Author: line, dateline)."""
    return story_ingest_parsed(
        slug=slug, articles=[(parse_text(text), ours)], title=title, created_by=created_by
    )


def story_ingest_parsed(
    *,
    slug: str,
    articles: Sequence[tuple[ParsedArticle, bool]],
    title: str | None = None,
    created_by: Any = None,
) -> tuple[Story, list[IngestResult]]:
    """Store parsed articles (each with whether it is ours) in one transaction; queue analysis."""
    with transaction.atomic():
        story, _ = story_get_or_create(slug=slug, title=title, created_by=created_by)
        results = [
            article_ingest(story=story, parsed=article, ours=is_ours)
            for article, is_ours in articles
        ]
        if any(result.created for result in results):
            story_request_analysis(story=story)
    return story, results


# --- queueing -----------------------------------------------------------------------------


def story_request_analysis(*, story: Story) -> int:
    """Mark the story for analysis and queue it once the transaction commits.

    Returns the analysis generation; a task only works on the generation it was queued for.
    """
    Story.objects.filter(pk=story.pk).update(
        analysis_generation=F("analysis_generation") + 1,
        analysis_state=AnalysisState.QUEUED,
        analysis_stage="Waiting for a worker",
        analysis_done=0,
        analysis_total=0,
        analysis_error="",
        analysis_requested_at=timezone.now(),
    )
    story.refresh_from_db()
    transaction.on_commit(partial(story_enqueue_analysis, story_id=story.pk))
    return story.analysis_generation


def story_enqueue_analysis(*, story_id: int) -> bool:
    """Send the analysis task; when the queue is unreachable, say so on the story."""
    from kombu.exceptions import OperationalError

    from claims.tasks import analyze_story

    story = Story.objects.get(pk=story_id)
    try:
        analyze_story.apply_async(
            args=[story.pk, story.analysis_generation],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except (OperationalError, OSError) as error:
        logger.warning("Could not queue the analysis of story %s: %s", story.pk, error)
        Story.objects.filter(pk=story.pk, analysis_generation=story.analysis_generation).update(
            analysis_state=AnalysisState.WAITING,
            analysis_stage="The analysis queue is unreachable; it will be retried",
        )
        return False
    return True


def story_requeue_waiting() -> int:
    """Queue again every analysis that could not be queued while Redis was away."""
    waiting = Story.objects.filter(analysis_state=AnalysisState.WAITING).values_list(
        "pk", flat=True
    )
    return sum(story_enqueue_analysis(story_id=story_id) for story_id in waiting)


# --- analysis -----------------------------------------------------------------------------


def story_analyze(
    *,
    story: Story,
    generation: int | None = None,
    progress: ProgressCallback | None = None,
) -> Story:
    """Run every stage of the analysis in this process: each article, then the story.

    The Celery tasks run the same stages, spread over workers. Safe to run again: each stage
    skips what is already done. ``generation`` ties the run to the request that queued it; a
    run for an older generation stops.
    """
    from claims.analysis.embed import get_embedder
    from claims.analysis.engine import NamePass

    if generation is None:
        generation = story_request_analysis_inline(story=story)
    article_ids = story_analysis_start(story=story, generation=generation)
    total = len(article_ids) + 1
    bodies = story.articles.filter(pk__in=article_ids).values_list("body", flat=True)
    # spaCy's pass over the sentences starts first, in a process of its own (forked at the
    # first analysis, before any thread starts, and kept, with spaCy loaded); it splits the
    # bodies itself and runs while the articles are embedded and grouped here
    with NamePass([(body, None) for body in bodies]) as names:
        get_embedder()
        for done, prepared in enumerate(_articles_prepared(article_ids, generation)):
            if progress is not None:
                progress(f"Splitting and embedding article {done + 1}", done, total)
            prepared()
        if progress is not None:
            progress("Grouping claims", total - 1, total)
        story = story_analysis_finish(story=story, generation=generation, names=names)
    if progress is not None:
        progress("Done", total, total)
    return story


PREPARE_THREADS = 4
PREPARE_RUN = 6  # articles split and embedded together (one at a time costs the model ~15% more)


def _articles_prepared(article_ids: Sequence[int], generation: int) -> Iterator[Callable[[], None]]:
    """For each article in order, a call that returns once it is split and embedded (or raises
    what preparing it raised). PREPARE_THREADS threads prepare the articles ahead, PREPARE_RUN
    at a time (`articles_prepare`): the model runs outside the GIL, so one run is embedded
    while another is split and written.

    Threads have database connections of their own, which cannot see the rows of an open
    transaction, so inside one (a test) the articles are prepared one by one, in the call.
    """
    from django.db import connections

    if connection.in_atomic_block or len(article_ids) < 2:
        for article_id in article_ids:
            yield partial(article_prepare, article_id=article_id, generation=generation)
        return
    runs = iter(
        [
            article_ids[start : start + PREPARE_RUN]
            for start in range(0, len(article_ids), PREPARE_RUN)
        ]
    )
    lock = threading.Lock()
    finished = {article_id: threading.Event() for article_id in article_ids}
    failed: dict[int, BaseException] = {}
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                with lock:
                    run = next(runs, None)
                if run is None:
                    return
                try:
                    articles_prepare(article_ids=run, generation=generation)
                except BaseException as error:  # handed to the caller, in order
                    failed.update(dict.fromkeys(run, error))
                finally:
                    for article_id in run:
                        finished[article_id].set()
        finally:
            connections.close_all()

    def wait(article_id: int) -> None:
        finished[article_id].wait()
        if article_id in failed:
            raise failed[article_id]

    workers = [threading.Thread(target=work, daemon=True) for _ in range(PREPARE_THREADS)]
    for worker in workers:
        worker.start()
    try:
        for article_id in article_ids:
            yield partial(wait, article_id)
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def _current(story_id: int, generation: int) -> QuerySet[Story]:
    return Story.objects.filter(pk=story_id, analysis_generation=generation)


def story_analysis_start(*, story: Story, generation: int) -> list[int]:
    """Mark the story as being analysed; returns the ids of the articles to prepare."""
    article_ids = list(story.articles.order_by("id").values_list("pk", flat=True))
    started = _current(story.pk, generation).update(
        analysis_state=AnalysisState.RUNNING,
        analysis_error="",
        analysis_stage="Splitting and embedding the articles",
        analysis_done=0,
        analysis_total=len(article_ids) + 1,
    )
    if not started:
        raise AnalysisSuperseded(f"Story {story.pk} has a newer analysis than {generation}.")
    Article.objects.filter(pk__in=article_ids).exclude(analysis_error="").update(analysis_error="")
    return article_ids


def article_prepare(*, article_id: int, generation: int) -> None:
    """Split and embed one article; a failure is recorded on the article, not the story."""
    articles_prepare(article_ids=[article_id], generation=generation)


def articles_prepare(*, article_ids: Sequence[int], generation: int) -> None:
    """Split and embed a run of articles of one story; a failure is recorded on its article.
    Their sentences are embedded in one call, so the model can run sentences of about the same
    length together (a call per article pads short sentences to long ones)."""
    articles = list(Article.objects.select_related("story").filter(pk__in=article_ids))
    for story_id in {article.story_id for article in articles}:
        if not _current(story_id, generation).exists():
            raise AnalysisSuperseded(f"Story {story_id} has a newer analysis.")
    split = [a for a in articles if not _article_stage_error(article=a, stage=article_segment)]
    try:
        articles_embed(articles=split)
    except DatabaseError:
        raise
    except Exception:  # find out which article it was: each on its own, failures recorded
        for article in split:
            _article_stage_error(article=article, stage=article_embed)
    for article in articles:
        _current(article.story_id, generation).update(
            analysis_stage=f"Split and embedded: {article}"[:100],
            analysis_done=Least(F("analysis_done") + 1, F("analysis_total") - 1),
        )


def story_analysis_finish(*, story: Story, generation: int, names: NamePass | None = None) -> Story:
    """Group the prepared articles' sentences into claims and mark the story analysed.
    ``names`` is the name pass the caller started over the articles, if it did."""
    if not _current(story.pk, generation).update(analysis_stage="Grouping claims"):
        raise AnalysisSuperseded(f"Story {story.pk} has a newer analysis.")
    failed = dict(story.articles.exclude(analysis_error="").values_list("pk", "analysis_error"))
    story_group_claims(story=story, skip=set(failed), names=names)
    finished = _current(story.pk, generation).update(
        analysis_state=AnalysisState.ANALYZED,
        analysis_stage="Done",
        analysis_done=F("analysis_total"),
        analyzed_at=timezone.now(),
    )
    if not finished:
        raise AnalysisSuperseded(f"Story {story.pk} has a newer analysis.")
    if failed:
        story_note_failed_articles(story=story, generation=generation, failed=failed)
    story.refresh_from_db()
    return story


def _article_stage_error(*, article: Article, stage: Callable[..., object]) -> str:
    """Run one stage for one article; a failure is recorded on the article.

    Database errors are not the article's fault: they propagate, so the task is retried.
    """
    try:
        stage(article=article)
    except DatabaseError:
        raise
    except Exception as error:
        logger.exception("Analysis of article %s failed", article.pk)
        message = f"{type(error).__name__}: {error}"[:2000]
        Article.objects.filter(pk=article.pk).update(analysis_error=message)
        return message
    return ""


def story_note_failed_articles(*, story: Story, generation: int, failed: dict[int, str]) -> None:
    names = dict(Article.objects.filter(pk__in=failed).values_list("pk", "source"))
    lines = [f"{names[pk]}: {error}" for pk, error in failed.items()]
    count = "1 article" if len(failed) == 1 else f"{len(failed)} articles"
    Story.objects.filter(pk=story.pk, analysis_generation=generation).update(
        analysis_error=f"{count} could not be analysed; the others were. " + " | ".join(lines)
    )


def story_request_analysis_inline(*, story: Story) -> int:
    """Start a new generation for an in-process run, without queueing a task."""
    Story.objects.filter(pk=story.pk).update(
        analysis_generation=F("analysis_generation") + 1,
        analysis_state=AnalysisState.QUEUED,
        analysis_requested_at=timezone.now(),
    )
    story.refresh_from_db(fields=["analysis_generation"])
    return story.analysis_generation


def story_mark_failed(*, story_id: int, generation: int, error: str) -> None:
    Story.objects.filter(pk=story_id, analysis_generation=generation).update(
        analysis_state=AnalysisState.FAILED, analysis_error=error[:5000]
    )


def article_segment(*, article: Article) -> int:
    """Split the body into sentences with offsets; idempotent (keeps existing sentences)."""
    from claims.analysis.segment import segment

    if article.segmented_at is not None:
        return article.sentences.count()
    segments = segment(article.body)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.segmented_at is not None:
            return locked.sentences.count()
        Sentence.objects.bulk_create(
            Sentence(
                article=locked,
                position=position,
                start=piece.start,
                end=piece.end,
                body_length=len(locked.body),
                text=piece.text,
                kind=piece.kind,
            )
            for position, piece in enumerate(segments)
        )
        now = timezone.now()
        Article.objects.filter(pk=article.pk).update(segmented_at=now)
    article.segmented_at = now
    return len(segments)


def article_embed(*, article: Article) -> int:
    """Embed the sentences that have no vector yet; idempotent."""
    return articles_embed(articles=[article])


def articles_embed(*, articles: Sequence[Article]) -> int:
    """Embed the sentences of these articles that have no vector yet, in one call; idempotent."""
    from claims.analysis.embed import get_embedder

    if not articles:
        return 0
    pending = list(
        Sentence.objects.filter(article__in=articles, embedding__isnull=True).order_by(
            "article_id", "position"
        )
    )
    if pending:
        vectors = get_embedder().encode([sentence.text for sentence in pending])
        _update_column(
            Sentence, "embedding", {s.pk: v for s, v in zip(pending, vectors, strict=True)}
        )
    now = timezone.now()
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(embedded_at=now)
    for article in articles:
        article.embedded_at = now
    return len(pending)


def story_group_claims(
    *, story: Story, skip: set[int] | None = None, names: NamePass | None = None
) -> None:
    """Run the engine over the stored sentences, and store what it finds.

    Articles in ``skip`` (their analysis failed) take no part. The stored vectors are not read
    back: the engine asks the embedder, which hands over what it kept when it embedded the
    articles in this process (vectors and the token vectors the scorer needs), and encodes the
    rest once (a text's vector does not depend on what it is encoded with).
    """
    from claims.analysis.embed import get_embedder
    from claims.analysis.engine import analyze
    from claims.analysis.types import ArticleText, Segment, SentenceKind

    texts = []
    articles = story.articles.exclude(pk__in=skip or ()).order_by("id")
    without_vectors = Prefetch("sentences", queryset=Sentence.objects.defer("embedding"))
    for article in articles.prefetch_related(without_vectors):
        sentences = sorted(article.sentences.all(), key=lambda s: s.position)
        texts.append(
            ArticleText(
                id=article.pk,
                body=article.body,
                segments=[
                    Segment(s.start, s.end, s.text, cast("SentenceKind", s.kind)) for s in sentences
                ],
                published=article.published,
                title=article.title,
                outlet=article.outlet,
            )
        )
    result = analyze(texts, embedder=get_embedder(), names=names)
    story_store_analysis(story=story, result=result)


def _update_column(model: type[Model], name: str, values: dict[int, Any]) -> None:
    """Set one column of many rows by primary key: ``UPDATE ... FROM (VALUES ...)``, a few
    times quicker than ``bulk_update``, which writes a CASE branch per row."""
    field = model._meta.get_field(name)
    table, column = model._meta.db_table, field.column  # type: ignore[union-attr]
    key = model._meta.pk.column  # type: ignore[union-attr]
    db_type = field.db_type(connection)  # type: ignore[union-attr]
    items = list(values.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            rows = ", ".join([f"(%s, %s::{db_type})"] * len(chunk))
            parameters: list[Any] = []
            for pk, value in chunk:
                parameters += [pk, field.get_db_prep_value(value, connection)]  # type: ignore[union-attr]
            cursor.execute(
                f'UPDATE "{table}" SET "{column}" = new.value FROM (VALUES {rows}) '
                f'AS new(pk, value) WHERE "{table}"."{key}" = new.pk',
                parameters,
            )


def match_claims(old: dict[int, set[int]], new: list[set[int]]) -> dict[int, int]:
    """Pair each new claim (by index) with the old claim (by id) it continues.

    Pairs are taken best first by the Jaccard overlap of their sentence ids, one to one, and
    only from CLAIM_MATCH_THRESHOLD up.
    """
    candidates = []
    for new_index, new_ids in enumerate(new):
        for old_id, old_ids in old.items():
            shared = len(new_ids & old_ids)
            if shared:
                candidates.append((shared / len(new_ids | old_ids), new_index, old_id))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for overlap, new_index, old_id in sorted(candidates, reverse=True):
        if overlap < CLAIM_MATCH_THRESHOLD:
            break
        if new_index not in matched and old_id not in used:
            matched[new_index] = old_id
            used.add(old_id)
    return matched


@transaction.atomic
def story_store_analysis(*, story: Story, result: StoryAnalysis) -> None:
    """Store claims, derived articles and entities; every review stays with its claim.

    Claims are matched to the previous analysis by their sentences, so a reviewer's verdict
    follows its claim. A reviewed claim that nothing matches any more is kept, flagged
    retired with the sentences it had; an unreviewed one is removed.
    """
    now = timezone.now()
    sentences = {
        (s.article_id, s.position): s
        for s in Sentence.objects.filter(article__story=story)
        .select_related("article")
        .defer("embedding")
    }
    Article.objects.filter(story=story).update(derived_from=None, derived_score=None)
    for derivation in result.derived.values():
        Article.objects.filter(pk=derivation.article_id, story=story).update(
            derived_from_id=derivation.derived_from_id,
            derived_score=round(min(max(derivation.score, 0.0), 1.0), 4),
        )

    old_claims = {c.pk: c for c in Claim.objects.current().filter(story=story)}
    old_members: dict[int, set[int]] = {pk: set() for pk in old_claims}
    for sentence in sentences.values():
        if sentence.claim_id in old_members:
            old_members[sentence.claim_id].add(sentence.pk)
    new_members = [
        [sentences[(ref.article_id, ref.index)] for ref in claim.members] for claim in result.claims
    ]
    matches = match_claims(old_members, [{s.pk for s in members} for members in new_members])

    stored: list[Claim] = []
    for position, claim in enumerate(result.claims):
        row = old_claims[matches[position]] if position in matches else Claim(story=story)
        row.position = position
        row.status = claim.status
        row.independent_sources = claim.independent_sources
        row.conflicts = [
            {
                "kind": conflict.kind,
                "detail": conflict.detail,
                "sentences": [sentences[(r.article_id, r.index)].pk for r in conflict.members],
            }
            for conflict in claim.conflicts
        ]
        stored.append(row)
    Claim.objects.bulk_update(
        [row for row in stored if row.pk],
        ["position", "status", "independent_sources", "conflicts"],
        batch_size=500,
    )
    Claim.objects.bulk_create([row for row in stored if not row.pk], batch_size=500)

    gone = set(old_claims) - set(matches.values())
    reviewed = set(Review.objects.filter(claim_id__in=gone).values_list("claim_id", flat=True))
    for claim_id in reviewed:
        old_claims[claim_id].retired_at = now
        old_claims[claim_id].retired_sentences = [
            {"article": s.article.source, "text": s.text}
            for s in sorted(sentences.values(), key=lambda s: (s.article_id, s.position))
            if s.pk in old_members[claim_id]
        ]
    Claim.objects.bulk_update(
        [old_claims[pk] for pk in reviewed], ["retired_at", "retired_sentences"]
    )

    before = {s.pk: s.claim_id for s in sentences.values()}
    for sentence in sentences.values():
        sentence.claim = None
    for row, members in zip(stored, new_members, strict=True):
        for sentence in members:
            sentence.claim = row
    # only the rows whose claim changes: an update writes a new row version, indexed anew
    # (the HNSW index too), even when the value stays the same
    changed = {s.pk: s.claim_id for s in sentences.values() if s.claim_id != before[s.pk]}
    _update_column(Sentence, "claim", changed)
    Claim.objects.filter(pk__in=gone - reviewed).delete()
    _store_entities(story=story, result=result, sentences=sentences)


def _store_entities(
    *, story: Story, result: StoryAnalysis, sentences: dict[tuple[int, int], Sentence]
) -> None:
    Entity.objects.filter(story=story).delete()
    entities = Entity.objects.bulk_create(
        Entity(story=story, name=e.name[:300], kind=e.kind[:20], aliases=list(e.aliases))
        for e in result.entities
    )
    Mention.objects.bulk_create(
        (
            Mention(
                entity=row,
                sentence=sentences[(m.article_id, m.segment_index)],
                start=m.start,
                end=m.end,
                text=m.text,
            )
            for row, entity in zip(entities, result.entities, strict=True)
            for m in entity.mentions
        ),
        ignore_conflicts=True,
    )
