"""Rasa's SQL tracker store, made to ride out a PostgreSQL restart.

Rasa wraps every tracker store in a fail-safe: if reading a conversation
fails, it logs an error and carries on with an *empty in-memory* tracker.
During a database restart that means a customer's turn is answered as if the
conversation had just begun, and that turn is then lost.  Rasa's own SQL
store also keeps pooled connections without checking them, so the first turn
after any restart hits a dead connection and falls into that path.

This subclass changes two things and nothing else:

- ``pool_pre_ping``: a dead pooled connection is replaced at checkout;
- reads and writes that fail because the connection was lost are tried again,
  with a growing pause, for up to ``RETRY_SECONDS``, so a restart of a few
  seconds only makes those turns slower.  After that the error goes to Rasa's
  fail-safe as before.

Configured in deploy/endpoints.production.yml as
``type: stores.tracker_store.ResilientSQLTrackerStore``.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Iterable, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError

from calmdesk.db import is_transient

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30.0
T = TypeVar("T")


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

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
        return await self._patiently("retrieve", lambda: SQLTrackerStore.retrieve(self, sender_id))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._patiently(
            "retrieve_full_tracker", lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._patiently("save", lambda: SQLTrackerStore.save(self, tracker))
