"""Shared fixtures: a real SQLite file per test, brought up by the migrations."""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from calmdesk.db import make_engine, migrate


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'calmdesk.db'}"


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[Engine]:
    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
