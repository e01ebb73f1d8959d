"""Strangers' probe 14: a second problem dropped, a safety risk not called out, categories and items misread.

"my parcel never came AND your password reset link just takes me to a blank page" filed only the log-in; "the tap leaks
and i was charged twice" only the charge; a long message with a torn sofa, a double charge and a person asked for only
the charge. "new hairdryer smells of burning" got no safety line. "never received my shoes" was a damaged item, "the
jumper shrank after one wash, <order>, <email>" no complaint at all, "refund me now ... never arrived" a refund,
"cancel my order ... still not here" a cancellation. "the oven glove" was said back as "your oven", "the wireless
charger" as "a battery". The wordings below are our own.
"""
from __future__ import annotations

import numpy as np
import pytest

from calmdesk.conversation.main_problem import CategoryHead, separate_problems, states_fault
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.reflect import item_named, reflect_problem
from calmdesk.conversation.safety import safety_risk
from calmdesk.conversation.signals import read
from calmdesk.understanding.category_cues import refine_category

TOPICS = {
    "delivery_problem": ("parcel", "came", "arrived", "turned up", "headphones"),
    "account_access": ("password", "reset", "log in", "login"),
    "billing_problem": ("charged", "billed", "twice", "payment"),
    "damaged_or_wrong_item": ("sofa", "tear", "torn", "stain", "rug"),
    "product_defect": ("tap", "leaks", "dripping"),
    "other": (),
}
CLASSES = list(TOPICS)


def encode(parts):
    """Key words stand in for the sentence encoder: one dimension per category."""
    return np.array([[sum(p.lower().count(w) for w in TOPICS[c]) for c in CLASSES] for p in parts], dtype=float)


HEAD = CategoryHead.train(np.vstack([np.eye(len(CLASSES))[:-1], 2 * np.eye(len(CLASSES))[:-1], np.zeros((2, len(CLASSES)))]),
                          CLASSES[:-1] * 2 + ["other"] * 2)


def told(text):
    return [(p["category"], p["text"]) for p in separate_problems(text, encode, HEAD)]


@pytest.mark.parametrize("text, first, second", [
    ("my parcel never came AND your password reset link just takes me to a blank page",
     "my parcel never came", "your password reset link just takes me to a blank page"),
    ("the kitchen tap leaks and i was billed twice for it", "the kitchen tap leaks", "i was billed twice for it"),
    ("the headphones never turned up and i cant log in to see the order", "the headphones never turned up",
     "i cant log in to see the order"),
])
def test_two_faults_joined_by_a_plain_and_are_both_heard(text, first, second):
    assert [t for _, t in told(text)] == [first, second]
    assert len({c for c, _ in told(text)}) == 2


def test_in_a_run_on_message_each_fault_is_its_own_clause_the_first_told_first():
    text = ("so the sofa you sent on friday has a tear along the arm which i only spotted after the men left, and i rang "
            "your line all week for nothing, and then my bank app showed you charged me twice, 640 each. order 5521-S. "
            "i want someone senior on this")
    assert told(text) == [
        ("damaged_or_wrong_item", "so the sofa you sent on friday has a tear along the arm which i only spotted after "
                                  "the men left"),
        ("billing_problem", "my bank app showed you charged me twice")]


@pytest.mark.parametrize("text", [
    "the parcel is late again and i couldn't use my delivery pass",  # what the first fault cost them
    "the rug came with a stain and i had to send it back",            # no second fault
])
def test_what_the_first_fault_cost_them_is_no_second_problem(text):
    assert told(text) == []


def test_a_feeling_about_a_fault_is_no_fault_of_its_own():
    # "cannot believe this, stayed up for the sale and then my payment got rejected": one problem, the payment
    assert not states_fault("cannot believe this, stayed up for the sale")
    assert not states_fault("not happy with the parcel at all")
    assert states_fault("my payment got rejected at checkout") and states_fault("the parcel never came")


@pytest.mark.parametrize("text", [
    "new hairdryer smells of burning every time i switch it on. #K-20931",
    "theres a burning smell from the fan heater after ten minutes",
    "the dehumidifier drips water right next to the wall socket",
    "water runs out the bottom and it nearly went into the plug socket which is frankly scary",
    "the plug gets really hot whenever the kettle is on",
    "my laptop battery has swollen and the case is bulging",
])
def test_a_hazard_told_calmly_is_a_safety_risk(text):
    assert safety_risk(text)


@pytest.mark.parametrize("text", [
    "the kettle leaks a bit from the spout", "the coffee tastes burnt", "the charger is hot pink not black",
    "the dishwasher leaks onto the floor", "my plug in air freshener stopped working", "the rug arrived soaked",
])
def test_a_fault_with_no_hazard_is_no_safety_risk(text):
    assert not safety_risk(text)


