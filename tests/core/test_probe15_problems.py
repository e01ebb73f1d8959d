"""Strangers' probe 15, items 2 and 6: a problem told while a complaint is open, and a corrected reading.

"and the second one, A-1190, came but the mug inside was snapped" was taken as a correction of the first order's
number; the missing parcel told after "it hung up on me" was offered goodwill for being hung up on; "I PAID EXTRA FOR
NEXT DAY" stayed "a fee you weren't told about"; "no its not broken or anything, its the wrong colour" got "you're
right to be upset" and was never said back. The wordings below are our own.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.problem_told import corrected_words, refined_description, reread_description
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.signals import read
from calmdesk.understanding.category_cues import refine_category


def parse(text, intent, confidence=0.9, anger="calm", **ranking):
    ranking = [{"name": intent, "confidence": confidence}] + [{"name": k, "confidence": v} for k, v in ranking.items()]
    return read({"text": text, "intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking,
                 "anger": {"level": anger}})


def names(moves):
    return [m.name for m in moves]


FIRST_ORDER_OPEN = State(stage="details", asking="customer_email", asked={"customer_email": 1},
                         category="delivery_problem", complaint_seq=1, order_number="A-1102")


@pytest.mark.parametrize("text", [
    "and the second one, A-1190, came but the mug inside was snapped at the handle",
    "the vase from 4471-305 arrived smashed to bits",
    "and my other parcel 4471-305 arrived with the vase in pieces",
])
def test_another_order_with_its_own_fault_is_its_own_case_and_the_first_keeps_its_order(text):
    moves = plan(FIRST_ORDER_OPEN, parse(text, "damaged_or_wrong_item", 0.9))
    assert names(moves)[0] == "second_complaint", moves
    kept = [m.args["value"] for m in moves if m.name == "keep_detail" and m.args["detail"] == "order_number"]
    assert kept and "A-1102" not in kept[0], "the new order goes on the new case only, not joined to the first"


def test_the_second_one_named_is_another_order_not_a_correction_of_the_first():
    moves = plan(FIRST_ORDER_OPEN, parse("and the second one, A-1190, never came either", "delivery_problem", 0.9))
    assert {"detail": "order_number", "value": "A-1102, A-1190"} in [m.args for m in moves if m.name == "keep_detail"]


def test_a_changed_order_number_with_the_same_kind_of_fault_is_still_a_correction():
    moves = plan(FIRST_ORDER_OPEN, parse("sorry wrong number, its A-1190 and it arrived cracked", "damaged_or_wrong_item"))
    assert "second_complaint" not in names(moves)


@pytest.mark.parametrize("first, told", [
    ("staff_complaint", "right. parcel 5530-221 never arrived, it was my daughters birthday present, p.nair@example.com"),
    ("staff_complaint", "anyway my parcel 6620-118 never showed up. r.okafor@example.com. send it again express"),
    ("billing_problem", "ok. order N-33019, turned up 4 days later. liz.w@example.com"),
])
def test_the_whole_story_with_its_details_after_a_first_reading_with_none_becomes_the_case(first, told):
    state = State(stage="details", asking="customer_email", asked={"customer_email": 2}, category=first, complaint_seq=1)
    moves = plan(state, parse(told, "delivery_problem", 0.45))
    assert moves[0].name == "refine_complaint" and moves[0].args["category"] == "delivery_problem", moves


def test_a_different_problem_without_details_while_one_is_open_does_not_take_over():
    state = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="staff_complaint",
                  complaint_seq=1)
    moves = plan(state, parse("and the site is rubbish too", "service_outage", 0.7))
    assert "refine_complaint" not in names(moves)


def test_the_real_problem_keeps_the_first_words_on_the_case_but_a_rant_is_dropped():
    told = "parcel 5530-221 never arrived"
    assert refined_description(told, "40 minutes on hold and it hung up on me", "staff_complaint") \
        == "parcel 5530-221 never arrived Said first: 40 minutes on hold and it hung up on me"
    assert refined_description(told, "WHAT A JOKE", "other") == told


@pytest.mark.parametrize("text", ["I PAID EXTRA FOR NEXT DAY", "paid for express and it took a week"])
def test_paying_for_a_faster_delivery_is_the_delivery_not_a_fee(text):
    assert refine_category("billing_problem", text) == "delivery_problem"
    assert "fee" not in reflect_problem(text, "delivery_problem")


def test_a_hidden_fee_for_next_day_stays_billing():
    assert refine_category("billing_problem", "you charged me extra for next day without telling me") == "billing_problem"


@pytest.mark.parametrize("text, meant", [
    ("no its not broken or anything, its the wrong colour. i ordered navy and got bright red",
     "its the wrong colour. i ordered navy and got bright red"),
    ("no, not charged twice, you charged the wrong amount. 59 instead of 39", "you charged the wrong amount. 59 instead of 39"),
    ("well not late exactly, tracking says delivered yesterday but its not here",
     "tracking says delivered yesterday but its not here"),
    ("nah it isnt damaged as such, wanted a medium got an xl", "wanted a medium got an xl"),
    ("its not late, it never came at all", "it never came at all"),
])
def test_a_correction_of_the_reading_gives_what_is_meant(text, meant):
    assert corrected_words(text) == meant


@pytest.mark.parametrize("text", ["no not that one, the other one", "no thats not good enough", "no its still not here",
                                  "no", "im not happy, it came broken", "no, i didnt get it"])
def test_no_correction_where_no_reading_is_put_right(text):
    assert corrected_words(text) is None


@pytest.mark.parametrize("first, text, intent, category, said", [
    ("the dress i got is all wrong", "no its not broken or anything, its the wrong colour. i ordered navy and got "
     "bright red", "damaged_or_wrong_item", "damaged_or_wrong_item", "your dress coming in bright red instead of navy"),
    ("my card was charged wrong", "no, not charged twice, you charged the wrong amount. 59 instead of 39",
     "billing_problem", "billing_problem", "being charged more than you should have been"),
    ("my parcel is late, order 8121-607", "well not late exactly, tracking says delivered yesterday but its not here",
     "delivery_problem", "delivery_problem", "your order showing as delivered when it never reached you"),
    ("the kettle arrived damaged", "its not damaged, it just stopped working after a week", "product_defect",
     "product_defect", "a kettle that stopped working"),
])
def test_a_corrected_reading_is_re_read_said_back_and_described_without_the_denied_words(first, text, intent, category,
                                                                                         said):
    state = State(stage="details", asking="order_number", asked={"order_number": 1}, category="damaged_or_wrong_item"
                  if "dress" in first or "kettle" in first else category, complaint_seq=1)
    moves = plan(state, parse(text, intent, 0.9))
    assert moves[0].name == "reread_problem" and moves[0].args["category"] == category, moves
    assert "vent" not in names(moves)
    description = reread_description(text, first)
    assert reflect_problem(description, category) == said
    assert "twice" not in description and "late" not in description.split(":")[-1]


def test_a_corrected_order_number_with_a_thing_named_but_no_fault_is_no_second_case():
    state = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="billing_problem",
                  complaint_seq=1, order_number="MX-3310")
    moves = plan(state, parse("ugh sorry, MX-3130, i need my glasses", "damaged_or_wrong_item", 0.7))
    assert "second_complaint" not in names(moves)
    assert {"detail": "order_number", "value": "MX-3130"} in [m.args for m in moves if m.name == "keep_detail"]


OFFER = State(stage="remedy_offered", category="delivery_problem", complaint_seq=1, order_number="8121-607",
              customer_email="a@example.com", offered=("expedited_reship", "refund"))


def test_at_the_offer_a_corrected_reading_is_re_read_but_a_remedy_turned_down_is_not():
    moves = plan(OFFER, parse("its not late, it never came at all, tracking says delivered", "delivery_problem"))
    assert names(moves)[0] == "reread_problem" and "decline_remedies" not in names(moves)
    moves = plan(OFFER, parse("no, not the refund, i want it to actually turn up", "choose_remedy", 0.8,
                              delivery_problem=0.1))
    assert "reread_problem" not in names(moves)


@pytest.mark.parametrize("text", ["its not fair, the parcel never came", "its not on, you lot are useless",
                                  "it is not acceptable, the box was crushed"])
def test_a_complaint_about_fairness_is_no_correction(text):
    assert corrected_words(text) is None


def test_the_first_words_kept_on_the_case_are_not_said_back_as_the_problem():
    description = refined_description("parcel 5530-221 never arrived, p.nair@example.com",
                                      "40 minutes on your phone line and then it hung up on me", "staff_complaint")
    assert "phone" not in reflect_problem(description, "delivery_problem")
