"""Backups that restore: ``python -m calmdesk backup`` / ``restore`` for the embedded profile.

The embedded profile keeps everything in two SQLite files: the tickets
database (``$DATABASE_URL``, default ``var/calmdesk.db``) and Rasa's tracker
store (``var/tracker.db``).  Both are written while customers chat, in WAL
mode: the newest commits live in the ``-wal`` file beside the database, so a
plain file copy of a live database can miss them or catch a page half
written.  Both directions therefore go through SQLite's online backup API
(``sqlite3.Connection.backup``): it copies a consistent snapshot - every
committed transaction up to one moment, none after - while the other
processes keep reading and writing.

A backup is a folder::

    calmdesk-20261206T101500Z/
        calmdesk.db      tickets, staff, incidents, outboxes (one self-contained file, no -wal)
        tracker.db       Rasa's conversations (every session's events)
        manifest.json    when, from where, schema revision, row counts, SHA-256 of each file

The two files are two snapshots taken one after the other (tickets first,
within a second or so): a turn finishing in between can be in the tracker
copy and not yet on the ticket.  The restored stack is consistent in the way
that matters (every ticket's conversation is there; at worst the last turn
is not yet on its ticket) - the same state a crash at that moment leaves.

``restore`` checks each file (SHA-256 against the manifest, ``PRAGMA
integrity_check``), then writes it into the target through the backup API
too, so restoring over an existing file replaces it in one step, and finally
brings the tickets schema up to date (a backup from an older version).
Stop the stack before restoring over the files it is using.

PostgreSQL (production profile) is backed up with ``pg_dump`` instead:
docs/operations.md#backups.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

# The two databases, by the file name they have in a backup folder.
TICKETS_FILE = "calmdesk.db"
TRACKER_FILE = "tracker.db"
MANIFEST_FILE = "manifest.json"
FORMAT = 1

# Counted into the manifest (and printed), so a restore can be checked by eye.
COUNTED_TABLES = {TICKETS_FILE: ("tickets", "transcript_entries", "live_messages"), TRACKER_FILE: ("events",)}


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says what to do."""


@dataclass(frozen=True)
class Databases:
    """Where the two SQLite databases of one installation live."""

    tickets: Path
    tracker: Path

    @classmethod
    def of(cls, var_dir: Path, database_url: str | None = None) -> "Databases":
        """The installation in ``var_dir`` (the layout ``make run`` and calmdesk.operations.stack use).

        ``database_url`` overrides where the tickets live; it must be SQLite.
        """
        tickets = var_dir / TICKETS_FILE
        if database_url:
            url = make_url(database_url)
            if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
                raise BackupError(
                    "backup/restore copies the embedded profile's SQLite files; this DATABASE_URL is "
                    f"{url.get_backend_name()}: use pg_dump / pg_restore (docs/operations.md#backups)"
                )
            tickets = Path(url.database)
        return cls(tickets=tickets, tracker=var_dir / TRACKER_FILE)

    def files(self) -> dict[str, Path]:
        return {TICKETS_FILE: self.tickets, TRACKER_FILE: self.tracker}


