"""Ticket priority: what the problem costs the customer, raised by anger and by coming back."""
from __future__ import annotations

import pytest

from calmdesk.desk.triage import priority_for
from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES, PRIORITIES

BLOCKING = ("payment_failed", "account_access", "service_outage", "billing_problem")
NOT_BLOCKING = tuple(c for c in CATEGORIES if c not in BLOCKING)


@pytest.mark.parametrize("category", BLOCKING)
def test_customers_who_are_blocked_or_out_of_pocket_start_high(category):
    assert priority_for(category, "calm") == "high"


@pytest.mark.parametrize("category", NOT_BLOCKING)
def test_other_problems_start_normal(category):
    assert priority_for(category, "calm") == "normal"


@pytest.mark.parametrize(
    "category, anger, expected",
    [
        ("delivery_problem", "frustrated", "normal"),
        ("delivery_problem", "angry", "high"),
        ("delivery_problem", "abusive", "high"),
        ("payment_failed", "frustrated", "high"),
        ("payment_failed", "angry", "urgent"),
        ("account_access", "abusive", "urgent"),
    ],
)
def test_anger_raises_the_priority_by_one_step(category, anger, expected):
    assert priority_for(category, anger) == expected


@pytest.mark.parametrize(
    "category, anger, expected",
    [
        ("delivery_problem", "calm", "high"),
        ("product_defect", "frustrated", "high"),
        ("billing_problem", "calm", "urgent"),
    ],
)
def test_a_recurring_problem_raises_the_priority_by_one_step(category, anger, expected):
    assert priority_for(category, anger, recurrent=True) == expected
    assert priority_for(category, anger, recurrent=False) != expected


def test_anger_and_recurrence_add_up():
    assert priority_for("delivery_problem", "angry", recurrent=True) == "urgent"


@pytest.mark.parametrize("category", BLOCKING)
@pytest.mark.parametrize("anger", ["angry", "abusive"])
def test_priority_is_capped_at_urgent(category, anger):
    assert priority_for(category, anger, recurrent=True) == "urgent"


@pytest.mark.parametrize("category", CATEGORIES + ("not_a_category",))
@pytest.mark.parametrize("anger", ANGER_LEVELS + ("unknown", ""))
@pytest.mark.parametrize("recurrent", [False, True])
def test_every_combination_gives_a_known_priority_never_low(category, anger, recurrent):
    priority = priority_for(category, anger, recurrent)
    assert priority in PRIORITIES
    assert priority != "low"


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("recurrent", [False, True])
def test_more_anger_never_lowers_the_priority(category, recurrent):
    ranks = [PRIORITIES.index(priority_for(category, level, recurrent)) for level in ANGER_LEVELS]
    assert ranks == sorted(ranks)


def test_an_unknown_category_or_anger_level_is_treated_as_ordinary_and_calm():
    assert priority_for("not_a_category", "calm") == "normal"
    assert priority_for("payment_failed", "seething") == "high"
