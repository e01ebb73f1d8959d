"""Analytics from Rasa's event broker: the ``conversation_stats`` table.

In the production profile every Rasa replica publishes each tracker event
(customer message, bot message, pause, resume ...) to a RabbitMQ fanout
exchange, and this process reads them from a durable queue.  It keeps one
row per conversation (messages in, bot messages, paused by a person or not,
the anger of the latest customer message, when the latest event happened) in
the tickets database, where the staff console and dashboards can read it
without touching Rasa's tracker store or slowing a conversation down.

Delivery is at-least-once: a message is acknowledged only after its row is
committed; if the database is unreachable the message goes back on the queue
and is tried again a moment later, so a PostgreSQL restart loses nothing.  An
event whose timestamp is not newer than the row's ``last_event_at`` is a
redelivery and is skipped, so nothing is counted twice.  Events of one
conversation arrive in order: Rasa's lock store lets only one replica handle
a conversation at a time.

Run::

    python -m calmdesk.operations.broker_consumer      # settings from the environment (deploy/production.env)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.db import is_transient, make_engine
from calmdesk.models import ConversationStats
from calmdesk.taxonomy import ANGER_LEVELS

logger = logging.getLogger("calmdesk.operations.broker_consumer")

# The event types that change a row; everything else (actions, slots ...) is acknowledged and ignored.
COUNTED_EVENTS = ("user", "bot", "pause", "resume")
RETRY_DELAY_SECONDS = 2.0  # before a message that could not be stored goes back on the queue
BATCH = 100  # events stored in one transaction at most (the channel's prefetch)
WAIT_SECONDS = 0.2  # how long the first event of a batch waits for others (Batches)
UPDATED = ("messages_in", "bot_messages", "paused", "last_anger", "last_event_at")


def record_event(engine: Engine, event: dict[str, Any]) -> bool:
    """Apply one Rasa event to its conversation's row; True if the row changed."""
    return record_events(engine, [event]) == 1


def record_events(engine: Engine, events: list[dict[str, Any]]) -> int:
    """Apply Rasa events, in order, to their conversations' rows in one transaction; return how many counted.

    One transaction for a batch (``Batches``), not one per event: a
    transaction each made this process cost a production turn as much CPU as
    the action server did (``make bench``). Its statements: one SELECT of the
    batch's rows, locked so two consumers never count on the same row at once
    (before, one SELECT per conversation), one INSERT of the new rows and an
    UPDATE per changed row.
    """
    counted = [(event, at) for event in events if (at := _counted_at(event)) is not None]
    if not counted:
        return 0
    table = ConversationStats.__table__
    for attempt in range(3):
        try:
            with engine.begin() as connection:
                ids = sorted({event["sender_id"][:255] for event, _ in counted})  # one lock order for everyone
                rows = {row["conversation_id"]: dict(row) for row in connection.execute(
                    select(table).where(table.c.conversation_id.in_(ids)).with_for_update()).mappings()}
                new = {cid: {"conversation_id": cid, "messages_in": 0, "bot_messages": 0, "paused": False,
                             "last_anger": None, "last_event_at": None} for cid in ids if cid not in rows}
                changed_rows, changed = set(), 0
                for event, at in counted:
                    cid = event["sender_id"][:255]
                    stats = rows.get(cid) or new[cid]
                    if stats["last_event_at"] is not None and at <= stats["last_event_at"]:
                        continue  # already counted: the broker delivered it again
                    _apply(stats, event["event"], event)
                    stats["last_event_at"] = at
                    changed_rows.add(cid)
                    changed += 1
                if inserted := [stats for cid, stats in new.items() if cid in changed_rows]:
                    connection.execute(insert(table), inserted)
                updated = [{**stats, "cid": cid} for cid, stats in rows.items() if cid in changed_rows]
                if updated:
                    connection.execute(update(table).where(table.c.conversation_id == bindparam("cid")).values(
                        {name: bindparam(name) for name in UPDATED}), updated)
            return changed
        except IntegrityError:  # another consumer created a row first: count on that row
            if attempt == 2:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def _counted_at(event: Any) -> datetime | None:
    """When the event happened, if it is one that changes a row (and is well-formed); else None."""
    if not isinstance(event, dict) or event.get("event") not in COUNTED_EVENTS:
        return None
    conversation_id, timestamp = event.get("sender_id"), event.get("timestamp")
    if not isinstance(conversation_id, str) or not conversation_id or not isinstance(timestamp, (int, float)):
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _apply(stats: dict[str, Any], kind: str, event: dict[str, Any]) -> None:
    if kind == "user":
        stats["messages_in"] += 1
        level = ((event.get("parse_data") or {}).get("anger") or {}).get("level")
        stats["last_anger"] = level if level in ANGER_LEVELS else None
    elif kind == "bot":
        stats["bot_messages"] += 1
    elif kind == "pause":
        stats["paused"] = True
    elif kind == "resume":
        stats["paused"] = False


