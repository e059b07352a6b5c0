from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from claims.models import Story


@login_required
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.with_article_counts()
    return render(request, "claims/story_list.html", {"stories": stories})


@login_required
@require_GET
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    return render(request, "claims/story_detail.html", {"story": story})


@login_required
@require_GET
def story_progress(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    return render(request, "claims/story_detail.html#analysis-progress", {"story": story})
