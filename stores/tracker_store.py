"""Rasa's SQL tracker store, made fast on long conversations and patient with database restarts.

Rasa 3.6's ``SQLTrackerStore`` reads every event of the conversation's current
session on every turn, replays them, and sends them all to the action
server; with one session per conversation, each turn costs more than the one
before (``make bench``: turn 60 took twice as long as turn 5). This subclass
changes four things and nothing else:

- **Bounded sessions.** When a turn ends with the slot ``session_finished``
  set (``action_turn`` sets it once a complaint is finished: rated, or left),
  the same save starts a new session: a ``session_started`` event, every slot
  carried over, ``action_listen`` - exactly the events Rasa's own
  ``action_session_start`` writes when a session expires. The next turn reads,
  replays and ships only the new session. Earlier sessions stay stored: the
  console and ``GET /conversations/{id}/tracker`` read all of them.
- **No reads to save.** Rasa's save counts the stored events of the session
  (a query), and with an event broker ``stream_events`` re-reads and replays
  the whole session to find what is new. Here a tracker read through this
  store remembers how many of its events are stored; a save inserts the rest
  in one statement and publishes the same events. Only a tracker this store
  did not read (a new conversation) is counted in the database.
- **Engines.** SQLite: WAL, ``synchronous=NORMAL``, a busy timeout and a
  pooled connection (Rasa: a new connection per query, rollback journal, an
  fsync per commit). PostgreSQL: autocommit, so a read or a save is one
  round trip (no BEGIN, no COMMIT or ROLLBACK around it); a pooled
  connection the server closed (a restart) is replaced at checkout by looking
  at its socket, not by a ``SELECT 1`` round trip (``db.replace_connections_closed_by_server``);
  one that dies mid-query fails it, and the query is tried again (below).
- **What the event broker gets.** The events calmdesk's consumer counts
  (customer and bot messages, pause, resume: ``broker_consumer.COUNTED_EVENTS``),
  not every slot and action: a turn publishes three events instead of about
  twelve, which Rasa has to encode and send and the consumer has to read.
  ``BROKER_EVENTS=all`` publishes everything, for a team that reads the
  exchange for its own analytics.
  Indexes on (sender_id, timestamp) and (sender_id, type_name, timestamp) let
  the "latest session" query read one session, not the whole conversation.
- **Patience.** A read or write that fails because the connection was lost is
  tried again, with a growing pause, for up to ``RETRY_SECONDS`` - otherwise
  Rasa's fail-safe would answer the turn from an *empty* tracker, as if the
  conversation had just begun.

Configured in endpoints.yml (embedded, SQLite) and
deploy/endpoints.production.yml (PostgreSQL) as
``type: stores.tracker_store.CalmdeskTrackerStore``.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import time
from typing import Any, Awaitable, Callable, Iterable, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from calmdesk.db import is_transient, replace_connections_closed_by_server
from calmdesk.operations.broker_consumer import COUNTED_EVENTS

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30.0
SESSION_FINISHED = "session_finished"  # the slot action_turn sets when a complaint is finished
T = TypeVar("T")

STORED = "calmdesk_stored_events"  # on a tracker: how many of its events the database holds

INDEXES = (
    ("ix_events_sender_timestamp", "sender_id, timestamp"),
    ("ix_events_sender_type_timestamp", "sender_id, type_name, timestamp"),
)
INDEX_LOCK = "hashtext('calmdesk_tracker_indexes')"  # PostgreSQL advisory lock while creating them


def session_is_finished(tracker: DialogueStateTracker) -> bool:
    """The turn is over (the bot listens), the complaint is finished, and no person has the conversation."""
    return (bool(tracker.get_slot(SESSION_FINISHED)) and tracker.latest_action_name == ACTION_LISTEN_NAME
            and not tracker.is_paused())


def start_new_session(tracker: DialogueStateTracker) -> None:
    """Append what Rasa's ``action_session_start`` would: a session start, the slots carried over, listen.

    ``session_finished`` itself is not carried, so the new session is not
    finished too.
    """
    # One timestamp for all: the store reads a session as the events stamped at or after its start.
    now = time.time()
    carried = [SlotSet(name, slot.value, timestamp=now) for name, slot in tracker.slots.items()
               if name != SESSION_FINISHED and slot.value != slot.initial_value]
    tracker.update(SessionStarted(timestamp=now))
    for event in carried:
        tracker.update(event)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME, timestamp=now))


def published(events: list[Event]) -> list[Event]:
    """The events the event broker gets (``BROKER_EVENTS``: the counted ones, or ``all``)."""
    if os.environ.get("BROKER_EVENTS", "counted").strip().lower() == "all":
        return events
    return [event for event in events if event.type_name in COUNTED_EVENTS]


def _all_stored(tracker: Optional[DialogueStateTracker]) -> Optional[DialogueStateTracker]:
    """A tracker just read: every event it holds is stored, so the next save need not count them."""
    if tracker is not None:
        setattr(tracker, STORED, len(tracker.events))
    return tracker


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _engine(url: sa.engine.URL) -> sa.engine.Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Autocommit: a read is one SELECT and a save one INSERT (atomic on its own), not
    # BEGIN, the statement and COMMIT or ROLLBACK: three round trips to one per read and
    # per save. Two replicas never touch one conversation at once (the lock store).
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", **create_engine_kwargs(url))
    replace_connections_closed_by_server(engine)
    return engine


class CalmdeskTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = _engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        postgres = self.engine.dialect.name == "postgresql"
        with self.engine.begin() as connection:
            if postgres:
                # Replicas start together, and two CREATE INDEX IF NOT EXISTS
                # racing on PostgreSQL make one fail (the name is taken
                # mid-way): one replica at a time. A session lock, because the
                # engine autocommits each statement.
                connection.execute(sa.text(f"SELECT pg_advisory_lock({INDEX_LOCK})"))
            try:
                for name, columns in INDEXES:
                    connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))
            finally:
                if postgres:
                    connection.execute(sa.text(f"SELECT pg_advisory_unlock({INDEX_LOCK})"))

    async def _patiently(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.5
        while True:
            try:
                return await call()
            except DBAPIError as error:
                if not is_transient(error) or time.monotonic() + pause > deadline:
                    raise
                logger.warning(f"tracker store: lost the database during {what}, trying again in {pause:.1f} s")
                await asyncio.sleep(pause)
                pause = min(pause * 2, 4.0)

    async def keys(self) -> Iterable[Text]:
        return await self._patiently("keys", lambda: SQLTrackerStore.keys(self))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await self._patiently("retrieve", lambda: SQLTrackerStore.retrieve(self, sender_id))
        return _all_stored(tracker)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await self._patiently(
            "retrieve_full_tracker", lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id)
        )
        return _all_stored(tracker)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        """Rasa's read, fetching only the events' JSON: no ORM object per stored event."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).with_entities(
                self.SQLEvent.data).all()
        events = [json.loads(data) for (data,) in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if session_is_finished(tracker):
            start_new_session(tracker)

        async def store() -> list[Event]:
            return self._store_new_events(tracker)

        new_events = await self._patiently("save", store)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, published(new_events), tracker.sender_id)

    def _store_new_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """Write the events of ``tracker`` the database does not hold yet (one INSERT); return them."""
        with self.session_scope() as session:
            offset = getattr(tracker, STORED, None)
            if offset is None:
                offset = self._stored_in_memory(session, tracker)
            new_events = list(itertools.islice(tracker.events, offset, len(tracker.events)))
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        setattr(tracker, STORED, len(tracker.events))
        return new_events

    def _stored_in_memory(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> int:
        """How many of ``tracker.events`` the database already holds.

        Rasa counts the stored events of the latest session and skips that
        many in memory, which is right only while the tracker in memory starts
        where that session does. After this store appended a new session to
        it, the same tracker can be saved again: the count then starts at that
        session's start in memory, found by its timestamp.
        """
        sender = tracker.sender_id
        latest_start = session.query(sa.func.max(self.SQLEvent.timestamp)).filter(
            self.SQLEvent.sender_id == sender, self.SQLEvent.type_name == SessionStarted.type_name).scalar()
        stored = self._event_query(session, sender, fetch_events_from_all_sessions=False).count()
        if latest_start is None:
            return stored
        for index in range(len(tracker.events) - 1, -1, -1):
            event = tracker.events[index]
            if isinstance(event, SessionStarted) and event.timestamp == latest_start:
                return index + stored
        return stored
