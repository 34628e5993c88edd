"""Shared fixtures: paths to the bundled reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scripted_server import ScriptedServer

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


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible server on 127.0.0.1, stopped after the test."""
    with ScriptedServer() as srv:
        yield srv
