from __future__ import annotations

import pytest

from claims.analysis.numbers import Quantity, compatible, find_quantities


def _one(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("thirty people", "30 people"),
        ("Thirty-two Cubans", "32 Cubans"),
        ("three dozen homes", "36 homes"),
        ("half of the residents", "50% of the residents"),
        ("a third of voters", "33% of voters"),
        ("$4m", "$4 million"),
        ("90 minutes", "an hour and a half"),
        ("1.5 hours", "90 minutes"),
        ("at least 20 ships", "24 ships"),
        ("nearly 100 firefighters", "97 firefighters"),
        ("about 1,200 workers", "twelve hundred workers"),
        ("3.5 million people", "3,500,000 people"),
        ("50 mph", "80 km/h"),
        ("Last July", "in July 2025"),
    ],
)
def test_it_finds_these_quantities_compatible(first: str, second: str) -> None:
    assert compatible(_one(first), _one(second))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("30 people", "40 people"),
        ("50 km/h", "80 km/h"),
        ("May 2025", "in 2024"),
        ("on Monday", "on Thursday"),
        ("$4m", "$5 million"),
        ("at least 20 ships", "12 ships"),
        ("nearly 100 firefighters", "120 firefighters"),
        ("4.5%", "3.5%"),
        ("60 kilometres", "70 kilometres"),
    ],
)
def test_it_finds_these_quantities_in_conflict(first: str, second: str) -> None:
    assert not compatible(_one(first), _one(second))


def test_it_reads_kinds_units_and_what_is_counted() -> None:
    killed = _one("32 of its citizens were killed")
    assert (killed.kind, killed.value, killed.noun) == ("count", 32, "citizens")
    assert _one("a 48-hour strike").kind == "duration"
    assert _one("The blockade began in 1962.").kind == "date"
    assert _one("on Tuesday, at dawn").kind == "weekday"
    assert _one("$2.5 billion").kind == "money"


def test_it_ignores_words_that_only_look_like_numbers() -> None:
    assert find_quantities("May I say one thing about the first term?") == []
    assert find_quantities("The union called a second strike.") == []
