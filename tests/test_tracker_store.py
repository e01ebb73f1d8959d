"""The tracker store (stores/tracker_store.py) on a real SQLite file, with the project's domain.

What a customer would notice if it were wrong: a finished complaint's slots
(their email, the ticket reference) forgotten in the next session, a
conversation cut short in the console, events stored or published twice.
"""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, ConversationPaused, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from stores.tracker_store import SESSION_FINISHED, CalmdeskTrackerStore

ROOT = Path(__file__).resolve().parent.parent


class Collecting(EventBroker):
    """An event broker that keeps what it is given (the real one is RabbitMQ, tested in tests/prod)."""

    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture
def store(tmp_path, domain):
    broker = Collecting()
    made = CalmdeskTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"),
                                event_broker=broker)
    yield made
    made.engine.dispose()


def run(coroutine):
    return asyncio.run(coroutine)


def one_turn(tracker: DialogueStateTracker, text: str, *slots: tuple[str, object]) -> None:
    """A customer message, action_turn's reply and slots, then listening: what Rasa stores for a turn."""
    tracker.update(UserUttered(text, {"name": "complain", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_turn"))
    tracker.update(BotUttered(f"reply to {text}"))
    for name, value in slots:
        tracker.update(SlotSet(name, value))
    tracker.update(ActionExecuted("action_listen"))


def new_tracker(store, domain, sender="customer-1") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def test_a_finished_complaint_starts_a_new_session_that_keeps_every_slot(store, domain):
    tracker = new_tracker(store, domain)
    one_turn(tracker, "my parcel never came", ("customer_email", "ann@example.com"), ("complaint_seq", 1.0),
             ("ticket_reference", "CD-7K2QX"), ("stage", "rating"))
    run(store.save(tracker))
    tracker = run(store.retrieve("customer-1"))
    one_turn(tracker, "5", ("stage", None), (SESSION_FINISHED, True))
    run(store.save(tracker))

    later = run(store.retrieve("customer-1"))
    assert [e.type_name for e in later.events][0] == "session_started"
    assert not [e for e in later.events if isinstance(e, (UserUttered, BotUttered))]  # the old turns stay behind
    assert later.get_slot("customer_email") == "ann@example.com"
    assert later.get_slot("ticket_reference") == "CD-7K2QX"
    assert later.get_slot("complaint_seq") == 1.0
    assert later.get_slot(SESSION_FINISHED) is False  # the new session is not finished as well
    assert later.latest_action_name == "action_listen"

    everything = run(store.retrieve_full_tracker("customer-1"))
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == ["my parcel never came", "5"]


def test_turns_in_the_new_session_are_stored_once_and_read_back(store, domain):
    tracker = new_tracker(store, domain)
    one_turn(tracker, "it broke", ("complaint_seq", 1.0), ("stage", "rating"))
    one_turn(tracker, "4", ("stage", None), (SESSION_FINISHED, True))
    run(store.save(tracker))
    run(store.save(tracker))  # saved again with nothing new: nothing is added

    tracker = run(store.retrieve("customer-1"))
    one_turn(tracker, "and my login fails too", ("complaint_seq", 2.0), ("stage", "details"))
    run(store.save(tracker))

    later = run(store.retrieve("customer-1"))
    assert [e.text for e in later.events if isinstance(e, UserUttered)] == ["and my login fails too"]
    assert later.get_slot("complaint_seq") == 2.0
    everything = run(store.retrieve_full_tracker("customer-1"))
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == ["it broke", "4",
                                                                                 "and my login fails too"]
    with sqlite3.connect(store.engine.url.database) as db:
        stored = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'customer-1'").fetchone()[0]
    assert stored == len(everything.events)


def test_an_unfinished_or_handed_off_conversation_keeps_its_session(store, domain):
    tracker = new_tracker(store, domain)
    one_turn(tracker, "where is it", ("stage", "details"))
    run(store.save(tracker))
    read = run(store.retrieve("customer-1"))
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["where is it"]
    assert read.get_slot("stage") == "details"

    paused = new_tracker(store, domain, sender="customer-2")
    one_turn(paused, "a person please", (SESSION_FINISHED, True))
    paused.update(ConversationPaused())
    paused.update(ActionExecuted("action_listen"))
    run(store.save(paused))
    read = run(store.retrieve("customer-2"))
    assert read.is_paused()  # a person has it: a new session would wake the bot up
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["a person please"]


def test_the_event_broker_gets_each_counted_event_exactly_once(store, domain):
    tracker = new_tracker(store, domain)
    run(store.save(tracker))
    one_turn(tracker, "refund please", ("stage", None), ("complaint_seq", 1.0), (SESSION_FINISHED, True))
    tracker.update(ConversationPaused())
    run(store.save(tracker))
    run(store.save(tracker))

    published = [(e["event"], e.get("text")) for e in store.event_broker.published]
    assert published == [("user", "refund please"), ("bot", "reply to refund please"), ("pause", None)], (
        "what the consumer counts, once each; no slots, actions or session starts")


def test_with_broker_events_all_the_broker_gets_every_event_once(store, domain, monkeypatch):
    monkeypatch.setenv("BROKER_EVENTS", "all")
    tracker = new_tracker(store, domain)
    run(store.save(tracker))
    one_turn(tracker, "refund please", ("stage", None), ("complaint_seq", 1.0), (SESSION_FINISHED, True))
    run(store.save(tracker))
    run(store.save(tracker))

    published = [(e["event"], e.get("text")) for e in store.event_broker.published]
    assert published.count(("user", "refund please")) == 1
    assert [e for e, _ in published].count("session_started") == 2  # the first, and the one after the complaint
    stored = run(store.retrieve_full_tracker("customer-1"))
    assert len(store.event_broker.published) == len(stored.events)


def test_sqlite_runs_in_wal_mode_with_normal_sync(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_tracker_this_store_did_not_read_is_counted_in_the_database(store, domain):
    """Rasa may hand over a copy (no memory of what is stored): the count then starts at the session in memory."""
    tracker = new_tracker(store, domain)
    one_turn(tracker, "it broke", ("complaint_seq", 1.0), ("stage", None), (SESSION_FINISHED, True))
    run(store.save(tracker))  # stores the turn and starts a new session in memory and in the database
    copy = DialogueStateTracker.from_dict("customer-1", [e.as_dict() for e in tracker.events], domain.slots)
    one_turn(copy, "hello again")
    run(store.save(copy))

    everything = run(store.retrieve_full_tracker("customer-1"))
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == ["it broke", "hello again"]
    assert len(everything.events) == len(copy.events)
