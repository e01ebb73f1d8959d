"""A handoff when nobody can take it now: honest about when, ticket filed with a follow-up time, bot stays available.

The hours come from a real support hours file (SUPPORT_HOURS_FILE) and the
agents from real staff sessions (calmdesk.staff); see ``agent_on_duty`` in conftest.
"""
from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import yaml

from actions.handoff import ActionHandoff
from calmdesk import staff, staffing, webhooks
from tests.actions.conftest import ALWAYS_OPEN, run, slots_set, ticket_of, tracker

LONDON = ZoneInfo("Europe/London")


def closed_now(path) -> staffing.SupportHours:
    """Hours that open only three days from now (London time), so the team is closed now."""
    later = (datetime.now(LONDON) + timedelta(days=3)).strftime("%A").lower()
    path.write_text(yaml.safe_dump({**ALWAYS_OPEN, "opening_hours": {later: "09:00-17:00"}}))
    return staffing.load_support_hours(path)


def _texts(domain, name: str) -> set[str]:
    return {v["text"] for v in domain["responses"][name]}


def _wording(text: str, domain, names) -> str | None:
    """The response template ``text`` was made from (placeholders filled with anything), if any."""
    for template in (t for name in names for t in _texts(domain, name)):
        pattern = "".join(".+" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{\w+\})", template))
        if re.fullmatch(pattern, text):
            return template
    return None


def _assert_not_paused_but_handed_off(events, engine, messages, reply_by: datetime) -> dict:
    assert not [e for e in events if e["event"] == "pause"], "the bot stays available"
    ticket = ticket_of(engine)
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"
    assert slots_set(events)["ticket_reference"] == ticket["reference"]
    assert ticket["reference"] in messages[0]["text"]
    assert datetime.fromisoformat(ticket["follow_up_at"]) == reply_by, "the promised time is the follow-up"
    assert ticket["transcript"][-1]["text"] == messages[0]["text"]
    return ticket


def test_outside_hours_the_bot_says_when_the_team_is_back_and_by_when_someone_emails(
        domain, engine, tmp_path, monkeypatch):
    hours = closed_now(tmp_path / "support_hours.yml")
    monkeypatch.setenv("SUPPORT_HOURS_FILE", str(tmp_path / "support_hours.yml"))
    before = datetime.now(timezone.utc)
    answer = staffing.availability(engine, before, hours)
    assert answer.reason == "closed"

    events, messages = run(ActionHandoff(), tracker("I want a person, jo@example.com", "request_human",
                                                    slots={"customer_email": "jo@example.com"}), domain)

    assert len(messages) == 1
    text = messages[0]["text"]
    assert any(text == t.format(reference=ticket_of(engine)["reference"], back_at=hours.describe(answer.back_at, before),
                                reply_by=hours.describe(answer.reply_by, before))
               for t in _texts(domain, "utter_handoff_closed"))
    assert "09:00" in text and "email you by" in text
    _assert_not_paused_but_handed_off(events, engine, messages, answer.reply_by)


def test_outside_hours_without_an_email_the_bot_does_not_promise_one(domain, engine, tmp_path, monkeypatch):
    closed_now(tmp_path / "support_hours.yml")
    monkeypatch.setenv("SUPPORT_HOURS_FILE", str(tmp_path / "support_hours.yml"))
    events, messages = run(ActionHandoff(), tracker("human please", "request_human"), domain)
    text = messages[0]["text"]
    assert "email" not in text.lower()
    assert "back at 09:00" in text
    assert not [e for e in events if e["event"] == "pause"]


def test_in_hours_with_nobody_signed_in_the_bot_says_so_and_stays(domain, engine, agent_on_duty):
    staff.end_session(engine, agent_on_duty)
    before = datetime.now(timezone.utc)
    events, messages = run(ActionHandoff(), tracker("get me a human", "request_human",
                                                    slots={"customer_email": "jo@example.com"}), domain)
    text = messages[0]["text"]
    assert _wording(text, domain, ("utter_handoff_no_agent",))
    # Around the clock, two opening hours from now.
    ticket = ticket_of(engine)
    reply_by = datetime.fromisoformat(ticket["follow_up_at"])
    assert timedelta(hours=2) <= reply_by - before <= timedelta(hours=2, seconds=30)
    assert staffing.current_support_hours().describe(reply_by, before) in text
    assert not [e for e in events if e["event"] == "pause"]
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"


def test_every_unavailable_wording_fills_every_placeholder(monkeypatch, domain, engine, agent_on_duty, tmp_path):
    staff.end_session(engine, agent_on_duty)
    names = ("utter_handoff_no_agent", "utter_handoff_no_agent_no_email")
    seen = set()
    for n in range(2):
        monkeypatch.setattr(random, "choice", lambda seq, n=n: seq[n % len(seq)])
        for email in (None, "jo@example.com"):
            sender = f"c-{n}-{bool(email)}"
            _, messages = run(ActionHandoff(), tracker("human", "request_human", sender_id=sender,
                                                       slots={"customer_email": email}), domain)
            assert "{" not in messages[0]["text"]
            seen.add(_wording(messages[0]["text"], domain, names))
    assert seen == {t for name in names for t in _texts(domain, name)}, "every wording was said and filled"


def test_with_an_agent_online_the_bot_pauses_as_before(domain, engine):
    events, messages = run(ActionHandoff(), tracker("human please", "request_human"), domain)
    assert [e for e in events if e["event"] == "pause"]
    assert messages[0]["text"] in {t.replace("{reference}", ticket_of(engine)["reference"])
                                   for t in _texts(domain, "utter_handoff")}
    assert ticket_of(engine)["follow_up_at"] is None


def test_a_handoff_queues_the_webhook_once_when_a_url_is_set(domain, engine, monkeypatch):
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "http://127.0.0.1:9/hooks")
    run(ActionHandoff(), tracker("human please", "request_human"), domain)
    run(ActionHandoff(), tracker("a person, again", "request_human"), domain)  # the same complaint
    queued = webhooks.list_deliveries(engine)
    assert len(queued) == 1
    assert queued[0]["ticket_reference"] == ticket_of(engine)["reference"]
    assert queued[0]["body"]["availability"] == "available"
    assert queued[0]["status"] == "pending"


def test_a_broken_hours_file_does_not_break_the_handoff(domain, engine, tmp_path, monkeypatch):
    broken = tmp_path / "broken.yml"
    broken.write_text("timezone: [")
    monkeypatch.setenv("SUPPORT_HOURS_FILE", str(broken))
    events, messages = run(ActionHandoff(), tracker("human please", "request_human"), domain)
    assert ticket_of(engine)["handoff"] is True
    assert [e for e in events if e["event"] == "pause"], "hands over as it always did"
