"""Small builders for test data, in one place."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection

from claims.ingest import content_hash
from claims.models import Article, Story
from claims.permissions import ensure_groups

PASSWORD = "a-long-test-password-42"


def make_user(username: str, *, editor: bool = True) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    groups = ensure_groups()
    (groups.editors if editor else groups.viewers).user_set.add(user)
    return user


def make_story(slug: str = "harbour-fire", title: str = "Harbour fire") -> Story:
    return Story.objects.create(slug=slug, title=title)


def make_article(story: Story, body: str, **fields: Any) -> Article:
    fields.setdefault("source", f"article-{Article.objects.count() + 1}.txt")
    fields.setdefault("outlet", "Test Gazette")
    return Article.objects.create(story=story, body=body, content_hash=content_hash(body), **fields)


def live_database_url() -> str:
    """The URL of the database the tests use, for processes a test starts."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"
