"""python manage.py analyze SLUG: run the whole analysis in this process and wait."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.management.progress import CommandProgress
from claims.services import StoryNotFound, story_analyze, story_get


class Command(BaseCommand):
    help = "Analyse a story in-process (no worker or Redis needed); re-analyses when done before."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            story = story_get(slug=options["slug"])
        except StoryNotFound as error:
            raise CommandError(str(error)) from None
        if not story.articles.exists():
            raise CommandError(f"Story {story.slug!r} has no articles to analyse.")
        progress = CommandProgress.for_command(self, unit="step")
        try:
            story = story_analyze(story=story, progress=progress)
        finally:
            progress.close()
        claims = story.claims.current().count()
        sentences = sum(article.sentences.count() for article in story.articles.all())
        self.stdout.write(
            f"Analysed {story.slug!r}: {story.articles.count()} articles, "
            f"{sentences} sentences, {claims} claims."
        )
