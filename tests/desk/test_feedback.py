"""Reading the satisfaction score people type, and the check-in time."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from calmdesk.desk.feedback import FOLLOW_UP_AFTER, follow_up_time, parse_score


@pytest.mark.parametrize("text, score", [
    ("5", 5), ("4/5", 4), ("4 out of 5", 4), ("four stars", 4), ("I'd give it a 3", 3), ("1.", 1),
    ("Two", 2), ("honestly 5, you were great", 5),
])
def test_scores_are_read_from_what_people_type(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize("text", [
    "", None, "great", "0", "6", "10", "8/10", "3 or 4", "order 4839201", "2.5", "no thanks",
])
def test_no_single_clear_score_gives_none(text):
    assert parse_score(text) is None


def test_the_check_in_is_a_few_days_later():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert follow_up_time(now) == now + FOLLOW_UP_AFTER
    assert FOLLOW_UP_AFTER.days >= 2
