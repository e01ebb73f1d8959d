"""Probe 14 through action_turn: both of two problems heard, a hazard called out, the category and the item right.

Each case is the shape of a message the bot got wrong, in our own words: a missing parcel and a broken password reset
joined by "AND" (only the reset was heard), a leaking tap and a double charge, a run-on message with a torn sofa, a
double charge and a person asked for; a burning smell and water at a socket with no safety line; a parcel that never
came filed as a damaged item, a refund or a cancellation; a shrunk jumper told with every detail taken for no
complaint at all; an oven glove said back as an oven, a charger as a battery, a snapped umbrella as an order that
arrived damaged.
"""
from __future__ import annotations

import pytest

from calmdesk.desk import tickets
from tests.actions.conftest import Chat

PARCEL_AND_RESET = [
    {"category": "delivery_problem", "confidence": 0.93, "text": "my parcel never came"},
    {"category": "account_access", "confidence": 0.92, "text": "your password reset link just opens a blank page"}]


def test_a_missing_parcel_and_a_broken_reset_in_one_message_are_both_heard_one_after_the_other(domain, engine):
    chat = Chat(domain)
    said = chat.say("my parcel never came AND your password reset link just opens a blank page", "account_access",
                    confidence=0.67, problems=PARCEL_AND_RESET)
    assert said[0].startswith("utter_acknowledge") and "utter_more_problems_noted" in said, said
    assert "arrived" in chat.texts[0] and "password" not in chat.texts[0]
    assert "password reset" in chat.texts[said.index("utter_more_problems_noted")]
    assert said[-1].startswith("utter_ask_order_number"), said
    assert chat.ticket["category"] == "delivery_problem"
    chat.say("5531-774", "inform")
    said = chat.say("ola.k@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    said = chat.say("refund please", "choose_remedy")
    assert "utter_now_the_next_problem" in said, said
    by_seq = {t["complaint_seq"]: t for t in tickets.list_tickets(engine)}
    assert by_seq[1]["category"] == "delivery_problem" and by_seq[2]["category"] == "account_access"


def test_the_first_of_two_problems_is_said_back_in_its_own_words(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "product_defect", "confidence": 0.54, "text": "the bathroom tap leaks"},
                {"category": "billing_problem", "confidence": 0.96, "text": "i was charged twice for it"}]
    said = chat.say("the bathroom tap leaks and i was charged twice for it", "billing_problem", confidence=0.49,
                    problems=problems)
    assert "tap leaking" in chat.texts[0] and "charg" not in chat.texts[0], chat.texts[0]
    assert "charged twice" in chat.texts[said.index("utter_more_problems_noted")]
    assert chat.ticket["category"] == "product_defect"


RUN_ON = ("so the sofa you sent on friday has a tear along the arm which i only spotted after the men left, and i rang your "
          "line all week for nothing, and then my bank app showed you charged me twice, 640 each. order 5521-S. i want "
          "someone senior on this")


def test_a_run_on_message_with_two_faults_and_a_person_asked_for_puts_both_on_the_case(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "damaged_or_wrong_item", "confidence": 0.66,
                 "text": "so the sofa you sent on friday has a tear along the arm which i only spotted after the men left"},
                {"category": "billing_problem", "confidence": 0.75, "text": "my bank app showed you charged me twice"}]
    said = chat.say(RUN_ON, "request_human", confidence=0.6, problems=problems)
    assert said[0].startswith("utter_acknowledge") and "sofa" in chat.texts[0], chat.texts
    assert "utter_more_problems_for_person" in said, said
    assert "charged twice" in chat.texts[said.index("utter_more_problems_for_person")]
    assert said[-1].startswith("utter_handoff"), said
    ticket = chat.ticket
    assert ticket["category"] == "damaged_or_wrong_item" and ticket["handoff"] is True
    assert "Also mentioned: my bank app showed you charged me twice" in ticket["description"]
    assert not chat.slots.get("pending_problems"), "the person takes both; nothing waits for the bot"


@pytest.mark.parametrize("text", [
    "new hair dryer smells of burning each time i turn it on, order 7741-020",
    "the dehumidifier drips water right next to the wall socket, order 5530-212",
])
def test_a_hazard_told_calmly_gets_the_safety_line_first(domain, engine, text):
    chat = Chat(domain)
    said = chat.say(text, "product_defect", anger="calm")
    assert said[:2] == ["utter_acknowledge_calm", "utter_safety_first"], said


def test_a_leak_with_no_hazard_gets_no_safety_line(domain, engine):
    chat = Chat(domain)
    said = chat.say("the kettle leaks a bit from the spout, order 4410-118", "product_defect", anger="calm")
    assert "utter_safety_first" not in said, said


@pytest.mark.parametrize("text, read_as, confidence", [
    ("never got my trainers, order 5531-008, mo.k@example.com", "damaged_or_wrong_item", 0.41),
    ("refund me today or i go to my bank. order 5531-008 never arrived, mo.k@example.com", "refund_request", 0.98),
    ("just cancel order 5531-008, its been a month and its still not here. mo.k@example.com", "cancellation", 0.79),
])
def test_a_parcel_that_never_came_is_a_delivery_complaint_with_re_delivery_offered(domain, engine, text, read_as,
                                                                                     confidence):
    chat = Chat(domain)
    said = chat.say(text, read_as, confidence=confidence)
    assert said[0].startswith("utter_acknowledge"), said
    assert "arrived" in chat.texts[0] and "cancelling" not in chat.texts[0], chat.texts[0]
    assert chat.ticket["category"] == "delivery_problem"
    assert "express re-delivery" in " ".join(chat.texts), chat.texts


def test_a_shrunk_jumper_told_with_every_detail_is_heard_and_offered_a_remedy(domain, engine):
    chat = Chat(domain)
    said = chat.say("the jumper shrank after one wash, 6620-331, ana.k@example.com", "inform", confidence=0.85,
                    ranking={"product_defect": 0.08})
    assert "utter_ask_what_happened" not in said, said
    assert said[0].startswith("utter_acknowledge") and "jumper" in chat.texts[0], chat.texts
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    assert chat.ticket["category"] == "product_defect"


@pytest.mark.parametrize("text, read_as, named, wrong", [
    ("the oven glove has a burn hole in it, order 4420-661", "product_defect", "oven glove", r"oven\b(?! glove)"),
    ("the wireless charger only works at one angle, order 2290-618", "product_defect", "charger", "battery"),
    ("the umbrella snapped the first windy day, order 7004-219", "damaged_or_wrong_item", "umbrella", "arriving damaged"),
])
def test_the_reflection_names_the_thing_and_what_happened_to_it(domain, engine, text, read_as, named, wrong):
    import re

    chat = Chat(domain)
    chat.say(text, read_as, anger="calm")
    assert named in chat.texts[0] and not re.search(wrong, chat.texts[0]), chat.texts[0]
