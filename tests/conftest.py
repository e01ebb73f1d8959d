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


@pytest.fixture(autouse=True)
def _mail_in_tmp(tmp_path, monkeypatch) -> Iterator[None]:
    """Emails a test queues and sends go to its own folder, never the repository's var/mail."""
    from calmdesk import mail

    monkeypatch.setenv("MAIL_DIR", str(tmp_path / "mail"))
    mail.reset()
    yield
    mail.reset()
