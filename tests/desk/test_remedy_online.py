"""The policy's ``online`` variant: a fault in our app or website (calmdesk/desk/remedies.py).

It wins over the other variants when it applies: what fits an app crash (no
replacement, no refund of an order that does not exist) does not change with
the customer's mood or a repeat.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from calmdesk.desk.remedies import PolicyError, load_policy, parse_policy
from tests.desk.test_remedies import raw  # noqa: F401  (the small policy fixture)


def kinds(offers) -> list[str]:
    return [r.kind for r in offers]


@pytest.fixture
def with_online(raw) -> dict:  # noqa: F811
    raw["categories"]["damaged_or_wrong_item"].update({
        "online": {"offer": ["goodwill", "discount"], "labels": {"goodwill": "{currency}{amount} for the trouble"}},
        "angry": {"offer": ["refund", "replacement"]},
    })
    return raw


@pytest.mark.parametrize("recurrent, anger", [(False, "calm"), (False, "angry"), (True, "calm"), (True, "abusive")])
def test_online_wins_in_every_situation(with_online, recurrent, anger):
    policy = parse_policy(with_online, Path("p.yml"))
    assert policy.variant_for("damaged_or_wrong_item", recurrent=recurrent, anger=anger, online=True) == "online"
    offers = policy.offers_for("damaged_or_wrong_item", recurrent=recurrent, anger=anger, online=True)
    assert kinds(offers) == ["goodwill", "discount"]
    assert offers[0].label == "€10 for the trouble"


def test_not_online_the_other_variants_answer_as_before(with_online):
    policy = parse_policy(with_online, Path("p.yml"))
    assert kinds(policy.offers_for("damaged_or_wrong_item", anger="angry")) == ["refund", "replacement"]
    assert kinds(policy.offers_for("damaged_or_wrong_item")) == ["replacement", "refund", "store_credit"]


def test_a_category_without_an_online_variant_offers_its_own(with_online):
    policy = parse_policy(with_online, Path("p.yml"))
    assert kinds(policy.offers_for("billing_problem", online=True)) == ["refund", "store_credit"]


def test_an_online_variant_is_checked_like_any_other(raw):  # noqa: F811
    raw["categories"]["other"]["online"] = {"offer": ["teleport"]}
    with pytest.raises(PolicyError, match=r"categories\.other\.online\.offer"):
        parse_policy(raw, Path("p.yml"))


def test_the_shipped_policy_offers_nothing_to_replace_for_an_app_fault():
    policy = load_policy()
    offers = policy.offers_for("product_defect", online=True)
    assert {"replacement", "refund"}.isdisjoint(kinds(offers)) and offers
    for remedy in offers:
        assert "{" not in remedy.label and remedy.timeline
    assert kinds(policy.offers_for("product_defect"))[0] == "replacement"


def test_a_failed_checkout_promises_back_only_money_that_was_taken():
    policy = load_policy()
    assert policy.remedy("payment_failed", "refund", online=True).label == "any money taken returned to your account"
    assert policy.remedy("payment_failed", "refund").label == "the money returned to your account"
