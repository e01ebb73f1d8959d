"""Probe 15 through action_turn: a second order's fault is its own case, the real problem after a vent is the case,
and a corrected reading is said back and put on the ticket.

Each is the shape of a conversation the bot got wrong, in our own words: a missing order then "the other one, <order>,
came with the jug cracked" (taken as a correction of the first order's number); a dropped call then the parcel that
never came, with every detail and "send it again express" (offered goodwill "for being hung up on"); "the dress i got
is all wrong" then "no its not broken, its the wrong colour" (met with "you're right to be upset", never said back).
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions.conftest import Chat


def by_seq(engine):
    return {t["complaint_seq"]: t for t in tickets.list_tickets(engine)}


def test_a_second_order_with_its_own_fault_opens_its_own_case_and_the_first_keeps_its_order(domain, engine):
    chat = Chat(domain)
    chat.say("got two orders from you and the first, 3318-640, just never arrived", "delivery_problem")
    said = chat.say("and the other one, 3318-702, came with the jug cracked down the side", "damaged_or_wrong_item",
                    confidence=0.93)
    assert "utter_detail_updated" not in said, said
    assert "utter_first_complaint_kept" in said and any(n.startswith("utter_acknowledge") for n in said), said
    assert "jug" in " ".join(chat.texts)
    cases = by_seq(engine)
    assert cases[1]["order_number"] == "3318-640" and cases[1]["category"] == "delivery_problem"
    assert cases[2]["order_number"] == "3318-702" and cases[2]["category"] == "damaged_or_wrong_item"


def test_the_parcel_told_after_a_dropped_call_becomes_the_case_and_the_wish_is_matched_to_it(domain, engine):
    chat = Chat(domain)
    chat.say("sat on hold for half an hour on your phone line and it just went dead on me", "staff_complaint",
             anger="frustrated")
    said = chat.say("whatever. parcel 7702-118 never turned up, it was a gift, kim.l@example.com, just send it again "
                    "express", "delivery_problem", confidence=0.96)
    text = " ".join(chat.texts)
    assert any(n.startswith("utter_acknowledge") for n in said), said
    assert "hasn't arrived" in text and "hung up" not in text and "went dead" not in text
    assert "utter_offer_remedies_instead" not in said, "express re-delivery is on offer for a parcel that never came"
    assert any(n.startswith("utter_offer_remedies") for n in said), said
    assert "express" in chat.texts[-1] and "phone" not in chat.texts[-1], "the parcel, not the phone line, said back"
    ticket = chat.ticket
    assert ticket["category"] == "delivery_problem" and ticket["order_number"] == "7702-118"
    assert "went dead" in ticket["description"], "the first words stay on the case for the team"
    assert len(tickets.list_tickets(engine)) == 1


def test_a_corrected_reading_is_thanked_for_said_back_and_put_on_the_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("the coat i got is all wrong", "damaged_or_wrong_item", confidence=0.97)
    said = chat.say("no its not ripped or anything, its the wrong colour. i ordered olive and got black",
                    "damaged_or_wrong_item", confidence=0.85)
    assert said[0] == "utter_problem_reread", said
    assert "utter_vent_acknowledge" not in said
    assert "coat coming in black instead of olive" in chat.texts[0], chat.texts
    assert said[-1].startswith("utter_ask_order_number"), said
    assert "olive" in chat.ticket["description"] and "ripped" not in chat.ticket["description"]


def test_a_corrected_reading_with_the_order_given_asks_only_what_is_missing_and_the_offer_says_it_right(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel 6610-224 is running late", "delivery_problem", confidence=0.99)
    said = chat.say("not late as such, the app says delivered this morning but theres nothing here", "delivery_problem",
                    confidence=0.98)
    assert said[0] == "utter_problem_reread" and said[-1].startswith("utter_ask_customer_email"), said
    assert "delivered" in chat.texts[0]
    said = chat.say("ravi.s@example.com", "inform")
    offer = next(t for n, t in zip(said, chat.texts) if n.startswith("utter_offer_remedies"))
    assert "delivered" in offer and "late" not in offer, offer


def test_a_corrected_reading_that_changes_the_kind_of_problem_changes_the_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("the toaster arrived damaged, order 2217-903", "damaged_or_wrong_item", confidence=0.8)
    said = chat.say("it wasnt damaged, it just stopped heating after four days", "product_defect", confidence=0.85)
    assert said[0] == "utter_problem_reread", said
    assert "toaster" in chat.texts[0] and "damaged" not in chat.texts[0]
    assert chat.ticket["category"] == "product_defect" and chat.ticket["order_number"] == "2217-903"


def test_a_reading_put_right_at_the_offer_makes_the_offer_again_for_the_problem_as_it_is(domain, engine):
    chat = Chat(domain)
    chat.say("my trainers are late, order 4410-562, jo.b@example.com", "delivery_problem", confidence=0.99)
    said = chat.say("its not that theyre late, the tracking says delivered on monday and theyre not here",
                    "delivery_problem", confidence=0.97)
    assert said[0] == "utter_problem_reread" and "utter_vent_acknowledge" not in said, said
    assert "utter_decline_remedies" not in said
    offer = next(t for n, t in zip(said, chat.texts) if n.startswith("utter_offer_remedies"))
    assert "delivered" in offer and "late" not in offer, offer
