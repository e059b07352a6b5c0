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


LOCK_STORY_PIECES = (
    "The canal lock at Fenwick reopened on {day} after {n} weeks of repairs.",
    "Engineers replaced {n} gates, the waterways trust said.",
    '"We expect {n} boats a day by summer," the lock keeper said.',
    "Residents had complained about the noise for {n} months.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def lock_story_bodies(count: int) -> dict[str, str]:
    """Article bodies about one invented event, differing in their numbers and days."""
    bodies = {}
    for n in range(count):
        day = WEEKDAYS[n % len(WEEKDAYS)]
        pieces = [piece.format(day=day, n=n + 2) for piece in LOCK_STORY_PIECES]
        bodies[f"{day.lower()}-{n}.txt"] = " ".join(pieces)
    return bodies
