"""Support hours and "can a person take this now?": closed, no agent online, or available."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from calmdesk.desk.remedies import PolicyError
from calmdesk.staff import accounts, staffing
from calmdesk.staff.staffing import Available, Unavailable, load_support_hours, parse_hours

LONDON = ZoneInfo("Europe/London")
HOURS = {
    "timezone": "Europe/London",
    "opening_hours": {day: "09:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    "holidays": ["2025-12-25", "2025-12-26"],
    "reply_within_hours": 2,
}


def hours(**changes):
    return parse_hours({**HOURS, **changes}, Path("support_hours.yml"))


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_the_shipped_policy_file_is_valid():
    checked = load_support_hours(staffing.DEFAULT_HOURS_PATH)
    assert checked.zone.key == "Europe/London"


def test_open_on_a_weekday_during_hours_only():
    week = hours()
    assert week.is_open(london(2025, 3, 3, 9, 0))  # a Monday
    assert week.is_open(london(2025, 3, 3, 17, 59))
    assert not week.is_open(london(2025, 3, 3, 18, 0))
    assert not week.is_open(london(2025, 3, 3, 8, 59))
    assert not week.is_open(london(2025, 3, 8, 12, 0))  # a Saturday
    assert not week.is_open(london(2025, 12, 25, 12, 0))  # a holiday on a Thursday


def test_friday_night_is_back_on_monday_morning_and_the_reply_two_opening_hours_later():
    week = hours()
    friday_night = london(2025, 3, 7, 22, 30)
    assert week.next_opening(friday_night) == london(2025, 3, 10, 9, 0)
    assert week.add_open_time(friday_night, timedelta(hours=2)) == london(2025, 3, 10, 11, 0)
    assert week.describe(london(2025, 3, 10, 9, 0), friday_night) == "09:00 Monday (GMT)"


def test_opening_time_carries_over_closing_time_and_holidays():
    week = hours()
    late = london(2025, 12, 24, 17, 0)  # Wednesday 17:00, then two holidays and a weekend
    assert week.add_open_time(late, timedelta(hours=2)) == london(2025, 12, 29, 10, 0)
    assert week.describe(london(2025, 12, 29, 10, 0), late) == "10:00 Monday (GMT)"


def test_times_are_said_as_today_tomorrow_or_a_weekday_in_the_support_timezone():
    week = hours()
    now = datetime(2025, 7, 1, 7, 0, tzinfo=timezone.utc)  # 08:00 in London (summer time)
    assert week.describe(london(2025, 7, 1, 9, 0), now) == "09:00 today (BST)"
    assert week.describe(london(2025, 7, 2, 9, 0), now) == "09:00 tomorrow (BST)"
    assert week.describe(london(2025, 7, 20, 9, 0), now) == "09:00 Sunday 20 July (BST)"


def test_lunch_breaks_and_a_day_that_ends_at_midnight():
    week = hours(opening_hours={"monday": ["09:00-12:00", "13:00-17:00"], "tuesday": "20:00-24:00"})
    assert not week.is_open(london(2025, 3, 3, 12, 30))
    assert week.add_open_time(london(2025, 3, 3, 11, 0), timedelta(hours=2)) == london(2025, 3, 3, 14, 0)
    assert week.is_open(london(2025, 3, 4, 23, 59))
    assert week.next_opening(london(2025, 3, 5, 0, 0)) == london(2025, 3, 10, 9, 0)


@pytest.mark.parametrize("changes, where", [
    ({"timezone": "Mars/Olympus"}, "timezone: unknown timezone 'Mars/Olympus'"),
    ({"opening_hours": {"funday": "09:00-17:00"}}, "opening_hours.funday: unknown day"),
    ({"opening_hours": {"monday": "9 to 5"}}, "opening_hours.monday: expected \"HH:MM-HH:MM\""),
    ({"opening_hours": {"monday": "18:00-09:00"}}, "opening_hours.monday: '18:00-09:00' closes before it opens"),
    ({"opening_hours": {"monday": "09:00-25:00"}}, "is not a time of day"),
    ({"opening_hours": {"monday": ["09:00-13:00", "12:00-17:00"]}}, "opening_hours.monday: spans overlap"),
    ({"opening_hours": {"monday": "closed"}}, "opening_hours: no day is open"),
    ({"holidays": ["next tuesday"]}, "holidays[0]: expected a date"),
    ({"reply_within_hours": 0}, "reply_within_hours: expected a number of hours above 0"),
    ({"reply_within_hours": "two"}, "reply_within_hours"),
    ({"lunch": True}, "lunch: unknown key"),
])
def test_a_broken_file_names_the_key_and_the_problem(changes, where):
    with pytest.raises(PolicyError) as error:
        hours(**changes)
    assert "support_hours.yml: " in str(error.value)
    assert where in str(error.value)


def test_a_missing_key_and_a_missing_file_are_clear(tmp_path):
    with pytest.raises(PolicyError, match="timezone: is required"):
        parse_hours({"opening_hours": HOURS["opening_hours"], "reply_within_hours": 1}, Path("x.yml"))
    with pytest.raises(PolicyError, match="cannot read the support hours"):
        load_support_hours(tmp_path / "missing.yml")


def test_an_edited_file_is_read_again_without_a_restart(tmp_path, monkeypatch):
    path = tmp_path / "hours.yml"
    path.write_text(yaml.safe_dump(HOURS))
    monkeypatch.setenv(staffing.HOURS_ENV_VAR, str(path))
    assert staffing.current_support_hours().holidays == {datetime(2025, 12, 25).date(), datetime(2025, 12, 26).date()}
    assert staffing.current_support_hours() is staffing.current_support_hours(), "unchanged: not re-read"
    path.write_text(yaml.safe_dump({**HOURS, "holidays": ["2025-03-03"]}))
    assert staffing.current_support_hours().holidays == {datetime(2025, 3, 3).date()}


# --- availability: the policy plus the staff console's sessions -------------------------


def test_closed_comes_first_with_when_the_team_is_back(migrated_engine):
    friday_night = london(2025, 3, 7, 22, 30)
    answer = staffing.availability(migrated_engine, friday_night, hours())
    assert answer == Unavailable(reason="closed", back_at=london(2025, 3, 10, 9, 0),
                                 reply_by=london(2025, 3, 10, 11, 0))


def test_open_without_anyone_signed_in_is_no_agent(migrated_engine):
    monday = london(2025, 3, 3, 10, 0)
    answer = staffing.availability(migrated_engine, monday, hours())
    assert answer == Unavailable(reason="no_agent", back_at=london(2025, 3, 3, 12, 0),
                                 reply_by=london(2025, 3, 3, 12, 0))


def test_open_with_an_agent_at_their_desk_is_available_and_they_go_away_after_two_minutes(migrated_engine):
    accounts.create_user(migrated_engine, "sam", "correct horse battery", role="agent")
    accounts.start_session(migrated_engine, "sam")
    now = datetime.now(timezone.utc)
    always = hours(opening_hours={day: "00:00-24:00" for day in staffing.WEEKDAYS}, holidays=[])
    assert staffing.availability(migrated_engine, now, always) == Available()
    later = now + timedelta(minutes=3)
    assert staffing.availability(migrated_engine, later, always).reason == "no_agent"
