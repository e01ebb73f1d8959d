"""The holding service's answers and its kept complaints (no services needed: SQLite)."""
from __future__ import annotations

import pytest

from calmdesk.db import make_engine, migrate
from calmdesk.desk import holding


COMPLAINT = {"text": "my parcel never came!!", "intent": {"name": "delivery_problem", "confidence": 0.95}}


def _request(events: list[dict], action: str = "action_turn", message: dict | None = None,
             stage: str | None = None) -> dict:
    return {"next_action": action, "sender_id": "c-1",
            "tracker": {"sender_id": "c-1", "events": events, "latest_message": message or COMPLAINT,
                        "slots": {"stage": stage}}}


USER = {"event": "user", "text": "my parcel never came!!"}


def test_only_a_turn_that_starts_a_complaint_is_kept():
    assert holding.starts_a_complaint(_request([USER]))
    assert not holding.starts_a_complaint(_request([USER], stage="details")), "a complaint already open"
    email = {"text": "jo@example.com", "intent": {"name": "inform", "confidence": 0.9}}
    assert not holding.starts_a_complaint(_request([USER], message=email))
    assert not holding.starts_a_complaint(_request([USER], action="action_something_else"))


def test_one_holding_message_per_turn():
    first = holding.holding_reply(_request([USER]), kept=True)
    assert first == {"events": [], "responses": [{"text": holding.COMPLAINT_HELD}]}
    said = {"event": "bot", "text": holding.COMPLAINT_HELD}
    assert holding.holding_reply(_request([USER, said], "action_turn"), kept=False)["responses"] == []
    # The next customer message is a new turn: the customer hears it again.
    again = holding.holding_reply(_request([USER, said, USER], "action_turn"), kept=False)
    assert again["responses"] == [{"text": holding.PLEASE_WAIT}]


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'held.db'}"
    migrate(url)
    return make_engine(url)


def test_kept_complaints_wait_until_delivered(engine):
    first = holding.hold(engine, _request([USER]))
    second = holding.hold(engine, {**_request([USER]), "sender_id": "c-2"})
    assert [held_id for held_id, _ in holding.pending(engine)] == [first, second]
    assert holding.pending(engine)[0][1]["tracker"]["events"] == [USER], "Rasa's request is kept verbatim"

    holding.mark(engine, first, delivered=False, error="action server: refused")
    holding.mark(engine, first, delivered=True)
    assert [held_id for held_id, _ in holding.pending(engine)] == [second]
    kept = {c["id"]: c for c in holding.held_complaints(engine)}
    assert kept[first]["attempts"] == 2 and kept[first]["delivered"] and kept[first]["last_error"] is None
    assert kept[second]["conversation_id"] == "c-2" and not kept[second]["delivered"]
