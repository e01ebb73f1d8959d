"""Fixtures for calling the custom action the way the action server does.

Every customer message runs one action, ``action_turn`` (actions/turn.py).
A real tracker (rasa_sdk.Tracker), a real CollectingDispatcher, the real
domain from domain/*.yml, and a migrated SQLite database per test.
``tracker``/``run`` run one message; ``Chat`` runs a conversation, one
message at a time, carrying the slots and events forward as Rasa does.
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
from calmdesk.desk import tickets
from calmdesk.staff import accounts

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
    it or point SUPPORT_HOURS_FILE at other hours (calmdesk/staff/staffing.py).
    """
    hours = tmp_path / "support_hours.yml"
    hours.write_text(yaml.safe_dump(ALWAYS_OPEN))
    monkeypatch.setenv("SUPPORT_HOURS_FILE", str(hours))
    accounts.create_user(engine, "sam.agent", "a long test password", role="agent", display_name="Sam")
    return accounts.start_session(engine, "sam.agent")


def user(text: str, intent: str, entities: list[dict] | None = None, confidence: float = 0.95,
         ranking: dict[str, float] | None = None, anger: str | None = None, problems: list[dict] | None = None) -> dict:
    """A customer message as Rasa parses it.

    ``ranking``: the intent ranking ({intent: confidence}); the top intent is
    added if missing. ``anger``: the AngerDetector's level (else the text decides).
    """
    parse_data: dict[str, Any] = {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [],
                                  "text": text}
    if ranking is not None:
        scores = {intent: confidence, **ranking}
        parse_data["intent_ranking"] = [{"name": name, "confidence": value}
                                        for name, value in sorted(scores.items(), key=lambda kv: -kv[1])]
    if anger is not None:
        parse_data["anger"] = {"level": anger}
    if problems is not None:  # components/main_problem.py: several problems in one message
        parse_data["problems"] = problems
    return {"event": "user", "timestamp": time.time(), "text": text, "parse_data": parse_data}


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
    ranking: dict[str, float] | None = None,
    anger: str | None = None,
    problems: list[dict] | None = None,
) -> Tracker:
    latest = user(text, intent, entities, confidence, ranking=ranking, anger=anger, problems=problems)
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


def said(messages: list[dict]) -> list[str]:
    """The response names the bot said, in order (``utter_action`` of each message)."""
    return [m.get("utter_action") for m in messages]


def paused(events: list[dict]) -> bool:
    return any(e.get("event") == "pause" for e in events)


class Chat:
    """A conversation with ``action_turn``, one customer message at a time.

    Each ``say`` runs the real action on a tracker holding the slots and the
    events so far (customer messages, the bot's messages with their
    ``utter_action``, slot events), as the Rasa server would send them.
    """

    def __init__(self, domain: dict, sender_id: str = "conversation-1", **slots: Any):
        from actions.turn import ActionTurn

        self.action, self.domain, self.sender_id = ActionTurn(), domain, sender_id
        self.slots: dict[str, Any] = {"complaint_seq": 0, "stage": None, **slots}
        self.history: list[dict] = []
        self.events: list[dict] = []      # the last turn's events
        self.messages: list[dict] = []    # the last turn's messages

    def say(self, text: str, intent: str = "other", **parse: Any) -> list[str]:
        """Send one customer message; return the response names the bot said."""
        t = tracker(text, intent, slots=dict(self.slots), history=self.history, sender_id=self.sender_id, **parse)
        latest = t.events[-1]
        self.events, self.messages = run(self.action, t, self.domain)
        self.slots.update(slots_set(self.events))
        self.history = [*self.history, latest,
                        *(bot(m["text"], {"utter_action": m.get("utter_action")}) for m in self.messages),
                        *(e for e in self.events if e.get("event") == "slot")]
        return said(self.messages)

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages]

    @property
    def ticket(self) -> dict | None:
        reference = self.slots.get("ticket_reference")
        return tickets.get_ticket(_support.engine(), reference) if reference else None


def every_wording(monkeypatch, domain: dict):
    """Run the loop body once per wording: the n-th pass makes every response use its n-th variation."""
    import random

    most = max(len(variations) for variations in domain["responses"].values())
    for n in range(most):
        monkeypatch.setattr(random, "choice", lambda seq, n=n: seq[n % len(seq)])
        yield n


def wordings(domain: dict, name: str) -> set[str]:
    """The texts of one response, placeholders unfilled."""
    return {v["text"] for v in domain["responses"][name]}


def remedy_statuses(ticket: dict) -> dict[str, str]:
    return {r["kind"]: r["status"] for r in ticket["remedies"]}
