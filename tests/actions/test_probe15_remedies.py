"""Round-15 strangers' probe, bargaining at the offer, through action_turn.

* "can i have both a refund and a replacement?" was confirmed as a refund: a question naming two remedies is no
  choice. Now: one of them, which? Nothing agreed.
* "a refund AND compensation for my time", "money back plus free delivery for a year": the refund was confirmed
  and the rest never mentioned. Now the refund is agreed and the rest is said plainly to be for the team, and
  noted on the ticket.
* "I want 200 euro store credit or Im leaving a 1 star review everywhere" was confirmed as a €10 goodwill credit,
  then taken as the customer leaving. Now nothing smaller is swapped in: the wish is noted for the team, what can
  be given is said, and the customer chooses; a review threatened is no goodbye.
* "thanks for nothing" at the offer got "you're right to be upset" and "I'm not sure which one you'd like". Now a
  short sorry, the offer once more and a person to ask for, in one reply.
"""
from __future__ import annotations

import pytest

from tests.actions.conftest import Chat, remedy_statuses

AIR_FRYER = ("the air fryer basket came bent and wont slide in. 2290-118, jo.p@example.com", "damaged_or_wrong_item")
LATE = ("3 weeks and my order 6631-002 still hasnt come. i took 2 days off work waiting in for it. may.s@example.com",
        "delivery_problem")
LOCKED_OUT = ("locked out of my account since the password reset, email is kit.r@example.com", "account_access")
CONFIRMED = ("utter_remedy_confirmed", "utter_remedy_confirmed_no_email")


def offered(domain, problem: tuple[str, str]) -> Chat:
    chat = Chat(domain)
    said = chat.say(*problem)
    assert said[-1].startswith("utter_offer_remedies"), said
    return chat


@pytest.mark.parametrize("text, intent", [
    ("can i have both a refund and a replacement? ive wasted a whole evening on this", "choose_remedy"),
    ("could i get my money back AND a new one sent out", "choose_remedy"),
    ("refund plus replacement pls, its the least you can do", "vent"),
    ("can i have both?", "other"),
])
def test_two_remedies_asked_for_together_are_answered_not_chosen(domain, engine, text, intent):
    chat = offered(domain, AIR_FRYER)
    said = chat.say(text, intent, confidence=0.7)
    assert said == ["utter_one_remedy_at_a_time"], said
    assert "replacement" in chat.texts[0] and "refund" in chat.texts[0]
    assert "accepted" not in remedy_statuses(chat.ticket).values()
    assert chat.ticket["status"] == "open"
    said = chat.say("fine just the replacement", "choose_remedy")
    assert said[0] == "utter_remedy_confirmed", said
    assert remedy_statuses(chat.ticket)["replacement"] == "accepted"


@pytest.mark.parametrize("problem, text, kind, extra", [
    (LATE, "i want a refund AND compensation for my time", "refund", "compensation for your time"),
    (AIR_FRYER, "i want my money back plus free delivery for a year", "refund", "free delivery for a year"),
    (AIR_FRYER, "send a replacement and give me free shipping on my next order too", "replacement",
     "free shipping on your next order"),
])
def test_the_remedy_on_offer_is_agreed_and_the_rest_is_noted_for_the_team(domain, engine, problem, text, kind, extra):
    chat = offered(domain, problem)
    said = chat.say(text, "choose_remedy", confidence=0.8)
    assert said[:2] == ["utter_remedy_confirmed", "utter_beyond_noted"], said
    assert extra in chat.texts[1] and chat.slots["ticket_reference"] in chat.texts[1]
    assert remedy_statuses(chat.ticket)[kind] == "accepted"
    assert extra.replace("your", "my") in chat.ticket["description"], "the wish is on the ticket for the team"
    assert chat.ticket["status"] == "open", "the team still has something to decide"
    said = chat.say("ok just the refund then" if kind == "refund" else "ok fine", "choose_remedy")
    assert not any(name.startswith(("utter_ask_order_number", "utter_ask_customer_email")) for name in said), said


