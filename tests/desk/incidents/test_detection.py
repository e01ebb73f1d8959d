"""Suggesting incidents from bursts of tickets (detection.py), with the settings of policy/incidents.yml (settings.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from calmdesk.desk.incidents import (
    IncidentSettings,
    PolicyError,
    close_incident,
    detect_incidents,
    load_incident_settings,
    settings,
)
from calmdesk.desk.tickets import get_ticket
from calmdesk.models import utcnow
from tests.desk.incidents.helpers import NOW, burst, declare, incident_rows


# --- detection ------------------------------------------------------------------------------------


def test_n_minus_one_tickets_suggest_nothing_and_n_suggest_one(migrated_engine):
    first = burst(migrated_engine, 1, minutes_ago=20)
    burst(migrated_engine, 3, minutes_ago=5)
    assert detect_incidents(migrated_engine, tickets=5, minutes=30, now=NOW) == []
    assert incident_rows(migrated_engine) == 0

    burst(migrated_engine, 1, minutes_ago=1)
    [suggested] = detect_incidents(migrated_engine, tickets=5, minutes=30, now=NOW)

    assert suggested["status"] == "suggested"
    assert suggested["category"] == "payment_failed"
    assert suggested["created_by"] == "detection"
    assert suggested["public_message"] == "We're seeing reports of payment problems and are looking into it."
    assert suggested["started_at"] == get_ticket(migrated_engine, first[0])["created_at"]
    assert suggested["tickets"] == []  # nobody was told about it, so nobody is linked


def test_window_edges(migrated_engine):
    burst(migrated_engine, 1, minutes_ago=31)  # too old
    burst(migrated_engine, 1, minutes_ago=-1)  # after "now"
    burst(migrated_engine, 2, minutes_ago=1)
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW) == []

    burst(migrated_engine, 1, minutes_ago=30)  # exactly on the edge counts
    assert len(detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)) == 1


def test_detection_is_idempotent_and_respects_open_incidents(migrated_engine):
    burst(migrated_engine, 3)
    burst(migrated_engine, 3, category="delivery_problem")
    declare(migrated_engine, category="delivery_problem")

    first = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    burst(migrated_engine, 3)
    second = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)

    assert [incident["category"] for incident in first] == ["payment_failed"]
    assert second == []
    assert incident_rows(migrated_engine) == 2


def test_other_is_never_suggested(migrated_engine):
    burst(migrated_engine, 10, category="other")
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW) == []


def test_several_categories_at_once(migrated_engine):
    burst(migrated_engine, 3, category="payment_failed")
    burst(migrated_engine, 3, category="account_access")
    burst(migrated_engine, 2, category="billing_problem")

    suggested = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)

    assert sorted(incident["category"] for incident in suggested) == ["account_access", "payment_failed"]


def test_tickets_from_before_a_closed_incident_do_not_count_again(migrated_engine):
    now = utcnow()
    burst(migrated_engine, 3, now=now)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=now)
    closed = close_incident(migrated_engine, suggested["reference"], "staff")
    closed_at = datetime.fromisoformat(closed["closed_at"])

    later = closed_at + timedelta(minutes=1)
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=later) == []  # the same burst

    burst(migrated_engine, 3, minutes_ago=0.5, now=later)  # a new burst after the dismissal
    [again] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=later)
    assert again["reference"] != suggested["reference"]


def test_detection_defaults_come_from_the_settings_file(migrated_engine, tmp_path, monkeypatch):
    settings_file = tmp_path / "incidents.yml"
    settings_file.write_text("detection:\n  tickets: 2\n  minutes: 10\n", encoding="utf-8")
    monkeypatch.setattr(settings, "DEFAULT_SETTINGS_PATH", settings_file)
    burst(migrated_engine, 2, minutes_ago=9)

    assert len(detect_incidents(migrated_engine, now=NOW)) == 1


@pytest.mark.parametrize(
    "kwargs, mentions",
    [
        ({"tickets": 1}, "tickets must be a whole number from 2"),
        ({"tickets": "5"}, "tickets"),
        ({"tickets": True}, "tickets"),
        ({"minutes": 0}, "minutes must be a whole number from 1"),
        ({"minutes": 2.5}, "minutes"),
        ({"now": datetime(2024, 5, 1)}, "timezone-aware"),
    ],
)
def test_detection_refuses_bad_parameters(migrated_engine, kwargs, mentions):
    with pytest.raises(ValueError, match=mentions):
        detect_incidents(migrated_engine, **{"tickets": 5, "minutes": 30, **kwargs})


# --- settings: policy/incidents.yml ------------------------------------------------------------------


def test_the_shipped_settings_load():
    assert load_incident_settings() == IncidentSettings(detection_tickets=5, detection_minutes=30)


@pytest.mark.parametrize(
    "content, mentions",
    [
        ("detection: [5, 30]\n", "detection: expected a mapping"),
        ("- detection\n", "top level: expected a mapping"),
        ("", "top level: expected a mapping"),
        ("thresholds:\n  tickets: 5\n", "thresholds: unknown key"),
        ("{}\n", "detection: is required"),
        ("detection:\n  minutes: 30\n", "detection.tickets: is required"),
        ("detection:\n  tickets: 5\n", "detection.minutes: is required"),
        ("detection:\n  tickets: five\n  minutes: 30\n", "detection.tickets: must be a whole number .* 'five'"),
        ("detection:\n  tickets: 1\n  minutes: 30\n", "detection.tickets: must be a whole number from 2"),
        ("detection:\n  tickets: true\n  minutes: 30\n", "detection.tickets: .* True"),
        ("detection:\n  tickets: 5\n  minutes: 0\n", "detection.minutes: must be a whole number from 1"),
        ("detection:\n  tickets: 5\n  minutes: 1.5\n", "detection.minutes"),
        ("detection:\n  tickets: 5\n  minutes: 30\n  ticket: 4\n", "detection.ticket: unknown key"),
        ("detection: {tickets: 5, minutes: 30\n", "not valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path, content, mentions):
    path = tmp_path / "incidents.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError, match=mentions) as raised:
        load_incident_settings(path)
    assert str(raised.value).startswith(str(path))


def test_missing_settings_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read the incident settings"):
        load_incident_settings(tmp_path / "nope.yml")
