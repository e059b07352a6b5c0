"""The pages. Views are thin: check input with a form, call a model method or a service, render.

Swappable regions are partials of `claims/story_detail.html`; a view renders one of them when
the request comes from htmx and the whole page (or a redirect to it) otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, replace_url, trigger_client_event
from django_htmx.middleware import HtmxDetails

from claims import exports, queries
from claims.forms import ClaimFilterForm, ReviewForm, StoryForm
from claims.models import Claim, ReviewConflict, Story
from claims.permissions import can_edit
from claims.services import IngestResult, story_ingest_parsed, story_request_analysis


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


View = Callable[..., HttpResponse]


def login_required(view: View) -> View:
    """Django's login_required, except that htmx requests are sent to the login page whole
    (a session that ran out must not put a login form inside the claim panel)."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            next_url = request.htmx.current_url_abs_path or request.get_full_path()
            login = resolve_url(settings.LOGIN_URL)
            return HttpResponseClientRedirect(f"{login}?{urlencode({'next': next_url})}")
        return redirect_to_login(request.get_full_path())

    return wrapper


def _forbidden(request: HtmxHttpRequest) -> HttpResponse:
    template = "403.html#forbidden" if request.htmx else "403.html"
    return render(request, template, status=403)


def _get_story(slug: str) -> Story:
    return get_object_or_404(Story, slug=slug)


def _get_claim(story: Story, claim_id: int) -> Claim:
    return get_object_or_404(Claim.objects.current(), pk=claim_id, story=story)


# --- stories --------------------------------------------------------------------------------


