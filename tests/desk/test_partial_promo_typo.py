"""The desk side of three probe faults: the typo rule for email domains, the code offer, a partial refund's kind."""
from __future__ import annotations

import pytest

from calmdesk.desk.details import likely_meant
from calmdesk.desk.remedies import load_policy
from calmdesk.desk.remedy_matching import PARTIAL_REFUND, closest_offered, match_remedy


@pytest.mark.parametrize("typed, meant", [
    ("jane@exmaple.com", "jane@example.com"),
    ("bob@gmial.com", "bob@gmail.com"),
    ("sue@hotmial.co.uk", "sue@hotmail.co.uk"),
    ("x@gmail.con", "x@gmail.com"),
    ("ann@outlok.com", "ann@outlook.com"),
    ("ann@yahooo.com", "ann@yahoo.com"),
])
def test_one_slip_from_a_common_domain_is_taken_for_it(typed, meant):
    assert likely_meant(typed) == meant


@pytest.mark.parametrize("address", [
    "jane@example.com", "bob@gmail.com", "kim@acme-tools.co.uk", "pat@mail.com", "lee@ymail.com", "joe@email.com",
    "ray@me.com", None, "not an email",
])
def test_a_common_or_real_domain_or_one_far_from_any_is_left_alone(address):
    assert likely_meant(address) is None


def test_a_code_that_did_not_come_off_is_offered_the_code_honoured_whatever_the_mood():
    policy = load_policy()
    for situation in ({}, {"recurrent": True}, {"anger": "angry"}):
        offers = policy.offers_for("billing_problem", code=True, **situation)
        assert [r.kind for r in offers] == ["refund", "discount"]
        assert "code" in offers[0].label and "code" in offers[1].label
    assert policy.offers_for("billing_problem")[0].label == "a refund of the wrong charge"  # no code: as before


def test_a_partial_refund_is_the_money_off_remedy_where_offered_and_never_the_full_refund():
    assert closest_offered(PARTIAL_REFUND, ["goodwill", "discount"]) == "discount"
    assert closest_offered(PARTIAL_REFUND, ["replacement", "refund", "store_credit"]) == PARTIAL_REFUND
    assert match_remedy("the new code please", ["refund", "discount"]) == "discount"
    assert match_remedy("just honour the code", ["refund", "discount"]) == "refund"
