"""Where the database lives, how to connect to it, and how to bring it up to date.

Two processes share one database: the Rasa action server (which files
tickets while the customer chats) and the staff web app (which reads them).
With the default SQLite file that only works well if every connection turns on
write-ahead logging (readers never block the writer) and waits a few seconds
for a lock instead of failing at once, so ``make_engine`` is the only place
engines are created and it sets those options on every new connection.

Speed (``make bench``, docs/bench.md): the action server spent 95% of its busy
time in SQLite, mostly the fsync of every commit and closing the connection
after every session (SQLAlchemy 1.4 gives SQLite files a ``NullPool``).  So
SQLite files also get ``PRAGMA synchronous=NORMAL``, which with WAL is safe
against the application crashing (nothing committed is lost or corrupted) and
only risks the last few commits on a power loss or OS crash, and a
``QueuePool`` (what SQLAlchemy 2.0 does by default) so a session reuses an
open connection instead of opening one and re-running the pragmas each time.

The schema belongs to Alembic from the very first version: ``migrate()`` runs
``alembic upgrade head`` in-process, with paths computed from this file so it
works from any working directory.  Nothing here runs at import time.

Command line::

    python -m calmdesk.db upgrade            # uses $DATABASE_URL or var/calmdesk.db
    python -m calmdesk.db upgrade --url URL
"""
from __future__ import annotations

import argparse
import os
import select
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import QueuePool

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
MIGRATIONS_DIR = REPO_ROOT / "migrations"
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "calmdesk.db"

# How long (ms) a SQLite connection waits for the other process's write lock.
SQLITE_BUSY_TIMEOUT_MS = 5000
# How long a new PostgreSQL connection keeps trying while the server restarts.
CONNECT_RETRY_SECONDS = 15.0


def default_database_url() -> str:
    """``$DATABASE_URL`` if set, else a SQLite file under ``<repo>/var/``."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """A 2.0-style engine for ``url`` (default: ``default_database_url()``).

    For a SQLite file, the parent directory is created, connections are
    pooled, and every connection gets WAL mode, ``synchronous=NORMAL``,
    enforced foreign keys and a busy timeout.
    """
    url = url or default_database_url()
    if make_url(url).get_backend_name() != "sqlite":
        # A pooled connection that died with a database restart is noticed and
        # replaced at checkout instead of failing the next query; and a new
        # connection refused while the server restarts is tried again.
        engine = create_engine(url, future=True)
        replace_connections_closed_by_server(engine)
        event.listen(engine, "do_connect", _connect_patiently)
        return engine

    _create_sqlite_parent_dir(url)
    if _is_sqlite_file(url):
        # A pooled connection may be checked out by another thread later (the
        # pool hands it to one thread at a time), as in SQLAlchemy 2.0.
        engine = create_engine(url, future=True, poolclass=QueuePool,
                               connect_args={"check_same_thread": False})
    else:  # in-memory: SQLAlchemy's default keeps the one database alive per thread
        engine = create_engine(url, future=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def replace_connections_closed_by_server(engine: Engine) -> None:
    """At checkout, swap a pooled connection the server has closed for a new one, without a round trip.

    A PostgreSQL restart (or ``pg_terminate_backend``) tells every client it
    is closing: the idle socket becomes readable (a notice, then end of
    file). An idle pooled connection has nothing to read otherwise, so one
    non-blocking look at its socket tells a dead connection from a live one.
    SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` and waits for the answer
    instead: one round trip per checkout, which was 4 of the 30 statements a
    customer's turn cost PostgreSQL in the production profile (``make bench``).
    """
    event.listen(engine, "checkout", _closed_by_server)


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if getattr(dbapi_connection, "closed", False):
        raise DisconnectionError("the connection was closed")
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:  # the server said goodbye (or hung up) while the connection sat in the pool
        raise DisconnectionError("the server closed the connection while it was idle in the pool")


def _connect_patiently(dialect: Any, _record: Any, cargs: tuple, cparams: dict) -> Any:
    """Open a connection, retrying for up to CONNECT_RETRY_SECONDS while the server refuses.

    A PostgreSQL restart refuses connections for a few seconds ("the database
    system is shutting down", "... is starting up", connection refused); every
    query in that window would otherwise fail, reads included.
    """
    deadline = time.monotonic() + CONNECT_RETRY_SECONDS
    pause = 0.25
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.dbapi.OperationalError:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def is_transient(error: BaseException) -> bool:
    """True if ``error`` is a lost database connection (a restart, a failover): worth one more try."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    # PostgreSQL refusing connections while it restarts.  SQLite's operational
    # errors ("no such table") are not about the connection: no retry.
    return isinstance(error, OperationalError) and not isinstance(error.orig, sqlite3.Error)


def create_database(url: str) -> bool:
    """Create the PostgreSQL database named in ``url`` if it does not exist yet; True if created.

    SQLite files are created on first connect, so this does nothing for them.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return False
    server = create_engine(parsed.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{parsed.database.replace(chr(34), "")}"'))
            return not exists
    finally:
        server.dispose()


def _create_sqlite_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _is_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    database = parsed.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in str(parsed)


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across crashes, not power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config built in code: no alembic.ini and no cwd needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Config values go through ConfigParser interpolation, so a literal "%"
    # (percent-encoded passwords, ?options=-csearch_path%3D...) must be doubled.
    config.set_main_option("sqlalchemy.url", (url or default_database_url()).replace("%", "%%"))
    return config


def migrate(url: str | None = None) -> None:
    """Bring the database at ``url`` to the newest schema (``alembic upgrade head``)."""
    command.upgrade(alembic_config(url), "head")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.db", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    upgrade = sub.add_parser("upgrade", help="apply all pending migrations")
    upgrade.add_argument("--url", help="database URL (default: $DATABASE_URL or var/calmdesk.db)")
    args = parser.parse_args(argv)

    if args.command == "upgrade":
        url = args.url or default_database_url()
        migrate(url)
        print(f"database is up to date: {make_url(url).render_as_string(hide_password=True)}")


if __name__ == "__main__":
    main()
