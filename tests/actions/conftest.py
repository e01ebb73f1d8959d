"""Fixtures for calling custom actions the way the action server does.

A real tracker (rasa_sdk.Tracker), a real CollectingDispatcher, the real
domain from domain/*.yml, and a migrated SQLite database per test.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import _support
from calmdesk import staff, tickets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text()) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


@pytest.fixture(autouse=True)
def engine(monkeypatch, database_url, migrated_engine):
    """Point the actions at this test's database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    _support.reset()
    yield migrated_engine
    _support.reset()


ALWAYS_OPEN = {
    "timezone": "Europe/London",
    "opening_hours": {day: "00:00-24:00" for day in
                      ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
    "reply_within_hours": 2,
}


@pytest.fixture(autouse=True)
def agent_on_duty(engine, monkeypatch, tmp_path) -> str:
    """Support is open around the clock and an agent is signed in, so a handoff pauses the bot.

    Returns the agent's session token; tests of "nobody can take it now" end
    it or point SUPPORT_HOURS_FILE at other hours (calmdesk/staffing.py).
    """
    hours = tmp_path / "support_hours.yml"
    hours.write_text(yaml.safe_dump(ALWAYS_OPEN))
    monkeypatch.setenv("SUPPORT_HOURS_FILE", str(hours))
    staff.create_user(engine, "sam.agent", "a long test password", role="agent", display_name="Sam")
    return staff.start_session(engine, "sam.agent")


def user(text: str, intent: str, entities: list[dict] | None = None, confidence: float = 0.95) -> dict:
    return {
        "event": "user",
        "timestamp": time.time(),
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [], "text": text},
    }


def bot(text: str, metadata: dict | None = None) -> dict:
    return {"event": "bot", "timestamp": time.time(), "text": text, "metadata": metadata or {}}


def tracker(
    text: str = "",
    intent: str = "other",
    slots: dict[str, Any] | None = None,
    entities: list[dict] | None = None,
    history: list[dict] | None = None,
    sender_id: str = "conversation-1",
    active_loop: str | None = None,
    confidence: float = 0.95,
) -> Tracker:
    latest = user(text, intent, entities, confidence)
    events = list(history or []) + [latest]
    all_slots = {"complaint_seq": 0, "stage": None}
    all_slots.update(slots or {})
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker_: Tracker, domain_: dict) -> tuple[list[dict], list[dict]]:
    """Run an action; return (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain_))
    return events, dispatcher.messages


def slots_set(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def ticket_of(engine, conversation_id: str = "conversation-1", seq: int = 1) -> dict | None:
    return tickets.find_ticket(engine, conversation_id, seq)
