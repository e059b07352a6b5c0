"""Date parsing and the body content hash."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest

from claims.ingest import content_hash, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026-01-05T14:59:21", date(2026, 1, 5)),
        ("2026-01-05T23:30:00+05:00", date(2026, 1, 5)),
        ("2026/01/05", date(2026, 1, 5)),
        ("January 5, 2026", date(2026, 1, 5)),
        ("Jan. 5, 2026", date(2026, 1, 5)),
        ("5 Jan 2026", date(2026, 1, 5)),
        ("5th of January 2026", date(2026, 1, 5)),
        ("Monday, January 5, 2026", date(2026, 1, 5)),
        ("Mon, 05 Jan 2026 14:59:21 GMT", date(2026, 1, 5)),
        (" Sept 30, 2025 ", date(2025, 9, 30)),
        (datetime(2026, 1, 5, 14, 59), date(2026, 1, 5)),
        (date(2026, 1, 5), date(2026, 1, 5)),
        ("2026-02-30", None),
        ("Smarch 5, 2026", None),
        ("last Tuesday", None),
        ("", None),
        (None, None),
        (20260105, None),
    ],
)
def test_parse_date(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


def test_content_hash_is_sha256_of_normalised_body() -> None:
    body = "The quay  reopened.\n\nShips docked."
    expected = hashlib.sha256(b"The quay reopened. Ships docked.").hexdigest()
    assert content_hash(body) == expected


def test_content_hash_ignores_whitespace_and_normalisation_form() -> None:
    composed = "Caf\u00e9 reopened.\n"
    decomposed = "  Cafe\u0301   reopened. "
    assert content_hash(composed) == content_hash(decomposed)
    assert content_hash("Café reopened.") != content_hash("Cafe reopened.")
