"""Reading three things a strangers' probe got wrong: a partial refund, a discount code, a mistyped email domain."""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import ASKED_EMAIL_TYPO, State, plan
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.signals import Signals, read


def parse(text, intent="choose_remedy", confidence=0.6):
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}], "anger": {"level": "calm"}}


@pytest.mark.parametrize("text", [
    "just a partial refund is fine, i'll keep it",
    "can i keep it and get some money back",
    "refund half and ill keep the scratched one",
    "honestly id keep the lamp if you gave me half my money back",
])
def test_part_of_the_money_back_is_a_partial_refund_never_the_full_one(text):
    signals = read(parse(text))
    assert signals.remedy == "partial_refund" and "refund" not in signals.remedies_named
    assert signals.question is None  # "can i keep it ..." chooses, it asks nothing for the team


@pytest.mark.parametrize("text", [
    "a full refund please, i'll keep nothing",
    "i dont want to keep it, i want my money back",
    "they keep the money and never send anything, i want a refund",
])
def test_the_whole_money_back_is_still_the_refund(text):
    assert read(parse(text)).remedy == "refund"


@pytest.mark.parametrize("text, read_as", [
    ("my discount code didnt work at checkout", "payment_failed"),
    ("the promo code SAVE20 says invalid", "product_defect"),
    ("voucher code wont apply", "payment_failed"),
    ("paid full price because the coupon was rejected", "account_access"),
])
def test_a_code_that_did_not_come_off_is_a_billing_problem(text, read_as):
    assert read(parse(text, read_as, 0.45)).category == "billing_problem"
    assert reflect_problem(text, "billing_problem") == "your discount code not being applied"


@pytest.mark.parametrize("text, read_as", [
    ("the 2fa code isnt working", "account_access"),  # a log-in code, not a discount
    ("my account was hacked and someone used my voucher code", "account_access"),  # used, not refused
    ("my payment was declined at checkout", "payment_failed"),  # no code named
])
def test_no_discount_code_refused_no_move(text, read_as):
    assert read(parse(text, read_as, 0.45)).category == read_as


AFTER_TYPO = State(stage="remedy_offered", category="damaged_or_wrong_item", complaint_seq=1, order_number="5512034",
                   customer_email="bob@gmial.com", offered=("replacement", "refund", "store_credit"),
                   said_last=(ASKED_EMAIL_TYPO,))


def test_yes_or_no_to_did_you_mean_is_about_the_email_not_the_offer():
    assert [m.name for m in plan(AFTER_TYPO, Signals("yes", intent="affirm", affirm=True))] == ["email_typo", "continue"]
    moves = plan(AFTER_TYPO, Signals("no thats right", intent="deny", deny=True))
    assert [m.name for m in moves] == ["email_typo", "continue"] and moves[0].args == {"meant": False}


def test_a_new_address_or_anything_else_after_did_you_mean_goes_on_as_usual():
    new = plan(AFTER_TYPO, Signals("no its bob@gmail.com", intent="inform", deny=True, email="bob@gmail.com"))
    assert "email_typo" not in [m.name for m in new] and "keep_detail" in [m.name for m in new]
    later = State(**{**AFTER_TYPO.__dict__, "said_last": ("utter_offer_still_open",)})
    assert [m.name for m in plan(later, Signals("no", intent="deny", deny=True))] == ["decline_remedies", "continue"]


def test_at_the_offer_a_short_answer_in_the_offers_own_words_chooses_it():
    offer = State(stage="remedy_offered", category="billing_problem", complaint_seq=1, order_number="8812207",
                  offered=("refund", "discount"))
    moves = plan(offer, Signals("the new code please", intent="account_access", category="account_access",
                                category_confidence=0.46))
    assert [m.name for m in moves] == ["want_remedy", "continue"] and moves[0].args == {"kind": "discount"}


def test_a_code_told_as_the_second_problem_leaves_the_first_ones_category():
    text = "the lamp you sent flickers nonstop, plus my promo code never worked"
    assert read(parse(text, "product_defect", 0.7)).category == "product_defect"
