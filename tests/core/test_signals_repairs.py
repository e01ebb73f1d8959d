"""Misreadings a strangers' probe found (round 12): how a message is read, and what the plan does with it.

Each case is a shape of wording, in our own words: a number "found", someone else in the account, "back on my
card", "its X not Y", a repeat told in words, a replacement that also failed, "you should have my email", "theres
no order number" while the email is asked, "the only number i have", an item's basket, "not damaged".
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.signals import Signals, read
from calmdesk.conversation.wording_repairs import TOLD_REPEAT, negated, told_repeat
from calmdesk.understanding.category_cues import refine_category
from tests.core.test_signals import parse

ASKING_EMAIL = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="payment_failed",
                     complaint_seq=1)
ASKING_ORDER = State(stage="details", asking="order_number", asked={"order_number": 1}, category="delivery_problem",
                     complaint_seq=1)


def names(moves):
    return [m.name for m in moves]


@pytest.mark.parametrize("text", ["found it 5512-0098", "ah found it: 7731042", "found the number, its 5512-0098"])
def test_found_it_with_a_number_is_the_number_not_the_parcel(text):
    s = read(parse(text, "inform"), asking="order_number")
    assert not s.resolved_itself and s.order_numbers


@pytest.mark.parametrize("text", ["oh found it, it was behind the bins", "its turned up, found it in the porch"])
def test_found_it_without_a_number_is_still_the_parcel(text):
    assert read(parse(text, "other"), asking="customer_email").resolved_itself


@pytest.mark.parametrize("text", [
    "someone got into my account and ordered loads of stuff",
    "my account was hacked and they ordered a laptop",
    "there are orders on my account i didnt make",
    "somebody has been using my account to buy things",
    "unauthorised orders on my account!!",
])
def test_someone_else_in_the_account_is_an_account_problem_taken_over(text):
    s = read(parse(text, "delivery_problem", 0.5))
    assert s.taken_over and s.category == "account_access"
    assert reflect_problem(text, "account_access") == "someone getting into your account"


@pytest.mark.parametrize("text", ["i didnt order this kettle, wrong item came", "i cant get into my account"])
def test_a_wrong_item_or_a_lock_out_is_no_takeover(text):
    assert not read(parse(text, "damaged_or_wrong_item")).taken_over


def test_someone_in_the_account_hands_off_urgently_and_wants_no_remedy():
    s = Signals(text="they ordered stuff on my account", category="account_access", category_confidence=0.8,
                taken_over=True, remedy="expedited_reship")
    moves = plan(State(), s)
    assert names(moves) == ["start_complaint", "handoff"] and moves[-1].args == {"urgent": True}


@pytest.mark.parametrize("text", ["back on my card pls", "straight back to my bank please", "refunded to the original payment method"])
def test_money_back_where_it_came_from_is_the_refund(text):
    assert read(parse(text, "choose_remedy")).remedy == "refund"


def test_back_on_my_account_is_still_store_credit():
    assert read(parse("just put it back on my account", "choose_remedy")).remedy == "store_credit"


@pytest.mark.parametrize("text, kept", [
    ("wait no its A-5521 not A-5512 sorry", "A-5521"),
    ("not 7731042, its 7731024", "7731024"),
    ("7731042 was wrong, 7731024", "7731024"),
    ("i meant 7731024 instead of 7731042", "7731024"),
])
def test_its_x_not_y_keeps_x_as_a_correction(text, kept):
    s = read(parse(text, "inform"), asking="customer_email")
    assert s.order_numbers == (kept,) and s.correction and not s.another_order


def test_two_orders_both_kept_are_not_negated():
    assert not negated("orders 5512 and 5513 are both late", "5512")
    assert read(parse("orders 7731042 and 7731024 are both late", "delivery_problem")).order_numbers == ("7731042", "7731024")


def test_not_this_email_but_that_one():
    s = read(parse("not jo@work.example.com, its jo.b@home.example.com", "inform"))
    assert s.email == "jo.b@home.example.com" and s.correction


@pytest.mark.parametrize("text", [
    "once again the parcel is late", "yet again no delivery", "late, same as last month",
    "my subscription renewed itself. again. stop it", "the app logged me out AGAIN", "charged twice again!!",
    "the replacement you sent has also stopped working", "the new one has the same fault",
])
def test_a_repeat_told_in_words(text):
    assert TOLD_REPEAT.search(text)


@pytest.mark.parametrize("text", ["can you say that again", "please try again later", "i'd like to order again from you"])
def test_again_that_is_no_repeat(text):
    assert not TOLD_REPEAT.search(text)


@pytest.mark.parametrize("text", ["keeps saying my password is wrong but i reset it twice already",
                                  "ive called three times now and still no parcel", "i tried twice already"])
def test_trying_twice_to_fix_it_is_no_repeat(text):
    assert not told_repeat(text)


@pytest.mark.parametrize("text", ["its been late twice already", "ive been charged twice now this month",
                                  "this is the third time", "declined twice already, same card"])
def test_the_problem_twice_is_a_repeat(text):
    assert told_repeat(text)


@pytest.mark.parametrize("text", ["the replacement you sent for my kettle is broken too",
                                  "the replacement toaster they shipped has now also died",
                                  "the new one arrived cracked as well"])
def test_a_replacement_already_received_is_no_wish_for_one(text):
    assert read(parse(text, "product_defect")).remedy is None


def test_a_replacement_wished_for_is_still_read():
    assert read(parse("it's broken, send me a replacement please", "product_defect")).remedy == "replacement"
    assert read(parse("the new one is x@example.com", "inform")).remedy is None  # an email change, no remedy


@pytest.mark.parametrize("text", ["its the same email as my account, you should have it", "you must already have my email",
                                  "it's on the order, can't you see it?"])
def test_you_should_have_it_is_read_and_answered_kindly(text):
    s = read(parse(text, "inform"), asking="customer_email")
    assert s.assumed_known
    moves = plan(ASKING_EMAIL, s)
    assert names(moves) == ["not_visible", "continue"] and moves[0].args == {"detail": "customer_email"}


@pytest.mark.parametrize("text", ["theres no order number obviously because it failed", "there isnt an order number, it failed"])
def test_no_order_number_while_the_email_is_asked_is_about_the_order_number(text):
    moves = plan(ASKING_EMAIL, read(parse(text, "nlu_fallback", 0.4), asking="customer_email"))
    assert moves[0].name == "cannot_give" and moves[0].args == {"detail": "order_number"}


@pytest.mark.parametrize("text", ["thats the only number i have", "that's the only one i've got",
                                  "i only have the tracking number"])
def test_the_only_number_i_have_goes_on_without_the_order_number(text):
    moves = plan(ASKING_ORDER, read(parse(text, "inform"), asking="order_number"))
    assert moves[0].name == "cannot_give" and moves[0].args == {"detail": "order_number"}


def test_nothing_wanted_while_a_detail_is_asked_is_logged_for_the_team():
    s = read(parse("no i dont need anything, just tell your driver", "delivery_problem", 0.44), asking="order_number")
    assert names(plan(ASKING_ORDER, s))[0] == "decline_remedies"


def test_an_items_basket_is_not_the_shops_checkout():
    text = "bought the air fryer in may, the basket coating is peeling into the food"
    assert reflect_problem(text, "product_defect") == "the coating coming off your air fryer"
    assert reflect_problem("my air fryer basket cracked", "product_defect") != "the checkout failing just as you went to pay"
    assert reflect_problem("the app crashes when i open my basket", "payment_failed") == \
        "the checkout failing just as you went to pay"


@pytest.mark.parametrize("text", ["found my parcel in the wheelie bin, not damaged thank god",
                                  "they threw it over the gate, nothing was broken but still"])
def test_not_damaged_is_the_delivery(text):
    assert refine_category("damaged_or_wrong_item", text) == "delivery_problem"


def test_the_box_not_damaged_but_the_item_cracked_stays_damaged():
    assert refine_category("damaged_or_wrong_item", "box wasnt damaged but the vase inside is cracked") == \
        "damaged_or_wrong_item"