@login_required
@require_GET
def story_list(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "claims/story_list.html",
        {"rows": queries.story_rows(), "can_edit": can_edit(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_edit(request.user):
        return _forbidden(request)
    form = StoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            title = form.cleaned_data["title"]
            story, results = story_ingest_parsed(
                slug=queries.free_story_slug(title),
                title=title,
                articles=form.articles,
                created_by=request.user,
            )
            _report_ingest(request, results)
            return redirect(story)
        form.for_next_try()
    return render(request, "claims/story_form.html", {"form": form, "story": None})


@login_required
@require_http_methods(["GET", "POST"])
def story_add_articles(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = _get_story(slug)
    if not can_edit(request.user):
        return _forbidden(request)
    form = StoryForm(request.POST or None, request.FILES or None, needs_title=False)
    if request.method == "POST":
        if form.is_valid():
            _, results = story_ingest_parsed(
                slug=story.slug, articles=form.articles, created_by=request.user
            )
            _report_ingest(request, results)
            return redirect(story)
        form.for_next_try()
    return render(request, "claims/story_form.html", {"form": form, "story": story})


def _report_ingest(request: HttpRequest, results: list[IngestResult]) -> None:
    added = [result for result in results if result.created]
    if added:
        noun = "article" if len(added) == 1 else "articles"
        messages.success(request, f"Added {len(added)} {noun}; the analysis has started.")
    for result in results:
        if not result.created:
            messages.warning(request, result.message)


@login_required
@require_GET
def story_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = _get_story(slug)
    page = queries.story_page_load(
        story,
        claim_filter=ClaimFilterForm(request.GET).claim_filter(),
        entity_id=_int(request.GET.get("entity")),
    )
    return render(request, "claims/story_detail.html", _page_context(request, page))


def _page_context(request: HttpRequest, page: queries.StoryPage, **extra: Any) -> dict[str, Any]:
    return {
        "story": page.story,
        "page": page,
        "claims": page.claims,
        "panel": page.panel,
        "progress": page.claims.progress,
        "reload": not page.has_claims,  # the progress bar reloads the page when done
        "can_edit": can_edit(request.user),
        **extra,
    }


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_GET
def story_progress(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = _get_story(slug)
    if not request.htmx:
        return redirect(story)
    reload = bool(request.GET.get("reload"))
    response = render(
        request,
        "claims/story_detail.html#analysis-progress",
        {"story": story, "reload": reload, "just_finished": not story.analysis_in_progress},
    )
    if not story.analysis_in_progress and reload:
        response["HX-Refresh"] = "true"  # the page had nothing to show yet: show the results
    return response


@login_required
@require_POST
def story_analyze_again(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = _get_story(slug)
    if not can_edit(request.user):
        return _forbidden(request)
    story_request_analysis(story=story)
    messages.success(request, "The analysis has been asked for again.")
    return redirect(story)


# --- claims ---------------------------------------------------------------------------------


@login_required
@require_GET
def claim_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    story = _get_story(slug)
    claim_filter = ClaimFilterForm(request.GET).claim_filter()
    page_url = f"{story.get_absolute_url()}?{claim_filter.query()}".rstrip("?")
    if not request.htmx:
        return redirect(page_url)
    claims = queries.claim_list_load(story, claim_filter)
    response = render(
        request, "claims/story_detail.html#claim-list", {"story": story, "claims": claims}
    )
    return replace_url(response, page_url)


@login_required
@require_GET
def claim_detail(request: HtmxHttpRequest, slug: str, claim_id: int) -> HttpResponse:
    story = _get_story(slug)
    claim = _get_claim(story, claim_id)
    if not request.htmx:
        return redirect(f"{story.get_absolute_url()}?claim={claim.pk}")
    return _render_panel(request, story, claim)


@login_required
@require_POST
def claim_review(request: HtmxHttpRequest, slug: str, claim_id: int) -> HttpResponse:
    story = _get_story(slug)
    if not can_edit(request.user):
        return _forbidden(request)
    claim = _get_claim(story, claim_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_panel(request, story, claim, form=form, status=400)
    try:
        claim.review(
            form.state,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_count=form.cleaned_data["expected_count"],
        )
    except ReviewConflict as conflict:
        return _render_panel(request, story, conflict.claim, form=form, status=409)
    if not request.htmx:
        messages.success(
            request, f"Saved: claim {claim.pk} is {claim.get_review_state_display().lower()}."
        )
        return redirect(f"{story.get_absolute_url()}?claim={claim.pk}#claim-panel")
    response = _render_panel(request, story, claim, saved=True)
    return trigger_client_event(
        response, "claim-reviewed", {"claim": claim.pk, "review": claim.review_state}
    )


def _render_panel(
    request: HtmxHttpRequest,
    story: Story,
    claim: Claim,
    *,
    form: ReviewForm | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The claim panel (htmx), or the story page with it open; with a refused review the
    editor's note is kept and, on a conflict (409), the claim's new state is shown."""
    context: dict[str, Any] = {
        "saved": saved,
        "changed": status == 409,
        "review_errors": form.errors if form is not None and status == 400 else {},
        "note_draft": form.data.get("note", "") if form is not None and status != 200 else "",
    }
    if request.htmx:
        context.update(
            story=story,
            panel=queries.claim_panel_load(claim),
            can_edit=can_edit(request.user),
            row=queries.claim_row(claim) if saved else None,
            progress=queries.review_progress(story) if saved else None,
        )
        return render(request, "claims/claim_panel.html", context, status=status)
    page = queries.story_page_load(story, claim_filter=queries.ClaimFilter(claim=claim.pk))
    return render(
        request, "claims/story_detail.html", _page_context(request, page, **context), status=status
    )


# --- exports --------------------------------------------------------------------------------


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


EXPORTS: dict[str, tuple[str, str, Callable[[Story], bytes]]] = {
    "md": (
        "text/markdown; charset=utf-8",
        "memo.md",
        lambda story: exports.story_memo_markdown(story).encode("utf-8"),
    ),
    "pdf": ("application/pdf", "memo.pdf", exports.story_memo_pdf),
    "claimreview": (
        "application/ld+json",
        "claimreview.jsonld",
        lambda story: _json_bytes(exports.story_claimreview(story)),
    ),
    "json": (
        "application/json",
        "story.json",
        lambda story: _json_bytes(exports.story_json(story)),
    ),
}
"""format -> (content type, file name after the story's slug, what writes it)"""


@login_required
@require_GET
def story_export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    story = _get_story(slug)
    if fmt not in EXPORTS:
        raise Http404(f"There is no {fmt!r} export.")
    content_type, suffix, write = EXPORTS[fmt]
    response = HttpResponse(write(story), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{story.slug}-{suffix}"'
    return response
