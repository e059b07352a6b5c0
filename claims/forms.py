"""Forms for the pages: a new story (or more articles for one), a review, the claim filter.

The story form reads every part on its own (the pasted text, each file, each web address) and
reports each bad one in plain words next to its field. The parts that did read are kept for the
next try: the text and the addresses stay in their fields, and files and pages already read
come back as signed, ticked "kept" boxes, so nothing has to be chosen or fetched again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile

from claims.ingest import IngestError, ParsedArticle, fetch_url, parse_bytes, parse_text
from claims.models import ClaimStatus, ReviewState
from claims.queries import ClaimFilter

KEPT_SALT = "newsdesk.story-form.kept-article"
KEPT_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class KeptArticle:
    """An article read on an earlier try of the form, carried in a signed form field."""

    token: str
    article: ParsedArticle

    @property
    def label(self) -> str:
        title = f" ({self.article.title})" if self.article.title else ""
        return f"{self.article.source}{title}"


def keep_article(article: ParsedArticle) -> KeptArticle:
    data = dataclasses.asdict(article)
    data["published"] = article.published.isoformat() if article.published else None
    return KeptArticle(signing.dumps(data, salt=KEPT_SALT, compress=True), article)


def unkeep_article(token: str) -> KeptArticle:
    """Raises signing.BadSignature (or SignatureExpired) for a token we did not sign."""
    data = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
    data["published"] = date.fromisoformat(data["published"]) if data["published"] else None
    return KeptArticle(token, ParsedArticle(**data))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, each read and checked by the form itself (with ingest's words)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [upload for upload in data if upload]
        return [data] if data else []


class StoryForm(forms.Form):
    """A new story, or more articles for an existing one (then without a title)."""

    title = forms.CharField(
        max_length=300,
        help_text="What the story is about, as the desk calls it.",
        error_messages={"required": "Give the story a title."},
    )
    text = forms.CharField(
        label="Paste an article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "The headline on the first line; an “Author:” line and a dateline such as "
            "“HAVANA (AP) –” are read as such."
        ),
    )
    text_is_ours = forms.BooleanField(
        label="The pasted article is our own (the draft or piece under review)", required=False
    )
    uploads = MultipleFileField(
        label="Upload files",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
        help_text="Several at once: .txt, .md or .html.",
    )
    urls = forms.CharField(
        label="Web addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://…"}),
        help_text="One per line.",
    )

    def __init__(self, *args: Any, needs_title: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_title = needs_title
        if not needs_title:
            del self.fields["title"]
        self.articles: list[tuple[ParsedArticle, bool]] = []
        self.kept: list[KeptArticle] = []
        self.failed_urls: list[str] = []
        self.dropped: list[str] = []  # read, but too large to carry to the next try

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._read_kept()
        self._read_text(cleaned.get("text") or "", bool(cleaned.get("text_is_ours")))
        self._read_files(cleaned.get("uploads") or [])
        self._read_urls(cleaned.get("urls") or "")
        if not self.articles and not self.errors:
            raise forms.ValidationError(
                "There is nothing to add yet: paste an article's text, choose files, or give "
                "web addresses (one per line)."
            )
        return cleaned

    def _read_kept(self) -> None:
        data: Any = self.data  # a QueryDict
        for token in data.getlist(self.add_prefix("kept")):
            try:
                kept = unkeep_article(token)
            except signing.BadSignature:
                self.add_error(
                    None,
                    "An article kept from your last try has expired or could not be read "
                    "back: add it again.",
                )
                continue
            self.kept.append(kept)
            self.articles.append((kept.article, False))

    def _read_text(self, text: str, ours: bool) -> None:
        if not text.strip():
            if ours:
                self.add_error("text", "Paste our article here, or untick the box below.")
            return
        try:
            self.articles.append((parse_text(text), ours))
        except IngestError as error:
            self.add_error("text", f"The pasted text cannot be used: {error}")

    def _read_files(self, uploads: list[UploadedFile]) -> None:
        limit = settings.NEWSDESK_MAX_UPLOAD_FILES
        if len(uploads) > limit:
            self.add_error(
                "uploads",
                f"You chose {len(uploads)} files; Newsdesk reads at most {limit} at once. "
                "Choose fewer, then add the rest to the story afterwards.",
            )
            return
        for upload in uploads:
            name = upload.name or "unnamed file"
            if upload.size is not None and upload.size > settings.NEWSDESK_MAX_ARTICLE_BYTES:
                self.add_error("uploads", _too_large(name, upload.size))
                continue
            try:
                parsed = parse_bytes(
                    upload.read(), filename=name, max_bytes=settings.NEWSDESK_MAX_ARTICLE_BYTES
                )
            except IngestError as error:
                self.add_error("uploads", str(error))
                continue
            self._keep(parsed)

    def _read_urls(self, text: str) -> None:
        seen: set[str] = set()
        for line in text.splitlines():
            url = line.strip()
            if not url or url in seen:
                continue
            seen.add(url)
            try:
                parsed = fetch_url(
                    url,
                    max_bytes=settings.NEWSDESK_MAX_ARTICLE_BYTES,
                    timeout=settings.NEWSDESK_URL_TIMEOUT,
                    allow_private=settings.NEWSDESK_FETCH_PRIVATE_URLS,
                )
            except IngestError as error:
                self.add_error("urls", str(error))
                self.failed_urls.append(url)
                continue
            self._keep(parsed)

    def _keep(self, parsed: ParsedArticle) -> None:
        self.articles.append((parsed, False))
        self.kept.append(keep_article(parsed))

    def for_next_try(self) -> StoryForm:
        """After errors: the addresses field holds only the ones that failed; what was read is
        listed as kept."""
        budget = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2
        carried, self.dropped = [], []
        for kept in self.kept:
            if len(kept.token) <= budget:
                carried.append(kept)
                budget -= len(kept.token)
            else:
                self.dropped.append(kept.article.source)
        self.kept = carried
        data: Any = self.data.copy()  # type: ignore[attr-defined]
        data.setlist(self.add_prefix("urls"), ["\n".join(self.failed_urls)])
        data.setlist(self.add_prefix("kept"), [kept.token for kept in self.kept])
        self.data = data
        return self


def _too_large(name: str, size: int) -> str:
    limit = settings.NEWSDESK_MAX_ARTICLE_BYTES / (1024 * 1024)
    return (
        f"{name} is {size / (1024 * 1024):.1f} MB, over the {limit:g} MB limit: trim it or "
        "split it into smaller files."
    )


class ReviewForm(forms.Form):
    STATES = {
        "verify": ReviewState.VERIFIED,
        "dispute": ReviewState.DISPUTED,
        "reset": ReviewState.UNREVIEWED,
    }

    action = forms.ChoiceField(
        choices=[("verify", "Verify"), ("dispute", "Dispute"), ("reset", "Mark unreviewed")],
        error_messages={"required": "Choose Verify or Dispute.", "invalid_choice": "Choose "
                        "Verify or Dispute."},
    )  # fmt: skip
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_count = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @property
    def state(self) -> str:
        return self.STATES[self.cleaned_data["action"]]


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All"), *ClaimStatus.choices])
    review = forms.ChoiceField(required=False, choices=[("", "Any"), *ReviewState.choices])
    claim = forms.IntegerField(required=False, min_value=1)

    def claim_filter(self) -> ClaimFilter:
        """The filter asked for; a value that makes no sense is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ClaimFilter(
            status=data.get("status") or "",
            review=data.get("review") or "",
            claim=data.get("claim"),
        )
