"""Incidents declared, confirmed, updated and closed (calmdesk/desk/incidents/lifecycle.py), and the database's guarantees."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from calmdesk.desk.incidents import (
    NotFoundError,
    active_incident,
    close_incident,
    confirm_incident,
    declare_incident,
    detect_incidents,
    get_incident,
    lifecycle,
    post_update,
    updates_since,
)
from calmdesk.models import utcnow
from tests.desk.incidents.helpers import MESSAGE, NOW, REFERENCE, burst, declare, incident_rows


# --- declaring --------------------------------------------------------------------------


def test_declared_incident_is_open_with_its_message(migrated_engine):
    started = NOW - timedelta(hours=1)
    incident = declare(migrated_engine, started_at=started)

    assert REFERENCE.fullmatch(incident["reference"])
    assert set(incident) == {
        "reference", "category", "public_message", "status", "started_at", "created_at", "updated_at",
        "closed_at", "created_by", "updates", "tickets",
    }  # fmt: skip
    assert incident["status"] == "open"
    assert incident["category"] == "payment_failed"
    assert incident["public_message"] == MESSAGE
    assert incident["started_at"] == "2024-05-01T08:30:00+00:00"
    assert incident["closed_at"] is None
    assert incident["created_by"] == "agent:alice"
    assert incident["updates"] == [] and incident["tickets"] == []
    assert get_incident(migrated_engine, incident["reference"]) == incident
    assert active_incident(migrated_engine, "payment_failed") == incident


def test_started_at_defaults_to_now_and_message_is_stripped(migrated_engine):
    before = utcnow()
    incident = declare(migrated_engine, message=f"  {MESSAGE}\n")
    assert datetime.fromisoformat(incident["started_at"]) >= before
    assert incident["public_message"] == MESSAGE


def test_a_category_has_one_open_incident(migrated_engine):
    first = declare(migrated_engine)
    with pytest.raises(ValueError, match=f"already has an open incident, {first['reference']}.*update"):
        declare(migrated_engine)
    declare(migrated_engine, category="delivery_problem")  # another category is fine
    assert incident_rows(migrated_engine) == 2


def test_declaring_while_a_suggestion_waits_points_to_it(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    with pytest.raises(ValueError, match=f"suggested incident, {suggested['reference']}.*confirm"):
        declare(migrated_engine)


def test_losing_the_declare_race_is_refused_not_duplicated(migrated_engine, monkeypatch):
    """Another process declares between our check and our insert: the unique index catches it."""
    winner = declare(migrated_engine)
    real_lookup = lifecycle._active_for
    calls = []

    def stale_first_lookup(session, category):
        calls.append(1)
        return None if len(calls) == 1 else real_lookup(session, category)

    monkeypatch.setattr(lifecycle, "_active_for", stale_first_lookup)
    with pytest.raises(ValueError, match=winner["reference"]):
        declare(migrated_engine)
    assert len(calls) == 2
    assert incident_rows(migrated_engine) == 1


def test_concurrent_declarations_open_one_incident(migrated_engine):
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            declare(migrated_engine)
            outcomes.append("declared")
        except ValueError:
            outcomes.append("refused")
        except BaseException as error:  # reported below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["declared"] + ["refused"] * 5
    assert incident_rows(migrated_engine) == 1


@pytest.mark.parametrize(
    "kwargs, mentions",
    [
        ({"category": "weather"}, "'weather'.*allowed: delivery_problem"),
        ({"category": "other"}, "not 'other'"),
        ({"message": ""}, "must not be empty"),
        ({"message": "   "}, "must not be empty"),
        ({"message": None}, "must be a string"),
        ({"message": "x" * 2001}, "at most 2000"),
        ({"message": "a\x00b"}, "NUL"),
        ({"started_at": datetime(2024, 5, 1)}, "timezone-aware"),
        ({"started_at": utcnow() + timedelta(hours=1)}, "in the future"),
        ({"actor": ""}, "actor"),
    ],
)
def test_declare_refuses_bad_input(migrated_engine, kwargs, mentions):
    arguments = {"category": "payment_failed", "message": MESSAGE, "actor": "staff", **kwargs}
    with pytest.raises(ValueError, match=mentions):
        declare_incident(
            migrated_engine, arguments["category"], arguments["message"], arguments["actor"],
            started_at=arguments.get("started_at"),
        )  # fmt: skip
    assert incident_rows(migrated_engine) == 0


# --- lifecycle ------------------------------------------------------------------------------


def test_open_incident_takes_updates_and_closes(migrated_engine):
    reference = declare(migrated_engine)["reference"]

    post_update(migrated_engine, reference, "The fix is being deployed.", "agent:bob")
    closed = close_incident(migrated_engine, reference, "agent:alice", message="Payments work again. Sorry!")

    assert closed["status"] == "closed"
    assert closed["closed_at"] is not None
    assert [(u["message"], u["author"]) for u in closed["updates"]] == [
        ("The fix is being deployed.", "agent:bob"),
        ("Payments work again. Sorry!", "agent:alice"),
    ]
    assert active_incident(migrated_engine, "payment_failed") is None
    assert declare(migrated_engine)["reference"] != reference  # a new one may be declared now


def test_close_without_a_message_adds_no_update(migrated_engine):
    reference = declare(migrated_engine)["reference"]
    assert close_incident(migrated_engine, reference, "staff")["updates"] == []


def test_suggested_incident_is_confirmed_with_the_staff_message(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    assert active_incident(migrated_engine, "payment_failed") is None  # customers never see suggestions

    confirmed = confirm_incident(migrated_engine, suggested["reference"].lower(), MESSAGE, "agent:alice")

    assert confirmed["status"] == "open"
    assert confirmed["public_message"] == MESSAGE
    assert confirmed["created_by"] == "detection"
    assert confirmed["updated_at"] > suggested["updated_at"]
    assert active_incident(migrated_engine, "payment_failed")["reference"] == suggested["reference"]


def test_a_suggestion_can_be_dismissed(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    assert close_incident(migrated_engine, suggested["reference"], "staff")["status"] == "closed"


@pytest.mark.parametrize(
    "status, action, mentions",
    [
        ("open", "confirm", "cannot confirm .* it is 'open'.*only go to: closed"),
        ("closed", "confirm", "cannot confirm .* 'closed'.*final"),
        ("closed", "close", "cannot close .* 'closed'.*final"),
        ("closed", "update", "cannot post an update .* 'closed'"),
        ("suggested", "update", "'suggested' \\(confirm it first\\)"),
    ],
)
def test_invalid_transitions_are_refused(migrated_engine, status, action, mentions):
    if status == "suggested":
        burst(migrated_engine, 3)
        reference = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)[0]["reference"]
    else:
        reference = declare(migrated_engine)["reference"]
        if status == "closed":
            close_incident(migrated_engine, reference, "staff")
    before = get_incident(migrated_engine, reference)

    with pytest.raises(ValueError, match=mentions):
        if action == "confirm":
            confirm_incident(migrated_engine, reference, MESSAGE, "staff")
        elif action == "close":
            close_incident(migrated_engine, reference, "staff", message="again")
        else:
            post_update(migrated_engine, reference, "news", "staff")
    assert get_incident(migrated_engine, reference) == before


def test_a_close_that_lost_a_race_is_rechecked(migrated_engine, monkeypatch):
    """Someone closes the incident between our read and our write; our update must not land."""
    reference = declare(migrated_engine)["reference"]
    real_lookup = lifecycle._incident_or_raise
    calls = []

    def lookup_then_someone_closes(session, ref):
        found = real_lookup(session, ref)
        if not calls:
            with migrated_engine.begin() as other:
                other.execute(
                    text("UPDATE incidents SET status = 'closed', closed_at = '2024-05-01 10:00:00.000000'")
                )
        calls.append(1)
        return found

    monkeypatch.setattr(lifecycle, "_incident_or_raise", lookup_then_someone_closes)
    with pytest.raises(ValueError, match="cannot post an update .* 'closed'"):
        post_update(migrated_engine, reference, "news", "staff")
    assert len(calls) == 2
    assert get_incident(migrated_engine, reference)["updates"] == []


@pytest.mark.parametrize("reference", ["INC-000000", "nope", "CD-000000", "", "INC-ILOU00"])
def test_unknown_incident_references(migrated_engine, reference):
    assert get_incident(migrated_engine, reference) is None
    with pytest.raises(NotFoundError):
        confirm_incident(migrated_engine, reference, MESSAGE, "staff")
    with pytest.raises(NotFoundError):
        post_update(migrated_engine, reference, "news", "staff")
    with pytest.raises(NotFoundError):
        close_incident(migrated_engine, reference, "staff")
    with pytest.raises(NotFoundError):
        updates_since(migrated_engine, reference, NOW)


def test_update_messages_are_checked(migrated_engine):
    reference = declare(migrated_engine)["reference"]
    with pytest.raises(ValueError, match="message must not be empty"):
        post_update(migrated_engine, reference, " ", "staff")
    with pytest.raises(ValueError, match="at most 2000"):
        close_incident(migrated_engine, reference, "staff", message="x" * 2001)
    with pytest.raises(ValueError, match="actor"):
        post_update(migrated_engine, reference, "news", "")


# --- database guarantees ---------------------------------------------------------------------------


def insert_incident(engine, reference: str, status: str, closed_at: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (reference, category, public_message, status, started_at, created_at,"
                " updated_at, closed_at, created_by) VALUES (:reference, 'payment_failed', 'm', :status,"
                " '2024-01-01 00:00:00', '2024-01-01 00:00:00', '2024-01-01 00:00:00', :closed_at, 'x')"
            ),
            {"reference": reference, "status": status, "closed_at": closed_at},
        )


def test_database_holds_one_active_incident_per_category(migrated_engine):
    insert_incident(migrated_engine, "INC-AAAAAA", "closed", "2024-01-02 00:00:00")
    insert_incident(migrated_engine, "INC-BBBBBB", "closed", "2024-01-03 00:00:00")
    insert_incident(migrated_engine, "INC-CCCCCC", "suggested")
    with pytest.raises(IntegrityError):
        insert_incident(migrated_engine, "INC-DDDDDD", "open")


def test_database_refuses_bad_incident_rows(migrated_engine):
    with pytest.raises(IntegrityError, match="ck_incidents_status"):
        insert_incident(migrated_engine, "INC-AAAAAA", "ongoing")
    with pytest.raises(IntegrityError, match="ck_incidents_closed_at"):
        insert_incident(migrated_engine, "INC-AAAAAA", "closed")
