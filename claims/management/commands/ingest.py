"""python manage.py ingest --story SLUG [--title TITLE] [--ours PATH_OR_URL] PATH_OR_URL [...]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.ingest import IngestError
from claims.management.progress import CommandProgress
from claims.services import story_ingest_sources


class Command(BaseCommand):
    help = "Read articles from files or URLs into a story (created when new), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--story", required=True, metavar="SLUG", help="The story's name.")
        parser.add_argument("--title", help="The story's title, when it is created or renamed.")
        parser.add_argument("--ours", metavar="PATH_OR_URL", help="The newsroom's own article.")
        parser.add_argument("sources", nargs="*", metavar="PATH_OR_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        sources: list[str] = options["sources"]
        if not sources and not options["ours"]:
            raise CommandError("Give at least one file or URL to read.")
        progress = CommandProgress.for_command(self, unit="file")
        total = len(sources) + (1 if options["ours"] else 0)
        read = 0

        def on_parsed(source: str) -> None:
            nonlocal read
            read += 1
            progress(f"Read {source}", read, total)

        try:
            story, results = story_ingest_sources(
                slug=options["story"],
                sources=sources,
                title=options["title"],
                ours=options["ours"],
                on_parsed=on_parsed,
            )
        except IngestError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.close()
        for result in results:
            self.stdout.write(result.message)
        added = sum(result.created for result in results)
        self.stdout.write(
            f"Story {story.slug!r}: {added} article(s) added, "
            f"{story.articles.count()} in all. Analysis queued."
            if added
            else f"Story {story.slug!r}: nothing new."
        )
