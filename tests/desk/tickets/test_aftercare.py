"""After the complaint: earlier tickets (recurrence), satisfaction scores, follow-up check-ins and a case chased again."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from calmdesk.models import Satisfaction, Ticket
from calmdesk.desk.tickets import (
    REOPENED,
    NotFoundError,
    TicketDraft,
    count_earlier_tickets,
    earlier_tickets,
    get_ticket,
    list_tickets,
    record_satisfaction,
    reopen_ticket,
    save_ticket,
    schedule_follow_up,
)

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


def file(
    engine, conversation_id: str, *, days_ago: float, email="ann@example.com", category="billing_problem", seq=1
) -> str:
    """A ticket filed ``days_ago`` days before NOW."""
    draft = TicketDraft(conversation_id, complaint_seq=seq, category=category, customer_email=email)
    saved = save_ticket(engine, draft)
    with Session(engine) as session, session.begin():
        session.execute(
            update(Ticket)
            .where(Ticket.reference == saved["reference"])
            .values(created_at=NOW - timedelta(days=days_ago))
        )
    return saved["reference"]


def refs(tickets: list[dict]) -> list[str]:
    return [ticket["reference"] for ticket in tickets]


# --- recurrence: earlier tickets ----------------------------------------------------


def test_the_same_category_within_90_days_counts_and_91_days_does_not(migrated_engine):
    recent = file(migrated_engine, "c-89", days_ago=89)
    file(migrated_engine, "c-91", days_ago=91)

    found = earlier_tickets(migrated_engine, "ann@example.com", category="billing_problem", now=NOW)

    assert refs(found) == [recent]


def test_exactly_90_days_ago_still_counts(migrated_engine):
    edge = file(migrated_engine, "c-90", days_ago=90)
    file(migrated_engine, "c-90-and-a-second", days_ago=90 + 1 / 86400)

    assert refs(earlier_tickets(migrated_engine, "ann@example.com", now=NOW)) == [edge]


def test_other_categories_count_only_without_a_category_filter(migrated_engine):
    billing = file(migrated_engine, "c-1", days_ago=10)
    delivery = file(migrated_engine, "c-2", days_ago=5, category="delivery_problem")

    def found(**filters) -> list[str]:
        return refs(earlier_tickets(migrated_engine, "ann@example.com", now=NOW, **filters))

    assert found(category="billing_problem") == [billing]
    assert found(category="payment_failed") == []
    assert found() == [delivery, billing]  # newest first


def test_the_count_agrees_with_the_tickets_for_every_filter(migrated_engine):
    file(migrated_engine, "c-1", days_ago=10)
    file(migrated_engine, "c-2", days_ago=5, category="delivery_problem")
    file(migrated_engine, "c-3", days_ago=200)
    file(migrated_engine, "c-now", days_ago=0, email="Ann@Example.com")
    for filters in ({}, {"category": "billing_problem"}, {"category": "payment_failed"}, {"within_days": None},
                    {"exclude_conversation_id": "c-now"}, {"category": "delivery_problem", "within_days": 3}):
        expected = len(earlier_tickets(migrated_engine, "ann@example.com", now=NOW, **filters))
        assert count_earlier_tickets(migrated_engine, " ANN@example.com", now=NOW, **filters) == expected, filters
    assert count_earlier_tickets(migrated_engine, "ann@example.com", now=NOW) == 3


def test_another_customers_tickets_do_not_count(migrated_engine):
    file(migrated_engine, "c-bob", days_ago=3, email="bob@example.com")
    file(migrated_engine, "c-ann-2", days_ago=3, email="ann@example.co")

    assert earlier_tickets(migrated_engine, "ann@example.com", now=NOW) == []
    assert earlier_tickets(migrated_engine, "nobody@example.com", now=NOW) == []


def test_email_is_compared_case_insensitively_both_ways(migrated_engine):
    stored_mixed = file(migrated_engine, "c-1", days_ago=2, email="Ann.Lee@Example.COM")

    assert refs(earlier_tickets(migrated_engine, "  ann.lee@EXAMPLE.com ", now=NOW)) == [stored_mixed]


def test_the_current_conversation_is_excluded(migrated_engine):
    earlier = file(migrated_engine, "c-old", days_ago=20)
    file(migrated_engine, "c-now", days_ago=0)
    file(migrated_engine, "c-now", days_ago=0, seq=2)  # a second complaint in the same chat

    found = earlier_tickets(migrated_engine, "ann@example.com", now=NOW, exclude_conversation_id="c-now")

    assert refs(found) == [earlier]


def test_tickets_after_now_are_not_earlier(migrated_engine):
    file(migrated_engine, "c-future", days_ago=-1)
    assert earlier_tickets(migrated_engine, "ann@example.com", now=NOW) == []


def test_window_can_be_changed_or_lifted(migrated_engine):
    old = file(migrated_engine, "c-old", days_ago=400)
    week = file(migrated_engine, "c-week", days_ago=6)

    assert refs(earlier_tickets(migrated_engine, "ann@example.com", within_days=7, now=NOW)) == [week]
    assert refs(earlier_tickets(migrated_engine, "ann@example.com", within_days=None, now=NOW)) == [week, old]


def test_default_now_is_the_present(migrated_engine):
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", customer_email="ann@example.com"))
    assert refs(earlier_tickets(migrated_engine, "ann@example.com")) == [saved["reference"]]


def test_earlier_tickets_have_the_full_ticket_shape(migrated_engine):
    reference = file(migrated_engine, "c-1", days_ago=1)
    [found] = earlier_tickets(migrated_engine, "ann@example.com", now=NOW)
    assert found == get_ticket(migrated_engine, reference)


@pytest.mark.parametrize(
    "kwargs, mentions",
    [
        ({"customer_email": ""}, "empty"),
        ({"customer_email": None}, "string"),
        ({"category": "weather"}, "allowed"),
        ({"within_days": 0}, "within_days"),
        ({"within_days": "90"}, "within_days"),
        ({"now": datetime(2024, 5, 1)}, "timezone-aware"),
        ({"exclude_conversation_id": ""}, "conversation_id"),
    ],
)
def test_earlier_tickets_refuses_bad_input(migrated_engine, kwargs, mentions):
    arguments = {"customer_email": "ann@example.com", **kwargs}
    email = arguments.pop("customer_email")
    with pytest.raises(ValueError, match=mentions):
        earlier_tickets(migrated_engine, email, **arguments)


# --- satisfaction -----------------------------------------------------------------------


@pytest.fixture
def reference(migrated_engine) -> str:
    return save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))["reference"]


def satisfaction_rows(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Satisfaction))


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_scores_1_to_5_are_recorded(migrated_engine, reference, score):
    saved = record_satisfaction(migrated_engine, reference, score)
    assert saved["satisfaction"]["score"] == score
    assert saved["satisfaction"]["comment"] is None
    assert datetime.fromisoformat(saved["satisfaction"]["at"]).utcoffset() == timedelta(0)


def test_satisfaction_is_on_the_ticket_with_its_comment(migrated_engine, reference):
    record_satisfaction(migrated_engine, reference, 4, comment="Quick, but <b>the</b> bot was 🙄 at first")

    stored = get_ticket(migrated_engine, reference)["satisfaction"]
    assert set(stored) == {"score", "comment", "at"}
    assert stored["score"] == 4
    assert stored["comment"] == "Quick, but <b>the</b> bot was 🙄 at first"


def test_recording_again_replaces_the_answer(migrated_engine, reference):
    first = record_satisfaction(migrated_engine, reference, 1, comment="awful")
    second = record_satisfaction(migrated_engine, reference, 5)

    assert second["satisfaction"]["score"] == 5
    assert second["satisfaction"]["comment"] is None
    assert second["satisfaction"]["at"] >= first["satisfaction"]["at"]
    assert satisfaction_rows(migrated_engine) == 1


def test_blank_comment_is_no_comment_and_nul_is_replaced(migrated_engine, reference):
    assert record_satisfaction(migrated_engine, reference, 3, comment="   ")["satisfaction"]["comment"] is None
    with_nul = record_satisfaction(migrated_engine, reference, 3, comment="a\x00b")
    assert with_nul["satisfaction"]["comment"] == "a\ufffdb"


@pytest.mark.parametrize("score", [0, 6, -1, "5", None, 4.5, 5.0, True])
def test_only_whole_scores_1_to_5_are_accepted(migrated_engine, reference, score):
    with pytest.raises(ValueError, match="allowed: 1, 2, 3, 4, 5"):
        record_satisfaction(migrated_engine, reference, score)
    assert satisfaction_rows(migrated_engine) == 0


def test_comment_must_be_text(migrated_engine, reference):
    with pytest.raises(ValueError, match="comment"):
        record_satisfaction(migrated_engine, reference, 3, comment=42)  # type: ignore[arg-type]


def test_satisfaction_for_an_unknown_ticket(migrated_engine):
    with pytest.raises(NotFoundError):
        record_satisfaction(migrated_engine, "CD-000000", 3)


# --- follow-up check-ins -------------------------------------------------------------------


def test_follow_up_is_scheduled_in_utc_and_can_be_cancelled(migrated_engine, reference):
    berlin = timezone(timedelta(hours=2))
    scheduled = schedule_follow_up(migrated_engine, reference, datetime(2024, 5, 3, 11, 0, tzinfo=berlin))

    assert scheduled["follow_up_at"] == "2024-05-03T09:00:00+00:00"
    assert get_ticket(migrated_engine, reference)["follow_up_at"] == "2024-05-03T09:00:00+00:00"
    assert schedule_follow_up(migrated_engine, reference, None)["follow_up_at"] is None


def test_follow_up_needs_an_aware_time_and_a_real_ticket(migrated_engine, reference):
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule_follow_up(migrated_engine, reference, datetime(2024, 5, 3, 9, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule_follow_up(migrated_engine, reference, "2024-05-03T09:00:00Z")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        schedule_follow_up(migrated_engine, "CD-000000", NOW)


def test_due_follow_ups_are_listed_soonest_first(migrated_engine):
    def filed(conversation_id: str, hours: float | None, **draft) -> str:
        saved = save_ticket(migrated_engine, TicketDraft(conversation_id=conversation_id, **draft))
        if hours is not None:
            schedule_follow_up(migrated_engine, saved["reference"], NOW + timedelta(hours=hours))
        return saved["reference"]

    later = filed("c-later", 5)
    soonest = filed("c-soonest", -48)
    at_the_edge = filed("c-edge", 0, status="resolved")
    filed("c-after", 0.001)
    filed("c-unscheduled", None)

    due = list_tickets(migrated_engine, follow_up_due_before=NOW)
    assert refs(due) == [soonest, at_the_edge]
    assert refs(list_tickets(migrated_engine, follow_up_due_before=NOW + timedelta(hours=6)))[-1] == later
    assert refs(list_tickets(migrated_engine, follow_up_due_before=NOW, status="resolved")) == [at_the_edge]
    assert refs(list_tickets(migrated_engine, follow_up_due_before=NOW, limit=1)) == [soonest]
    assert len(list_tickets(migrated_engine)) == 5  # without the filter: every ticket, newest first


def test_due_follow_up_filter_needs_an_aware_time(migrated_engine):
    with pytest.raises(ValueError, match="follow_up_due_before"):
        list_tickets(migrated_engine, follow_up_due_before=datetime(2024, 5, 1))


# --- a case chased again ---------------------------------------------------------------------


def test_a_chased_case_is_reopened_for_the_team_in_the_chat_the_customer_is_in(migrated_engine):
    filed = save_ticket(migrated_engine, TicketDraft("chat-1", category="delivery_problem", status="resolved",
                                                     description="my parcel never arrived", order_number="7712044"))
    schedule_follow_up(migrated_engine, filed["reference"], NOW)

    case = reopen_ticket(migrated_engine, filed["reference"], "chat-2", 1, "CD-X still nothing arrived")
    again = reopen_ticket(migrated_engine, filed["reference"], "chat-2", 1, "CD-X still nothing arrived")  # a retry

    assert again == {**case, "updated_at": again["updated_at"]}
    assert case["reference"] == filed["reference"] and case["status"] == "open" and case["recurrent"] is True
    assert case["description"] == f"my parcel never arrived\n{REOPENED} CD-X still nothing arrived"
    assert (case["conversation_id"], case["complaint_seq"]) == ("chat-2", 1)
    assert get_ticket(migrated_engine, filed["reference"])["follow_up_at"] is None  # it did not hold: no check-in
    # What the bot saves next in the new chat is this case, not a new ticket.
    save_ticket(migrated_engine, TicketDraft("chat-2", category="delivery_problem", anger_level="angry"))
    assert [t["reference"] for t in list_tickets(migrated_engine)] == [filed["reference"]]


def test_reopening_needs_a_real_ticket_and_a_chat(migrated_engine, reference):
    with pytest.raises(NotFoundError):
        reopen_ticket(migrated_engine, "CD-000000", "chat-2", 1, "still nothing")
    with pytest.raises(ValueError, match="complaint_seq"):
        reopen_ticket(migrated_engine, reference, "chat-2", 0, "still nothing")
