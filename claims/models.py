"""Stories, their articles and sentences, the claims they make, and the editors' reviews."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

EMBEDDING_DIMENSIONS = 384


class AnalysisState(models.TextChoices):
    NEW = "new", "Not analysed yet"
    QUEUED = "queued", "Waiting for a worker"
    WAITING = "waiting", "Waiting for the queue to come back"
    RUNNING = "running", "Analysing"
    ANALYZED = "analyzed", "Analysed"
    FAILED = "failed", "Analysis failed"


class StoryQuerySet(models.QuerySet["Story"]):
    def with_article_counts(self) -> StoryQuerySet:
        return self.annotate(article_count=models.Count("articles", distinct=True))


class Story(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Analysis progress, for the page to show. The generation increases each time an analysis
    # is requested; a task only works on the generation it was queued for.
    analysis_state = models.CharField(
        max_length=10, choices=AnalysisState.choices, default=AnalysisState.NEW
    )
    analysis_generation = models.PositiveIntegerField(default=0)
    analysis_stage = models.CharField(max_length=100, blank=True)
    analysis_done = models.PositiveIntegerField(default=0)
    analysis_total = models.PositiveIntegerField(default=0)
    analysis_error = models.TextField(blank=True)
    analysis_requested_at = models.DateTimeField(null=True, blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(analysis_done__lte=F("analysis_total")),
                name="story_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("claims:story-detail", kwargs={"slug": self.slug})

    @property
    def analysis_in_progress(self) -> bool:
        return self.analysis_state in {
            AnalysisState.QUEUED,
            AnalysisState.WAITING,
            AnalysisState.RUNNING,
        }

    @property
    def progress_percent(self) -> int:
        if not self.analysis_total:
            return 0
        return round(100 * self.analysis_done / self.analysis_total)


class Article(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="articles")
    source = models.CharField(max_length=2000, help_text="File name or URL as given.")
    outlet = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    body = models.TextField()
    content_hash = models.CharField(max_length=64)
    metadata = models.JSONField(default=dict, blank=True)
    ours = models.BooleanField(default=False, help_text="The newsroom's own article.")
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rewrites"
    )
    derived_score = models.FloatField(null=True, blank=True)
    segmented_at = models.DateTimeField(null=True, blank=True)
    embedded_at = models.DateTimeField(null=True, blank=True)
    analysis_error = models.TextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ours", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "content_hash"], name="article_content_once_per_story"
            ),
            models.UniqueConstraint(
                fields=["story"], condition=Q(ours=True), name="one_own_article_per_story"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(
                condition=~Q(derived_from=F("id")), name="article_not_derived_from_itself"
            ),
            models.CheckConstraint(
                condition=Q(derived_score__isnull=True)
                | Q(derived_score__gte=0, derived_score__lte=1),
                name="article_derived_score_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.source


class Sentence(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement"
        HEADING = "heading"
        BYLINE = "byline"
        DATELINE = "dateline"
        BOILERPLATE = "boilerplate"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    position = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    body_length = models.PositiveIntegerField(help_text="Length of the article body.")
    text = models.TextField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATEMENT)
    claim = models.ForeignKey(
        "Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="sentences"
    )
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="sentence_position_once_per_article"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) & Q(end__lte=F("body_length")),
                name="sentence_offsets_inside_body",
            ),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")),
                name="sentence_text_matches_offsets",
            ),
            models.CheckConstraint(
                condition=Q(claim__isnull=True) | Q(kind="statement"),
                name="only_statements_belong_to_claims",
            ),
        ]
        indexes = [
            HnswIndex(
                name="sentence_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
                # the statements of analysed stories: those the archive search looks through.
                # A sentence enters the index once, when it is given its claim, not also when
                # it is embedded (an update that sets the vector would index it a first time)
                condition=Q(claim__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ClaimStatus(models.TextChoices):
    CORROBORATED = "corroborated", "Corroborated"
    SINGLE_SOURCE = "single_source", "Single source"
    CONFLICTING = "conflicting", "Conflicting"


class ReviewState(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"


class ClaimQuerySet(models.QuerySet["Claim"]):
    def current(self) -> ClaimQuerySet:
        return self.filter(retired_at__isnull=True)

    def needs_review(self) -> ClaimQuerySet:
        return self.current().filter(review_state=ReviewState.UNREVIEWED)


class ReviewConflict(Exception):
    """The claim's review changed since the editor loaded it."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(
            f"Someone else reviewed this claim in the meantime: it is now "
            f"{claim.get_review_state_display().lower()}."
        )
        self.claim = claim


class Claim(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=13, choices=ClaimStatus.choices, default=ClaimStatus.SINGLE_SOURCE
    )
    independent_sources = models.PositiveIntegerField(default=1)
    conflicts = models.JSONField(
        default=list, blank=True, help_text='[{"kind", "detail", "sentences": [ids]}]'
    )
    # The current review, kept in step with the newest Review row; review_count is the number
    # of Review rows and lets an editor's change say which state it was made against.
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.UNREVIEWED
    )
    review_count = models.PositiveIntegerField(default=0)
    # A reviewed claim that no claim of a re-analysis matches is kept, flagged retired, with
    # the sentences it had then ([{"article": source, "text": ...}]), so no review is lost.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_sentences = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["story_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_known"
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values), name="claim_review_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} ({self.status})"

    def mark_verified(
        self, *, by: Any, note: str = "", expected_count: int | None = None
    ) -> Review:
        return self.review(ReviewState.VERIFIED, by=by, note=note, expected_count=expected_count)

    def mark_disputed(
        self, *, by: Any, note: str = "", expected_count: int | None = None
    ) -> Review:
        return self.review(ReviewState.DISPUTED, by=by, note=note, expected_count=expected_count)

    def review(
        self, state: str, *, by: Any, note: str = "", expected_count: int | None = None
    ) -> Review:
        """Record a new review; never overwrites one.

        ``expected_count`` is the number of reviews the editor saw: when someone reviewed the
        claim since, ReviewConflict is raised and nothing is written.
        """
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=self.pk)
            if expected_count is not None and locked.review_count != expected_count:
                raise ReviewConflict(locked)
            review = Review.objects.create(
                claim=locked,
                sequence=locked.review_count + 1,
                state=state,
                previous_state=locked.review_state,
                note=note,
                by=by,
                by_name=by.get_username() if by is not None else "",
            )
            Claim.objects.filter(pk=self.pk).update(
                review_state=state, review_count=review.sequence
            )
        self.review_state, self.review_count = state, review.sequence
        return review


class Review(models.Model):
    """One editor's verdict on a claim at one moment. Rows are only ever added."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    sequence = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=ReviewState.choices)
    previous_state = models.CharField(max_length=10, choices=ReviewState.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    by_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "sequence"], name="review_sequence_per_claim"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="review_sequence_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.by_name or 'someone'}: {self.previous_state} → {self.state}"


class Entity(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["story_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "kind", "name"], name="entity_name_once_per_story"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="mentions")
    start = models.PositiveIntegerField(help_text="Offset into the article body.")
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["sentence_id", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="mention_not_empty"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")), name="mention_text_matches_offsets"
            ),
            models.UniqueConstraint(
                fields=["entity", "sentence", "start"], name="mention_once_per_place"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class LoginFailure(models.Model):
    """A failed login, kept for a while to lock out password guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"
