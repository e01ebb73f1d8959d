"""Pooled PostgreSQL connections after the server drops them (a restart, a failover).

What a customer would notice if it were wrong: the first turn after a
database restart fails with an error instead of being answered. The check
costs no round trip (``db.replace_connections_closed_by_server``), so a test
also makes sure a healthy connection is reused, not replaced each time.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, event, text

from calmdesk.db import make_engine
from tests.prod.conftest import require_services

pytestmark = pytest.mark.prod

URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def engine():
    require_services()
    made = make_engine(URL)
    yield made
    made.dispose()


def backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_the_server_closed_is_replaced_before_the_next_query(engine):
    first = backend_pid(engine)  # now idle in the pool
    admin = create_engine(URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        # pg_terminate_backend only signals the backend; it has hung up once it is gone from pg_stat_activity
        # (a restart, which this stands for, takes seconds: its connections are long closed by the next turn).
        deadline = time.monotonic() + 10
        while connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                 {"pid": first}).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.05)
    admin.dispose()
    time.sleep(0.05)  # and its goodbye has crossed the loopback

    with engine.connect() as connection:  # no error: the dead connection never reaches a query
        assert connection.execute(text("SELECT 41 + 1")).scalar_one() == 42
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != first


def test_a_live_connection_is_reused_without_a_ping(engine):
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    first = backend_pid(engine)
    assert backend_pid(engine) == first
    assert sent == ["SELECT pg_backend_pid()"] * 2  # no SELECT 1 before either