@pytest.mark.parametrize("problem, text, wish", [
    (LOCKED_OUT, "I want 200 euro store credit or Im leaving a 1 star review everywhere", "200 euro store credit"),
    (LOCKED_OUT, "give me £50 compensation and we're even", "£50 compensation"),
    (LATE, "€100 store credit, nothing less", "€100 store credit"),
    (LOCKED_OUT, "40% off my next order or im off to trustpilot", "40% off"),
])
def test_an_amount_above_the_offer_is_noted_not_swapped_and_the_customer_chooses(domain, engine, problem, text, wish):
    chat = offered(domain, problem)
    said = chat.say(text, "choose_remedy", confidence=0.7, anger="angry")
    assert said == ["utter_beyond_the_offer"], said
    assert wish in chat.texts[0] and chat.slots["ticket_reference"] in chat.texts[0]
    assert "person" in chat.texts[0]
    assert "accepted" not in remedy_statuses(chat.ticket).values()
    assert wish in chat.ticket["description"]
    assert chat.slots["stage"] == "remedy_offered", "still the customer's choice"


def test_an_amount_within_the_offer_is_simply_the_choice(domain, engine):
    chat = offered(domain, LOCKED_OUT)
    said = chat.say("ok the €10 credit is fine", "choose_remedy")
    assert said[0] == "utter_remedy_confirmed", said
    assert remedy_statuses(chat.ticket)["goodwill"] == "accepted"


def test_store_credit_named_where_only_a_goodwill_credit_is_offered_is_not_swapped(domain, engine):
    chat = offered(domain, LOCKED_OUT)
    said = chat.say("store credit please", "choose_remedy")
    assert said == ["utter_ask_which_remedy_not_available"], said
    assert "accepted" not in remedy_statuses(chat.ticket).values()


@pytest.mark.parametrize("text", ["thanks for nothing", "wow. thanks a lot for nothing", "is that it?"])
def test_sarcasm_at_the_offer_gets_one_short_sorry_and_the_offer_again(domain, engine, text):
    chat = offered(domain, ("the mattress topper smells like chemicals and gave me a headache. order 77331, "
                            "gus.p@example.com", "product_defect"))
    said = chat.say(text, "vent", confidence=0.6)
    assert said == ["utter_ask_which_remedy_after_scoff"], said
    assert "refund" in chat.texts[0] and "person" in chat.texts[0]
    said = chat.say("thanks for nothing", "vent", confidence=0.6)
    assert said == ["utter_offer_human_rising"], "asked twice: a person offered, not the list a third time"


@pytest.mark.parametrize("text, wish", [
    ("parcel 6631-118 never came, 3 weeks now. tom.b@example.com. i want 200 euro store credit", "200 euro store credit"),
    ("my order 6631-119 is 2 weeks late and I want €80 store credit for it, lin.c@example.com", "€80 store credit"),
])
def test_an_amount_above_the_offer_told_before_it_is_not_led_with_as_if_granted(domain, engine, text, wish):
    chat = Chat(domain)
    said = chat.say(text, "delivery_problem")
    assert said[-1] == "utter_offer_remedies_instead", said
    assert wish in chat.texts[-1] and "€20 store credit" in chat.texts[-1]
    assert wish in chat.ticket["description"]
    chat.say("yes", "affirm")
    assert remedy_statuses(chat.ticket).get("store_credit") != "accepted", "a yes is not a yes to the smaller credit"


def test_an_amount_within_the_offer_told_before_it_leads_the_offer(domain, engine):
    chat = Chat(domain)
    said = chat.say("parcel 6631-120 never came. ria.d@example.com. 20 euro store credit would do", "delivery_problem")
    assert said[-1] == "utter_offer_remedies_wanted", said
