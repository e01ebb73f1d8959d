"""Live chat messages (agent replies, system notes) stored for the customer's chat window."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from calmdesk.staff.livechat import MAX_TEXT_CHARS, messages_after, post_message


def test_posted_messages_come_back_in_order_for_their_conversation_only(migrated_engine):
    joined = post_message(migrated_engine, "conv-a", "Sam has joined the chat", role="system")
    reply = post_message(migrated_engine, "conv-a", "Hi, I'm Sam. I'm looking at your order now.",
                         role="agent", author_name="Sam")
    post_message(migrated_engine, "conv-b", "Someone else's chat", role="agent", author_name="Ann")

    messages = messages_after(migrated_engine, "conv-a")

    assert [m["text"] for m in messages] == ["Sam has joined the chat", "Hi, I'm Sam. I'm looking at your order now."]
    assert [m["role"] for m in messages] == ["system", "agent"]
    assert messages[0]["author_name"] is None and messages[1]["author_name"] == "Sam"
    assert messages == [joined, reply]  # post_message returns what is stored
    assert joined["id"] < reply["id"]
    assert all(m["conversation_id"] == "conv-a" for m in messages)


def test_messages_after_an_id_are_only_the_newer_ones(migrated_engine):
    ids = [post_message(migrated_engine, "conv", f"message {n}", role="agent")["id"] for n in range(5)]

    assert [m["id"] for m in messages_after(migrated_engine, "conv", after_id=ids[2])] == ids[3:]
    assert messages_after(migrated_engine, "conv", after_id=ids[-1]) == []
    assert [m["id"] for m in messages_after(migrated_engine, "conv", after_id=0, limit=2)] == ids[:2]


def test_unknown_conversation_has_no_messages(migrated_engine):
    assert messages_after(migrated_engine, "never-seen") == []


def test_created_at_is_a_recent_utc_time(migrated_engine):
    before = datetime.now(timezone.utc)
    post_message(migrated_engine, "c", "hello", role="agent")
    at = datetime.fromisoformat(messages_after(migrated_engine, "c")[0]["created_at"])
    assert at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= at <= datetime.now(timezone.utc) + timedelta(seconds=1)


def test_text_is_stored_verbatim_apart_from_surrounding_space(migrated_engine):
    payload = "  <img src=x onerror=alert(1)> 🙏\nline two  "
    stored = post_message(migrated_engine, "c", payload, role="agent")
    assert stored["text"] == "<img src=x onerror=alert(1)> 🙏\nline two"
    assert messages_after(migrated_engine, "c")[0]["text"] == stored["text"]


def test_the_longest_allowed_text_is_accepted(migrated_engine):
    assert len(post_message(migrated_engine, "c", "x" * MAX_TEXT_CHARS, role="agent")["text"]) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"text": "hi", "role": "customer"}, "role must be one of agent, system"),
        ({"text": "hi", "role": "bot"}, "role must be one of"),
        ({"text": "", "role": "agent"}, "text is empty"),
        ({"text": " \n\t ", "role": "agent"}, "text is empty"),
        ({"text": None, "role": "agent"}, "text is empty"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1), "role": "agent"}, f"most a chat message can hold is {MAX_TEXT_CHARS}"),
        ({"text": "hi", "role": "agent", "author_name": "S" * 129}, "author_name is over 128"),
    ],
)
def test_bad_messages_are_refused_with_a_clear_reason_and_nothing_is_stored(migrated_engine, kwargs, problem):
    text_value = kwargs.pop("text")
    with pytest.raises(ValueError, match=problem):
        post_message(migrated_engine, "conv", text_value, **kwargs)
    assert messages_after(migrated_engine, "conv") == []


@pytest.mark.parametrize("conversation_id", ["", "   ", "c" * 256])
def test_bad_conversation_ids_are_refused(migrated_engine, conversation_id):
    with pytest.raises(ValueError, match="conversation_id"):
        post_message(migrated_engine, conversation_id, "hello", role="agent")


@pytest.mark.parametrize("after_id, limit", [(-1, 10), ("3", 10), (None, 10), (0, 0), (0, 1001), (True, 10)])
def test_bad_paging_is_refused(migrated_engine, after_id, limit):
    with pytest.raises(ValueError):
        messages_after(migrated_engine, "conv", after_id=after_id, limit=limit)


def test_database_refuses_roles_outside_agent_and_system(migrated_engine):
    with pytest.raises(IntegrityError), migrated_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO live_messages (conversation_id, role, text, created_at) "
            "VALUES ('c', 'customer', 'hi', '2024-05-01 09:30:00')"
        ))
