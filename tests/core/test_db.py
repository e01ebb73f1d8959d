"""The database plumbing: URLs, connection settings, and the Alembic migrations."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

import calmdesk.db as db
from calmdesk.db import alembic_config, default_database_url, make_engine, migrate
from calmdesk.desk.incidents import declare_incident, detect_incidents, get_incident, link_ticket
from calmdesk.models import Base
from calmdesk.desk.tickets import (
    RemedyOffer,
    TicketDraft,
    TranscriptLine,
    get_ticket,
    list_tickets,
    offer_remedies,
    record_satisfaction,
    save_ticket,
    schedule_follow_up,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_TABLES = {
    "customers", "tickets", "remedies", "remedy_events", "transcript_entries",
    "incidents", "incident_updates", "incident_tickets", "satisfactions",
    "live_messages",                                            # 0003 live chat
    "staff_users", "staff_sessions", "ticket_notes",            # 0004 staff console
    "webhook_deliveries", "webhook_attempts",                   # 0005 handoff webhooks
    "conversation_stats", "held_complaints",                    # 0006 broker consumer, held complaints
    "email_messages", "email_attempts", "email_suppressions",  # 0007 email to customers
    "audit_log",                                                # 0008 audit log of staff actions
}  # fmt: skip
HEAD = "0008"  # the newest migration
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def table_names(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


# --- URLs and engines -------------------------------------------------------


def test_default_url_comes_from_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/calmdesk")
    assert default_database_url() == "postgresql://someone@db.example/calmdesk"


def test_default_url_is_sqlite_file_under_repo_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert default_database_url() == f"sqlite:///{REPO_ROOT / 'var' / 'calmdesk.db'}"


def test_make_engine_creates_the_directory_and_sets_sqlite_pragmas(tmp_path):
    path = tmp_path / "not" / "yet" / "there.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    finally:
        engine.dispose()
    assert path.exists()


def test_a_sqlite_file_engine_reuses_its_connection_across_sessions_and_threads(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    engine = make_engine(f"sqlite:///{tmp_path / 'pooled.db'}")

    def open_connection_and_write(value):
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS t (v INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": value})
            return connection.connection.dbapi_connection

    try:
        first = open_connection_and_write(1)
        assert open_connection_and_write(2) is first  # not closed and re-opened
        with ThreadPoolExecutor(1) as other_thread:  # the action server's threads share the pool
            assert other_thread.submit(open_connection_and_write, 3).result() is first
        with engine.connect() as connection:
            assert connection.execute(text("SELECT sum(v) FROM t")).scalar() == 6
    finally:
        engine.dispose()


def test_an_in_memory_sqlite_engine_still_works():
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (v INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT v FROM t")).scalar() == 1


def test_make_engine_does_not_touch_the_database_until_used(tmp_path):
    path = tmp_path / "lazy.db"
    make_engine(f"sqlite:///{path}").dispose()
    assert not path.exists()


# --- migrations -------------------------------------------------------------


def test_migrate_upgrades_an_empty_database_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nowhere near alembic.ini or migrations/
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    migrate(url)
    migrate(url)  # running it again is harmless

    assert APP_TABLES <= table_names(url)
    assert current_revision(url) == HEAD


def test_migrated_schema_matches_the_models(migrated_engine):
    with migrated_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_database_rejects_values_outside_the_taxonomy(migrated_engine):
    insert = text(
        "INSERT INTO tickets (reference, conversation_id, complaint_seq, category, anger_level,"
        " priority, status, handoff, recurrent, created_at, updated_at)"
        " VALUES ('CD-AAAAAA', 'c1', 1, :category, 'calm', 'normal', 'open', 0, 0,"
        " '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
    )
    with pytest.raises(IntegrityError, match="ck_tickets_category"):
        with migrated_engine.begin() as connection:
            connection.execute(insert, {"category": "rude_parrot"})


def test_database_enforces_foreign_keys(migrated_engine):
    insert = text(
        "INSERT INTO remedies (ticket_id, kind, status, created_at, updated_at)"
        " VALUES (999, 'refund', 'offered', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
    )
    with pytest.raises(IntegrityError):
        with migrated_engine.begin() as connection:
            connection.execute(insert)


def test_database_refuses_satisfaction_scores_outside_1_to_5(migrated_engine):
    reference = save_ticket(migrated_engine, TicketDraft(conversation_id="c1"))["reference"]
    insert = text(
        "INSERT INTO satisfactions (ticket_id, score, at)"
        " SELECT id, :score, '2024-01-01 00:00:00' FROM tickets WHERE reference = :reference"
    )
    with pytest.raises(IntegrityError, match="ck_satisfactions_score"):
        with migrated_engine.begin() as connection:
            connection.execute(insert, {"score": 6, "reference": reference})


@pytest.mark.parametrize("sqlite_version", [sqlite3.sqlite_version_info, (3, 34, 1)])
def test_downgrading_0002_keeps_every_ticket_remedy_and_transcript_line(tmp_path, monkeypatch, sqlite_version):
    """SQLite: DROP COLUMN where it exists, else a rebuild with foreign keys off, so nothing cascades away."""
    monkeypatch.setattr(sqlite3, "sqlite_version_info", sqlite_version)
    url = f"sqlite:///{tmp_path / 'down.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        at = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
        saved = save_ticket(
            engine, TicketDraft(conversation_id="c1", transcript=[TranscriptLine("customer", "hello", at)])
        )
        offer_remedies(engine, saved["reference"], [RemedyOffer("refund")])
        schedule_follow_up(engine, saved["reference"], at)
        record_satisfaction(engine, saved["reference"], 4)
    finally:
        engine.dispose()

    command.downgrade(alembic_config(url), "0001")

    assert current_revision(url) == "0001"
    assert table_names(url) & {"incidents", "incident_updates", "incident_tickets", "satisfactions"} == set()
    check = create_engine(url, future=True)
    try:
        with check.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM remedies")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM transcript_entries")).scalar() == 1
            inspector = inspect(connection)
            assert "follow_up_at" not in {column["name"] for column in inspector.get_columns("tickets")}
            checks = {check["name"] for check in inspector.get_check_constraints("tickets")}
            assert "ck_tickets_category" in checks
    finally:
        check.dispose()

    migrate(url)  # and back up again
    assert current_revision(url) == HEAD


def test_alembic_command_line_upgrades_and_downgrades_to_base(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url}

    def alembic(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), *args],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )

    alembic("upgrade", "head")
    assert APP_TABLES <= table_names(url)

    alembic("downgrade", "base")
    assert table_names(url) & APP_TABLES == set()
    assert current_revision(url) is None


def test_python_m_calmdesk_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'module.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk.db", "upgrade"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO_ROOT)},
        check=True,
        capture_output=True,
        text=True,
    )
    assert "up to date" in result.stdout
    assert current_revision(url) == HEAD


def test_migration_runs_on_postgresql():
    """Upgrade, use and downgrade the schema on a real PostgreSQL, in a throwaway schema."""
    admin = create_engine(POSTGRES_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except Exception as error:  # any failure to connect means "not available here"
        admin.dispose()
        reason = f"PostgreSQL not reachable at 127.0.0.1:5432: {error.__class__.__name__}: {error}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)

    schema = f"calmdesk_test_{uuid.uuid4().hex[:12]}"
    # libpq option: every connection of this URL works inside the throwaway schema.
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        migrate(url)
        assert APP_TABLES <= table_names(url)
        assert current_revision(url) == HEAD

        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            saved = save_ticket(engine, TicketDraft(conversation_id="pg-1", customer_email="Pg@Example.com"))
            assert get_ticket(engine, saved["reference"]) == saved
            assert saved["created_at"].endswith("+00:00")

            # 0002: incidents (partial unique index, detection's GROUP BY), satisfaction, follow-up.
            incident = declare_incident(engine, "delivery_problem", "Parcels are late.", "staff")
            with pytest.raises(ValueError, match="already has an open incident"):
                declare_incident(engine, "delivery_problem", "again", "staff")
            late = save_ticket(engine, TicketDraft(conversation_id="pg-late", category="delivery_problem"))
            linked = link_ticket(engine, late["reference"], incident["reference"])
            assert linked["incident"] == incident["reference"]
            assert get_incident(engine, incident["reference"])["tickets"] == [late["reference"]]
            now = datetime.now(timezone.utc)
            for n in range(2):
                save_ticket(engine, TicketDraft(conversation_id=f"pg-{n + 2}", category="billing_problem"))
            [suggested] = detect_incidents(engine, tickets=2, minutes=5, now=now + timedelta(seconds=5))
            assert suggested["category"] == "billing_problem"
            assert record_satisfaction(engine, saved["reference"], 5)["satisfaction"]["score"] == 5
            schedule_follow_up(engine, saved["reference"], now)
            due = list_tickets(engine, follow_up_due_before=now + timedelta(hours=1))
            assert [ticket["reference"] for ticket in due] == [saved["reference"]]
        finally:
            engine.dispose()

        command.downgrade(alembic_config(url), "base")
        assert table_names(url) & APP_TABLES == set()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_directory_is_found_relative_to_the_package():
    assert db.MIGRATIONS_DIR == REPO_ROOT / "migrations"
    assert (db.MIGRATIONS_DIR / "env.py").is_file()
