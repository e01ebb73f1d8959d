"""The console's ticket side (queue, claim, notes, resolve) against a real migrated SQLite file."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from calmdesk.desk.tickets import NotFoundError, RemedyOffer, TicketDraft, get_ticket, offer_remedies, save_ticket
from calmdesk.models import Ticket
from calmdesk.staff import console


def handed_off(engine, conversation_id, priority="normal", created=None, **fields):
    ticket = save_ticket(engine, TicketDraft(conversation_id=conversation_id, handoff=True, status="awaiting_agent",
                                             priority=priority, **fields))
    if created is not None:
        with Session(engine) as session, session.begin():
            session.execute(update(Ticket).where(Ticket.reference == ticket["reference"]).values(created_at=created))
    return ticket["reference"]


def at(hour):
    return datetime(2024, 5, 1, hour, tzinfo=timezone.utc)


def test_queue_orders_by_priority_then_waiting_time(migrated_engine):
    late_normal = handed_off(migrated_engine, "c1", "normal", at(9))
    urgent = handed_off(migrated_engine, "c2", "urgent", at(11))
    early_high = handed_off(migrated_engine, "c3", "high", at(8))
    late_high = handed_off(migrated_engine, "c4", "high", at(10))
    low = handed_off(migrated_engine, "c5", "low", at(7))
    save_ticket(migrated_engine, TicketDraft(conversation_id="bot-only"))  # never handed off
    resolved = handed_off(migrated_engine, "c6", "urgent", at(6))
    console.claim(migrated_engine, resolved, "sam")
    console.resolve(migrated_engine, resolved, "sam")

    entries = console.queue(migrated_engine, now=at(12))
    assert [e["reference"] for e in entries] == [urgent, early_high, late_high, late_normal, low]
    assert entries[1]["waiting_seconds"] == 4 * 3600


def test_queue_entry_shows_what_staff_need(migrated_engine):
    reference = handed_off(migrated_engine, "c1", "high", category="delivery_problem", anger_level="angry",
                           recurrent=True)
    offer_remedies(migrated_engine, reference, [RemedyOffer("refund")])
    console.claim(migrated_engine, reference, "sam")
    [entry] = console.queue(migrated_engine)
    assert entry["category"] == "delivery_problem" and entry["anger_level"] == "angry"
    assert entry["recurrent"] is True and entry["claimed_by"] == "sam" and entry["claimed_at"]
    assert entry["remedies"] == [{"kind": "refund", "status": "offered"}]


def test_claim_is_first_come_and_repeatable_by_the_holder(migrated_engine):
    reference = handed_off(migrated_engine, "c1")
    first = console.claim(migrated_engine, reference, "sam")
    assert first["claimed_by"] == "sam" and first["newly_claimed"] is True
    assert console.claim(migrated_engine, reference.lower(), "sam")["newly_claimed"] is False
    with pytest.raises(console.NotHolder, match="held by sam"):
        console.claim(migrated_engine, reference, "kim")
    with pytest.raises(console.NotHolder):
        console.check_holder(migrated_engine, reference, "kim")
    assert console.check_holder(migrated_engine, reference, "sam")["conversation_id"] == "c1"


def test_only_waiting_tickets_can_be_claimed(migrated_engine):
    plain = save_ticket(migrated_engine, TicketDraft(conversation_id="c1"))["reference"]
    with pytest.raises(console.NotWaiting):
        console.claim(migrated_engine, plain, "sam")
    with pytest.raises(NotFoundError):
        console.claim(migrated_engine, "CD-000000", "sam")


def test_resolve_needs_the_holder_and_leaves_the_queue(migrated_engine):
    reference = handed_off(migrated_engine, "c1")
    with pytest.raises(console.NotHolder):
        console.resolve(migrated_engine, reference, "sam")  # nobody claimed it
    console.claim(migrated_engine, reference, "sam")
    with pytest.raises(console.NotHolder):
        console.resolve(migrated_engine, reference, "kim")
    assert console.resolve(migrated_engine, reference, "sam")["status"] == "resolved"
    assert get_ticket(migrated_engine, reference)["status"] == "resolved"
    assert console.queue(migrated_engine) == []
    with pytest.raises(console.NotWaiting):
        console.resolve(migrated_engine, reference, "sam")


def test_notes_are_kept_verbatim_in_order(migrated_engine):
    reference = handed_off(migrated_engine, "c1")
    console.add_note(migrated_engine, reference, "sam", "Called the courier.")
    console.add_note(migrated_engine, reference, "kim", "<b>not html</b>")
    assert [(n["author"], n["text"]) for n in console.notes(migrated_engine, reference)] == [
        ("sam", "Called the courier."), ("kim", "<b>not html</b>")]
    with pytest.raises(ValueError, match="some text"):
        console.add_note(migrated_engine, reference, "sam", "   ")
    with pytest.raises(NotFoundError):
        console.add_note(migrated_engine, "CD-000000", "sam", "x")


def test_conversation_lists_earlier_tickets_of_the_customer(migrated_engine):
    old = save_ticket(migrated_engine, TicketDraft(conversation_id="before", customer_email="ann@example.com"))
    reference = handed_off(migrated_engine, "now", customer_email="Ann@Example.com")
    view = console.conversation(migrated_engine, reference)
    assert [t["reference"] for t in view["earlier_tickets"]] == [old["reference"]]
    assert view["ticket"]["reference"] == reference and "transcript" not in view["ticket"]


EVENTS = [
    {"event": "user", "text": "where is my parcel", "timestamp": 1.0, "parse_data": {"anger": {"level": "calm"}}},
    {"event": "bot", "text": "Sorry about that.", "timestamp": 2.0},
    {"event": "user", "text": "THIS IS A JOKE", "timestamp": 3.0, "parse_data": {"anger": {"level": "angry"}}},
    {"event": "pause"},
    {"event": "bot", "text": "Sam from our support team has joined the chat.", "timestamp": 4.0,
     "metadata": {"author_role": "system", "agent": "sam"}},
    {"event": "user", "text": "ok thanks", "timestamp": 5.0, "parse_data": {"anger": {"level": "frustrated"}}},
    {"event": "bot", "text": "I've sent a new one.", "timestamp": 6.0,
     "metadata": {"author_role": "agent", "agent": "sam"}},
]


def test_transcript_lines_tell_who_spoke():
    lines = console.transcript_lines(EVENTS)
    assert [(line["role"], line["author"]) for line in lines] == [
        ("user", None), ("bot", None), ("user", None), ("system", "sam"), ("user", None), ("agent", "sam")]
    assert lines[0]["at"] == "1970-01-01T00:00:01+00:00"


def test_anger_summary_start_peak_latest_trend():
    assert console.anger_summary(EVENTS, peak="angry") == {
        "start": "calm", "peak": "angry", "latest": "frustrated", "trend": "falling"}
    assert console.anger_summary(EVENTS[:3])["trend"] == "rising"
    assert console.anger_summary([], peak="abusive") == {
        "start": None, "peak": "abusive", "latest": None, "trend": "steady"}


def test_paused_until_resumed():
    assert console.is_paused(EVENTS)
    assert not console.is_paused(EVENTS + [{"event": "resume"}])
