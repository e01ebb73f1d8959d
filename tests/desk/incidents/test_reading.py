"""Listing incidents, linking tickets, and what a returning customer has missed (reading.py, lifecycle.link_ticket)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from calmdesk.desk.incidents import (
    NotFoundError,
    active_incident,
    close_incident,
    get_incident,
    incident_notice,
    link_ticket,
    detect_incidents,
    list_incidents,
    open_categories,
    post_update,
    updates_since,
)
from calmdesk.desk.tickets import get_ticket, list_tickets
from calmdesk.models import utcnow
from tests.desk.incidents.helpers import NOW, burst, declare, file


# --- listing ---------------------------------------------------------------------------------


def test_list_incidents_filters_and_orders_newest_first(migrated_engine):
    payments = declare(migrated_engine)["reference"]
    delivery = declare(migrated_engine, category="delivery_problem")["reference"]
    close_incident(migrated_engine, payments, "staff")
    billing = declare(migrated_engine, category="billing_problem")["reference"]

    def refs(**filters) -> list[str]:
        return [incident["reference"] for incident in list_incidents(migrated_engine, **filters)]

    assert refs() == [billing, delivery, payments]
    assert refs(status="open") == [billing, delivery]
    assert refs(status="closed") == [payments]
    assert refs(category="delivery_problem") == [delivery]
    assert refs(status="suggested") == []


@pytest.mark.parametrize("filters", [{"status": "pending"}, {"category": "weather"}])
def test_list_incidents_refuses_bad_filters(migrated_engine, filters):
    with pytest.raises(ValueError, match="allowed"):
        list_incidents(migrated_engine, **filters)


def test_open_categories_are_those_customers_are_told_about(migrated_engine):
    assert open_categories(migrated_engine) == ()
    payments = declare(migrated_engine)["reference"]
    declare(migrated_engine, category="service_outage")
    burst(migrated_engine, 3, "delivery_problem")
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    assert suggested["status"] == "suggested"
    assert open_categories(migrated_engine) == ("payment_failed", "service_outage"), "a suggestion is not told"
    close_incident(migrated_engine, payments, "staff")
    assert open_categories(migrated_engine) == ("service_outage",)


def test_a_complaining_customer_is_told_the_open_incidents_message_however_many_tickets_it_has(migrated_engine):
    assert incident_notice(migrated_engine, "payment_failed") is None
    incident = declare(migrated_engine)
    for ticket in burst(migrated_engine, 3):
        link_ticket(migrated_engine, ticket, incident["reference"])
    assert incident_notice(migrated_engine, "payment_failed") == {
        "reference": incident["reference"], "category": "payment_failed", "public_message": incident["public_message"]}
    assert incident_notice(migrated_engine, "delivery_problem") is None
    close_incident(migrated_engine, incident["reference"], "staff")
    assert incident_notice(migrated_engine, "payment_failed") is None
    with pytest.raises(ValueError, match="'weather'"):
        incident_notice(migrated_engine, "weather")


def test_active_incident_checks_the_category(migrated_engine):
    assert active_incident(migrated_engine, "payment_failed") is None
    with pytest.raises(ValueError, match="'weather'"):
        active_incident(migrated_engine, "weather")


# --- linking tickets and updates for returning customers ------------------------------------------


def test_linked_ticket_shows_its_incident_and_the_incident_its_tickets(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    first, second = file(migrated_engine, "c-1"), file(migrated_engine, "c-2")

    linked = link_ticket(migrated_engine, first.lower(), incident.lower())
    link_ticket(migrated_engine, second, incident)
    again = link_ticket(migrated_engine, first, incident)  # no-op

    assert linked["incident"] == incident and again == get_ticket(migrated_engine, first)
    assert get_ticket(migrated_engine, first)["incident"] == incident
    assert get_incident(migrated_engine, incident)["tickets"] == [first, second]
    assert {t["reference"]: t["incident"] for t in list_tickets(migrated_engine)} == {
        first: incident,
        second: incident,
    }


def test_a_ticket_moves_to_the_next_incident(migrated_engine):
    old = declare(migrated_engine)["reference"]
    ticket = file(migrated_engine, "c-1")
    link_ticket(migrated_engine, ticket, old)
    close_incident(migrated_engine, old, "staff")
    new = declare(migrated_engine)["reference"]

    assert link_ticket(migrated_engine, ticket, new)["incident"] == new
    assert get_incident(migrated_engine, old)["tickets"] == []
    assert get_incident(migrated_engine, new)["tickets"] == [ticket]


def test_tickets_link_only_to_an_active_incident_of_their_category(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    delivery_ticket = file(migrated_engine, "c-1", category="delivery_problem")
    with pytest.raises(ValueError, match="about 'delivery_problem', the incident about 'payment_failed'"):
        link_ticket(migrated_engine, delivery_ticket, incident)

    payment_ticket = file(migrated_engine, "c-2")
    close_incident(migrated_engine, incident, "staff")
    with pytest.raises(ValueError, match="'closed'; allowed: suggested, open"):
        link_ticket(migrated_engine, payment_ticket, incident)
    assert get_ticket(migrated_engine, payment_ticket)["incident"] is None


def test_linking_unknown_things(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    ticket = file(migrated_engine, "c-1")
    with pytest.raises(NotFoundError, match="ticket"):
        link_ticket(migrated_engine, "CD-000000", incident)
    with pytest.raises(NotFoundError, match="incident"):
        link_ticket(migrated_engine, ticket, "INC-000000")


def test_updates_since_tells_a_returning_customer_what_they_missed(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    first = post_update(migrated_engine, incident, "We found the cause.", "agent:bob")["updates"][0]
    seen_at = datetime.fromisoformat(first["at"])
    post_update(migrated_engine, incident, "The fix is live.", "agent:bob")
    close_incident(migrated_engine, incident, "agent:alice", message="All clear.")

    everything = updates_since(migrated_engine, incident, seen_at - timedelta(seconds=1))
    missed = updates_since(migrated_engine, incident, seen_at)  # strictly after

    assert [u["message"] for u in everything] == ["We found the cause.", "The fix is live.", "All clear."]
    assert [u["message"] for u in missed] == ["The fix is live.", "All clear."]
    assert set(missed[0]) == {"message", "author", "at"}
    assert updates_since(migrated_engine, incident, utcnow() + timedelta(minutes=1)) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        updates_since(migrated_engine, incident, datetime(2024, 5, 1))
