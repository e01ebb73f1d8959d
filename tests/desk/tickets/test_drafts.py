"""Drafts and transcript lines are checked before any database work (drafts.py)."""
from __future__ import annotations

from datetime import datetime

import pytest

from calmdesk.desk.tickets import TicketDraft, TranscriptLine, save_ticket
from calmdesk.models import Ticket
from tests.desk.tickets.helpers import count, line


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("category", "rude_parrot"), ("anger_level", "livid"), ("priority", "asap"), ("status", "pending")],
)
def test_unknown_vocabulary_is_refused_with_the_allowed_values(migrated_engine, field, value):
    draft = TicketDraft(conversation_id="c", **{field: value})
    with pytest.raises(ValueError, match=value) as raised:
        save_ticket(migrated_engine, draft)
    assert "allowed" in str(raised.value)
    assert count(migrated_engine, Ticket) == 0


def test_unknown_sender_is_refused(migrated_engine):
    draft = TicketDraft(conversation_id="c", transcript=[line("parrot", "squawk")])
    with pytest.raises(ValueError, match="'parrot'.*customer, bot, agent"):
        save_ticket(migrated_engine, draft)


def test_naive_transcript_time_is_refused(migrated_engine):
    draft = TicketDraft(conversation_id="c", transcript=[TranscriptLine("bot", "hi", datetime(2024, 1, 1))])
    with pytest.raises(ValueError, match="timezone-aware"):
        save_ticket(migrated_engine, draft)


@pytest.mark.parametrize(
    "draft",
    [
        TicketDraft(conversation_id=""),
        TicketDraft(conversation_id="c", complaint_seq=0),
        TicketDraft(conversation_id="c", order_number="9" * 65),
        TicketDraft(conversation_id="c", handoff="yes"),  # type: ignore[arg-type]
    ],
)
def test_malformed_drafts_are_refused(migrated_engine, draft):
    with pytest.raises(ValueError):
        save_ticket(migrated_engine, draft)
