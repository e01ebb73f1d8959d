"""python -m calmdesk backup / restore on real SQLite files, with a writer busy during the backup."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from calmdesk.__main__ import main
from calmdesk.db import migrate
from calmdesk.operations.backup import BackupError, Databases, backup, restore


def _installation(var: Path) -> Databases:
    """A migrated tickets database and a WAL tracker store with an events table, like a running stack's."""
    var.mkdir(parents=True, exist_ok=True)
    migrate(f"sqlite:///{var / 'calmdesk.db'}")
    tracker = sqlite3.connect(var / "tracker.db")
    tracker.execute("PRAGMA journal_mode=WAL")
    tracker.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
    tracker.commit()
    tracker.close()
    return Databases.of(var)


def _events(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT id, sender_id, data FROM events ORDER BY id").fetchall()


def test_backup_while_writing_is_a_consistent_snapshot_that_restores(tmp_path):
    source = _installation(tmp_path / "var")
    stop = threading.Event()
    committed: list[int] = []

    def customer_turns() -> None:  # a second connection commits turns as fast as it can, WAL left open
        connection = sqlite3.connect(source.tracker, timeout=5)
        while not stop.is_set():
            # Two rows per transaction: a consistent snapshot never holds half of one.
            connection.execute("INSERT INTO events (sender_id, data) VALUES ('c1', 'user said')")
            connection.execute("INSERT INTO events (sender_id, data) VALUES ('c1', 'bot said')")
            connection.commit()
            committed.append(1)
        connection.close()

    writer = threading.Thread(target=customer_turns)
    writer.start()
    try:
        time.sleep(0.3)
        manifest = backup(source, tmp_path / "backup")
    finally:
        stop.set()
        writer.join()

    copied = _events(tmp_path / "backup" / "tracker.db")
    assert copied, "the backup holds the turns committed before it"
    assert len(copied) % 2 == 0, "a transaction was copied half"
    assert len(copied) < 2 * len(committed) + 2
    assert manifest["files"]["tracker.db"]["rows"] == {"events": len(copied)}
    assert manifest["schema_revision"] is not None
    # Self-contained: no -wal beside the copy, and nothing of the live database was changed.
    assert not (tmp_path / "backup" / "tracker.db-wal").exists()
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text()) == manifest

    fresh = Databases.of(tmp_path / "fresh")
    restore(tmp_path / "backup", fresh)
    assert _events(fresh.tracker) == copied
    with sqlite3.connect(fresh.tickets) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == manifest["schema_revision"]


def test_restore_refuses_to_overwrite_and_damaged_backups(tmp_path):
    source = _installation(tmp_path / "var")
    backup(source, tmp_path / "backup")
    with pytest.raises(BackupError, match="exists"):
        restore(tmp_path / "backup", source)  # the live databases are there: not without --replace
    restore(tmp_path / "backup", source, replace=True)

    with (tmp_path / "backup" / "tracker.db").open("r+b") as damaged:
        damaged.seek(200)
        damaged.write(b"\xff" * 64)
    with pytest.raises(BackupError, match="differs from the manifest"):
        restore(tmp_path / "backup", Databases.of(tmp_path / "fresh"))
    assert not (tmp_path / "fresh" / "calmdesk.db").exists(), "nothing is written before everything is checked"
    with pytest.raises(BackupError, match="not empty"):
        backup(source, tmp_path / "backup")


def test_backup_explains_postgresql_and_missing_databases(tmp_path):
    with pytest.raises(BackupError, match="pg_dump"):
        Databases.of(tmp_path, "postgresql://postgres@127.0.0.1/calmdesk")
    with pytest.raises(BackupError, match="nothing to back up"):
        backup(Databases.of(tmp_path / "empty"), tmp_path / "backup")


def test_command_line_round_trip(tmp_path, capsys):
    _installation(tmp_path / "var")
    assert main(["backup", "--var-dir", str(tmp_path / "var"), "--to", str(tmp_path / "b")]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b"), "--var-dir", str(tmp_path / "new")]) == 0
    assert "0 events" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b"), "--var-dir", str(tmp_path / "new")]) == 1
    assert "--replace" in capsys.readouterr().err
