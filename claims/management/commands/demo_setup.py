"""Prepare a local install: reader/editor groups, a demo editor account and the demo story.

Run by ``make run`` on every start; it only creates what is missing.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from claims.models import Story
from claims.permissions import ensure_groups
from claims.services import story_ingest_sources

DEMO_STORY_DIR = Path(__file__).resolve().parents[2] / "demo_story"
DEMO_USERNAME = "editor"


class Command(BaseCommand):
    help = "Create the groups, the demo editor account and the demo story when missing."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_groups()
        password = self._ensure_demo_editor()
        self._ensure_demo_story()
        self.stdout.write(f"Log in as {DEMO_USERNAME!r} with password {password!r}.")

    def _ensure_demo_editor(self) -> str:
        login_file = Path(settings.DATA_DIR) / "demo-login.txt"
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if user is not None and login_file.exists():
            return login_file.read_text().strip()
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            if user is None:
                user = user_model.objects.create_user(username=DEMO_USERNAME)
                self.stdout.write(f"Created the demo editor account {DEMO_USERNAME!r}.")
            user.set_password(password)
            user.save()
            ensure_groups().editors.user_set.add(user)
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(password)
        login_file.chmod(0o600)
        return password

    def _ensure_demo_story(self) -> None:
        about = json.loads((DEMO_STORY_DIR / "gold.json").read_text())
        if Story.objects.filter(slug=about["slug"]).exists():
            return
        sources = sorted(
            str(path)
            for path in DEMO_STORY_DIR.iterdir()
            if path.suffix in {".txt", ".md", ".html"}
        )
        story, results = story_ingest_sources(
            slug=about["slug"], title=about["title"], sources=sources
        )
        self.stdout.write(
            f"Loaded the demo story {story.title!r} ({len(results)} articles); "
            "the worker is analysing it."
        )