def backup(source: Databases, destination: Path, now: datetime | None = None) -> dict[str, Any]:
    """Copy both databases into the new folder ``destination``; returns the manifest written there.

    Safe while the stack runs: each copy is one consistent snapshot.
    """
    now = now or datetime.now(timezone.utc)
    for name, path in source.files().items():
        if not path.is_file():
            raise BackupError(f"no {name} at {path}: nothing to back up (has the stack run here?)")
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} exists and is not empty: choose a new folder")
    destination.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    for name, path in source.files().items():
        target = destination / name
        _copy(path, target, timeout=30.0)
        _self_contained(target)
        _check_integrity(target)
        files[name] = {"source": str(path), "sha256": _sha256(target), "bytes": target.stat().st_size,
                       "rows": _counts(target, COUNTED_TABLES[name])}
    manifest = {"format": FORMAT, "created_at": now.isoformat(), "schema_revision": _revision(destination / TICKETS_FILE),
                "files": files}
    (destination / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(backup_dir: Path, target: Databases, *, replace: bool = False) -> dict[str, Any]:
    """Write a backup folder's databases to ``target``; returns the backup's manifest.

    Refuses to overwrite existing databases unless ``replace`` (the stack
    using them should be stopped first).  Everything is checked before
    anything is written.
    """
    manifest_path = backup_dir / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{backup_dir} is not a calmdesk backup (no readable {MANIFEST_FILE}: {error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_path}: unknown backup format {manifest.get('format')!r}")
    for name, path in target.files().items():
        copy = backup_dir / name
        expected = manifest.get("files", {}).get(name, {}).get("sha256")
        if not copy.is_file() or _sha256(copy) != expected:
            raise BackupError(f"{copy} is missing or differs from the manifest (damaged backup?): not restoring")
        _check_integrity(copy)
        if path.exists() and not replace:
            raise BackupError(f"{path} exists: restore into an empty folder, or pass --replace "
                              "(stop the stack first) to overwrite it")
    for name, path in target.files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        _copy(backup_dir / name, path, timeout=30.0)
    from calmdesk.db import migrate  # a backup from an older version: bring its schema up to date
    migrate(f"sqlite:///{target.tickets}")
    return manifest


def default_destination(root: Path, now: datetime | None = None) -> Path:
    """``<root>/calmdesk-YYYYmmddTHHMMSSZ``."""
    now = now or datetime.now(timezone.utc)
    return root / f"calmdesk-{now.strftime('%Y%m%dT%H%M%SZ')}"


# --------------------------------------------------------------------------
# SQLite


def _copy(source: Path, target: Path, timeout: float) -> None:
    """SQLite's online backup API: a consistent snapshot of ``source`` written over ``target``.

    Read-only on the source (``mode=ro``): a backup never creates or changes
    the live database; the busy timeout waits out a writer's lock.
    """
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    dst = sqlite3.connect(target, timeout=timeout)
    try:
        src.backup(dst)  # all pages in one step: one snapshot, however busy the source
    except sqlite3.Error as error:
        raise BackupError(f"copying {source} to {target} failed: {error}") from None
    finally:
        dst.close()
        src.close()


def _self_contained(path: Path) -> None:
    """A backup file that needs no ``-wal`` beside it (the copied header says WAL)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def _check_integrity(path: Path) -> None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables if table in present}
    finally:
        connection.close()


def _revision(path: Path) -> str | None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------
# Command line (wired into python -m calmdesk)


def add_cli(commands: Any) -> None:
    make = commands.add_parser("backup", help="consistent copy of the embedded profile's two SQLite databases")
    make.add_argument("--var-dir", type=Path, help="the installation's var folder (default: var/)")
    make.add_argument("--to", type=Path, help="new backup folder (default: backups/calmdesk-<UTC time>)")
    back = commands.add_parser("restore", help="write a backup folder's databases into a var folder")
    back.add_argument("backup_dir", type=Path)
    back.add_argument("--var-dir", type=Path, help="where to restore (default: var/)")
    back.add_argument("--replace", action="store_true", help="overwrite existing databases (stop the stack first)")


def run_cli(args: Any) -> int:
    import os
    import sys

    from calmdesk.db import REPO_ROOT

    var_dir = args.var_dir or REPO_ROOT / "var"
    # An explicit --var-dir means "the databases in that folder"; otherwise $DATABASE_URL as everywhere.
    url = None if args.var_dir else os.environ.get("DATABASE_URL")
    try:
        databases = Databases.of(var_dir, url)
        if args.command == "backup":
            destination = args.to or default_destination(REPO_ROOT / "backups")
            manifest = backup(databases, destination)
            print(f"backed up to {destination}")
        else:
            manifest = restore(args.backup_dir, databases, replace=args.replace)
            print(f"restored {args.backup_dir} (taken {manifest['created_at']}) into {databases.tickets.parent}")
    except BackupError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1
    for name, described in manifest["files"].items():
        rows = ", ".join(f"{count} {table}" for table, count in described["rows"].items())
        print(f"  {name:<12} {described['bytes']:>10} bytes  {rows}")
    return 0
