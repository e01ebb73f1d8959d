"""conversation_stats from Rasa events (no broker needed: the events are fed in directly, SQLite)."""
from __future__ import annotations

import pytest

from calmdesk.db import make_engine, migrate
from calmdesk.operations.broker_consumer import amqp_url, get_stats, record_event, record_events


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
