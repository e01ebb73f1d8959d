"""Dashboard numbers on seeded tickets: the figures a team lead would count by hand."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from calmdesk.desk import tickets
from calmdesk.desk.tickets import RemedyOffer, TicketDraft, TranscriptLine
from calmdesk.models import Ticket
from calmdesk.staff import dashboard

AT = datetime(2025, 3, 1, tzinfo=timezone.utc)


def seed(engine, n: int, day: int, category: str, customer: list[str], *, handoff=False, recurrent=False,
         remedies=(), accepted=(), declined=(), score=None, hour: int = 12) -> dict:
    lines = [TranscriptLine("customer", text, AT) for text in customer]
    lines.insert(1, TranscriptLine("bot", "I'm so sorry about that.", AT))
    ticket = tickets.save_ticket(engine, TicketDraft(
        conversation_id=f"c{n}", category=category, anger_level="angry", handoff=handoff, recurrent=recurrent,
        transcript=lines))
    if remedies:
        tickets.offer_remedies(engine, ticket["reference"], list(remedies))
    for kind in accepted:
        tickets.set_remedy_status(engine, ticket["reference"], kind, "accepted", "customer")
    for kind in declined:
        tickets.set_remedy_status(engine, ticket["reference"], kind, "declined", "customer")
    if score is not None:
        tickets.record_satisfaction(engine, ticket["reference"], score)
    created = datetime(2025, 3, day, hour, 0, tzinfo=timezone.utc)
    with Session(engine) as session, session.begin():
        session.execute(update(Ticket).where(Ticket.reference == ticket["reference"]).values(created_at=created))
    return ticket


@pytest.fixture
def seeded(migrated_engine):
    e = migrated_engine
    # 1 March: two deliveries, one damaged item.
    seed(e, 1, 1, "delivery_problem", ["WHERE IS MY PARCEL?!! this is ridiculous", "ok thanks"],
         remedies=[RemedyOffer("expedited_reship"), RemedyOffer("store_credit", 20, "currency")],
         accepted=["store_credit"], score=4)
    seed(e, 2, 1, "delivery_problem", ["my parcel is late", "you are useless idiots"], handoff=True, score=1)
    seed(e, 3, 1, "damaged_or_wrong_item", ["the screen is cracked, this is unacceptable!!!", "fine"],
         remedies=[RemedyOffer("replacement"), RemedyOffer("refund")], accepted=["replacement"], score=5)
    # 2 March: nothing.  3 March: a recurrent billing problem, a goodwill credit and a discount.
    seed(e, 4, 3, "billing_problem", ["charged twice AGAIN", "thanks"], recurrent=True,
         remedies=[RemedyOffer("goodwill", 10, "currency"), RemedyOffer("discount", 15, "percent")],
         accepted=["goodwill", "discount"], score=4)
    seed(e, 5, 3, "billing_problem", ["wrong amount on my bill"], recurrent=True, handoff=True,
         remedies=[RemedyOffer("refund")], declined=["refund"])
    # Outside the range: 28 February 23:59 and 4 March 00:00 (UTC).
    seed(e, 6, 3, "other", ["hello"], hour=0)
    with Session(e) as session, session.begin():
        session.execute(update(Ticket).where(Ticket.conversation_id == "c6")
                        .values(created_at=datetime(2025, 2, 28, 23, 59, tzinfo=timezone.utc)))
    seed(e, 7, 4, "other", ["hello"], hour=0)
    return e


def test_tickets_per_category_per_day_with_empty_days(seeded):
    report = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))
    assert report["tickets"] == 5
    assert [(d["date"], d["tickets"]) for d in report["per_day"]] == [
        ("2025-03-01", 3), ("2025-03-02", 0), ("2025-03-03", 2)]
    first = report["per_day"][0]["by_category"]
    assert (first["delivery_problem"], first["damaged_or_wrong_item"], first["billing_problem"]) == (2, 1, 0)
    assert report["by_category"]["billing_problem"] == 2
    assert report["by_category"]["other"] == 0, "the tickets just outside the range do not count"


def test_anger_at_the_start_versus_the_end(seeded):
    anger = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))["anger"]
    # c1 angry -> calm, c2 calm -> abusive, c3 angry -> calm, c4 frustrated -> calm, c5 calm (one message)
    assert anger["start"] == {"calm": 2, "frustrated": 1, "angry": 2, "abusive": 0}
    assert anger["end"] == {"calm": 4, "frustrated": 0, "angry": 0, "abusive": 1}
    assert (anger["calmer"], anger["same"], anger["angrier"]) == (3, 1, 1)


def test_handoff_and_recurrence_rates(seeded):
    report = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))
    assert report["handoff"] == {"count": 2, "rate": 0.4}
    assert report["recurrence"] == {"count": 2, "rate": 0.4}


def test_remedies_offered_accepted_and_what_they_cost(seeded):
    remedies = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))["remedies"]
    kinds = {k["kind"]: k for k in remedies["by_kind"]}
    assert remedies["offered"] == 7
    assert remedies["accepted"] == 4
    assert remedies["cost"] == 30.0, "20 store credit + 10 goodwill"
    assert remedies["accepted_without_price"] == 2, "the replacement and the 15% discount have no price here"
    assert (kinds["refund"]["offered"], kinds["refund"]["accepted"], kinds["refund"]["declined"]) == (2, 0, 1)
    assert kinds["store_credit"]["acceptance_rate"] == 1.0 and kinds["store_credit"]["cost"] == 20.0
    assert kinds["expedited_reship"]["acceptance_rate"] == 0.0
    assert kinds["goodwill"]["cost"] == 10.0


def test_satisfaction_average_and_distribution(seeded):
    satisfaction = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))["satisfaction"]
    assert satisfaction["answers"] == 4
    assert satisfaction["average"] == 3.5
    assert satisfaction["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}


def test_an_empty_range_has_zeros_and_no_rates(migrated_engine):
    report = dashboard.dashboard(migrated_engine, date(2025, 1, 1), date(2025, 1, 1))
    assert report["tickets"] == 0
    assert report["handoff"]["rate"] is None and report["satisfaction"]["average"] is None


def test_csv_has_a_row_per_day_and_a_total(seeded):
    report = dashboard.dashboard(seeded, date(2025, 3, 1), date(2025, 3, 3))
    rows = dashboard.rows_for_csv(report, seeded)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    parsed = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert [row["date"] for row in parsed] == ["2025-03-01", "2025-03-02", "2025-03-03", "total"]
    assert parsed[0]["tickets"] == "3" and parsed[0]["delivery_problem"] == "2"
    assert parsed[-1]["remedy_cost"] == "30.0" and parsed[-1]["satisfaction_average"] == "3.5"
    assert parsed[1]["satisfaction_average"] == ""


@pytest.mark.parametrize("start, end, message", [
    ("2025-03-05", "2025-03-01", "must not be after"),
    ("yesterday", None, "from must be a date like"),
    ("2020-01-01", "2025-01-01", "at most 366 days"),
])
def test_bad_ranges_are_explained(start, end, message):
    with pytest.raises(ValueError, match=message):
        dashboard.parse_range(start, end)


def test_the_default_range_is_the_last_30_days():
    assert dashboard.parse_range(None, None, today=date(2025, 3, 31)) == (date(2025, 3, 2), date(2025, 3, 31))
