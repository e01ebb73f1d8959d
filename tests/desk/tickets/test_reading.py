"""Reading tickets back, listing them, and what a later save keeps (reading.py, filing.py)."""
from __future__ import annotations

import pytest

from calmdesk.desk.tickets import TicketDraft, get_ticket, list_tickets, save_ticket
from tests.desk.tickets.helpers import line


# --- reading -------------------------------------------------------------------------------------


def test_get_ticket_is_case_insensitive_and_none_for_unknown(migrated_engine, ticket):
    assert get_ticket(migrated_engine, ticket["reference"].lower())["reference"] == ticket["reference"]
    assert get_ticket(migrated_engine, "CD-000000") is None
    assert get_ticket(migrated_engine, "not a reference at all \x00") is None


def test_list_tickets_filters_and_orders_newest_first(migrated_engine):
    a = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", category="delivery_problem"))
    b = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", complaint_seq=2, category="billing_problem"))
    c = save_ticket(migrated_engine, TicketDraft(conversation_id="c2", category="delivery_problem", status="closed"))

    def refs(**filters) -> list[str]:
        return [t["reference"] for t in list_tickets(migrated_engine, **filters)]

    assert refs() == [c["reference"], b["reference"], a["reference"]]
    assert refs(conversation_id="c1") == [b["reference"], a["reference"]]
    assert refs(category="delivery_problem") == [c["reference"], a["reference"]]
    assert refs(status="closed") == [c["reference"]]
    assert refs(status="open", category="delivery_problem") == [a["reference"]]
    assert refs(limit=1) == [c["reference"]]
    assert refs(conversation_id="nobody") == []


@pytest.mark.parametrize(
    "filters", [{"status": "pending"}, {"category": "weather"}, {"limit": 0}, {"limit": 501}]
)
def test_list_tickets_refuses_bad_filters(migrated_engine, filters):
    with pytest.raises(ValueError):
        list_tickets(migrated_engine, **filters)


def test_a_later_save_keeps_the_status_and_never_lowers_the_priority(migrated_engine):
    """A resolved ticket does not reopen because the customer vents once more."""
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", priority="urgent", status="resolved"))
    again = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", priority="normal"))
    assert again["reference"] == first["reference"]
    assert again["status"] == "resolved"
    assert again["priority"] == "urgent"
    new = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-10"))
    assert new["status"] == "open"
    moved = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", status="awaiting_agent"))
    assert moved["status"] == "awaiting_agent"


def test_a_recurrent_ticket_stays_recurrent_when_saved_again(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="conv-11", recurrent=True))
    again = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-11"))
    assert again["recurrent"] is True


def test_a_summary_save_returns_the_tickets_own_fields_and_stores_everything(migrated_engine):
    """What a turn gets back: the same fields as the full ticket, without reading remedies or transcript back."""
    draft = TicketDraft(conversation_id="c", category="billing_problem", order_number="A12345",
                        transcript=[line("customer", "charged twice", 0)])
    summary = save_ticket(migrated_engine, draft, summary=True)
    full = get_ticket(migrated_engine, summary["reference"])
    assert "transcript" not in summary and "remedies" not in summary
    assert {key: full[key] for key in summary} == summary
    assert [entry["text"] for entry in full["transcript"]] == ["charged twice"]
