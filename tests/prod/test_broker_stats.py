"""The broker consumer keeps conversation_stats from the events Rasa publishes to RabbitMQ."""
from __future__ import annotations

import time
import uuid

import httpx
import pytest

from calmdesk.operations.broker_consumer import get_stats

pytestmark = pytest.mark.prod


def _tracker(prod, sender: str) -> dict:
    response = httpx.get(f"{prod.config.rasa_url}/conversations/{sender}/tracker",
                         params={"token": prod.config.rasa_token, "include_events": "ALL"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def test_stats_match_the_conversation_and_follow_a_pause(prod):
    sender = f"prod-stats-{uuid.uuid4().hex}"
    bot_texts = 0
    for message in ("you charged me twice for the same order!!", "it was order 5512093, fix it NOW"):
        response = prod.say(sender, message)
        assert response.status_code == 200, response.text
        bot_texts += len(response.json())
    # A person takes the conversation over (what staff tooling posts to Rasa).
    paused = httpx.post(f"{prod.config.rasa_url}/conversations/{sender}/tracker/events",
                        params={"token": prod.config.rasa_token}, json=[{"event": "pause"}], timeout=30)
    assert paused.status_code == 200, paused.text

    events = _tracker(prod, sender)["events"]
    user_events = [e for e in events if e["event"] == "user"]
    expected = {
        "messages_in": len(user_events),
        "bot_messages": sum(e["event"] == "bot" for e in events),
        "paused": True,
        "last_anger": (user_events[-1].get("parse_data") or {}).get("anger", {}).get("level"),
    }
    assert expected["messages_in"] == 2 and expected["bot_messages"] == bot_texts

    def caught_up():
        stats = get_stats(prod.engine, sender)
        return stats if stats and stats["paused"] else None

    stats = _wait_for(caught_up)
    assert stats is not None, f"the consumer did not catch up: {get_stats(prod.engine, sender)}"
    assert {key: stats[key] for key in expected} == expected
    assert stats["last_event_at"] is not None
