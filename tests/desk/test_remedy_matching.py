"""How a typed answer picks one of the offered remedies (calmdesk/desk/remedy_matching.py)."""
from __future__ import annotations

import pytest

from calmdesk.desk.remedy_matching import match_remedy


OFFERED = ["refund", "store_credit"]


@pytest.mark.parametrize(
    "text, offered, expected",
    [
        ("refund please", OFFERED, "refund"),
        ("I'd like my money back", OFFERED, "refund"),
        ("the credit", OFFERED, "store_credit"),
        ("a voucher is fine", OFFERED, "store_credit"),
        ("STORE CREDIT", OFFERED, "store_credit"),
        ("a new one", ["replacement", "refund"], "replacement"),
        ("can you just exchange it", ["replacement", "refund", "store_credit"], "replacement"),
        ("express delivery please", ["expedited_reship", "refund", "store_credit"], "expedited_reship"),
        ("the discount please", ["store_credit", "discount", "goodwill"], "discount"),
        ("some compensation would be nice", ["goodwill", "discount"], "goodwill"),
    ],
)
def test_a_remedy_named_in_words_is_picked(text, offered, expected):
    assert match_remedy(text, offered) == expected


@pytest.mark.parametrize("offered", [["store_credit", "goodwill"], ["goodwill", "store_credit"]])
def test_the_longest_name_wins(offered):
    # "credit" alone names store credit, but "goodwill credit" is the goodwill gesture
    assert match_remedy("the goodwill credit please", offered) == "goodwill"
    assert match_remedy("store credit", offered) == "store_credit"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the first one", "goodwill"),
        ("1st", "goodwill"),
        ("the top one", "goodwill"),
        ("1", "goodwill"),
        (" 2 ", "discount"),
        ("the second", "discount"),
        ("the middle one", "discount"),
        ("3", "store_credit"),
        ("the third option", "store_credit"),
        ("the last one", "store_credit"),
        ("the final one", "store_credit"),
    ],
)
def test_a_remedy_picked_by_position_is_the_offered_one_at_that_position(text, expected):
    assert match_remedy(text, ["goodwill", "discount", "store_credit"]) == expected


def test_the_last_one_depends_on_what_was_offered():
    assert match_remedy("the last one", ["refund", "store_credit"]) == "store_credit"
    assert match_remedy("the last one", ["store_credit", "refund"]) == "refund"


def test_a_position_past_the_end_of_the_offer_picks_nothing():
    assert match_remedy("3", OFFERED) is None
    assert match_remedy("the third one", OFFERED) is None


def test_a_name_beats_a_position():
    assert match_remedy("the first one, the refund", ["store_credit", "refund"]) == "refund"


@pytest.mark.parametrize(
    "text, offered",
    [
        ("refund please", ["goodwill", "discount"]),
        ("a new one", OFFERED),
        ("store credit", ["refund", "replacement"]),
        ("goodwill credit", ["refund"]),
        ("refund", []),
    ],
)
def test_a_remedy_that_was_not_offered_is_never_returned(text, offered):
    assert match_remedy(text, offered) is None


def test_when_the_longer_name_is_not_on_offer_the_offered_one_is_picked():
    # goodwill is not offered here, so "the goodwill credit" can only mean the store credit
    assert match_remedy("the goodwill credit", ["store_credit", "refund"]) == "store_credit"


@pytest.mark.parametrize("text", ["maybe", "hmm not sure", "yes", "what are my options?", "12", "", None])
def test_an_unclear_answer_picks_nothing(text):
    assert match_remedy(text, OFFERED) is None


@pytest.mark.parametrize("text, offered, expected", [
    ("i dont want store credit, the refund", ["refund", "store_credit"], "refund"),
    ("not the credit", ["store_credit", "discount"], None),
    ("just send it again", ["expedited_reship", "refund"], "expedited_reship"),
])
def test_a_remedy_turned_down_is_not_picked(text, offered, expected):
    assert match_remedy(text, offered) == expected


def test_a_kind_not_on_offer_means_the_one_customers_call_the_same():
    from calmdesk.desk.remedy_matching import closest_offered

    assert closest_offered("expedited_reship", ["replacement", "refund"]) == "replacement"
    assert closest_offered("replacement", ["expedited_reship", "refund"]) == "expedited_reship"
    assert closest_offered("goodwill", ["refund", "store_credit"]) == "store_credit"  # "some compensation"
    # store credit named outright is not swapped for a (smaller) goodwill credit: said not to be on offer
    assert closest_offered("store_credit", ["goodwill", "discount"]) == "store_credit"
    assert closest_offered("refund", ["goodwill", "discount"]) == "refund"
    assert closest_offered("refund", ["refund"]) == "refund"


@pytest.mark.parametrize("text, offered, expected", [
    ("the credit is fine", ["goodwill", "discount"], "goodwill"),   # the offer's own word
    ("store credit please", ["goodwill", "discount"], None),        # not on offer, not swapped
    ("put it on my credit card", ["goodwill", "refund"], None),     # a card is no credit
])
def test_credit_alone_is_the_goodwill_credit_when_that_is_the_credit_on_offer(text, offered, expected):
    assert match_remedy(text, offered) == expected
