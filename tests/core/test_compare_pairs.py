"""`compare-pairs FILE` prints "agree|conflict|unrelated<TAB>score" for each line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PAIRS = [
    ("The museum reopened on Saturday after a two-year refit.",
     "After a two-year refit, the museum opened its doors again on Saturday."),
    ("Rescuers pulled 14 people from the flooded tunnel.",
     "Rescuers pulled 41 people from the flooded tunnel."),
    ("The orchestra will tour Japan in the autumn.",
     "Wheat prices fell sharply on the commodities market."),
]  # fmt: skip


def compare(path: Path) -> list[list[str]]:
    out = io.StringIO()
    call_command("compare-pairs", str(path), stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_it_prints_one_verdict_and_score_per_pair(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{a}\t{b}\n" for a, b in PAIRS), encoding="utf-8")
    rows = compare(pairs)
    assert [row[0] for row in rows] == ["agree", "conflict", "unrelated"]
    scores = [float(row[1]) for row in rows]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[0] > scores[2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("only one sentence here\n", "line 1: expected two sentences"),
        ("a\tb\tc\n", "line 1: expected two sentences"),
        ("\n\n", "has no sentence pairs"),
    ],
)
def test_malformed_lines_are_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(content)
    with pytest.raises(CommandError, match=message):
        compare(pairs)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Could not read"):
        compare(tmp_path / "nope.tsv")
