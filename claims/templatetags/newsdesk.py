"""Small template helpers. None of them marks anything safe: escaping stays Django's job."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

from claims.queries import ClaimFilter

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def with_claim(claim_filter: ClaimFilter | None, claim_id: int) -> str:
    """The story page's query string for the current filter with `claim_id` open."""
    return (claim_filter or ClaimFilter()).query(claim=claim_id)


@register.filter
def web_url(url: str) -> str:
    """The URL when it is an http(s) address, else "" (never a javascript: link)."""
    return url if urlsplit(url or "").scheme in {"http", "https"} else ""


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


@register.simple_tag
def upload_limits() -> str:
    from django.conf import settings

    megabytes = settings.NEWSDESK_MAX_ARTICLE_BYTES / (1024 * 1024)
    return f"at most {settings.NEWSDESK_MAX_UPLOAD_FILES} files of up to {megabytes:g} MB each"
