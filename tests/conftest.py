"""Shared fixtures. The database is the real embedded PostgreSQL with pgvector (or the one in
DATABASE_URL); `make test` gives each run a throwaway NEWSDESK_DATA_DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    """Serve static files by name: the hashed manifest only exists after collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def editor(db: Any) -> Any:
    from tests.factories import make_user

    return make_user("ed", editor=True)


@pytest.fixture
def viewer(db: Any) -> Any:
    from tests.factories import make_user

    return make_user("vi", editor=False)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"the seed story is not on this machine ({seeds})")
    return seeds


@pytest.fixture
def empty_queue() -> None:
    """Start from an empty broker queue: earlier tests may have left messages in it."""
    from newsdesk.celery import app

    app.control.purge()
