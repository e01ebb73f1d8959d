"""The audit log itself: append-only in the database (SQLite and PostgreSQL), filters, CSV, the CLI's entries."""
from __future__ import annotations

import csv
import io
import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from calmdesk.__main__ import main
from calmdesk.db import make_engine, migrate
from calmdesk.models import utcnow
from calmdesk.staff import audit

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _tamper(engine) -> None:
    """What the app must never manage to do: change or remove an entry."""
    for statement in ("UPDATE audit_log SET actor = 'someone-else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))


def test_entries_are_kept_filtered_and_cannot_be_changed(migrated_engine):
    now = utcnow()
    audit.record(migrated_engine, "sam", "claim", channel="console", target_type="ticket", target="CD-1",
                 at=now - timedelta(hours=2), address="10.0.0.7")
    audit.record(migrated_engine, "ada", "staff_add", channel="console", target_type="staff", target="kim",
                 detail={"role": "agent"}, at=now - timedelta(hours=1))
    audit.record(migrated_engine, "staff", "hand_back", channel="api-token", target_type="ticket", target="CD-1")

    assert [e["action"] for e in audit.entries(migrated_engine)] == ["hand_back", "staff_add", "claim"]
    assert [e["actor"] for e in audit.entries(migrated_engine, target="CD-1")] == ["staff", "sam"]
    assert [e["action"] for e in audit.entries(migrated_engine, since=now - timedelta(minutes=90),
                                               until=now - timedelta(minutes=30))] == ["staff_add"]
    [added] = audit.entries(migrated_engine, actor="ada")
    assert added["detail"] == {"role": "agent"} and added["channel"] == "console"
    with pytest.raises(ValueError, match="channel"):
        audit.record(migrated_engine, "sam", "claim", channel="carrier-pigeon")

    _tamper(migrated_engine)
    assert len(audit.entries(migrated_engine)) == 3


def test_csv_export_has_every_column_and_defuses_formulas(migrated_engine):
    audit.record(migrated_engine, "sam", "incident_declare", channel="console", target_type="incident",
                 target="=HYPERLINK(\"http://evil\")", detail={"category": "service_outage"})
    rows = list(csv.reader(io.StringIO(audit.to_csv(audit.entries(migrated_engine)))))
    assert rows[0] == list(audit.CSV_COLUMNS)
    record = dict(zip(rows[0], rows[1]))
    assert record["actor"] == "sam" and record["action"] == "incident_declare"
    assert record["target"].startswith("'="), "a spreadsheet must not run it"
    assert record["detail"] == '{"category": "service_outage"}'


def test_staff_changes_from_the_command_line_are_audited(migrated_engine, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["staff", "add", "lee", "--role", "admin", "--password-stdin"]) == 0
    assert main(["staff", "disable", "lee"]) == 0
    logged = audit.entries(migrated_engine)
    assert [(e["action"], e["target"], e["channel"]) for e in logged] == [
        ("staff_disable", "lee", "cli"), ("staff_add", "lee", "cli")]
    assert logged[1]["detail"] == {"role": "admin"}
    assert all(e["actor"].startswith("os:") for e in logged)


def test_append_only_on_postgresql():
    admin = create_engine(POSTGRES_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except Exception as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable: {error}")
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {error}")
    schema = f"calmdesk_audit_{uuid.uuid4().hex[:12]}"
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = None
    try:
        migrate(url)
        engine = make_engine(url)
        audit.record(engine, "sam", "claim", channel="console", target_type="ticket", target="CD-1")
        _tamper(engine)
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_log"))
        assert [e["actor"] for e in audit.entries(engine)] == ["sam"]
    finally:
        if engine is not None:
            engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
