from __future__ import annotations

from claims.analysis.review import carry_over


def test_a_review_follows_its_claim_and_a_lost_one_is_flagged() -> None:
    old = {
        "kept": {(1, 0, 40), (2, 0, 38)},
        "grown": {(1, 41, 90)},
        "gone": {(3, 0, 50)},
    }
    new = [
        {(1, 41, 90), (4, 10, 60)},  # grew when article 4 was added: Jaccard 0.5
        {(1, 0, 40), (2, 0, 38)},
        {(5, 0, 20)},
    ]
    result = carry_over(old, new)
    assert result.matched == {"kept": 1, "grown": 0}
    assert result.unmatched == ("gone",)
    assert result.scores["kept"] == 1.0


def test_each_new_claim_takes_at_most_one_old_review() -> None:
    old = {"a": {(1, 0, 10)}, "b": {(2, 0, 10)}}
    new = [{(1, 0, 10), (2, 0, 10)}]
    result = carry_over(old, new)
    assert len(result.matched) == 1 and len(result.unmatched) == 1