@pytest.mark.parametrize("category, text, filed_as", [
    ("damaged_or_wrong_item", "never got my trainers, order 5531-008", "delivery_problem"),
    ("damaged_or_wrong_item", "ordered a fleece as a guest and it never turned up", "delivery_problem"),
    ("product_defect", "the sandals i bought last month still havent arrived", "delivery_problem"),
    ("refund_request", "refund me today or i go to my bank, parcel 7741-004 never arrived", "delivery_problem"),
    ("refund_request", "give me my money back, the parcel never turned up", "delivery_problem"),
    ("cancellation", "just cancel the order, its been a month and its still not here", "delivery_problem"),
    ("damaged_or_wrong_item", "the umbrella snapped the first time i used it", "product_defect"),
    ("damaged_or_wrong_item", "the jumper shrank after one wash", "product_defect"),
])
def test_what_went_wrong_decides_the_category_not_the_item_or_the_wish(category, text, filed_as):
    assert refine_category(category, text) == filed_as


@pytest.mark.parametrize("category, text", [
    ("damaged_or_wrong_item", "one of the three mugs never arrived"),          # part of the order: incomplete
    ("damaged_or_wrong_item", "the lamp arrived smashed"),
    ("refund_request", "i want my refund, it still hasnt arrived"),            # "it" is the refund
    ("refund_request", "i sent the boots back a month ago and the refund still hasnt come"),
    ("cancellation", "i tried to cancel but it still hasnt arrived and i was charged"),
    ("cancellation", "the cancellation confirmation email never came"),
    ("product_defect", "i won the car in the casino but never received it in my garage"),  # digital, not a parcel
    ("damaged_or_wrong_item", "the mug cracked the first time i used it, and it came with a chip"),
])
def test_no_move_when_the_words_say_otherwise(category, text):
    assert refine_category(category, text) == category


def _parse(text, intent, confidence, ranking=None, problems=None):
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}, *(ranking or [])],
            "anger": {"level": "calm"}, **({"problems": problems} if problems else {})}


def test_a_fault_told_with_every_detail_is_a_complaint_even_when_read_as_details():
    text = "the cardigan shrank after a single wash, 6620-331, ana.k@example.com"
    signals = read(_parse(text, "inform", 0.86, [{"name": "product_defect", "confidence": 0.06}]))
    assert signals.category == "product_defect"
    assert [m.name for m in plan(State(), signals)][0] == "start_complaint"
    plain = read(_parse("its 6620-331, ana.k@example.com", "inform", 0.86, [{"name": "product_defect", "confidence": 0.06}]))
    assert plain.category is None, "details alone are still no complaint"


def _two(first, second, intent, confidence, then=""):
    """A message telling two problems, as the main-problem component hands them over (``(category, text)`` each)."""
    problems = [{"category": category, "confidence": 0.8, "text": text} for category, text in (first, second)]
    return read(_parse(f"{first[1]} and {second[1]}{then}", intent, confidence, problems=problems))


def test_each_problem_told_is_read_by_the_taxonomy_and_the_first_is_said_back_in_its_own_words():
    # the whole message read as the first part was (a faulty product), before the taxonomy's words moved that part
    signals = _two(("product_defect", "the headphones never turned up"), ("account_access", "i cant log in to check"),
                   "product_defect", 0.77)
    assert signals.category == "delivery_problem"
    assert signals.first_problem == "the headphones never turned up"
    assert [p["category"] for p in signals.more_problems] == ["account_access"]


def test_a_vague_whole_message_reading_gives_way_to_the_problems_told():
    signals = _two(("damaged_or_wrong_item", "the wardrobe door arrived split"), ("billing_problem", "you charged me twice"),
                   "other", 0.9, then=", honestly the worst")
    assert signals.category == "damaged_or_wrong_item"
    assert [p["category"] for p in signals.more_problems] == ["billing_problem"]


def test_a_person_asked_for_with_two_problems_gets_both_on_the_case_before_the_handoff():
    signals = _two(("damaged_or_wrong_item", "the sofa has a tear"), ("billing_problem", "you charged me twice"),
                   "request_human", 0.9, then=", i want a manager")
    moves = plan(State(), signals)
    assert [m.name for m in moves] == ["start_complaint", "more_problems", "handoff"]
    assert moves[1].args["for_person"] is True


@pytest.mark.parametrize("text, item", [
    ("the oven glove has a burn hole in it", "oven glove"),
    ("my sofa cover ripped the first time i washed it", "sofa cover"),
    ("the umbrella snapped in the wind", "umbrella"),
    ("it arrived broken, will you cover the postage", None),  # "cover" alone is a verb here
])
def test_the_thing_named_is_the_thing_said_back(text, item):
    assert item_named(text) == item


@pytest.mark.parametrize("text, category, phrase, wrong", [
    ("the oven glove has a burn hole in it", "product_defect", "a burn hole in your oven glove", "overheating"),
    ("the wireless charger only works at one angle", "product_defect", "your charger not charging properly", "battery"),
    ("the umbrella snapped first gust of wind", "product_defect", "your umbrella breaking so soon", "order"),
    ("the jumper shrank after one wash", "product_defect", "your jumper shrinking like that", "isn't working"),
    ("the tap leaks and i was charged twice", "product_defect", "your tap leaking", "charging"),
    ("never got my trainers", "delivery_problem", "a pair of trainers that still hasn't arrived", "went wrong"),
    ("the water drips out the bottom", "product_defect", "a product that isn't working as it should", "order"),
])
def test_the_reflection_names_what_happened_to_what(text, category, phrase, wrong):
    said = reflect_problem(text, category)
    assert said == phrase and wrong not in said
