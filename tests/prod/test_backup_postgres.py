"""The documented PostgreSQL backup (docs/operations.md#backups) restores the ticket and the conversation.

pg_dump of both databases while the production stack runs, pg_restore into
two new databases with exactly the documented commands, then read back.
"""
from __future__ import annotations

import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text

from calmdesk.db import create_database
from calmdesk.operations.production import settings, tracker_database_url

pytestmark = pytest.mark.prod

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"


def test_pg_dump_and_pg_restore_bring_back_ticket_and_conversation(prod, tmp_path):
    sender = f"backup-{uuid.uuid4().hex}"
    reply = prod.say(sender, "you charged me twice for the same order 4839201!!")
    assert reply.status_code == 200, reply.text
    prod.say(sender, "I want to talk to a real person")
    [ticket] = prod.tickets(sender)

    tickets_url = prod.config.resolved_database_url()
    tracker_url = tracker_database_url(settings(prod.config.settings)).render_as_string(hide_password=False)
    tag = uuid.uuid4().hex[:8]
    restored = {"tickets": f"restored_tickets_{tag}", "tracker": f"restored_tracker_{tag}"}
    server = create_engine(f"{SERVER}/postgres", future=True, isolation_level="AUTOCOMMIT")
    try:
        for name, url in (("tickets", tickets_url), ("tracker", tracker_url)):
            dump = tmp_path / f"{name}.dump"
            _run("pg_dump", "--format=custom", f"--file={dump}", url)  # while the stack keeps running
            create_database(f"{SERVER}/{restored[name]}")
            _run("pg_restore", "--no-owner", "--exit-on-error", "-d", f"{SERVER}/{restored[name]}", str(dump))

        back = create_engine(f"{SERVER}/{restored['tickets']}", future=True)
        with back.connect() as connection:
            row = connection.execute(
                text("SELECT reference, order_number FROM tickets WHERE conversation_id = :c"), {"c": sender}
            ).one()
        back.dispose()
        assert tuple(row) == (ticket["reference"], "4839201")
        tracker = create_engine(f"{SERVER}/{restored['tracker']}", future=True)
        with tracker.connect() as connection:
            said = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :c AND type_name = 'user' ORDER BY id"), {"c": sender}
            ).scalars().all()
        tracker.dispose()
        assert "you charged me twice for the same order 4839201!!" in said[0]
        assert len(said) == 2
    finally:
        with server.connect() as connection:
            for name in restored.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
