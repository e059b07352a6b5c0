"""python manage.py compare-pairs FILE: "agree|conflict|unrelated<TAB>score" per line.

FILE holds one pair a line, "sentence1<TAB>sentence2"; "-" reads standard input. Needs no
database: the pairs go straight to the engine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.ingest import IngestError, decode_bytes


class Command(BaseCommand):
    help = "Compare sentence pairs: agree, conflict or unrelated, with a score, one per line."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help='Lines "sentence1<TAB>sentence2".')

    def handle(self, *args: Any, **options: Any) -> None:
        from claims.analysis.pairs import compare_pairs

        pairs = read_pairs(options["file"])
        for verdict, score in compare_pairs(pairs):
            self.stdout.write(f"{verdict}\t{score:.4f}")


def read_pairs(name: str) -> list[tuple[str, str]]:
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"Could not read {name}: {error.strerror}.") from None
    try:
        text, _ = decode_bytes(data, source=name)
    except IngestError as error:
        raise CommandError(str(error)) from None
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise CommandError(
                f"{name}, line {number}: expected two sentences separated by one tab."
            )
        pairs.append((parts[0].strip(), parts[1].strip()))
    if not pairs:
        raise CommandError(f"{name} has no sentence pairs.")
    return pairs
