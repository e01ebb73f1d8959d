"""conversation_stats from Rasa events (no broker needed: the events are fed in directly, SQLite)."""
from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import event

from calmdesk.db import make_engine, migrate
from calmdesk.operations.broker_consumer import (
    WAIT_SECONDS, Batches, amqp_url, get_stats, record_event, record_events,
)


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    migrate(url)
    return make_engine(url)


def _user(at: float, level: str | None = "angry") -> dict:
    parse = {"intent": {"name": "delivery_problem"}, **({"anger": {"level": level}} if level else {})}
    return {"event": "user", "sender_id": "c-1", "timestamp": at, "text": "where is it", "parse_data": parse}


def test_counts_messages_anger_and_pauses(engine):
    events = [_user(1.0, "angry"), {"event": "bot", "sender_id": "c-1", "timestamp": 2.0, "text": "sorry"},
              {"event": "action", "sender_id": "c-1", "timestamp": 2.5, "name": "action_listen"},
              {"event": "pause", "sender_id": "c-1", "timestamp": 3.0}, _user(4.0, "calm")]
    changed = [record_event(engine, event) for event in events]
    assert changed == [True, True, False, True, True]
    stats = get_stats(engine, "c-1")
    assert {k: stats[k] for k in ("messages_in", "bot_messages", "paused", "last_anger")} == {
        "messages_in": 2, "bot_messages": 1, "paused": True, "last_anger": "calm"}
    record_event(engine, {"event": "resume", "sender_id": "c-1", "timestamp": 5.0})
    assert get_stats(engine, "c-1")["paused"] is False


def test_a_redelivered_event_is_not_counted_twice(engine):
    assert record_event(engine, _user(1.0)) is True
    assert record_event(engine, _user(1.0)) is False
    assert get_stats(engine, "c-1")["messages_in"] == 1


def test_a_batch_from_the_queue_counts_like_one_event_at_a_time(engine):
    """Everything waiting on the queue is stored in one transaction, with the same counts as one by one."""
    other = {"event": "user", "sender_id": "c-2", "timestamp": 1.5, "text": "hi", "parse_data": {}}
    batch = [_user(1.0, "angry"), other, {"event": "bot", "sender_id": "c-1", "timestamp": 2.0, "text": "sorry"},
             {"event": "slot", "sender_id": "c-1", "timestamp": 2.1, "name": "stage", "value": None},
             "not an event", {"event": "bot", "sender_id": "c-2", "timestamp": 2.2, "text": "hello"},
             _user(3.0, "calm"), _user(3.0, "calm")]  # the last one delivered twice
    assert record_events(engine, batch) == 5
    first, second = get_stats(engine, "c-1"), get_stats(engine, "c-2")
    assert (first["messages_in"], first["bot_messages"], first["last_anger"]) == (2, 1, "calm")
    assert (second["messages_in"], second["bot_messages"]) == (1, 1)
    assert record_events(engine, batch) == 0, "the whole batch redelivered after a crash counts nothing twice"


def test_unknown_anger_and_malformed_events_are_harmless(engine):
    record_event(engine, _user(1.0, "furious"))
    assert get_stats(engine, "c-1")["last_anger"] is None
    assert record_event(engine, {"event": "user", "timestamp": 2.0}) is False  # no conversation
    assert record_event(engine, {"event": "user", "sender_id": "c-2", "timestamp": "soon"}) is False
    assert get_stats(engine, "c-2") is None


def test_amqp_url_escapes_credentials():
    url = amqp_url({"RABBITMQ_USER": "calm desk", "RABBITMQ_PASSWORD": "p@ss/word", "RABBITMQ_HOST": "mq",
                    "RABBITMQ_PORT": "5673"})
    assert url == "amqp://calm%20desk:p%40ss%2Fword@mq:5673/"


class Delivered:
    """What aio_pika hands the consumer: a body, and ack/nack (recorded here)."""

    def __init__(self, event: dict, acks: list) -> None:
        self.body, self.acks = json.dumps(event).encode(), acks

    async def ack(self, multiple: bool = False) -> None:
        self.acks.append(("ack", json.loads(self.body)["timestamp"], multiple))

    async def nack(self, requeue: bool = True) -> None:
        self.acks.append(("nack", json.loads(self.body)["timestamp"], requeue))


def test_a_turns_events_arriving_together_are_stored_in_one_transaction_and_acked_once(engine):
    commits, acks = [], []
    event.listen(engine, "commit", lambda *args: commits.append(1))
    batches = Batches(engine)

    async def turns() -> None:
        storing = asyncio.create_task(batches.store_forever())
        for at in (1.0, 2.0, 3.0):  # a customer message and two bot messages, a moment apart
            await batches.add(Delivered(_user(at) if at == 1.0 else
                                        {"event": "bot", "sender_id": "c-1", "timestamp": at, "text": "sorry"}, acks))
            await asyncio.sleep(0.01)
        await asyncio.sleep(WAIT_SECONDS * 3)
        storing.cancel()

    asyncio.run(turns())
    assert len(commits) == 1
    assert acks == [("ack", 3.0, True)]  # the last delivery acks every one before it
    stats = get_stats(engine, "c-1")
    assert (stats["messages_in"], stats["bot_messages"]) == (1, 2)
