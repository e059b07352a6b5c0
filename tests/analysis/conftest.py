from __future__ import annotations

from pathlib import Path

import pytest

from claims.analysis.embed import Embedder, get_embedder

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real packaged model, loaded once for the whole test session."""
    return get_embedder()


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed story is not on this machine ({SEEDS})")
    return SEEDS
