"""What leaves Newsdesk: the JSON of the command-line contract and the correction memo."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from claims.models import Article, Claim, ClaimStatus, Entity, Review, Sentence, Story

STATUS_ORDER = {
    ClaimStatus.CONFLICTING: 0,
    ClaimStatus.SINGLE_SOURCE: 1,
    ClaimStatus.CORROBORATED: 2,
}


@dataclass(frozen=True)
class StoryExport:
    """A story with everything an export needs, loaded in a fixed number of queries."""

    story: Story
    articles: list[Article]
    claims: list[Claim]
    entities: list[Entity]

    @classmethod
    def load(cls, story: Story) -> StoryExport:
        sentences = Sentence.objects.order_by("article_id", "position")
        reviews = Review.objects.select_related("by").order_by("sequence")
        claims = (
            Claim.objects.current()
            .filter(story=story)
            .prefetch_related(Prefetch("sentences", queryset=sentences))
            .prefetch_related(Prefetch("reviews", queryset=reviews))
            .order_by("position", "id")
        )
        entities = Entity.objects.filter(story=story).prefetch_related("mentions__sentence")
        return cls(
            story=story,
            articles=list(story.articles.select_related("derived_from").order_by("id")),
            claims=list(claims),
            entities=list(entities),
        )

    @property
    def articles_by_id(self) -> dict[int, Article]:
        return {article.pk: article for article in self.articles}


def latest_review(claim: Claim) -> Review | None:
    reviews = list(claim.reviews.all())
    return reviews[-1] if reviews else None


def review_json(claim: Claim) -> dict[str, Any]:
    review = latest_review(claim)
    return {
        "state": claim.review_state,
        "note": review.note if review else "",
        "by": (review.by_name or None) if review else None,
        "at": review.at.isoformat() if review else None,
    }


def story_json(story: Story) -> dict[str, Any]:
    """The story as DESIGN.md's `export --format json` prints it."""
    data = StoryExport.load(story)
    return {
        "story": {
            "slug": story.slug,
            "title": story.title,
            "analyzed_at": story.analyzed_at.isoformat() if story.analyzed_at else None,
        },
        "articles": [
            {
                "id": article.pk,
                "source": article.source,
                "outlet": article.outlet,
                "title": article.title,
                "author": article.author,
                "published": article.published.isoformat() if article.published else None,
                "ours": article.ours,
                "derived_from": article.derived_from_id,
                "derived_score": article.derived_score,
            }
            for article in data.articles
        ],
        "claims": [
            {
                "id": claim.pk,
                "status": claim.status,
                "independent_sources": claim.independent_sources,
                "review": review_json(claim),
                "conflicts": [
                    {"kind": c["kind"], "detail": c["detail"], "sentences": c["sentences"]}
                    for c in claim.conflicts
                ],
                "sentences": [
                    {
                        "id": sentence.pk,
                        "article": sentence.article_id,
                        "text": sentence.text,
                        "start": sentence.start,
                        "end": sentence.end,
                    }
                    for sentence in claim.sentences.all()
                ],
            }
            for claim in data.claims
        ],
        "entities": [
            {
                "id": entity.pk,
                "name": entity.name,
                "kind": entity.kind,
                "aliases": list(entity.aliases),
                "articles": sorted({m.sentence.article_id for m in entity.mentions.all()}),
            }
            for entity in data.entities
        ],
    }


# --- the correction memo ----------------------------------------------------------------------


def _article_label(article: Article) -> str:
    outlet = article.outlet or article.source
    return f"{outlet}, “{article.title}”" if article.title else outlet


def _quote_block(claim: Claim, articles: dict[int, Article]) -> list[str]:
    return [f"> {_article_label(articles[s.article_id])}: {s.text}" for s in claim.sentences.all()]


def _review_line(claim: Claim) -> str:
    review = latest_review(claim)
    if review is None:
        return "Review: not reviewed yet."
    when = review.at.strftime("%d %b %Y %H:%M")
    note = f" Note: {review.note}" if review.note else ""
    verdict = review.get_state_display().lower()
    return f"Review: {verdict} by {review.by_name or 'unknown'}, {when}.{note}"


def suggested_correction(claim: Claim, ours: Article | None, articles: dict[int, Article]) -> str:
    """When a reviewer disputed a claim of our article, the wording of the source that
    contradicts it, as the correction to consider; "" when none follows."""
    if ours is None or claim.review_state != "disputed":
        return ""
    by_id = {s.pk: s for s in claim.sentences.all()}
    for conflict in claim.conflicts:
        involved = [by_id[pk] for pk in conflict["sentences"] if pk in by_id]
        if not any(s.article_id == ours.pk for s in involved):
            continue
        other = next((s for s in involved if s.article_id != ours.pk), None)
        if other is not None:
            source = _article_label(articles[other.article_id])
            return f"Suggested correction ({conflict['kind']}), as {source} has it: {other.text}"
    return ""


