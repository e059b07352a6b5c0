"""Read-side helpers for the pages: everything a page shows, loaded in a fixed number of queries.

Nothing here writes. The story page is built from a handful of queries whatever the number of
sentences (articles, sentences, claims, entities, mentions), then shaped into small display
objects the templates only loop over; text always reaches the template as plain strings, so
Django's autoescaping applies to every piece of article text, name and note.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from pgvector.django import CosineDistance

from claims.analysis.numbers import Quantity, compatible, find_quantities, same_reading
from claims.analysis.quotes import find_quotes, speaker
from claims.analysis.sources import origin
from claims.models import (
    Article,
    Claim,
    ClaimStatus,
    Entity,
    Mention,
    Review,
    ReviewState,
    Sentence,
    Story,
)

STATUS_ORDER = (ClaimStatus.CONFLICTING, ClaimStatus.SINGLE_SOURCE, ClaimStatus.CORROBORATED)
NOT_GROUPED = "not_grouped"
"""A statement the analysis has not put in a claim yet (only before the engine has run)."""

STATUS_ICONS: dict[str, str] = {
    ClaimStatus.CONFLICTING: "⚠",
    ClaimStatus.SINGLE_SOURCE: "①",
    ClaimStatus.CORROBORATED: "✓",
    NOT_GROUPED: "·",
}
STATUS_LABELS: dict[str, str] = {
    ClaimStatus.CONFLICTING: "Conflicting",
    ClaimStatus.SINGLE_SOURCE: "Single source",
    ClaimStatus.CORROBORATED: "Corroborated",
    NOT_GROUPED: "Not grouped yet",
}
STATUS_HELP: dict[str, str] = {
    ClaimStatus.CONFLICTING: "the sources disagree",
    ClaimStatus.SINGLE_SOURCE: "only one independent source says it",
    ClaimStatus.CORROBORATED: "two or more independent sources agree",
}
CONFLICT_LABELS: dict[str, str] = {
    "number": "The numbers differ",
    "quote": "The quotation differs",
    "attribution": "Credited to different people",
    "entity": "A name differs",
    "negation": "One says the opposite",
}

SEEN_BEFORE_LIMIT = 3
SEEN_BEFORE_MAX_DISTANCE = 0.35
"""Cosine distance up to which an earlier reviewed sentence counts as the same claim (0.65 or
more similar with all-MiniLM-L6-v2: close paraphrases, not just the same topic)."""
SEEN_BEFORE_EF_SEARCH = 100
"""HNSW candidate list size for that search (bench/archive.py at 100,000 stored sentences:
recall@10 0.974 against exact search; pgvector's default of 40 gives 0.969)."""
PREVIEW_CHARS = 160
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
SENTENCE_FIELDS = ("id", "article_id", "position", "start", "end", "text", "kind", "claim_id")


# --- small display values -----------------------------------------------------------------


@dataclass(frozen=True)
class BarSegment:
    status: str
    label: str
    count: int
    x: str  # SVG user units out of 100, formatted here so no locale gets in the way
    width: str


@dataclass(frozen=True)
class StatusBar:
    """A stacked bar of statuses, drawn as inline SVG by `claims/status_bar.html`."""

    segments: list[BarSegment]
    total: int

    @property
    def description(self) -> str:
        if not self.total:
            return "No claims yet"
        return ", ".join(f"{s.count} {s.label.lower()}" for s in self.segments)


def status_bar(counts: dict[str, int]) -> StatusBar:
    order = [*STATUS_ORDER, NOT_GROUPED]
    total = sum(counts.get(status, 0) for status in order)
    segments, x = [], 0.0
    for status in order:
        count = counts.get(status, 0)
        if not count:
            continue
        width = 100 * count / total
        segments.append(
            BarSegment(status, STATUS_LABELS[status], count, f"{x:.3f}", f"{width:.3f}")
        )
        x += width
    return StatusBar(segments=segments, total=total)


@dataclass(frozen=True)
class SentenceView:
    id: int
    claim_id: int | None
    text: str
    kind: str
    status: str  # a ClaimStatus, NOT_GROUPED, or "" for headings, bylines and the like
    review: str
    selected: bool = False
    marked: bool = False  # mentions the entity chosen in the entity panel

    @property
    def icon(self) -> str:
        return STATUS_ICONS.get(self.status, "")

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


@dataclass(frozen=True)
class Paragraph:
    pieces: list[SentenceView | str]  # sentences and the plain text between them
    heading: bool = False


@dataclass
class ArticlePane:
    article: Article
    paragraphs: list[Paragraph]
    bar: StatusBar
    segmented: bool

    @property
    def label(self) -> str:
        return article_label(self.article)

    @property
    def headline(self) -> str:
        return self.article.title or source_name(self.article.source)


@dataclass(frozen=True)
class ClaimRow:
    """One claim in the claim list."""

    claim: Claim
    preview: str
    outlets: list[str]

    @property
    def icon(self) -> str:
        return STATUS_ICONS[self.claim.status]


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    sentence_ids: list[int]
    outlets: list[str]
    marked: bool

    @property
    def other_names(self) -> list[str]:
        return [alias for alias in self.entity.aliases if alias != self.entity.name]


def article_label(article: Article) -> str:
    return article.outlet or article.title or source_name(article.source)


def source_name(source: str) -> str:
    """A file given by its path is named by its file name; a URL stays whole."""
    if "://" in source:
        return source
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


# --- the story list -------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryRow:
    story: Story
    bar: StatusBar
    claims: int
    reviewed: int

    @property
    def reviewed_percent(self) -> int:
        return round(100 * self.reviewed / self.claims) if self.claims else 0


def story_rows() -> list[StoryRow]:
    """Every story with its article count, claims by status and how many are reviewed."""
    current = Q(claims__retired_at__isnull=True)
    articles = (
        Article.objects.filter(story=OuterRef("pk"))
        .values("story")
        .annotate(count=Count("id"))
        .values("count")
    )
    stories = Story.objects.annotate(
        article_count=Coalesce(Subquery(articles), 0),
        claim_count=Count("claims", filter=current),
        reviewed_count=Count(
            "claims", filter=current & ~Q(claims__review_state=ReviewState.UNREVIEWED)
        ),
        **{
            f"count_{status}": Count("claims", filter=current & Q(claims__status=status))
            for status in STATUS_ORDER
        },
    ).order_by("-created_at")
    return [
        StoryRow(
            story=story,
            bar=status_bar({status: getattr(story, f"count_{status}") for status in STATUS_ORDER}),
            claims=story.claim_count,  # type: ignore[attr-defined]
            reviewed=story.reviewed_count,  # type: ignore[attr-defined]
        )
        for story in stories
    ]


def free_story_slug(title: str) -> str:
    """A slug for a new story made from its title, not yet taken."""
    base = slugify(title)[:80].strip("-") or "story"
    taken = set(Story.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- the claim list and its filter ----------------------------------------------------------


@dataclass(frozen=True)
class ClaimFilter:
    status: str = ""
    review: str = ""
    claim: int | None = None  # the claim the editor has open, kept across filter changes

    def apply(self, claims: Iterable[Claim]) -> list[Claim]:
        return [
            claim
            for claim in claims
            if (not self.status or claim.status == self.status)
            and (not self.review or claim.review_state == self.review)
        ]

    def query(self, **extra: Any) -> str:
        """The filter as a query string (without '?'), with `extra` added or replaced."""
        params = {"status": self.status, "review": self.review, "claim": self.claim}
        params.update(extra)
        return urlencode({key: value for key, value in params.items() if value})


@dataclass(frozen=True)
class ReviewProgress:
    reviewed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


def review_progress(story: Story) -> ReviewProgress:
    counts = (
        Claim.objects.current()
        .filter(story=story)
        .aggregate(
            total=Count("id"),
            reviewed=Count("id", filter=~Q(review_state=ReviewState.UNREVIEWED)),
        )
    )
    return ReviewProgress(reviewed=counts["reviewed"], total=counts["total"])


@dataclass(frozen=True)
class ClaimList:
    rows: list[ClaimRow]
    total: int
    by_status: dict[str, int]
    by_review: dict[str, int]
    filter: ClaimFilter

    @property
    def progress(self) -> ReviewProgress:
        return ReviewProgress(
            self.total - self.by_review.get(ReviewState.UNREVIEWED, 0), self.total
        )

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return [("", f"All statuses ({self.total})")] + [
            (status, f"{STATUS_LABELS[status]} ({self.by_status.get(status, 0)})")
            for status in STATUS_ORDER
        ]

    @property
    def review_choices(self) -> list[tuple[str, str]]:
        return [("", f"Any review ({self.total})")] + [
            (state.value, f"{state.label} ({self.by_review.get(state.value, 0)})")
            for state in ReviewState
        ]


def _claim_rows(
    claims: Sequence[Claim], sentences: Iterable[Sentence], articles: dict[int, Article]
) -> list[ClaimRow]:
    first: dict[int, str] = {}
    outlets: defaultdict[int, list[str]] = defaultdict(list)
    for sentence in sentences:
        if sentence.claim_id is None:
            continue
        first.setdefault(sentence.claim_id, sentence.text)
        label = article_label(articles[sentence.article_id])
        if label not in outlets[sentence.claim_id]:
            outlets[sentence.claim_id].append(label)
    return [
        ClaimRow(claim=claim, preview=_shorten(first.get(claim.pk, "")), outlets=outlets[claim.pk])
        for claim in claims
    ]


def _shorten(text: str) -> str:
    if len(text) <= PREVIEW_CHARS:
        return text
    return text[: PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _claim_list(
    claims: Sequence[Claim],
    sentences: Sequence[Sentence],
    articles: dict[int, Article],
    claim_filter: ClaimFilter,
) -> ClaimList:
    shown = claim_filter.apply(claims)
    shown_ids = {claim.pk for claim in shown}
    return ClaimList(
        rows=_claim_rows(shown, (s for s in sentences if s.claim_id in shown_ids), articles),
        total=len(claims),
        by_status=dict(Counter(claim.status for claim in claims)),
        by_review=dict(Counter(claim.review_state for claim in claims)),
        filter=claim_filter,
    )


def _current_claims(story: Story) -> list[Claim]:
    return list(Claim.objects.current().filter(story=story).order_by("position", "id"))


def _story_sentences(story: Story) -> list[Sentence]:
    # The embeddings stay in the database: 384 floats a sentence that no page shows.
    return list(
        Sentence.objects.filter(article__story=story)
        .only(*SENTENCE_FIELDS)
        .order_by("article_id", "position")
    )


def _story_articles(story: Story) -> list[Article]:
    return list(story.articles.select_related("derived_from"))


def claim_list_load(story: Story, claim_filter: ClaimFilter) -> ClaimList:
    """The claim list on its own, for the filter's htmx request: three queries."""
    articles = {article.pk: article for article in story.articles.all()}
    claims = _current_claims(story)
    wanted = {claim.pk for claim in claim_filter.apply(claims)}
    sentences = list(
        Sentence.objects.filter(claim_id__in=wanted)
        .only("id", "article_id", "text", "claim_id")
        .order_by("article_id", "position")
    )
    return _claim_list(claims, sentences, articles, claim_filter)


def claim_row(claim: Claim) -> ClaimRow:
    """One claim list row, for replacing that row after a review."""
    sentences = list(claim.sentences.select_related("article").order_by("article_id", "position"))
    articles = {s.article_id: s.article for s in sentences}
    return _claim_rows([claim], sentences, articles)[0]


# --- the claim panel ------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPiece:
    text: str
    mark: str = ""  # "" plain, "number" a differing number, "quote" quoted words


@dataclass(frozen=True)
class DiffWord:
    text: str
    op: str  # "same", "removed" (only in the first article's quote), "added"


@dataclass(frozen=True)
class ConflictSide:
    sentence_id: int
    outlet: str
    pieces: list[TextPiece]
    highlights: list[str] = field(default_factory=list)  # the differing numbers, or speaker
    quote: list[DiffWord] = field(default_factory=list)


@dataclass(frozen=True)
class ConflictView:
    kind: str
    detail: str
    sides: list[ConflictSide]

    @property
    def label(self) -> str:
        return CONFLICT_LABELS.get(self.kind, self.kind.capitalize())


@dataclass(frozen=True)
class PanelSentence:
    sentence: Sentence
    outlet: str
    in_conflict: bool


@dataclass(frozen=True)
class SeenBefore:
    claim_id: int
    story: Story
    text: str
    similarity: int  # percent
    verdict: str
    note: str
    by: str
    at: datetime | None

    @property
    def url(self) -> str:
        return f"{self.story.get_absolute_url()}?claim={self.claim_id}"


@dataclass
class ClaimPanel:
    claim: Claim
    sentences: list[PanelSentence]
    conflicts: list[ConflictView]
    reviews: list[Review]
    seen_before: list[SeenBefore]

    @property
    def icon(self) -> str:
        return STATUS_ICONS[self.claim.status]

    @property
    def help(self) -> str:
        return STATUS_HELP[self.claim.status]

    copied_wording: bool = False  # some of its articles share a copied passage (see below)

    @property
    def article_count(self) -> int:
        return len({item.sentence.article_id for item in self.sentences})


def claim_panel_load(claim: Claim) -> ClaimPanel:
    """The claim with its sentences, conflicts, review history and earlier look-alikes."""
    sentences = list(
        claim.sentences.select_related("article").order_by(
            "article__ours", "article_id", "position"
        )
    )
    sentences.sort(key=lambda s: (not s.article.ours, s.article_id, s.position))
    reviews = list(claim.reviews.order_by("-sequence"))
    derived = dict(
        Article.objects.filter(story_id=claim.story_id).values_list("id", "derived_from_id")
    )
    return _claim_panel(claim, sentences, reviews, derived)


def _claim_panel(
    claim: Claim,
    sentences: list[Sentence],
    reviews: list[Review],
    derived_from: Mapping[int, int | None],
) -> ClaimPanel:
    """`derived_from`: every article of the story -> the article it is a rewrite of, or None."""
    in_conflict = {sid for conflict in claim.conflicts for sid in conflict.get("sentences", [])}
    return ClaimPanel(
        claim=claim,
        sentences=[
            PanelSentence(s, article_label(s.article), s.pk in in_conflict) for s in sentences
        ],
        conflicts=conflict_views(claim, sentences),
        reviews=reviews,
        seen_before=seen_before(claim, sentences),
        copied_wording=_copied_wording(claim, sentences, derived_from),
    )


def _copied_wording(
    claim: Claim, sentences: Sequence[Sentence], derived_from: Mapping[int, int | None]
) -> bool:
    """Whether the claim has fewer independent sources than its articles have originals: the
    engine counts an article that copies a passage of another once with it, though neither is
    a rewrite of the other."""
    originals = {origin(sentence.article_id, derived_from) for sentence in sentences}
    return len(originals) > claim.independent_sources


def conflict_views(claim: Claim, sentences: Sequence[Sentence]) -> list[ConflictView]:
    by_id = {sentence.pk: sentence for sentence in sentences}
    views = []
    for conflict in claim.conflicts:
        members = [by_id[sid] for sid in conflict.get("sentences", []) if sid in by_id]
        kind = str(conflict.get("kind", ""))
        if kind == "number":
            sides = _number_sides(members)
        elif kind == "quote":
            sides = _quote_sides(members)
        elif kind == "attribution":
            sides = [
                ConflictSide(
                    s.pk,
                    article_label(s.article),
                    [TextPiece(s.text)],
                    highlights=[who] if (who := speaker(s.text)) else [],
                )
                for s in members
            ]
        else:
            sides = [
                ConflictSide(s.pk, article_label(s.article), [TextPiece(s.text)]) for s in members
            ]
        views.append(ConflictView(kind=kind, detail=str(conflict.get("detail", "")), sides=sides))
    return views


def _number_sides(members: Sequence[Sentence]) -> list[ConflictSide]:
    """Each sentence with the numbers that disagree with another sentence's marked; the
    sentences that disagree with the most others first (the odd one out of three leads)."""
    found = {s.pk: find_quantities(s.text) for s in members}
    disagreeing: dict[int, int] = {}
    sides = []
    for sentence in members:
        clashes = [  # per other sentence, which of this one's quantities it contradicts
            {
                n
                for n, q in enumerate(found[sentence.pk])
                if any(
                    same_reading(q, theirs) and not compatible(q, theirs) for theirs in quantities
                )
            }
            for other, quantities in found.items()
            if other != sentence.pk
        ]
        disagreeing[sentence.pk] = sum(bool(clash) for clash in clashes)
        differing = [q for n, q in enumerate(found[sentence.pk]) if any(n in c for c in clashes)]
        sides.append(
            ConflictSide(
                sentence.pk,
                article_label(sentence.article),
                _marked(sentence.text, [(q.start, q.end) for q in differing], "number"),
                highlights=[_quantity_text(q) for q in differing],
            )
        )
    return sorted(sides, key=lambda side: -disagreeing[side.sentence_id])


def _quantity_text(quantity: Quantity) -> str:
    if quantity.noun and quantity.noun not in quantity.text.lower():
        return f"{quantity.text} {quantity.noun}"
    return quantity.text


def _marked(text: str, spans: Sequence[tuple[int, int]], mark: str) -> list[TextPiece]:
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        if start > cursor:
            pieces.append(TextPiece(text[cursor:start]))
        pieces.append(TextPiece(text[start:end], mark))
        cursor = end
    if cursor < len(text):
        pieces.append(TextPiece(text[cursor:]))
    return pieces


def _quote_sides(members: Sequence[Sentence]) -> list[ConflictSide]:
    """The first sentence's quotation, then each other's as a word diff against it."""
    if not members:
        return []
    quotes = {s.pk: [q.text for q in find_quotes(s.text)] for s in members}
    base = members[0]
    sides = []
    for sentence in members:
        spans = [(q.start, q.end) for q in find_quotes(sentence.text)]
        pieces = _marked(sentence.text, spans, "quote")
        if sentence.pk == base.pk:
            longest = max(quotes[base.pk], key=len, default="")
            words = [DiffWord(word, "same") for word in longest.split()]
        else:
            first, second = _closest_pair(quotes[base.pk], quotes[sentence.pk])
            words = word_diff(first, second)
        sides.append(
            ConflictSide(sentence.pk, article_label(sentence.article), pieces, quote=words)
        )
    return sides


def _closest_pair(first: list[str], second: list[str]) -> tuple[str, str]:
    if not first or not second:
        return (first[0] if first else "", second[0] if second else "")
    pairs = [(a, b) for a in first for b in second]
    return max(pairs, key=lambda pair: _similarity(*pair))


def _similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, first.lower().split(), second.lower().split()).ratio()


def word_diff(first: str, second: str) -> list[DiffWord]:
    """Words of `second` against `first`: the same, added, and removed (shown struck out)."""
    a, b = first.split(), second.split()
    fold = [w.lower().strip(".,;:!?'\"“”‘’") for w in a]
    fold_b = [w.lower().strip(".,;:!?'\"“”‘’") for w in b]
    words: list[DiffWord] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, fold, fold_b, autojunk=False).get_opcodes():
        if tag == "equal":
            words.extend(DiffWord(w, "same") for w in b[j1:j2])
            continue
        words.extend(DiffWord(w, "removed") for w in a[i1:i2])
        words.extend(DiffWord(w, "added") for w in b[j1:j2])
    return words


def seen_before_candidates(
    story_id: int, centroid: np.ndarray, max_distance: float | None = SEEN_BEFORE_MAX_DISTANCE
) -> QuerySet[Sentence]:
    """Sentences of reviewed claims in other stories, closest to `centroid` (a unit vector)
    first, with their claim's latest review; the HNSW index on the embeddings serves the
    ordering. Run it inside a transaction with ``hnsw.iterative_scan`` set, as `seen_before`
    does, when it is filtered."""
    latest = Review.objects.filter(claim_id=OuterRef("claim_id")).order_by("-sequence")
    candidates = (
        Sentence.objects.filter(
            claim__retired_at__isnull=True,
            claim__review_state__in=[ReviewState.VERIFIED, ReviewState.DISPUTED],
            claim__isnull=False,  # implies the HNSW index's condition, so it is used
            embedding__isnull=False,
        )
        .exclude(article__story_id=story_id)
        .annotate(distance=CosineDistance("embedding", centroid.tolist()))
    )
    if max_distance is not None:
        candidates = candidates.filter(distance__lte=max_distance)
    return (
        candidates.annotate(
            review_note=Subquery(latest.values("note")[:1]),
            review_by=Subquery(latest.values("by_name")[:1]),
            review_at=Subquery(latest.values("at")[:1]),
        )
        .select_related("claim", "article__story")
        .defer("embedding")
        .order_by("distance")
    )


def seen_before(claim: Claim, sentences: Sequence[Sentence]) -> list[SeenBefore]:
    """The closest claims reviewed in other stories, by cosine distance of sentence embeddings.

    The claim's sentence vectors are averaged (they say the same thing) and compared with the
    sentences of reviewed claims elsewhere; one result per earlier claim, closest first.
    """
    vectors = [
        np.asarray(s.embedding, dtype=np.float32) for s in sentences if s.embedding is not None
    ]
    if not vectors:
        return []
    centroid = np.mean(vectors, axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0:
        return []
    centroid = centroid / norm
    # The nearest rows, then the distance limit here: as a WHERE clause, the limit would keep
    # the index scan going (up to hnsw.max_scan_tuples) whenever fewer rows are that close.
    candidates = seen_before_candidates(claim.story_id, centroid, max_distance=None)
    with transaction.atomic():
        # With a filter, an HNSW index scan can stop before it finds enough rows; pgvector's
        # iterative scan keeps going (order is re-checked below).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true),"
                " set_config('hnsw.ef_search', %s, true)",
                [str(SEEN_BEFORE_EF_SEARCH)],
            )
        rows = list(candidates[: SEEN_BEFORE_LIMIT * 4])
    found: dict[int, SeenBefore] = {}
    for row in sorted(rows, key=lambda r: r.distance):  # type: ignore[attr-defined]
        if row.distance > SEEN_BEFORE_MAX_DISTANCE:  # type: ignore[attr-defined]
            break
        if row.claim_id is None or row.claim_id in found or row.claim is None:
            continue
        found[row.claim_id] = SeenBefore(
            claim_id=row.claim_id,
            story=row.article.story,
            text=row.text,
            similarity=round(100 * (1 - row.distance)),  # type: ignore[attr-defined]
            verdict=row.claim.get_review_state_display(),
            note=row.review_note or "",  # type: ignore[attr-defined]
            by=row.review_by or "",  # type: ignore[attr-defined]
            at=row.review_at,  # type: ignore[attr-defined]
        )
    return list(found.values())[:SEEN_BEFORE_LIMIT]


# --- the story page -------------------------------------------------------------------------


@dataclass
class StoryPage:
    story: Story
    panes: list[ArticlePane]
    claims: ClaimList
    entities: list[EntityRow]
    panel: ClaimPanel | None
    counts: dict[str, int]

    @property
    def bar(self) -> StatusBar:
        return status_bar(self.counts)

    @property
    def has_claims(self) -> bool:
        return self.claims.total > 0

    @property
    def marked_entity(self) -> bool:
        return any(row.marked for row in self.entities)


def story_page_load(
    story: Story, *, claim_filter: ClaimFilter, entity_id: int | None = None
) -> StoryPage:
    """Everything the story page shows, in a fixed number of queries.

    Articles, sentences, claims, entities and mentions are one query each; the open claim
    (`claim_filter.claim`) adds its reviews and its "seen before" look-up.
    """
    articles = _story_articles(story)
    by_id = {article.pk: article for article in articles}
    sentences = _story_sentences(story)
    claims = _current_claims(story)
    claims_by_id = {claim.pk: claim for claim in claims}
    entities = list(Entity.objects.filter(story=story))
    mentions = list(
        Mention.objects.filter(entity__story=story)
        .values_list("entity_id", "sentence_id", "sentence__article_id")
        .order_by("entity_id", "sentence_id")
    )
    marked = {sid for eid, sid, _ in mentions if eid == entity_id}

    selected = claims_by_id.get(claim_filter.claim or 0)
    sentences_by_article: defaultdict[int, list[Sentence]] = defaultdict(list)
    for sentence in sentences:
        sentence.article = by_id[sentence.article_id]
        sentences_by_article[sentence.article_id].append(sentence)

    counts: Counter[str] = Counter()
    panes = []
    for article in articles:
        views = [
            _sentence_view(s, claims_by_id, selected, marked)
            for s in sentences_by_article[article.pk]
        ]
        article_counts = Counter(v.status for v in views if v.status)
        counts.update(article_counts)
        panes.append(
            ArticlePane(
                article=article,
                paragraphs=paragraphs(article.body, sentences_by_article[article.pk], views),
                bar=status_bar(article_counts),
                segmented=bool(views),
            )
        )

    panel = None
    if selected is not None:
        members = [s for s in sentences if s.claim_id == selected.pk]
        members.sort(key=lambda s: (not s.article.ours, s.article_id, s.position))
        with_vectors = list(
            Sentence.objects.filter(claim=selected).only("id", "embedding").order_by("id")
        )
        vectors = {s.pk: s.embedding for s in with_vectors}
        for member in members:
            member.embedding = vectors.get(member.pk)
        panel = _claim_panel(
            selected,
            members,
            list(selected.reviews.order_by("-sequence")),
            {article.pk: article.derived_from_id for article in articles},
        )

    return StoryPage(
        story=story,
        panes=panes,
        claims=_claim_list(claims, sentences, by_id, claim_filter),
        entities=_entity_rows(entities, mentions, by_id, entity_id),
        panel=panel,
        counts=dict(counts),
    )


def _sentence_view(
    sentence: Sentence,
    claims: dict[int, Claim],
    selected: Claim | None,
    marked: set[int],
) -> SentenceView:
    claim = claims.get(sentence.claim_id) if sentence.claim_id else None
    if claim is not None:
        status, review = claim.status, claim.review_state
    elif sentence.kind == Sentence.Kind.STATEMENT:
        status, review = NOT_GROUPED, ""
    else:
        status, review = "", ""
    return SentenceView(
        id=sentence.pk,
        claim_id=claim.pk if claim else None,
        text=sentence.text,
        kind=sentence.kind,
        status=status,
        review=review,
        selected=selected is not None and claim is not None and claim.pk == selected.pk,
        marked=sentence.pk in marked,
    )


def paragraphs(
    body: str, sentences: Sequence[Sentence], views: Sequence[SentenceView]
) -> list[Paragraph]:
    """The body as paragraphs of sentences, split where the body has a blank line.

    Text between sentences stays as plain text, so nothing of the article is left out.
    """
    result: list[Paragraph] = []
    current: list[SentenceView | str] = []
    alone = False  # the paragraph so far is a heading, byline or dateline: nothing joins it
    cursor = 0

    def close() -> None:
        nonlocal current
        if current:
            heading = any(isinstance(p, SentenceView) and p.kind == "heading" for p in current)
            result.append(Paragraph(pieces=current, heading=heading))
        current = []

    def text_between(gap: str) -> None:
        for block in _BLANK_LINE.split(gap):
            if block.strip():
                close()
                current.append(" ".join(block.split()))
        close()

    for sentence, view in zip(sentences, views, strict=True):
        gap = body[cursor : sentence.start]
        stands_alone = view.kind != Sentence.Kind.STATEMENT
        if _BLANK_LINE.search(gap):
            text_between(gap)
        elif stands_alone or alone:
            close()
            if gap.strip():
                current.append(" ".join(gap.split()) + " ")
        elif gap.strip():
            current.append(" " + " ".join(gap.split()) + " ")
        elif current:
            current.append(" ")
        current.append(view)
        alone = stands_alone
        cursor = sentence.end
    close()
    text_between(body[cursor:])
    return result


def _entity_rows(
    entities: list[Entity],
    mentions: list[tuple[int, int, int]],
    articles: dict[int, Article],
    entity_id: int | None,
) -> list[EntityRow]:
    sentence_ids: defaultdict[int, list[int]] = defaultdict(list)
    article_ids: defaultdict[int, set[int]] = defaultdict(set)
    for eid, sid, aid in mentions:
        if sid not in sentence_ids[eid]:
            sentence_ids[eid].append(sid)
        article_ids[eid].add(aid)
    rows = [
        EntityRow(
            entity=entity,
            sentence_ids=sentence_ids[entity.pk],
            outlets=[
                article_label(a) for aid, a in articles.items() if aid in article_ids[entity.pk]
            ],
            marked=entity.pk == entity_id,
        )
        for entity in entities
    ]
    # The ones most articles mention first: those are the ones worth checking across sources.
    rows.sort(key=lambda row: (-len(row.outlets), -len(row.sentence_ids), row.entity.name))
    return rows
