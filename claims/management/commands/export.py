"""python manage.py export SLUG --format json|md|pdf|claimreview [-o FILE]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import exports
from claims.services import StoryNotFound, story_get

FORMATS = ("json", "md", "pdf", "claimreview")


class Command(BaseCommand):
    help = "Export a story: JSON, the Markdown or PDF correction memo, or ClaimReview JSON-LD."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            story = story_get(slug=options["slug"])
        except StoryNotFound as error:
            raise CommandError(str(error)) from None
        content = render(story, options["format"])
        if options["output"]:
            path = Path(options["output"])
            try:
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Could not write {path}: {error.strerror}.") from None
            self.stderr.write(f"Wrote {path}.")
        elif isinstance(content, bytes):
            self.stdout._out.buffer.write(content)  # type: ignore[attr-defined]
        else:
            self.stdout.write(content, ending="")


def render(story: Any, fmt: str) -> str | bytes:
    if fmt == "json":
        return json.dumps(exports.story_json(story), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return exports.story_memo_markdown(story)
    if fmt == "claimreview":
        return json.dumps(exports.story_claimreview(story), indent=2, ensure_ascii=False) + "\n"
    return exports.story_memo_pdf(story)