def get_stats(engine: Engine, conversation_id: str) -> dict[str, Any] | None:
    """One conversation's counters, as the staff console would show them."""
    with Session(engine) as session:
        stats = session.get(ConversationStats, conversation_id)
        if stats is None:
            return None
        return {
            "conversation_id": stats.conversation_id,
            "messages_in": stats.messages_in,
            "bot_messages": stats.bot_messages,
            "paused": stats.paused,
            "last_anger": stats.last_anger,
            "last_event_at": stats.last_event_at.isoformat() if stats.last_event_at else None,
        }


def amqp_url(env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    user, password = quote(env.get("RABBITMQ_USER", "guest"), safe=""), quote(env.get("RABBITMQ_PASSWORD", "guest"), safe="")
    return f"amqp://{user}:{password}@{env.get('RABBITMQ_HOST', '127.0.0.1')}:{env.get('RABBITMQ_PORT', '5672')}/"


async def consume(url: str, exchange_name: str, queue_name: str, engine: Engine,
                  ready_file: Path | None = None) -> None:
    """Read events forever; reconnects on its own if RabbitMQ restarts."""
    import aio_pika  # installed with Rasa; imported here so the table helpers need no broker library

    connection = await aio_pika.connect_robust(url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=BATCH)
        # Declared exactly as Rasa's pika broker declares them, so either may start first.
        exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.bind(exchange, "")
        batches = Batches(engine)
        await queue.consume(batches.add)
        if ready_file is not None:
            ready_file.touch()
        logger.info("consuming %s from exchange %s", queue_name, exchange_name)
        await batches.store_forever()


class Batches:
    """Events stored a batch at a time: everything that arrived within ``WAIT_SECONDS``, up to ``BATCH``.

    A customer's turn publishes two or three events a few milliseconds apart,
    and each transaction costs this process and PostgreSQL the same whatever
    it holds. Storing what arrived within a short wait, instead of whatever
    happened to be waiting at that instant (usually one event), took this
    process from 3.0 to 1.8 ms of CPU per customer turn in the production
    profile at 20 concurrent customers; the counters are at most
    ``WAIT_SECONDS`` behind.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.waiting: list[Any] = []
        self.arrived = asyncio.Event()
        self.full = asyncio.Event()

    async def add(self, message: Any) -> None:
        self.waiting.append(message)
        self.arrived.set()
        if len(self.waiting) >= BATCH:
            self.full.set()

    async def store_forever(self) -> None:
        while True:
            await self.arrived.wait()
            try:
                await asyncio.wait_for(self.full.wait(), WAIT_SECONDS)
            except asyncio.TimeoutError:
                pass
            batch, self.waiting = self.waiting, []
            self.arrived.clear()
            self.full.clear()
            if batch:
                await _handle(batch, self.engine)


async def _handle(batch: list[Any], engine: Engine) -> None:
    events = []
    for message in batch:
        try:
            events.append(json.loads(message.body))
        except (ValueError, UnicodeDecodeError):
            logger.warning("dropping a message that is not JSON (%d bytes)", len(message.body))
    try:
        if any(_counted_at(event) is not None for event in events):
            await asyncio.to_thread(record_events, engine, events)
    except Exception as error:  # the database is away: put them back, try again shortly
        level = logging.WARNING if is_transient(error) else logging.ERROR
        logger.log(level, "could not store %d events, will retry: %s", len(events), error)
        await asyncio.sleep(RETRY_DELAY_SECONDS)
        for message in batch:
            await message.nack(requeue=True)
        return
    await batch[-1].ack(multiple=True)  # every message up to the last: committed together


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.operations.broker_consumer", description=__doc__.splitlines()[0])
    parser.add_argument("--ready-file", type=Path, help="created once the queue is being consumed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    engine = make_engine()
    asyncio.run(consume(amqp_url(), os.environ.get("BROKER_EXCHANGE", "calmdesk-events"),
                        os.environ.get("BROKER_QUEUE", "calmdesk_events"), engine, args.ready_file))


if __name__ == "__main__":
    main()
