"""The tracker store on PostgreSQL: replicas that start at the same moment all come up.

Every Rasa replica builds a CalmdeskTrackerStore when it starts, and each one
creates the store's indexes. Two ``CREATE INDEX IF NOT EXISTS`` racing on
PostgreSQL make one fail ("duplicate key ... pg_class_relname_nsp_index"),
and that replica never serves a customer (seen starting the production
profile with two replicas and two action servers).
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from sqlalchemy import create_engine, text

from calmdesk.db import create_database
from stores.tracker_store import INDEXES, CalmdeskTrackerStore
from tests.prod.conftest import require_services

pytestmark = pytest.mark.prod

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "calmdesk_test_tracker_race"
REPLICAS = 6


@pytest.fixture
def fresh_database():
    require_services()
    server = create_engine("postgresql://postgres@127.0.0.1:5432/postgres", future=True,
                           isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))

    drop()
    create_database(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}")
    yield
    drop()
    server.dispose()


def replica_store(domain: Domain) -> CalmdeskTrackerStore:
    """What a Rasa replica builds at start from deploy/endpoints.production.yml, on the test database."""
    return CalmdeskTrackerStore(domain=domain, dialect="postgresql", host="127.0.0.1", port=5432,
                                db=DATABASE, username="postgres")


def test_replicas_starting_together_all_get_a_tracker_store(fresh_database):
    domain = Domain.load(str(ROOT / "domain"))
    first = replica_store(domain)
    with first.engine.begin() as connection:  # as if the indexes were never made: every replica makes them now
        for name, _ in INDEXES:
            connection.execute(text(f"DROP INDEX {name}"))
    first.engine.dispose()

    start = threading.Barrier(REPLICAS)
    failures: list[BaseException] = []
    stores: list[CalmdeskTrackerStore] = []

    def replica() -> None:
        start.wait()
        try:
            stores.append(replica_store(domain))
        except BaseException as error:  # noqa: BLE001 - the test reports it
            failures.append(error)

    threads = [threading.Thread(target=replica) for _ in range(REPLICAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert not failures, failures[0]
        assert len(stores) == REPLICAS
        with stores[0].engine.connect() as connection:
            made = {row[0] for row in connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'"))}
        assert {name for name, _ in INDEXES} <= made
    finally:
        for store in stores:
            store.engine.dispose()


def test_a_turn_is_read_and_saved_in_one_round_trip_each(fresh_database):
    """Autocommit: no BEGIN, COMMIT or ROLLBACK around the turn's one SELECT and one INSERT.

    PostgreSQL counts a transaction per statement either way, so the test
    counts what psycopg2 sends: with a transaction open it would be BEGIN,
    the statement and COMMIT/ROLLBACK (three round trips instead of one).
    """
    import asyncio

    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import event

    domain = Domain.load(str(ROOT / "domain"))
    store = replica_store(domain)
    sent: list[str] = []
    try:
        tracker = DialogueStateTracker("round-trips", domain.slots)
        tracker.update(UserUttered("my parcel never came", {"name": "complain", "confidence": 0.9}))
        asyncio.run(store.save(tracker))

        def statements(*args) -> None:
            sent.append(args[2].split()[0].upper())

        event.listen(store.engine, "before_cursor_execute", statements)
        again = asyncio.run(store.retrieve("round-trips"))
        again.update(ActionExecuted("action_listen"))
        asyncio.run(store.save(again))
        with store.engine.connect() as connection:
            in_transaction = not connection.connection.dbapi_connection.autocommit
        assert sent == ["SELECT", "INSERT"]
        assert not in_transaction  # and psycopg2 sends no BEGIN of its own
        assert [e.type_name for e in asyncio.run(store.retrieve("round-trips")).events][-2:] == ["user", "action"]
    finally:
        store.engine.dispose()
