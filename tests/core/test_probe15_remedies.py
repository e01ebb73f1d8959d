"""Round-15 strangers' probe: a wish at the offer that is more than one remedy on offer (calmdesk.conversation
.bargaining), a review threatened that is no goodbye, and sarcasm at the offer. Without false positives: "a refund,
or a replacement if not" is still a choice, an amount within the offer is simply the choice.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.bargaining import Bargain, asks_more, said_back, settle
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import is_leaving, read, remedy_mentions
from calmdesk.desk.remedies import Remedy
from tests.core.test_probe14_details_remedies import names
from tests.core.test_signals import parse

REPLACEMENT = Remedy("replacement", "a replacement, sent out today", "ships tomorrow")
REFUND = Remedy("refund", "a full refund", "3–5 working days")
STORE_CREDIT = Remedy("store_credit", "€20 store credit", "24 hours", amount=20, unit="currency")
GOODWILL = Remedy("goodwill", "a €10 goodwill credit", "24 hours", amount=10, unit="currency")
DISCOUNT = Remedy("discount", "15% off your next order", "within the hour", amount=15, unit="percent")
DAMAGED = (REPLACEMENT, REFUND, STORE_CREDIT)
LOCKED_OUT = (GOODWILL, DISCOUNT)


def settled(text: str, offered) -> Bargain | None:
    return settle(*remedy_mentions(text), offered)


@pytest.mark.parametrize("text, between", [
    ("can i have both a refund and a replacement? ive wasted a whole evening on this", ("refund", "replacement")),
    ("could i get my money back AND a new one", ("refund", "replacement")),
    ("replacement plus refund", ("replacement", "refund")),
    ("id like a refund as well as store credit", ("refund", "store_credit")),
    ("can i have both?", ("replacement", "refund", "store_credit")),
    ("all of them please", ("replacement", "refund", "store_credit")),
])
def test_remedies_on_offer_asked_for_together_are_one_of_them_which(text, between):
    assert settled(text, DAMAGED) == Bargain(between=between)


@pytest.mark.parametrize("text, take, beyond", [
    ("i want a refund AND compensation for my time", "refund", "compensation for my time"),
    ("i want my money back plus free delivery for a year", "refund", "free delivery for a year"),
    ("a replacement and free shipping for life", "replacement", "free shipping for life"),
    ("send a new one and free shipping for life for this", "replacement", "free shipping for life"),
    ("refund + some compensation for the hassle", "refund", "compensation for the hassle"),
])
def test_the_remedy_on_offer_is_taken_and_the_rest_kept_for_the_team(text, take, beyond):
    assert settled(text, DAMAGED) == Bargain(take=take, beyond=beyond)


@pytest.mark.parametrize("text, offered, beyond", [
    ("I want 200 euro store credit or Im leaving a 1 star review everywhere", LOCKED_OUT, "200 euro store credit"),
    ("€50 store credit", DAMAGED, "€50 store credit"),
    ("store credit of 75 quid", DAMAGED, "store credit of 75 quid"),
    ("i want 40% off", LOCKED_OUT, "40% off"),
    ("£30 goodwill credit", LOCKED_OUT, "£30 goodwill credit"),
])
def test_an_amount_above_the_offer_or_outside_it_is_the_teams_not_swapped(text, offered, beyond):
    assert settled(text, offered) == Bargain(beyond=beyond)


@pytest.mark.parametrize("text, offered", [
    ("a refund, or a replacement if not", DAMAGED),          # alternatives: the usual choice (the first)
    ("refund please", DAMAGED),
    ("€20 store credit is fine", DAMAGED),                   # within the offer
    ("10% off then", LOCKED_OUT),
    ("a free express re-delivery please", (Remedy("expedited_reship", "a free express re-delivery", "tomorrow"),)),
    ("refund, actually no wait, a replacement", DAMAGED),     # a change of mind
    ("if i take the refund do i get the delivery charge back too?", DAMAGED),
])
def test_a_plain_choice_is_no_bargain(text, offered):
    words, mentions = remedy_mentions(text)
    assert settled(text, offered) is None
    if "€20" not in text and "10%" not in text:
        assert not asks_more(words, mentions)


def test_nothing_of_it_on_offer_goes_the_usual_way():
    # neither a refund nor a replacement is offered for a lock-out: "that isn't something I can offer"
    assert settled("a refund and a replacement", LOCKED_OUT) is None


def test_a_wish_is_said_back_in_the_customers_own_terms():
    assert said_back("compensation for my time") == "compensation for your time"
    assert said_back("free shipping on my next order") == "free shipping on your next order"


@pytest.mark.parametrize("text, leaving", [
    ("I want 200 euro store credit or Im leaving a 1 star review everywhere", False),
    ("im leaving you a bad review", False),
    ("im off to leave a trustpilot review", False),
    ("im leaving", True),
    ("ok im off, bye", True),
    ("im done. bye", True),
])
def test_leaving_a_review_is_not_leaving(text, leaving):
    assert is_leaving(text) is leaving


AT_THE_OFFER = State(stage="remedy_offered", category="damaged_or_wrong_item", complaint_seq=1, order_number="2290-118",
                     customer_email="jo.p@example.com", offered=("replacement", "refund", "store_credit"))


@pytest.mark.parametrize("text, intent", [
    ("can i have both a refund and a replacement? ive wasted a whole evening on this", "choose_remedy"),
    ("i want a refund AND compensation for my time", "choose_remedy"),
    ("I want 200 euro store credit or Im leaving a 1 star review everywhere", "vent"),
    ("money back plus free delivery for a year", "other"),
])
def test_at_the_offer_such_a_wish_is_weighed_not_chosen(text, intent):
    moves = names(plan(AT_THE_OFFER, read(parse(text, intent, 0.7))))
    assert moves == ["bargain", "continue"], moves


@pytest.mark.parametrize("text", ["thanks for nothing", "wow thanks a lot for nothing", "is that it?"])
def test_sarcasm_at_the_offer_puts_the_offer_again_once_without_a_vent_reply(text):
    moves = names(plan(AT_THE_OFFER, read(parse(text, "vent", 0.6, anger="frustrated"))))
    assert moves == ["offer_again", "continue"], moves


def test_sarcasm_with_leaving_still_leaves():
    moves = names(plan(AT_THE_OFFER, read(parse("oh wow a voucher how generous. cant do this now, back later", "vent"))))
    assert "leave" in moves and "offer_again" not in moves, moves
