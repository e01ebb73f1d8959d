"""Transcripts stored verbatim, replaced or kept, appended to across sessions (transcripts.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.desk.tickets import TicketDraft, TranscriptLine, get_ticket, save_ticket
from calmdesk.models import Ticket, TranscriptEntry
from tests.desk.tickets.helpers import count, line


# --- transcripts -------------------------------------------------------------------------

NASTY_TEXTS = [
    "x" * 10_240,
    "<script>alert(1)</script>",
    "'; DROP TABLE tickets; --",
    "I am 😡🤬 about my 📦 — ça ne va pas, 注文が届かない",
    "right-to-left \u202e override, zero\u200bwidth, bell\x07, tab\t, newline\nand\r\n CRLF",
    "",
]


def test_transcript_is_stored_verbatim(migrated_engine):
    lines = [line("customer" if i % 2 == 0 else "bot", text, i) for i, text in enumerate(NASTY_TEXTS)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=lines))

    stored = get_ticket(migrated_engine, saved["reference"])["transcript"]
    assert [entry["text"] for entry in stored] == NASTY_TEXTS
    assert [entry["sender"] for entry in stored] == [l.sender for l in lines]
    assert [datetime.fromisoformat(entry["at"]) for entry in stored] == [l.at for l in lines]
    assert count(migrated_engine, Ticket) == 1  # the "DROP TABLE" really was just text


def test_transcript_is_replaced_whole_or_kept(migrated_engine):
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))

    kept = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=None))
    assert [e["text"] for e in kept["transcript"]] == ["where is my parcel", "let me check"]

    rewritten = [line("customer", "where is my parcel", 0), line("bot", "sorry, let me check", 1)]
    replaced = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=rewritten))
    assert [e["text"] for e in replaced["transcript"]] == ["where is my parcel", "sorry, let me check"]

    nothing_new = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=[]))
    assert [e["text"] for e in nothing_new["transcript"]] == ["where is my parcel", "sorry, let me check"]


def test_a_later_session_adds_to_the_transcript_and_keeps_the_earlier_one(migrated_engine):
    """After a finished complaint Rasa starts a new session: the draft holds only the new session's lines."""
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))

    later = [line("customer", "still nothing", 5), line("agent", "I am on it", 6)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=later))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "still nothing",
                                                        "I am on it"]

    grown = later + [line("bot", "thanks for waiting", 7)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=grown))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "still nothing",
                                                        "I am on it", "thanks for waiting"]
    assert [e["at"] for e in saved["transcript"]] == sorted(e["at"] for e in saved["transcript"])


def transcript_rows(engine) -> list[tuple[int, int, str]]:
    with Session(engine) as session:
        return [(e.id, e.position, e.text) for e in session.scalars(select(TranscriptEntry).order_by(
            TranscriptEntry.position))]


def test_a_growing_transcript_is_appended_to_not_rewritten(migrated_engine):
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))
    before = transcript_rows(migrated_engine)

    grown = first + [line("customer", "any news?", 2)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=grown))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "any news?"]
    after = transcript_rows(migrated_engine)
    assert after[:2] == before, "the lines already stored are left alone"
    assert after[2][1:] == (2, "any news?")

    # A line that changed (e.g. masked later) rewrites from there on, and positions stay dense.
    edited = [first[0], line("bot", "let me check that", 1), line("customer", "any news?", 2)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=edited))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check that", "any news?"]
    rows = transcript_rows(migrated_engine)
    assert rows[0] == before[0] and [r[1] for r in rows] == [0, 1, 2]

    # The same words stamped a moment later (Rasa's time for what the bot said) are not a change.
    restamped = [edited[0], line("bot", "let me check that", 1.01), edited[2]]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=restamped))
    assert transcript_rows(migrated_engine) == rows, "nothing rewritten"


def test_transcript_times_come_back_in_utc(migrated_engine):
    berlin = timezone(timedelta(hours=2))
    at = datetime(2024, 5, 1, 11, 30, tzinfo=berlin)
    saved = save_ticket(
        migrated_engine, TicketDraft(conversation_id="c", transcript=[TranscriptLine("customer", "hi", at)])
    )
    assert get_ticket(migrated_engine, saved["reference"])["transcript"][0]["at"] == "2024-05-01T09:30:00+00:00"


def test_nul_characters_are_replaced_not_rejected(migrated_engine):
    saved = save_ticket(
        migrated_engine, TicketDraft(conversation_id="c", transcript=[line("customer", "a\x00b")])
    )
    assert saved["transcript"][0]["text"] == "a\ufffdb"
