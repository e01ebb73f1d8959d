"""Export and erase one customer, and retention, on real SQLite files (tickets, a Rasa-shaped tracker, .eml files).

The end-to-end version (tests/e2e/test_erase.py) runs a real conversation
through the real stack; here every table is filled through the product's own
functions, so each kind of row is certainly there before the erase.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from calmdesk import mail
from calmdesk.desk.tickets import TicketDraft, TranscriptLine, get_ticket, record_satisfaction, save_ticket
from calmdesk.mail.worker import MailWorker
from calmdesk.staff import console, dashboard, livechat, webhooks
from calmdesk.subjects import SubjectError, find
from calmdesk.subjects.erase import erase, retain
from calmdesk.subjects.export import export

EMAIL = "Quentin.Vasquez@Example.org"
ORDER = "7719342"
WORDS = "my grandmother's zucchini-green kettle arrived smashed"
COMMENT = "Pemberton was lovely"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _tracker(path: Path, sender: str, when: float) -> None:
    """Rasa's events table with a two-session conversation that quotes the customer."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                           "type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        rows = [("session_started", {"event": "session_started"}),
                ("user", {"event": "user", "text": f"{WORDS}!!! order {ORDER}"}),
                ("slot", {"event": "slot", "name": "email", "value": EMAIL.lower()}),
                ("session_started", {"event": "session_started"}),
                ("user", {"event": "user", "text": COMMENT})]
        for kind, data in rows:
            connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                               (sender, kind, when, json.dumps(data)))
        connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                           ("someone-else", "user", when, json.dumps({"event": "user", "text": "hello there"})))


@pytest.fixture
def customer(migrated_engine, database_url, tmp_path, monkeypatch):
    """One customer with a full complaint: ticket, transcript, remedy, rating, note, live message, webhook, email."""
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    ticket = save_ticket(migrated_engine, TicketDraft(
        conversation_id="conv-qv", category="damaged_or_wrong_item", anger_level="angry", priority="high",
        handoff=True, status="awaiting_agent", description=WORDS, order_number=ORDER, customer_email=EMAIL,
        transcript=[TranscriptLine("customer", f"{WORDS}!!! THIS IS OUTRAGEOUS, order {ORDER}", T0),
                    TranscriptLine("bot", f"I'm so sorry about the {WORDS}, {EMAIL}", T0),
                    TranscriptLine("customer", "ok thanks", T0)]))
    reference = ticket["reference"]
    record_satisfaction(migrated_engine, reference, 2, COMMENT)
    console.add_note(migrated_engine, reference, "sam", f"customer mentions {WORDS}")
    livechat.post_message(migrated_engine, "conv-qv", f"Sam here about {ORDER}", role="agent", author_name="Sam")
    assert webhooks.enqueue_handoff(migrated_engine, reference) is not None
    mail.reset()
    assert mail.confirm(migrated_engine, reference, WORDS) is not None
    MailWorker(migrated_engine, mail.settings(), mail.templates()).run_once()
    tracker_path = tmp_path / "tracker.db"
    _tracker(tracker_path, "conv-qv", T0.timestamp())
    return {"reference": reference, "tracker_url": f"sqlite:///{tracker_path}", "mail_dir": mail.settings().mail_dir,
            "files": [Path(database_url.removeprefix("sqlite:///")), tracker_path]}


def _found_anywhere(paths: list[Path], mail_dir: Path) -> list[str]:
    needles = [EMAIL.lower(), ORDER, "zucchini", "Pemberton"]
    found = []
    for path in [*paths, *(Path(f"{p}-wal") for p in paths), *mail_dir.glob("*")]:
        if path.exists():
            data = path.read_bytes().lower()
            found += [f"{needle} in {path.name}" for needle in needles if needle.lower().encode() in data]
    return found


def test_export_holds_everything_about_the_customer(migrated_engine, customer):
    by_email = find(migrated_engine, customer["tracker_url"], email=EMAIL.upper())
    by_conversation = find(migrated_engine, customer["tracker_url"], conversation_id="conv-qv")
    assert by_email.references == by_conversation.references == [customer["reference"]]
    document = export(migrated_engine, customer["tracker_url"], by_email)
    [ticket] = document["tickets"]
    assert ticket["order_number"] == ORDER and ticket["satisfaction"]["comment"] == COMMENT
    assert document["staff_notes"][0]["text"].endswith(WORDS)
    assert document["live_messages"][0]["text"] == f"Sam here about {ORDER}"
    assert document["webhook_deliveries"][0]["payload"]["ticket"]["reference"] == customer["reference"]
    assert document["emails"][0]["to"] == EMAIL.lower() and document["emails"][0]["status"] == "sent"
    events = document["rasa_tracker_events"]["conv-qv"]
    assert [e["event"] for e in events].count("session_started") == 2, "every session"
    assert "someone-else" not in json.dumps(document), "nobody else's data"
    with pytest.raises(SubjectError):
        find(migrated_engine, None, email=EMAIL, conversation_id="conv-qv")


def test_erase_leaves_nothing_to_find_and_the_dashboard_unchanged(migrated_engine, customer):
    assert _found_anywhere(customer["files"], customer["mail_dir"]), "the search finds the data before the erase"
    day = T0.date()
    before = dashboard.dashboard(migrated_engine, day, day)

    subject = find(migrated_engine, customer["tracker_url"], email=EMAIL)
    counts = erase(migrated_engine, customer["tracker_url"], subject, mail_dir=customer["mail_dir"])

    assert counts["tickets_anonymised"] == 1 and counts["tracker_events_deleted"] == 5
    assert counts["email_files_deleted"] == 1
    assert _found_anywhere(customer["files"], customer["mail_dir"]) == []
    assert dashboard.dashboard(migrated_engine, day, day) == before, "anonymised, not missing"
    ticket = get_ticket(migrated_engine, customer["reference"])
    assert ticket["category"] == "damaged_or_wrong_item" and ticket["satisfaction"]["score"] == 2
    assert ticket["customer_email"] is None and ticket["conversation_id"].startswith("erased-")
    assert [line["text"] for line in ticket["transcript"]] == [
        "[erased; anger=angry]", "[erased]", "[erased; anger=calm]"], "only the anger the dashboard counts is kept"
    assert find(migrated_engine, customer["tracker_url"], email=EMAIL).empty, "nothing left to find"
    with sqlite3.connect(customer["files"][1]) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 1, "others' conversations stay"


def test_retention_anonymises_old_transcripts_only(migrated_engine, customer):
    fresh = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-new", customer_email="new@example.com",
                                                     transcript=[TranscriptLine("customer", "recent words", T0)]))
    later = datetime.now(timezone.utc) + timedelta(days=400)
    # Nothing is that old yet, from today's point of view ...
    assert retain(migrated_engine, customer["tracker_url"], 365)["tickets_anonymised"] == 0
    # ... but 400 days on, both are.
    counts = retain(migrated_engine, customer["tracker_url"], 365, now=later, mail_dir=customer["mail_dir"])
    assert counts["tickets_anonymised"] == 2 and counts["tracker_events_deleted"] == 6
    assert get_ticket(migrated_engine, fresh["reference"])["transcript"][0]["text"].startswith("[erased")
    assert _found_anywhere(customer["files"], customer["mail_dir"]) == []
    with pytest.raises(ValueError):
        retain(migrated_engine, None, 0)
