"""Filing tickets, the update rules, and remedies on a ticket, as the bot and staff experience them (filing.py)."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from calmdesk.desk.tickets import (
    NotFoundError,
    RemedyOffer,
    TicketDraft,
    filing,
    find_ticket,
    get_ticket,
    offer_remedies,
    save_ticket,
    set_remedy_status,
    store,
)
from calmdesk.models import Customer, Ticket
from tests.desk.tickets.helpers import count, remedy_history


# --- filing and idempotency -----------------------------------------------------


def test_new_ticket_has_a_readable_reference_and_full_shape(migrated_engine):
    saved = save_ticket(
        migrated_engine,
        TicketDraft(
            conversation_id="conv-1",
            category="billing_problem",
            anger_level="frustrated",
            priority="high",
            order_number="A-1001",
            customer_email="ann@example.com",
            description="charged twice",
        ),
    )

    assert re.fullmatch(r"CD-[0-9A-HJKMNP-TV-Z]{6}", saved["reference"])
    assert set(saved) == {
        "reference", "conversation_id", "complaint_seq", "category", "anger_level", "priority",
        "status", "handoff", "recurrent", "order_number", "customer_email", "description",
        "remedies", "created_at", "updated_at", "transcript", "incident", "follow_up_at", "satisfaction",
    }  # fmt: skip
    assert saved["category"] == "billing_problem"
    assert saved["status"] == "open"
    assert saved["complaint_seq"] == 1
    assert saved["handoff"] is False
    assert saved["remedies"] == [] and saved["transcript"] == []
    assert saved["incident"] is None and saved["follow_up_at"] is None and saved["satisfaction"] is None
    created = datetime.fromisoformat(saved["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert get_ticket(migrated_engine, saved["reference"]) == saved


def test_saving_the_same_complaint_twice_keeps_one_ticket(migrated_engine):
    draft = TicketDraft(conversation_id="conv-1", category="delivery_problem")
    first = save_ticket(migrated_engine, draft)
    second = save_ticket(migrated_engine, draft)

    assert second["reference"] == first["reference"]
    assert count(migrated_engine, Ticket) == 1


def test_second_complaint_in_a_conversation_is_a_separate_ticket(migrated_engine):
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))
    second = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1", complaint_seq=2))

    assert first["reference"] != second["reference"]
    assert find_ticket(migrated_engine, "conv-1", 2)["reference"] == second["reference"]
    assert find_ticket(migrated_engine, "conv-1")["reference"] == first["reference"]
    assert find_ticket(migrated_engine, "conv-1", 3) is None


def test_losing_the_insert_race_updates_the_winners_ticket(migrated_engine, monkeypatch):
    """Another process files the ticket between our lookup and our insert."""
    winner = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))
    real_lookup = filing._ticket_by_key
    calls = []

    def stale_first_lookup(session, conversation_id, complaint_seq):
        calls.append(1)
        return None if len(calls) == 1 else real_lookup(session, conversation_id, complaint_seq)

    monkeypatch.setattr(filing, "_ticket_by_key", stale_first_lookup)
    loser = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1", priority="urgent"))

    assert len(calls) == 2  # the insert failed on the UNIQUE key and was retried
    assert loser["reference"] == winner["reference"]
    assert loser["priority"] == "urgent"
    assert count(migrated_engine, Ticket) == 1


def test_concurrent_saves_of_one_complaint_file_one_ticket(migrated_engine):
    draft = TicketDraft(conversation_id="conv-race", customer_email="race@example.com")
    references: list[str] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            references.append(save_ticket(migrated_engine, draft)["reference"])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(references)) == 1
    assert count(migrated_engine, Ticket) == 1
    assert count(migrated_engine, Customer) == 1


def test_reference_collision_gets_a_fresh_reference(migrated_engine, monkeypatch):
    taken = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))["reference"]
    candidates = iter([taken, "CD-ZZZZZZ"])
    monkeypatch.setattr(store, "_new_reference", lambda: next(candidates))

    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-2"))

    assert saved["reference"] == "CD-ZZZZZZ"


# --- update rules ------------------------------------------------------------------


def test_anger_level_keeps_its_peak(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="frustrated"))
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="abusive"))
    calmer = save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="calm"))

    assert calmer["anger_level"] == "abusive"


def test_handoff_once_requested_stays(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", handoff=True, status="awaiting_agent"))
    later = save_ticket(migrated_engine, TicketDraft(conversation_id="c", handoff=False, status="awaiting_agent"))

    assert later["handoff"] is True


def test_missing_fields_do_not_erase_stored_ones(migrated_engine):
    save_ticket(
        migrated_engine,
        TicketDraft(conversation_id="c", order_number="A-1", customer_email="a@example.com", description="late"),
    )
    later = save_ticket(migrated_engine, TicketDraft(conversation_id="c", priority="high"))

    assert later["order_number"] == "A-1"
    assert later["customer_email"] == "a@example.com"
    assert later["description"] == "late"
    assert later["priority"] == "high"


def test_updated_at_moves_created_at_does_not(migrated_engine):
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="c"))
    second = save_ticket(migrated_engine, TicketDraft(conversation_id="c", status="resolved"))

    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] >= first["updated_at"]


def test_customer_is_linked_by_email_case_insensitively(migrated_engine):
    one = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", customer_email="Ann.Lee@Example.COM"))
    two = save_ticket(migrated_engine, TicketDraft(conversation_id="c2", customer_email="  ann.lee@example.com "))

    assert one["customer_email"] == two["customer_email"] == "ann.lee@example.com"
    assert count(migrated_engine, Customer) == 1
    with Session(migrated_engine) as session:
        customer = session.scalars(select(Customer)).one()
        assert customer.email == "ann.lee@example.com"
        assert {t.reference for t in customer.tickets} == {one["reference"], two["reference"]}


# --- remedies ----------------------------------------------------------------------------------


def test_offering_remedies_is_idempotent_and_recorded(migrated_engine, ticket):
    offers = [RemedyOffer("discount", 15, "percent"), RemedyOffer("expedited_reship")]
    offer_remedies(migrated_engine, ticket["reference"], offers)
    again = offer_remedies(migrated_engine, ticket["reference"], offers + [RemedyOffer("discount", 99, "percent")])

    assert [{k: v for k, v in r.items() if k != "history"} for r in again["remedies"]] == [
        {"kind": "discount", "amount": 15.0, "unit": "percent", "status": "offered"},
        {"kind": "expedited_reship", "amount": None, "unit": None, "status": "offered"},
    ]
    assert remedy_history(migrated_engine, ticket["reference"], "discount") == [("offered", "bot")]


def test_remedy_walks_through_its_lifecycle_with_history(migrated_engine, ticket):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("refund", 24.99, "currency")])

    set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")
    set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")  # no-op
    done = set_remedy_status(migrated_engine, ref, "refund", "fulfilled", actor="agent:alice")

    [refund] = done["remedies"]
    assert {k: v for k, v in refund.items() if k != "history"} == {
        "kind": "refund", "amount": 24.99, "unit": "currency", "status": "fulfilled"}
    # The ticket itself says who moved the remedy, and when.
    assert [(h["status"], h["actor"]) for h in refund["history"]] == [
        ("offered", "bot"), ("accepted", "customer"), ("fulfilled", "agent:alice")]
    assert all(h["at"].endswith("+00:00") for h in refund["history"])
    assert remedy_history(migrated_engine, ref, "refund") == [
        ("offered", "bot"),
        ("accepted", "customer"),
        ("fulfilled", "agent:alice"),
    ]


def test_a_customer_may_change_their_mind_until_the_remedy_is_fulfilled(migrated_engine, ticket):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("store_credit", 10, "currency")])
    set_remedy_status(migrated_engine, ref, "store_credit", "declined", actor="customer")
    set_remedy_status(migrated_engine, ref, "store_credit", "accepted", actor="customer")
    set_remedy_status(migrated_engine, ref, "store_credit", "fulfilled", actor="agent:alice")

    with pytest.raises(ValueError, match="'fulfilled' to 'declined'.*final"):
        set_remedy_status(migrated_engine, ref, "store_credit", "declined", actor="customer")
    assert remedy_history(migrated_engine, ref, "store_credit") == [
        ("offered", "bot"), ("declined", "customer"), ("accepted", "customer"), ("fulfilled", "agent:alice"),
    ]


@pytest.mark.parametrize("target", ["fulfilled", "offered"])
def test_invalid_remedy_transitions_are_refused(migrated_engine, ticket, target):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("replacement")])
    if target == "offered":
        set_remedy_status(migrated_engine, ref, "replacement", "accepted", actor="customer")

    with pytest.raises(ValueError, match="cannot change the replacement remedy"):
        set_remedy_status(migrated_engine, ref, "replacement", target, actor="agent:bob")


def test_remedy_status_change_that_lost_a_race_is_rechecked(migrated_engine, ticket, monkeypatch):
    """Someone fulfils the refund between our read and our write; our 'decline' must not win."""
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("refund")])
    real_lookup = filing._ticket_by_reference_or_raise
    calls = []

    def lookup_then_someone_else_accepts(session, reference):
        found = real_lookup(session, reference)
        found.remedies  # we have read "offered" ...
        if not calls:  # ... and now another process accepts it
            with migrated_engine.begin() as other:
                other.execute(text("UPDATE remedies SET status = 'fulfilled'"))
        calls.append(1)
        return found

    monkeypatch.setattr(filing, "_ticket_by_reference_or_raise", lookup_then_someone_else_accepts)
    with pytest.raises(ValueError, match="from 'fulfilled' to 'declined'"):
        set_remedy_status(migrated_engine, ref, "refund", "declined", actor="customer")
    assert len(calls) == 2


def test_remedy_errors_name_the_problem(migrated_engine, ticket):
    ref = ticket["reference"]
    with pytest.raises(ValueError, match="'voucher'.*allowed: refund"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("voucher")])
    with pytest.raises(ValueError, match="unit"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("discount", 10, "bananas")])
    with pytest.raises(ValueError, match="at most 100"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("discount", 150, "percent")])
    with pytest.raises(ValueError, match="'gone'"):
        set_remedy_status(migrated_engine, ref, "refund", "gone", actor="bot")
    with pytest.raises(NotFoundError, match="no 'refund' remedy"):
        set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")
    with pytest.raises(NotFoundError):
        offer_remedies(migrated_engine, "CD-000000", [RemedyOffer("refund")])