def memo_claims(data: StoryExport) -> tuple[Article | None, list[Claim], list[Claim]]:
    """The claims a memo covers: (our article, conflicting, single-source).

    With an article of our own, only the claims it makes count; without one, the whole story.
    """
    ours = next((article for article in data.articles if article.ours), None)
    claims = data.claims
    if ours is not None:
        claims = [c for c in claims if any(s.article_id == ours.pk for s in c.sentences.all())]
    conflicting = [c for c in claims if c.status == ClaimStatus.CONFLICTING]
    single = [c for c in claims if c.status == ClaimStatus.SINGLE_SOURCE]
    return ours, conflicting, single


def story_memo_markdown(story: Story) -> str:
    """A correction memo an editor can send: what needs attention first, then the sources."""
    data = StoryExport.load(story)
    articles = data.articles_by_id
    ours, conflicting, single = memo_claims(data)
    counts: defaultdict[str, int] = defaultdict(int)
    for claim in data.claims:
        counts[claim.status] += 1
    lines = [f"# Correction memo: {story.title}", ""]
    analysed = story.analyzed_at.strftime("%d %b %Y %H:%M UTC") if story.analyzed_at else "never"
    lines.append(
        f"{len(data.articles)} articles, {len(data.claims)} claims: "
        f"{counts[ClaimStatus.CONFLICTING]} conflicting, "
        f"{counts[ClaimStatus.SINGLE_SOURCE]} single-source, "
        f"{counts[ClaimStatus.CORROBORATED]} corroborated. Analysed {analysed}."
    )
    if ours is not None:
        lines += ["", f"This memo is about our article: {_article_label(ours)}."]
    lines += ["", "## Conflicts", ""]
    if not conflicting:
        lines.append("None found.")
    for number, claim in enumerate(conflicting, 1):
        lines.append(f"### {number}. Claim {claim.pk}")
        lines += _quote_block(claim, articles)
        lines.append("")
        for conflict in claim.conflicts:
            lines.append(f"- **{conflict['kind']}**: {conflict['detail']}")
        lines += ["", _review_line(claim), ""]
        correction = suggested_correction(claim, ours, articles)
        if correction:
            lines += [correction, ""]
    lines += ["## Single-source claims", ""]
    if not single:
        lines.append("None.")
    for claim in single:
        lines += _quote_block(claim, articles)
        lines += [f"  {_review_line(claim)}", ""]
    lines += ["## Sources", ""]
    for article in data.articles:
        details = [d for d in (article.author, str(article.published or "")) if d]
        line = f"- {_article_label(article)}" + (f" ({', '.join(details)})" if details else "")
        if article.derived_from_id:
            score = f" {article.derived_score:.0%}" if article.derived_score is not None else ""
            line += f"; a rewrite of {_article_label(articles[article.derived_from_id])}{score}"
        if article.url:
            line += f" <{article.url}>"
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


# --- ClaimReview JSON-LD and the PDF memo ------------------------------------------------------

RATINGS = {"verified": (5, "Verified"), "disputed": (1, "Disputed")}


def story_claimreview(story: Story) -> dict[str, Any]:
    """schema.org ClaimReview items for the story's reviewed claims."""
    from django.conf import settings

    data = StoryExport.load(story)
    articles = data.articles_by_id
    story_url = settings.NEWSDESK_SITE_URL.rstrip("/") + story.get_absolute_url()
    items = []
    for claim in data.claims:
        review = latest_review(claim)
        if review is None or claim.review_state not in RATINGS:
            continue
        value, name = RATINGS[claim.review_state]
        sentences = list(claim.sentences.all())
        items.append(
            {
                "@type": "ClaimReview",
                "url": f"{story_url}#claim-{claim.pk}",
                "claimReviewed": sentences[0].text if sentences else "",
                "datePublished": review.at.date().isoformat(),
                "author": {"@type": "Person", "name": review.by_name or "Newsdesk editor"},
                "reviewBody": review.note,
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": name,
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": [_appearance(articles[s.article_id], s.text) for s in sentences],
                },
            }
        )
    return {"@context": "https://schema.org", "@graph": items}


def _appearance(article: Article, text: str) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title or article.source}
    if article.url:
        work["url"] = article.url
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.published:
        work["datePublished"] = article.published.isoformat()
    work["text"] = text
    return work


def story_memo_pdf(story: Story) -> bytes:
    """The correction memo as a PDF, from the same content as the Markdown memo."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    data = StoryExport.load(story)
    ours, conflicting, single = memo_claims(data)
    html = render_to_string(
        "claims/memo.html",
        {
            "story": story,
            "ours": ours,
            "articles": data.articles,
            "articles_by_id": data.articles_by_id,
            "conflicting": [
                (c, latest_review(c), suggested_correction(c, ours, data.articles_by_id))
                for c in conflicting
            ],
            "single": [(c, latest_review(c)) for c in single],
            "claim_count": len(data.claims),
        },
    )
    return bytes(HTML(string=html).write_pdf())
