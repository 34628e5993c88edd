"""Shared fixtures: paths to the bundled reports."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
REPORTS = ROOT / "tests" / "fixtures" / "reports"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. "003")."""
    (match,) = [path for path in SEED_FILES if path.name.startswith(prefix)]
    return match


@pytest.fixture(params=SEED_FILES, ids=lambda p: p.name[:3])
def seed_file(request: pytest.FixtureRequest) -> Path:
    return request.param
