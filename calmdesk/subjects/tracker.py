"""Rasa's tracker store, read and erased directly (Rasa's HTTP API can read a conversation, not delete it).

The store is Rasa's ``events`` table (``stores/tracker_store.py``): one row per
event, ``sender_id`` the conversation, ``data`` the event as JSON (the
customer's words, the slots with their email and order number).  Sessions
are only ``session_started`` rows among the others, so "every session of a
conversation" is simply every row with its ``sender_id``.

Where the store is: ``$TRACKER_DATABASE_URL`` (``make run`` and the tests
set it for the web app: ``sqlite:///<var>/tracker.db``), else the production
settings (``TRACKER_DB_*``), else ``var/tracker.db``.

After deleting from a SQLite file, ``scrub_sqlite`` rebuilds it (``VACUUM``)
and empties its write-ahead log, so the deleted words are not left behind in
free pages or old log frames, where anyone with the file could read them.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from calmdesk.db import REPO_ROOT

logger = logging.getLogger(__name__)


def default_url() -> str:
    if os.environ.get("TRACKER_DATABASE_URL"):
        return os.environ["TRACKER_DATABASE_URL"]
    if os.environ.get("TRACKER_DB_NAME"):
        from calmdesk.operations import production
        return production.tracker_database_url(production.settings()).render_as_string(hide_password=False)
    return f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, future=True, connect_args={"timeout": 30})
    return create_engine(url, future=True, pool_pre_ping=True)


def _has_events(connection: Any) -> bool:
    from sqlalchemy import inspect
    return inspect(connection).has_table("events")


def conversations_mentioning(url: str | None, needle: str) -> list[str]:
    """Conversations with an event whose JSON holds ``needle`` (an email address), case-insensitively."""
    if not url or not needle:
        return []
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            if not _has_events(connection):
                return []
            rows = connection.execute(
                text("SELECT DISTINCT sender_id FROM events WHERE lower(data) LIKE :needle"),
                {"needle": f"%{needle.lower()}%"},
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def events(url: str | None, conversation_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every stored event of each conversation (all sessions), oldest first, as Rasa's event dicts."""
    found: dict[str, list[dict[str, Any]]] = {}
    ids = list(conversation_ids)
    if not url or not ids:
        return found
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            if not _has_events(connection):
                return found
            for conversation_id in ids:
                rows = connection.execute(
                    text("SELECT data FROM events WHERE sender_id = :c ORDER BY id"), {"c": conversation_id})
                found[conversation_id] = [json.loads(row[0]) for row in rows if row[0]]
    finally:
        engine.dispose()
    return found


def delete(url: str | None, conversation_ids: Iterable[str]) -> int:
    """Delete every event of these conversations; returns how many rows went."""
    ids = list(conversation_ids)
    if not url or not ids:
        return 0
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if not _has_events(connection):
                return 0
            deleted = 0
            for conversation_id in ids:
                deleted += connection.execute(
                    text("DELETE FROM events WHERE sender_id = :c"), {"c": conversation_id}).rowcount or 0
    finally:
        engine.dispose()
    scrub_sqlite(url)
    return deleted


def delete_older_than(url: str | None, cutoff_timestamp: float) -> int:
    """Retention: delete events stamped before ``cutoff_timestamp`` (Unix seconds), in any conversation."""
    if not url:
        return 0
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if not _has_events(connection):
                return 0
            deleted = connection.execute(
                text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff_timestamp}).rowcount or 0
    finally:
        engine.dispose()
    if deleted:
        scrub_sqlite(url)
    return deleted


def scrub_sqlite(url: str, attempts: int = 20) -> bool:
    """Rebuild a SQLite file and empty its write-ahead log, so deleted bytes are gone from disk.

    Other processes keep their connections: VACUUM waits for a moment without
    a writer, and the final checkpoint for one without readers, retrying for
    a few seconds.  Returns False (and logs) if the file stayed busy; the
    rows are deleted either way.  Not SQLite: nothing to do (True).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return True
    path = Path(parsed.database)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        for attempt in range(attempts):
            try:
                connection.execute("VACUUM")
                busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
            except sqlite3.OperationalError as error:
                logger.info("scrubbing %s: %s (attempt %d)", path, error, attempt + 1)
            time.sleep(0.25)
        logger.error("could not compact %s after an erase: it stayed busy; run it again later", path)
        return False
    finally:
        connection.close()
