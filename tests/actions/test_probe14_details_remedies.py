"""Round-14 strangers' probe, details and remedies, through action_turn.

* An email corrected in the message that gives it ("x@... - no sorry thats my old one, use y@...") kept the old
  one, silently; with earlier tickets on the old address the case was even called a repeat. The one said to be
  right is kept now, and said back.
* "ORD/2291/88" was saved as "2291": the whole reference is kept and said back.
* "i cant be bothered with refunds, id like a new one" set up a refund; "id rather have the cash", "cash please",
  "i just want one that works" at the offer were not understood; "none of those, i just want one that works"
  declined everything.
* "parcel missing" was asked "what happened?" after its details; a wish with the last detail was "noted for later"
  with the offer in the same reply; "no email sorry" was "not an email address".
* "😡😡😡" was "say that again"; "i already gave you my order number on the phone" got an apology for venting and
  the same question again.
"""
from __future__ import annotations

import pytest

from tests.actions.conftest import Chat, remedy_statuses

KETTLE = "the kettle lid wont stay shut, order 5530-120, ida.m@example.com"


@pytest.mark.parametrize("problem, category, answer, next_response, detail, value", [
    # an email corrected in the same message: the one said to be right, said back before anything is sent there
    ("the lamp i ordered still hasnt shown up, order 3381-204", "delivery_problem",
     "kay.l@example.com - no sorry thats my old one, use kay.lund@example.com", "utter_offer_remedies",
     "customer_email", "kay.lund@example.com"),
    # a reference with slashes: whole, never a fragment, and said back
    ("the blender jug came cracked down the side", "damaged_or_wrong_item", "ORD/4471/22", "utter_ask_customer_email",
     "order_number", "ORD/4471/22"),
])
def test_a_detail_kept_as_meant_and_said_back(domain, engine, problem, category, answer, next_response, detail, value):
    chat = Chat(domain)
    chat.say(problem, category)
    said = chat.say(answer, "inform")
    assert said == ["utter_detail_noted", next_response], said
    assert value in chat.texts[0]
    assert chat.slots[detail] == value and chat.ticket[detail] == value


def test_the_old_address_named_in_a_correction_does_not_make_it_a_repeat(domain, engine):
    earlier = Chat(domain, sender_id="earlier-conversation")
    earlier.say("my rug never came, order 6630-001, a.b@example.com", "delivery_problem")
    chat = Chat(domain)
    chat.say("still no sign of my rug, order 6630-302", "delivery_problem")
    said = chat.say("old one was a.b@example.com, new one is a.bee@example.com", "inform")
    assert "utter_recurrent" not in said and not any(name.startswith("utter_handoff") for name in said), said
    assert chat.slots["customer_email"] == "a.bee@example.com"


def test_a_refund_turned_down_for_a_new_one_offers_the_replacement_first(domain, engine):
    chat = Chat(domain)
    said = chat.say("the toaster burns one side black, order 5530-118, lee.t@example.com. honestly i cant be bothered "
                    "with refunds, id just like a new one that works", "refund_request", confidence=0.6,
                    ranking={"product_defect": 0.25})
    assert said[-1] == "utter_offer_remedies_wanted", said
    assert chat.slots["category"] == "product_defect"
    assert chat.slots["offered_remedies"][0] == "replacement"
    assert "you asked for a replacement" in chat.texts[-1].lower() or "you'd like a replacement" in chat.texts[-1].lower()


@pytest.mark.parametrize("text, kind", [
    ("id rather have the cash tbh", "refund"), ("cash please", "refund"), ("ill just take the money", "refund"),
    ("i prefer the money return please", "refund"), ("i just want one that works", "replacement"),
])
def test_a_choice_in_plain_words_at_the_offer_is_confirmed(domain, engine, text, kind):
    chat = Chat(domain)
    assert chat.say(KETTLE, "product_defect")[-1] == "utter_offer_remedies"
    said = chat.say(text, "vent", confidence=0.55)
    assert said[0] == "utter_remedy_confirmed" and "utter_vent_acknowledge" not in said, said
    assert remedy_statuses(chat.ticket)[kind] == "accepted"


def test_none_of_those_with_one_that_works_is_the_replacement_not_a_decline(domain, engine):
    chat = Chat(domain)
    chat.say("the desk lamp flickers nonstop, 2290-619, una.s@example.com", "product_defect")
    said = chat.say("none of those, i just want a lamp that actually works", "deny", confidence=0.7)
    assert said[0] == "utter_remedy_confirmed" and "utter_remedy_declined" not in said, said
    assert remedy_statuses(chat.ticket) == {"replacement": "accepted", "refund": "declined", "store_credit": "declined"}


def test_none_of_those_alone_still_declines_them_all(domain, engine):
    chat = Chat(domain)
    chat.say("the desk lamp flickers nonstop, 2290-619, una.s@example.com", "product_defect")
    assert chat.say("none of those", "deny")[0] == "utter_remedy_declined"


def test_parcel_missing_is_not_asked_what_happened_and_money_back_at_the_offer_chooses(domain, engine):
    chat = Chat(domain)
    chat.say("parcel missing", "delivery_problem")
    chat.say("7781240", "inform")
    assert chat.say("ty@example.com", "inform") == ["utter_offer_remedies"]
    assert chat.say("money back", "choose_remedy")[0] == "utter_remedy_confirmed"
    assert "parcel missing" in chat.ticket["description"]


def test_no_email_sorry_goes_on_without_it_to_the_offer(domain, engine):
    chat = Chat(domain)
    chat.say("order late", "delivery_problem")
    chat.say("A-55130", "inform")
    said = chat.say("no email sorry", "other", confidence=0.4)
    assert said == ["utter_cannot_give_ok", "utter_offer_remedies"], said
    assert chat.say("refund", "choose_remedy")[0] == "utter_remedy_confirmed_no_email"


def test_a_wish_with_the_last_detail_leads_the_offer_without_a_come_back_later(domain, engine):
    chat = Chat(domain)
    chat.say("box arrived empty", "delivery_problem")
    chat.say("6631-402", "inform")
    said = chat.say("gus.k@example.com and id like a refund", "inform")
    assert said == ["utter_offer_remedies_wanted"], said
    assert chat.slots["offered_remedies"][0] == "refund"


def test_a_wish_while_more_is_still_to_ask_is_noted_for_the_offer(domain, engine):
    chat = Chat(domain)
    chat.say("box arrived empty", "delivery_problem")
    said = chat.say("id like a refund", "choose_remedy")
    assert said == ["utter_remedy_wish_noted", "utter_ask_order_number"], said


def test_angry_faces_alone_are_heard_and_what_happened_is_asked(domain, engine):
    chat = Chat(domain)
    said = chat.say("😡😡😡", "nlu_fallback", confidence=0.3)
    assert said == ["utter_ask_problem_description_after_vent"], said


@pytest.mark.parametrize("first, given, text, detail", [
    ("wheres my stuff", "#A-10024", "same as on the acount", "email"),
    ("my parcel is lost", None, "i already gave you my order number on the phone yesterday!!", "order number"),
])
def test_you_already_have_it_is_answered_honestly_then_asked_once_more(domain, engine, first, given, text, detail):
    chat = Chat(domain)
    chat.say(first, "delivery_problem")
    if given:
        chat.say(given, "inform")
    said = chat.say(text, "vent", confidence=0.6)
    assert said[0] == "utter_detail_not_visible" and "utter_vent_acknowledge" not in said, said
    assert detail in chat.texts[0]
    assert said[1].startswith("utter_ask_"), said
