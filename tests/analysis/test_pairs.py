from __future__ import annotations

from claims.analysis.embed import Embedder
from claims.analysis.pairs import compare_pairs


def test_it_tells_agreement_conflict_and_unrelated_apart(embedder: Embedder) -> None:
    results = compare_pairs(
        [
            (
                "The bridge will reopen in May, officials said.",
                "Officials said the bridge would reopen in May.",
            ),
            ("Thirty people were killed in the blast.", "40 people were killed in the blast."),
            ("The mayor resigned on Monday.", "The mayor resigned on Thursday."),
            ("The mayor resigned on Monday.", "Heavy rain is expected in the north."),
        ],
        embedder=embedder,
    )
    assert [verdict for verdict, _ in results] == ["agree", "conflict", "conflict", "unrelated"]
    assert all(0.0 <= score <= 1.0 for _, score in results)
    assert results[0][1] > 0.8 > results[3][1]
